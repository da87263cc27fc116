/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SEGREGATE_PROFILE_H
#define SEGREGATE_PROFILE_H

#include <segregate/context.h>
#include <segregate/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * seg_role: a role profile (profiles/roles/NAME.yaml) with its `extends`
 * chain resolved: capabilities kept, syscalls allowed, limits, mounts, each
 * grant with its reason.
 */
typedef struct seg_role seg_role;

/**
 * seg_topology: a validated topology: jails with their roles and overrides,
 * the address pool, the uid base, ingress, flows, egress.
 */
typedef struct seg_topology seg_topology;

/**
 * seg_role_load - loads role NAME from seg_ctx_get_profile_dir(ctx)/roles/NAME.yaml,
 * resolving `extends`.  Returns 0 and stores the role in *ret, or a negative
 * errno: -ENOENT (no such role), -EINVAL (invalid file: the error names
 * file:line:column), -ELOOP (cycle in extends), -ENOMEM.
 */
int seg_role_load(const seg_ctx *ctx, const char *name, seg_role **ret, seg_error **err);

/**
 * seg_role_free - releases r; accepts NULL.  Returns NULL.
 */
seg_role *seg_role_free(seg_role *r);

/**
 * seg_role_list - the names of the roles in the profile directory, sorted,
 * as a NULL-terminated array the caller frees (each string, then the array).
 * Returns 0 or a negative errno.
 */
int seg_role_list(const seg_ctx *ctx, char ***ret, seg_error **err);

/**
 * seg_topology_load - parses and validates the topology file PATH (roles
 * come from the context's profile directory).  Returns 0 or a negative
 * errno; errors name file:line:column and what would be valid.
 */
int seg_topology_load(const seg_ctx *ctx, const char *path, seg_topology **ret,
		      seg_error **err);

/**
 * seg_topology_new_single - a topology of one jail JAIL with role ROLE and
 * defaults for everything else (pool, uid base, base "host").  Returns 0 or
 * a negative errno (-EINVAL for an invalid jail name).
 */
int seg_topology_new_single(const seg_ctx *ctx, const char *jail, const char *role,
			    seg_topology **ret, seg_error **err);

/**
 * seg_topology_free - releases t; accepts NULL.  Returns NULL.
 */
seg_topology *seg_topology_free(seg_topology *t);

/* What seg_profile_render() produces. */
typedef enum seg_render_kind {
	SEG_RENDER_LXC_CONFIG = 0, /* the jail's LXC config */
	SEG_RENDER_SECCOMP = 1,    /* the jail's seccomp policy, LXC v2 format */
	SEG_RENDER_EXPLAIN = 2,    /* every grant with its reason, and the counts */
	SEG_RENDER_EXPLAIN_JSON = 3,
} seg_render_kind;

/**
 * seg_profile_render - renders jail JAIL of TOPO as KIND, planning from an
 * empty registry (indexes in declaration order).  Stores a malloc'd string
 * in *ret.  Returns 0, -ENOENT (no such jail) or another negative errno.
 */
int seg_profile_render(const seg_ctx *ctx, const seg_topology *topo, const char *jail,
		       seg_render_kind kind, char **ret, seg_error **err);

#ifdef __cplusplus
}
#endif
#endif
