/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seg_jail_create: the pure core (topology -> plan -> render) run under the
 * registry's lock, so the plan sees every allocation another process made,
 * then the install transaction (jail-ops.c).
 */
#include <limits.h>
#include <string.h>

#include "error-internal.h"
#include "failpoint.h"
#include "jail-internal.h"
#include "render.h"
#include "spec.h"

SEG_PUBLIC int seg_jail_create(const seg_ctx *ctx, const char *name, const char *role,
			       const char *topology, unsigned flags, seg_error **err)
{
	_cleanup_(seg_registry_freep) seg_registry *reg = NULL;
	_cleanup_(seg_topology_freep) seg_topology *topo = NULL;
	_cleanup_(seg_plan_freep) seg_plan *plan = NULL;
	_cleanup_free_ char *topo_path = NULL, *config = NULL, *seccomp = NULL;
	_cleanup_free_ seg_alloc *allocs = NULL;
	const seg_plan_jail *pj;
	size_t n_allocs = 0;
	int r;

	if (!ctx || !name)
		return seg_error_set(err, EINVAL, "seg_jail_create: ctx and name are required");
	if (!seg_jail_name_valid(name))
		return seg_error_set(err, EINVAL,
				     "invalid jail name '%s' (1 to 31 of a-z 0-9 -, not starting "
				     "with -)",
				     name);
	if (!role == !topology)
		return seg_error_set(err, EINVAL, "give either a role or a topology for '%s'", name);
	if (topology) {
		/* the registry records an absolute path: later tools run elsewhere */
		if (!(topo_path = realpath(topology, NULL)))
			return seg_error_set(err, errno, "topology %s: %m", topology);
	}
	if ((r = seg_registry_open(ctx, SEG_REGISTRY_EXCLUSIVE | SEG_REGISTRY_CREATE, &reg, err)) < 0 ||
	    (r = seg_failpoint("create-lock", err)) < 0)
		return seg_error_wrap(err, r, "creating jail '%s'", name);
	if (seg_registry_find(reg, name))
		return seg_error_set(err, EEXIST, "jail '%s' already exists (seg-ls lists jails)",
				     name);
	r = topo_path ? seg_topology_load(ctx, topo_path, &topo, err)
		      : seg_topology_new_single(ctx, name, role, &topo, err);
	if (r < 0 || (r = seg_registry_allocs(reg, &allocs, &n_allocs, err)) < 0 ||
	    (r = seg_plan_build(ctx, topo, allocs, n_allocs, &plan, err)) < 0)
		return seg_error_wrap(err, r, "creating jail '%s'", name);
	if (!(pj = seg_plan_find_jail(plan, name)))
		return seg_error_set(err, ENOENT, "topology %s declares no jail '%s'", topo_path,
				     name);
	if ((r = seg_failpoint("create-plan", err)) < 0 ||
	    (r = seg_render_lxc_config(ctx, plan, pj, &config, err)) < 0 ||
	    (r = seg_render_seccomp(ctx, pj, &seccomp, err)) < 0 ||
	    (r = seg_failpoint("create-render", err)) < 0)
		return seg_error_wrap(err, r, "creating jail '%s'", name);
	if ((r = seg_jail_install(ctx, reg, pj, topo_path, config, seccomp, err)) < 0)
		return r;
	if (!(flags & SEG_JAIL_CREATE_START))
		return 0;
	/* create --start is one transaction: a jail that cannot start is not kept */
	if ((r = seg_jail_start_locked(ctx, reg, name, err)) < 0) {
		if (seg_jail_remove_locked(ctx, reg, name, NULL) < 0)
			seg_warn(ctx, "could not remove %s after its start failed", name);
		return r;
	}
	return 0;
}
