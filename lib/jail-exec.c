/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running a command inside a jail with exactly the jail's confinement.
 * A bare `lxc-attach` gets only LXC's seccomp layer, which lets i386
 * (int 0x80) and x32 calls reach the allowed syscall names; here the
 * compat-ABI layer is stacked first, as for the jail's init.
 */
#include "error-internal.h"
#include "jail-internal.h"
#include "jail-lxc.h"
#include "render.h"

SEG_PUBLIC int seg_jail_exec(const seg_ctx *ctx, const char *name, char *const argv[],
			     int *ret_status, seg_error **err)
{
	_cleanup_(seg_registry_freep) seg_registry *reg = NULL;
	int r, status;

	if (!ctx || !name || !argv || !argv[0] || !ret_status)
		return seg_error_set(err, EINVAL,
				     "seg_jail_exec: ctx, name, a command and ret_status are required");
	if (!seg_jail_name_valid(name))
		return seg_error_set(err, EINVAL,
				     "invalid jail name '%s' (expected [a-z0-9][a-z0-9-]{0,30})", name);
	/* shared lock: only to check ownership; released before the command runs */
	if ((r = seg_registry_open(ctx, SEG_REGISTRY_SHARED, &reg, err)) < 0 ||
	    (r = seg_jail_check_owned(ctx, reg, name, err)) < 0)
		return r;
	reg = seg_registry_free(reg);
	if ((r = seg_lxc_exec(ctx, name, argv, seg_seccomp_apply_compat_block, &status, err)) < 0)
		return seg_error_wrap(err, r, "running '%s' in jail '%s'", argv[0], name);
	*ret_status = status;
	return 0;
}
