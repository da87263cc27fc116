/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The jail transactions, shared by the public API (jail-ops.c, jail-create.c)
 * and the privileged tests. */
#ifndef SEG_JAIL_INTERNAL_H
#define SEG_JAIL_INTERNAL_H

#include <sys/types.h>

#include <segregate/jail.h>

#include "context-internal.h"
#include "plan.h"
#include "registry.h"

/* First line of every config segregate writes: the ownership marker. */
#define SEG_JAIL_MARKER "# segregate-jail: "

#define SEG_JAIL_START_TIMEOUT 30 /* seconds to reach RUNNING */

/*
 * Installs the rendered jail pj: makes LXCPATH/NAME (which must not exist),
 * writes the config (marker first) and seccomp policy, builds the tree,
 * checks liblxc loads it, adds the registry entry and commits.  reg must be
 * held exclusively.  On failure removes everything it made.
 */
int seg_jail_install(const seg_ctx *ctx, seg_registry *reg, const seg_plan_jail *pj,
		     const char *topology, const char *config, const char *seccomp,
		     seg_error **err);

/* Start with the registry held exclusively; stops what it started on failure. */
int seg_jail_start_locked(const seg_ctx *ctx, seg_registry *reg, const char *name,
			  seg_error **err);

/*
 * Removes LXCPATH/NAME (never following symlinks) and NAME's registry entry,
 * committing the registry.  The jail must be stopped.  reg held exclusively.
 */
int seg_jail_remove_locked(const seg_ctx *ctx, seg_registry *reg, const char *name,
			   seg_error **err);

/* 0 if NAME is in reg and LXCPATH/NAME/config carries our marker; -ENOENT, -EPERM. */
/* seg_jail_destroy with the registry already held exclusively. */
int seg_jail_destroy_locked(const seg_ctx *ctx, seg_registry *reg, const char *name,
			    unsigned flags, seg_error **err);

int seg_jail_check_owned(const seg_ctx *ctx, const seg_registry *reg, const char *name,
			 seg_error **err);

/* Is root allowed to map [base, base+count) by /etc/subuid and /etc/subgid? */
int seg_jail_check_subids(uint32_t base, uint32_t count, const char *subuid, const char *subgid,
			  seg_error **err);

/*
 * Network hooks, called on start (after the container runs, with its init
 * pid) and on destroy and failed starts: routes, sysctls and nftables
 * elements of the jail (lib/net.c), planned from the locked registry.
 */
int seg_jail_net_up(const seg_ctx *ctx, const seg_registry *reg, const seg_registry_entry *e,
		    pid_t init_pid, seg_error **err);
int seg_jail_net_down(const seg_ctx *ctx, const seg_registry *reg, const seg_registry_entry *e,
		      seg_error **err);

#endif
