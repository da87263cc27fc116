/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SEGREGATE_JAIL_H
#define SEGREGATE_JAIL_H

#include <stddef.h>
#include <stdint.h>

#include <segregate/context.h>
#include <segregate/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Jails: unprivileged LXC containers that segregate created, registered in
 * STATE_DIR/registry and kept in the context's lxcpath (so lxc-ls -P,
 * lxc-attach -P and lxc-info -P work on them).  Every call refuses to act
 * on a container segregate did not create.  Calls that change a jail take
 * the registry's lock, so they may run concurrently from several processes.
 */

enum {
	SEG_JAIL_CREATE_START = 1 << 0, /* seg_jail_create: start the jail too */
};

enum {
	SEG_JAIL_STOP_KILL = 1 << 0, /* seg_jail_stop: no clean shutdown, kill at once */
};

enum {
	SEG_JAIL_DESTROY_FORCE = 1 << 0, /* seg_jail_destroy: stop a running jail first */
};

/**
 * seg_jail_create - allocates an index, address, uid range and veth for
 * NAME in the registry, renders its LXC config and seccomp policy, builds
 * its small writable tree and registers the container with liblxc.
 * Exactly one of role (a role profile name) and topology (the path of a
 * topology file declaring NAME) is given.  flags: SEG_JAIL_CREATE_START.
 * On failure everything made is removed and the registry is unchanged.
 * Returns 0, -EEXIST if NAME exists, -EINVAL for a bad name or arguments,
 * or another negative errno.
 */
int seg_jail_create(const seg_ctx *ctx, const char *name, const char *role, const char *topology,
		    unsigned flags, seg_error **err);

/**
 * seg_jail_start - starts the jail NAME (daemonized) and waits until it
 * runs, then brings up its network.  A failure stops what was started.
 * Returns 0, -ENOENT if there is no such jail, -EPERM if segregate did not
 * create it, -EALREADY if it runs, or another negative errno.
 */
int seg_jail_start(const seg_ctx *ctx, const char *name, seg_error **err);

/**
 * seg_jail_stop - asks the jail's init to shut down, waiting up to timeout
 * seconds, then kills it.  flags: SEG_JAIL_STOP_KILL.  Stopping a stopped
 * jail succeeds.  Returns 0, -ENOENT, -EPERM or another negative errno.
 */
int seg_jail_stop(const seg_ctx *ctx, const char *name, int timeout, unsigned flags,
		  seg_error **err);

/**
 * seg_jail_destroy - removes everything the jail NAME owns: its network
 * elements, config, seccomp policy, tree, logs and registry entry.  A
 * running jail is refused (-EBUSY) unless flags has SEG_JAIL_DESTROY_FORCE.
 * Returns 0, -ENOENT, -EPERM, -EBUSY or another negative errno.
 */
int seg_jail_destroy(const seg_ctx *ctx, const char *name, unsigned flags, seg_error **err);

/* A snapshot of every jail, from seg_jail_list(). */
/**
 * seg_jail_exec - runs argv (argv[0] is looked up in the jail's PATH) inside
 * the running jail NAME, in all its namespaces, with its capabilities, its
 * seccomp policy including the compat-ABI layer (unlike a bare lxc-attach)
 * and no_new_privs, and a clean environment.  Waits for it and stores its
 * exit status (128 + signal number when killed) in *ret_status.
 * Returns 0, or -ENOENT (no such jail), -EPERM (not segregate's), -ESRCH
 * (not running), -EINVAL, -EIO.
 */
int seg_jail_exec(const seg_ctx *ctx, const char *name, char *const argv[], int *ret_status,
		  seg_error **err);

typedef struct seg_jail_info seg_jail_info;

/* What seg_jail_info_get_str() and seg_jail_info_get_u64() return. */
typedef enum seg_jail_attr {
	SEG_JAIL_ATTR_NAME,      /* str */
	SEG_JAIL_ATTR_ROLE,      /* str */
	SEG_JAIL_ATTR_STATE,     /* str: RUNNING, STOPPED, ... as LXC reports it */
	SEG_JAIL_ATTR_ADDRESS,   /* str: dotted IPv4 */
	SEG_JAIL_ATTR_VETH,      /* str: host-side veth */
	SEG_JAIL_ATTR_BASE,      /* str: "host" or "dir:/path" */
	SEG_JAIL_ATTR_TOPOLOGY,  /* str: topology file, or NULL */
	SEG_JAIL_ATTR_INDEX,     /* u64 */
	SEG_JAIL_ATTR_UID_BASE,  /* u64: first host uid (and gid) */
	SEG_JAIL_ATTR_UID_COUNT, /* u64 */
	SEG_JAIL_ATTR_PID,       /* u64: init pid, 0 when not running */
	SEG_JAIL_ATTR_DISK,      /* u64: bytes used by LXCPATH/NAME */
	SEG_JAIL_ATTR_CREATED,   /* u64: seconds since the epoch */
} seg_jail_attr;

/**
 * seg_jail_list - reads the registry and asks liblxc for each jail's state.
 * Stores a snapshot in *ret (free with seg_jail_info_free()).  Returns 0 or
 * a negative errno.
 */
int seg_jail_list(const seg_ctx *ctx, seg_jail_info **ret, seg_error **err);

/**
 * seg_jail_info_count - the number of jails in the snapshot.
 */
size_t seg_jail_info_count(const seg_jail_info *info);

/**
 * seg_jail_info_get_str - a string attribute of jail i, valid until the
 * snapshot is freed; NULL for a number attribute, an index out of range or
 * an unset value.
 */
const char *seg_jail_info_get_str(const seg_jail_info *info, size_t i, seg_jail_attr attr);

/**
 * seg_jail_info_get_u64 - a number attribute of jail i; 0 for a string
 * attribute or an index out of range.
 */
uint64_t seg_jail_info_get_u64(const seg_jail_info *info, size_t i, seg_jail_attr attr);

/**
 * seg_jail_info_free - releases info; accepts NULL.  Returns NULL.
 */
seg_jail_info *seg_jail_info_free(seg_jail_info *info);

#ifdef __cplusplus
}
#endif
#endif
