/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Jail transactions: install (the second half of create), start, stop,
 * destroy.  Every step that changes the host has a failpoint, and a failure
 * undoes what the transaction made, in reverse order.
 */
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "error-internal.h"
#include "failpoint.h"
#include "fs-util.h"
#include "jail-internal.h"
#include "jail-lxc.h"
#include "net.h"
#include "render.h"
#include "tree.h"

static int open_lxcpath(const seg_ctx *ctx, bool create, seg_error **err)
{
	const char *lxcpath = seg_ctx_get_lxcpath(ctx);
	int fd, r;

	if (!lxcpath)
		return seg_error_set(err, ENOMEM, "out of memory");
	/* 0755: lxc-ls -P and the jails' roots (through idmap) must traverse it */
	if (create && (r = seg_mkdir_p(lxcpath, 0755, err)) < 0)
		return seg_error_wrap(err, r, "creating the lxcpath");
	fd = open(lxcpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return seg_error_set(err, errno, "opening lxcpath %s: %m", lxcpath);
	return fd;
}

static int subid_covers(const char *path, uint32_t base, uint32_t count, seg_error **err)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[256];

	if (!f)
		return seg_error_set(err, errno, "cannot read %s: %m; add 'root:%u:1073741824' to it",
				     path, SEG_DEFAULT_UID_BASE);
	while (fgets(line, sizeof(line), f)) {
		char who[64];
		unsigned long long start, n;

		if (sscanf(line, "%63[^:]:%llu:%llu", who, &start, &n) != 3)
			continue;
		if (strcmp(who, "root") != 0 && strcmp(who, "0") != 0)
			continue;
		if (start <= base && (uint64_t)base + count <= start + n)
			return 0;
	}
	return seg_error_set(err, EPERM,
			     "%s gives root no range covering %u-%u; add 'root:%u:1073741824' to it",
			     path, base, base + count - 1, SEG_DEFAULT_UID_BASE);
}

int seg_jail_check_subids(uint32_t base, uint32_t count, const char *subuid, const char *subgid,
			  seg_error **err)
{
	int r = subid_covers(subuid ? subuid : "/etc/subuid", base, count, err);

	return r < 0 ? r : subid_covers(subgid ? subgid : "/etc/subgid", base, count, err);
}

