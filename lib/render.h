/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Renderers: a planned jail -> LXC config text (lxcconf.c), seccomp policy
 * in LXC's v2 text format (seccomp.c), and the explanation of every grant
 * (explain.c).  Pure functions: same plan, byte-identical output.
 */
#ifndef SEG_RENDER_H
#define SEG_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"
#include "spec.h"

int seg_render_lxc_config(const seg_ctx *ctx, const seg_plan *plan, const seg_plan_jail *jail,
			  char **ret, seg_error **err);
int seg_render_seccomp(const seg_ctx *ctx, const seg_plan_jail *jail, char **ret,
		       seg_error **err);
/* Every capability, syscall group, syscall, family, mount, sysctl granted, with its reason. */
int seg_render_explain(const seg_ctx *ctx, const seg_plan_jail *jail, bool json, char **ret,
		       seg_error **err);

/* Socket families a role may grant (AF_ALG, AF_VSOCK and the rest are never granted). */
#define SEG_SOCKET_FAMILY_NAMES "unix, inet, inet6, netlink-route, netlink-audit, packet"
bool seg_socket_family_lookup(const char *name, int *ret_domain, int *ret_protocol);

/* What a role's policy does with the x86_64 syscalls libseccomp knows. */
typedef struct seg_seccomp_stats {
	size_t allowed;     /* allowed, possibly with argument filters */
	size_t filtered;    /* of which only with argument filters */
	size_t eperm;       /* known, denied with EPERM */
	size_t enosys;      /* denied with ENOSYS (glibc fallbacks, unknown) */
	size_t total;       /* x86_64 syscalls libseccomp knows */
	size_t caps;        /* capabilities kept */
} seg_seccomp_stats;

int seg_seccomp_stats_for(const seg_role *role, seg_seccomp_stats *ret, seg_error **err);

/* Is NAME allowed by ROLE (directly or through a group)? */
bool seg_role_allows_syscall(const seg_role *role, const char *name);

/*
 * seg_seccomp_compile - builds a libseccomp filter (scmp_filter_ctx, as
 * void *) from policy TEXT in LXC's v2 format.  With lxc_semantics, exactly
 * as LXC 5.0.2 does on x86_64: every rule is added for x86_64, i386 and x32
 * alike.  Without, rules apply to x86_64 only and i386/x32 get the default
 * action for every syscall: the effective policy once
 * seg_seccomp_compat_block() is stacked on top.  Release with seccomp_release().
 */
int seg_seccomp_compile(const char *text, bool lxc_semantics, void **ret, seg_error **err);

/*
 * seg_seccomp_compat_block - a filter allowing every native x86_64 syscall
 * and answering ENOSYS to every i386 (int 0x80) and x32 syscall.  LXC's
 * format cannot keep compat ABIs out of an allowlist (see seccomp.c); this
 * second layer, stacked by whoever execs in the jail, does.
 */
int seg_seccomp_compat_block(void **ret, seg_error **err);

/*
 * seg_seccomp_apply_compat_block - loads that filter into the calling
 * process (sets no_new_privs).  For the code that execs a jail's init or an
 * attached command: call it in the child, inside the jail, right before exec.
 */
int seg_seccomp_apply_compat_block(seg_error **err);

/* Writes the BPF program of a compiled filter to FD. */
int seg_seccomp_export_bpf(void *filter, int fd, seg_error **err);

#endif
