/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The liblxc glue (lib/jail.c, the only file that includes LXC's headers).
 * Containers are addressed by name in the context's lxcpath.  Callers check
 * ownership (registry + config marker) before calling anything here.
 */
#ifndef SEG_JAIL_LXC_H
#define SEG_JAIL_LXC_H

#include <sys/types.h>

#include "context-internal.h"

/* liblxc sees NAME as a defined container and loads its config cleanly. */
int seg_lxc_define(const seg_ctx *ctx, const char *name, seg_error **err);

/*
 * Starts NAME daemonized (c->start), without waiting.  The start runs in a
 * child process that first calls prepare (if not NULL): whatever it sets up
 * there that survives fork and exec (a seccomp filter) is inherited by the
 * container's monitor and init, and the caller itself stays unchanged.
 */
typedef int (*seg_lxc_prepare_fn)(seg_error **err);
int seg_lxc_start(const seg_ctx *ctx, const char *name, seg_lxc_prepare_fn prepare,
		  seg_error **err);

/* Waits up to timeout seconds for NAME to reach state ("RUNNING", "STOPPED"). */
int seg_lxc_wait(const seg_ctx *ctx, const char *name, const char *state, int timeout,
		 seg_error **err);

/*
 * Stops NAME: a clean shutdown with timeout seconds (0: none), then a kill,
 * then waits for STOPPED.  A stopped container is not an error.
 */
int seg_lxc_stop(const seg_ctx *ctx, const char *name, int timeout, seg_error **err);

/*
 * The state as LXC names it ("STOPPED", "RUNNING", ...) copied into state,
 * and the init pid (0 when not running).
 */
int seg_lxc_status(const seg_ctx *ctx, const char *name, char state[static 16], pid_t *ret_pid,
		   seg_error **err);

/*
 * Runs argv in the running jail NAME (liblxc attach: every namespace, the
 * config's capabilities, seccomp policy and no_new_privs, a clean
 * environment) from a forked child that first calls prepare, so the
 * command gets the same stacked filters as the jail's init.  Stores the
 * command's exit status (128+signal when killed) in *ret_status.
 */
int seg_lxc_exec(const seg_ctx *ctx, const char *name, char *const argv[],
		 seg_lxc_prepare_fn prepare, int *ret_status, seg_error **err);

#endif