int seg_jail_check_owned(const seg_ctx *ctx, const seg_registry *reg, const char *name,
			 seg_error **err)
{
	_cleanup_close_ int lxc = -1, dir = -1, fd = -1;
	char want[SEG_NAME_MAX + 32], got[SEG_NAME_MAX + 32];
	ssize_t n;

	if (!seg_registry_find(reg, name)) {
		lxc = open_lxcpath(ctx, false, NULL);
		if (lxc >= 0 && faccessat(lxc, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			return seg_error_set(err, EPERM,
					     "container '%s' in %s was not created by segregate; "
					     "refusing to touch it",
					     name, seg_ctx_get_lxcpath(ctx));
		return seg_error_set(err, ENOENT, "no jail named '%s' (seg-ls lists them)", name);
	}
	if ((lxc = open_lxcpath(ctx, false, err)) < 0)
		return lxc;
	dir = openat(lxc, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir >= 0)
		fd = openat(dir, "config", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return seg_error_set(err, errno == ENOENT ? ENOENT : EPERM,
				     "jail '%s' is registered but its config is missing or not a "
				     "plain file (%m)",
				     name);
	snprintf(want, sizeof(want), SEG_JAIL_MARKER "%s\n", name);
	n = read(fd, got, strlen(want));
	if (n != (ssize_t)strlen(want) || memcmp(got, want, (size_t)n) != 0)
		return seg_error_set(err, EPERM,
				     "config of '%s' lacks the segregate marker '%.*s'; refusing to "
				     "touch a container segregate did not write",
				     name, (int)strlen(want) - 1, want);
	return 0;
}

/*
 * The jail's network (lib/net.c): host route in table local and sysctls on
 * its veth, its /32 routes inside (setns into its init's namespace), its
 * nftables elements.  The plan is the registry's jails with the flows of the
 * jail's topology (a jail made with --role: addresses only), built from the
 * registry the caller holds locked.
 */
static int net_plan(const seg_ctx *ctx, const seg_registry *reg, const seg_registry_entry *e,
		    seg_plan **ret, seg_error **err)
{
	return e->topology ? seg_net_plan_from_registry(ctx, reg, e->topology, ret, err)
			   : seg_net_plan_addresses(reg, ret, err);
}

int seg_jail_net_up(const seg_ctx *ctx, const seg_registry *reg, const seg_registry_entry *e,
		    pid_t init_pid, seg_error **err)
{
	_cleanup_(seg_plan_freep) seg_plan *plan = NULL;
	const seg_plan_jail *pj;
	int r;

	if ((r = net_plan(ctx, reg, e, &plan, err)) < 0)
		return r;
	if (!(pj = seg_plan_find_jail(plan, e->name)))
		return seg_error_set(err, ENOENT, "jail '%s' is missing from its network plan",
				     e->name);
	return seg_net_jail_up(ctx, plan, pj, init_pid, err);
}

int seg_jail_net_down(const seg_ctx *ctx, const seg_registry *reg, const seg_registry_entry *e,
		      seg_error **err)
{
	_cleanup_(seg_plan_freep) seg_plan *plan = NULL;
	const seg_plan_jail *pj;
	int r;

	if ((r = net_plan(ctx, reg, e, &plan, err)) < 0)
		return r;
	if (!(pj = seg_plan_find_jail(plan, e->name)))
		return 0; /* never connected */
	return seg_net_jail_down(ctx, plan, pj, err);
}

int seg_jail_remove_locked(const seg_ctx *ctx, seg_registry *reg, const char *name,
			   seg_error **err)
{
	_cleanup_close_ int lxc = -1;
	int r;

	if ((lxc = open_lxcpath(ctx, false, err)) < 0 && lxc != -ENOENT)
		return lxc;
	/* files first: a registry entry without files can still be destroyed,
	 * files without an entry could not */
	if (lxc >= 0 && (r = seg_tree_remove(lxc, name, err)) < 0)
		return seg_error_wrap(err, r, "removing %s/%s", seg_ctx_get_lxcpath(ctx), name);
	if (seg_registry_find(reg, name)) {
		if ((r = seg_registry_remove(reg, name, err)) < 0 ||
		    (r = seg_registry_commit(reg, err)) < 0)
			return r;
	}
	return 0;
}

int seg_jail_install(const seg_ctx *ctx, seg_registry *reg, const seg_plan_jail *pj,
		     const char *topology, const char *config, const char *seccomp,
		     seg_error **err)
{
	_cleanup_close_ int lxc = -1, dir = -1;
	_cleanup_free_ char *marker = NULL;
	seg_registry_entry e = { .index = pj->index,
				 .base = pj->base,
				 .topology = (char *)topology,
				 .addr = pj->addr,
				 .uid_base = pj->uid_base,
				 .uid_count = pj->uid_count,
				 .created = (int64_t)time(NULL) };
	seg_tree_params tp = { .name = pj->name, .base = pj->base, .addr = pj->addr,
			       .config = config };
	bool made_dir = false;
	int r;

	snprintf(e.name, sizeof(e.name), "%s", pj->name);
	snprintf(e.role, sizeof(e.role), "%s", pj->role_name);
	snprintf(e.veth, sizeof(e.veth), "%s", pj->veth);
	if (seg_registry_find(reg, pj->name))
		return seg_error_set(err, EEXIST, "jail '%s' already exists", pj->name);
	if ((r = seg_jail_check_subids(pj->uid_base, pj->uid_count, NULL, NULL, err)) < 0)
		return r;
	if (asprintf(&marker, SEG_JAIL_MARKER "%s\n", pj->name) < 0)
		return seg_error_set(err, ENOMEM, "out of memory");
	if ((lxc = open_lxcpath(ctx, true, err)) < 0)
		return lxc;
	if (mkdirat(lxc, pj->name, 0700) < 0) {
		if (errno == EEXIST)
			return seg_error_set(err, EEXIST,
					     "%s/%s exists but is not in the registry; not touching "
					     "a container segregate did not create",
					     seg_ctx_get_lxcpath(ctx), pj->name);
		return seg_error_set(err, errno, "creating %s/%s: %m", seg_ctx_get_lxcpath(ctx),
				     pj->name);
	}
	made_dir = true;
	dir = openat(lxc, pj->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0) {
		r = seg_error_set(err, errno, "opening %s: %m", pj->name);
		goto fail;
	}
	/* 0700: through the idmapped rootfs, files the jail's root makes are owned
	 * by host uid 0 on disk (a setuid binary too); no host user may reach
	 * them.  LXC mounts the rootfs as host root, so the jail still starts. */
	if (fchmod(dir, 0700) < 0) {
		r = seg_error_set(err, errno, "chmod %s: %m", pj->name);
		goto fail;
	}
	if ((r = seg_failpoint("create-dir", err)) < 0 ||
	    (r = seg_write_atomic_at(dir, "config", marker, config, 0644, err)) < 0 ||
	    (r = seg_failpoint("create-config", err)) < 0 ||
	    (r = seg_write_atomic_at(dir, "seccomp", seccomp, NULL, 0644, err)) < 0 ||
	    (r = seg_failpoint("create-seccomp", err)) < 0 ||
	    (r = seg_tree_build(ctx, dir, &tp, err)) < 0 ||
	    (r = seg_failpoint("create-tree", err)) < 0 ||
	    (r = seg_lxc_define(ctx, pj->name, err)) < 0 ||
	    (r = seg_failpoint("create-define", err)) < 0 ||
	    (r = seg_registry_add(reg, &e, err)) < 0)
		goto fail;
	if ((r = seg_registry_commit(reg, err)) < 0) {
		seg_registry_remove(reg, pj->name, NULL);
		goto fail;
	}
	if ((r = seg_failpoint("create-register", err)) < 0) {
		/* committed: undo on disk as destroy would */
		seg_jail_remove_locked(ctx, reg, pj->name, NULL);
		return r;
	}
	seg_info(ctx, "created jail %s (index %u)", pj->name, pj->index);
	return 0;
fail:
	if (made_dir) {
		int k = seg_tree_remove(lxc, pj->name, NULL);
		if (k < 0)
			seg_warn(ctx, "could not remove %s after a failure: %s", pj->name,
				 strerror(-k));
	}
	return seg_error_wrap(err, r, "creating jail '%s'", pj->name);
}

/* An init that exits at once passed through RUNNING: do not report it started. */
static int still_running(const seg_ctx *ctx, const char *name, seg_error **err)
{
	char state[16];
	int r = seg_lxc_status(ctx, name, state, NULL, err);

	if (r < 0 || strcmp(state, "RUNNING") == 0)
		return r;
	return seg_error_set(err, ECHILD,
			     "jail '%s' is %s right after starting: its init exited (see "
			     "%s/%s/console.log)",
			     name, state, seg_ctx_get_lxcpath(ctx), name);
}

int seg_jail_start_locked(const seg_ctx *ctx, seg_registry *reg, const char *name,
			  seg_error **err)
{
	const seg_registry_entry *e;
	char state[16];
	pid_t pid = 0;
	int r;

	if ((r = seg_jail_check_owned(ctx, reg, name, err)) < 0)
		return r;
	e = seg_registry_find(reg, name);
	if ((r = seg_failpoint("start-lock", err)) < 0)
		goto fail;
	if ((r = seg_lxc_status(ctx, name, state, NULL, err)) < 0)
		return seg_error_wrap(err, r, "starting jail '%s'", name);
	if (strcmp(state, "STOPPED") != 0)
		return seg_error_set(err, EALREADY, "jail '%s' is %s, not STOPPED", name, state);
	/* the compat-ABI layer (lib/seccomp.c): LXC's format cannot keep i386 and
	 * x32 out, so the starter stacks it and the jail's init inherits it */
	if ((r = seg_lxc_start(ctx, name, seg_seccomp_apply_compat_block, err)) < 0 || (r = seg_failpoint("start-lxc", err)) < 0 ||
	    (r = seg_lxc_wait(ctx, name, "RUNNING", SEG_JAIL_START_TIMEOUT, err)) < 0 ||
	    (r = seg_failpoint("start-running", err)) < 0 || (r = still_running(ctx, name, err)) < 0 ||
	    (r = seg_lxc_status(ctx, name, state, &pid, err)) < 0 ||
	    (r = seg_jail_net_up(ctx, reg, e, pid, err)) < 0 || (r = seg_failpoint("start-net", err)) < 0 ||
	    (r = still_running(ctx, name, err)) < 0)
		goto fail;
	seg_info(ctx, "started jail %s", name);
	return 0;
fail:
	seg_jail_net_down(ctx, reg, e, NULL);
	if (seg_lxc_stop(ctx, name, 0, NULL) < 0)
		seg_warn(ctx, "could not stop %s after a failed start", name);
	return seg_error_wrap(err, r, "starting jail '%s'", name);
}

SEG_PUBLIC int seg_jail_start(const seg_ctx *ctx, const char *name, seg_error **err)
{
	_cleanup_(seg_registry_freep) seg_registry *reg = NULL;
	int r;

	if (!ctx || !name)
		return seg_error_set(err, EINVAL, "seg_jail_start: ctx and name are required");
	if ((r = seg_registry_open(ctx, SEG_REGISTRY_EXCLUSIVE, &reg, err)) < 0)
		return r;
	return seg_jail_start_locked(ctx, reg, name, err);
}

SEG_PUBLIC int seg_jail_stop(const seg_ctx *ctx, const char *name, int timeout, unsigned flags,
			     seg_error **err)
{
	_cleanup_(seg_registry_freep) seg_registry *reg = NULL;
	int r;

	if (!ctx || !name || timeout < 0)
		return seg_error_set(err, EINVAL, "seg_jail_stop: ctx, name and a timeout >= 0 "
						  "are required");
	/* shared: a slow shutdown must not hold up creates of other jails */
	if ((r = seg_registry_open(ctx, SEG_REGISTRY_SHARED, &reg, err)) < 0 ||
	    (r = seg_jail_check_owned(ctx, reg, name, err)) < 0)
		return r;
	if ((r = seg_lxc_stop(ctx, name, (flags & SEG_JAIL_STOP_KILL) ? 0 : timeout, err)) < 0)
		return seg_error_wrap(err, r, "stopping jail '%s'", name);
	seg_info(ctx, "stopped jail %s", name);
	return 0;
}

int seg_jail_destroy_locked(const seg_ctx *ctx, seg_registry *reg, const char *name,
			    unsigned flags, seg_error **err)
{
	_cleanup_error_ seg_error *owned = NULL;
	const seg_registry_entry *e;
	char state[16] = "STOPPED";
	int r;

	r = seg_jail_check_owned(ctx, reg, name, &owned);
	/* a registered jail whose directory vanished (crash) can still be cleaned up */
	if (r < 0 && !(r == -ENOENT && seg_registry_find(reg, name))) {
		if (err && !*err)
			*err = TAKE_PTR(owned);
		return r;
	}
	if (r == 0 && (r = seg_lxc_status(ctx, name, state, NULL, err)) < 0)
		return seg_error_wrap(err, r, "destroying jail '%s'", name);
	if (strcmp(state, "STOPPED") != 0) {
		if (!(flags & SEG_JAIL_DESTROY_FORCE))
			return seg_error_set(err, EBUSY,
					     "jail '%s' is %s; stop it first (or force)", name, state);
		if ((r = seg_lxc_stop(ctx, name, 0, err)) < 0)
			return seg_error_wrap(err, r, "destroying jail '%s'", name);
	}
	e = seg_registry_find(reg, name);
	if ((r = seg_jail_net_down(ctx, reg, e, err)) < 0 ||
	    (r = seg_jail_remove_locked(ctx, reg, name, err)) < 0)
		return seg_error_wrap(err, r, "destroying jail '%s'", name);
	seg_info(ctx, "destroyed jail %s", name);
	return 0;
}

SEG_PUBLIC int seg_jail_destroy(const seg_ctx *ctx, const char *name, unsigned flags,
				seg_error **err)
{
	_cleanup_(seg_registry_freep) seg_registry *reg = NULL;
	int r;

	if (!ctx || !name)
		return seg_error_set(err, EINVAL, "seg_jail_destroy: ctx and name are required");
	if ((r = seg_registry_open(ctx, SEG_REGISTRY_EXCLUSIVE, &reg, err)) < 0)
		return r;
	return seg_jail_destroy_locked(ctx, reg, name, flags, err);
}
