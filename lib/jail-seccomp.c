/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The second seccomp layer of a jail.  LXC's policy format cannot keep the
 * i386 (int 0x80) and x32 ABIs out of an allowlist (lib/seccomp.c explains
 * why), so the process that starts the container stacks a filter answering
 * ENOSYS to every compat syscall; the monitor and the container's init
 * inherit it across fork and exec, and every process of the jail descends
 * from init.  Processes entered with lxc-attach do not descend from init and
 * only get LXC's layer: a known limit of LXC's format.
 */
#include <seccomp.h>
#include <string.h>

#include "error-internal.h"
#include "jail-internal.h"
#include "render.h"

int seg_jail_stack_compat_block(seg_error **err)
{
	void *filter = NULL;
	int r;

	if ((r = seg_seccomp_compat_block(&filter, err)) < 0)
		return seg_error_wrap(err, r, "building the compat ABI filter");
	r = seccomp_load(filter);
	seccomp_release(filter);
	if (r < 0)
		return seg_error_set(err, -r, "loading the compat ABI filter: %s", strerror(-r));
	return 0;
}
