/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The jail transactions through liblxc with a hand-written minimal config
 * (independent of the renderer): install, start, stop, destroy, ownership
 * refusals, and every install/start failpoint leaving nothing behind.
 * Runs inside segt-run (own netns, lxcpath, state dir).
 */
#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <sys/stat.h>

#include "error-internal.h"
#include "failpoint.h"
#include "jail-internal.h"
#include "tap.h"

static seg_ctx *ctx;
/* Indexes (and so uid ranges) unlikely to be used by another sandbox running
 * at the same time, so counting processes by uid range stays meaningful. */
static uint32_t base_index;

static seg_plan_jail jail_for(const char *name, uint32_t index)
{
	seg_plan_jail pj = { .index = index,
			     .addr = SEG_DEFAULT_POOL + index,
			     .uid_base = SEG_DEFAULT_UID_BASE + index * SEG_IDS_PER_JAIL,
			     .uid_count = SEG_IDS_PER_JAIL,
			     .base = (char *)"host" };

	snprintf(pj.name, sizeof(pj.name), "%s", name);
	snprintf(pj.role_name, sizeof(pj.role_name), "test");
	snprintf(pj.veth, sizeof(pj.veth), "seg-%s", name);
	return pj;
}

static char *config_for(const seg_plan_jail *pj)
{
	const char *lxc = seg_ctx_get_lxcpath(ctx);
	char *s = NULL;

	if (asprintf(&s,
		     "lxc.uts.name = %1$s\n"
		     "lxc.idmap = u 0 %2$u %3$u\n"
		     "lxc.idmap = g 0 %2$u %3$u\n"
		     "lxc.rootfs.path = dir:%4$s/%1$s/rootfs\n"
		     "lxc.rootfs.options = idmap=container\n"
		     "lxc.mount.auto = proc:mixed sys:ro\n"
		     "lxc.mount.entry = /usr usr none ro,bind,nodev,nosuid,idmap=container 0 0\n"
		     "lxc.mount.entry = tmpfs tmp tmpfs rw,nosuid,nodev,mode=1777,size=16m 0 0\n"
		     "lxc.autodev = 1\n"
		     "lxc.tty.max = 0\n"
		     "lxc.pty.max = 1\n"
		     "lxc.cap.keep = none\n"
		     "lxc.no_new_privs = 1\n"
		     "lxc.seccomp.profile = %4$s/%1$s/seccomp\n"
		     "lxc.net.0.type = veth\n"
		     "lxc.net.0.veth.pair = %5$s\n"
		     "lxc.net.0.ipv4.address = 127.200.%6$u.%7$u/32\n"
		     "lxc.net.0.flags = up\n"
		     "lxc.console.logfile = %4$s/%1$s/console.log\n"
		     "lxc.init.cmd = /usr/bin/sleep infinity\n",
		     pj->name, pj->uid_base, pj->uid_count, lxc, pj->veth, pj->index >> 8,
		     pj->index & 0xff) < 0)
		abort();
	return s;
}

static const char seccomp[] = "2\ndenylist\nkeyctl errno 1\n";

static int install(const seg_plan_jail *pj, seg_error **err)
{
	_cleanup_(seg_registry_freep) seg_registry *reg = NULL;
	_cleanup_free_ char *config = config_for(pj);
	int r = seg_registry_open(ctx, SEG_REGISTRY_EXCLUSIVE | SEG_REGISTRY_CREATE, &reg, err);

	return r < 0 ? r : seg_jail_install(ctx, reg, pj, NULL, config, seccomp, err);
}

static bool in_registry(const char *name)
{
	_cleanup_(seg_registry_freep) seg_registry *reg = NULL;

	return seg_registry_open(ctx, SEG_REGISTRY_SHARED, &reg, NULL) == 0 &&
	       seg_registry_find(reg, name);
}

static bool jail_dir_exists(const char *name)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", seg_ctx_get_lxcpath(ctx), name);
	return lstat(p, &st) == 0;
}

/* Processes whose user namespace maps uid 0 to base: the jail's. */
static int procs_mapped_to(uint32_t base)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	char want[64];
	int n = 0;

	snprintf(want, sizeof(want), " %u ", base);
	while (d && (de = readdir(d))) {
		char p[300], buf[256] = "";
		int fd;
		ssize_t k;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%s/uid_map", de->d_name);
		if ((fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		k = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (k > 0 && (buf[k] = '\0', strstr(buf, want)))
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

static const char *state_of(const char *name, uint64_t *pid)
{
	static char state[16];
	seg_jail_info *info = NULL;

	snprintf(state, sizeof(state), "ABSENT");
	if (seg_jail_list(ctx, &info, NULL) < 0)
		return "ERROR";
	for (size_t i = 0; i < seg_jail_info_count(info); i++)
		if (strcmp(seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_NAME), name) == 0) {
			snprintf(state, sizeof(state), "%s",
				 seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_STATE));
			if (pid)
				*pid = seg_jail_info_get_u64(info, i, SEG_JAIL_ATTR_PID);
		}
	seg_jail_info_free(info);
	return state;
}

static void test_lifecycle(void)
{
	seg_plan_jail pj = jail_for("segt-a", base_index);
	seg_error *e = NULL;
	uint64_t pid = 0;
	char p[512], buf[256] = "";
	int fd;

	is_int(install(&pj, &e), 0, "install segt-a");
	if (e)
		tap_diag("%s", seg_error_message(e));
	e = seg_error_free(e);
	ok(in_registry("segt-a"), "registered");
	is_str(state_of("segt-a", NULL), "STOPPED", "listed as STOPPED");
	is_int(install(&pj, NULL), -EEXIST, "installing twice: EEXIST");

	is_int(seg_jail_start(ctx, "segt-a", &e), 0, "start segt-a");
	if (e)
		tap_diag("%s", seg_error_message(e));
	e = seg_error_free(e);
	is_str(state_of("segt-a", &pid), "RUNNING", "listed as RUNNING");
	ok(pid > 1, "init pid %llu", (unsigned long long)pid);
	snprintf(p, sizeof(p), "/proc/%llu/uid_map", (unsigned long long)pid);
	if ((fd = open(p, O_RDONLY)) >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) < 0)
			buf[0] = '\0';
		close(fd);
	}
	snprintf(p, sizeof(p), " %u ", pj.uid_base);
	ok(strstr(buf, p) != NULL, "init's uid_map maps 0 to the jail's range: %s", buf);
	ok(if_nametoindex("seg-segt-a") > 0, "host side veth exists");
	is_int(seg_jail_start(ctx, "segt-a", NULL), -EALREADY, "starting twice: EALREADY");
	is_int(seg_jail_destroy(ctx, "segt-a", 0, &e), -EBUSY, "destroying a running jail: EBUSY");
	ok(e && strstr(seg_error_message(e), "stop it first"), "message: %s",
	   e ? seg_error_message(e) : "");
	e = seg_error_free(e);
	is_int(seg_jail_stop(ctx, "segt-a", 0, SEG_JAIL_STOP_KILL, &e), 0, "stop");
	is_str(state_of("segt-a", NULL), "STOPPED", "STOPPED after stop");
	is_int(procs_mapped_to(pj.uid_base), 0, "no process of the jail left");
	ok(if_nametoindex("seg-segt-a") == 0, "veth gone with the jail's netns");
	is_int(seg_jail_stop(ctx, "segt-a", 1, 0, NULL), 0, "stopping a stopped jail is fine");

	is_int(seg_jail_start(ctx, "segt-a", &e), 0, "start again");
	is_int(seg_jail_destroy(ctx, "segt-a", SEG_JAIL_DESTROY_FORCE, &e), 0, "destroy --force");
	if (e)
		tap_diag("%s", seg_error_message(e));
	e = seg_error_free(e);
	ok(!jail_dir_exists("segt-a") && !in_registry("segt-a"), "no dir, no registry entry");
	is_int(procs_mapped_to(pj.uid_base), 0, "no process left");
	is_int(seg_jail_destroy(ctx, "segt-a", 0, NULL), -ENOENT, "destroying twice: ENOENT");
}

static void test_foreign(void)
{
	char p[512];
	FILE *f;
	seg_plan_jail pj = jail_for("segt-b", base_index + 1);
	seg_error *e = NULL;

	/* an LXC container someone else made in the same lxcpath */
	snprintf(p, sizeof(p), "%s/foreign", seg_ctx_get_lxcpath(ctx));
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/foreign/config", seg_ctx_get_lxcpath(ctx));
	if ((f = fopen(p, "w"))) {
		fputs("lxc.uts.name = foreign\n", f);
		fclose(f);
	}
	is_int(seg_jail_start(ctx, "foreign", &e), -EPERM, "start of a foreign container refused");
	ok(e && strstr(seg_error_message(e), "not created by segregate"), "message: %s",
	   e ? seg_error_message(e) : "");
	e = seg_error_free(e);
	is_int(seg_jail_destroy(ctx, "foreign", SEG_JAIL_DESTROY_FORCE, NULL), -EPERM,
	       "destroy of a foreign container refused");
	is_int(seg_jail_stop(ctx, "foreign", 0, 0, NULL), -EPERM, "stop refused");
	ok(jail_dir_exists("foreign"), "foreign container untouched");
	pj = jail_for("foreign", base_index + 1);
	is_int(install(&pj, &e), -EEXIST, "creating over a foreign container refused");
	e = seg_error_free(e);
	ok(access(p, F_OK) == 0 && !in_registry("foreign"), "its config is still there");

	/* registered, but its config lost the marker (edited by hand or swapped) */
	pj = jail_for("segt-b", base_index + 1);
	is_int(install(&pj, NULL), 0, "install segt-b");
	snprintf(p, sizeof(p), "%s/segt-b/config", seg_ctx_get_lxcpath(ctx));
	if ((f = fopen(p, "w"))) {
		fputs("lxc.uts.name = segt-b\n", f);
		fclose(f);
	}
	is_int(seg_jail_start(ctx, "segt-b", &e), -EPERM, "config without marker: start refused");
	ok(e && strstr(seg_error_message(e), "lacks the segregate marker"), "message: %s",
	   e ? seg_error_message(e) : "");
	e = seg_error_free(e);
	is_int(seg_jail_destroy(ctx, "segt-b", 0, NULL), -EPERM, "and destroy refused");
	is_str(state_of("segt-b", NULL), "BROKEN", "listed as BROKEN");
	/* config replaced by a symlink to the real one is refused too */
	unlink(p);
	ok(symlink("/etc/hostname", p) == 0, "config replaced by a symlink");
	is_int(seg_jail_destroy(ctx, "segt-b", 0, NULL), -EPERM, "symlinked config: refused");
}

static void test_failpoints(void)
{
	seg_plan_jail pj = jail_for("segt-f", base_index + 2);
	int n = 0;

	for (size_t i = 0; seg_failpoint_steps[i]; i++) {
		const char *step = seg_failpoint_steps[i];
		bool start = strncmp(step, "start-", 6) == 0;
		seg_error *e = NULL;
		int r;

		/* create-lock, -plan, -render run in seg_jail_create (tested via seg-create) */
		if (!start && (!strcmp(step, "create-lock") || !strcmp(step, "create-plan") ||
			       !strcmp(step, "create-render")))
			continue;
		n++;
		setenv("SEGREGATE_FAILPOINT", step, 1);
		if (!start) {
			r = install(&pj, &e);
			unsetenv("SEGREGATE_FAILPOINT");
			ok(r == -EIO && e && strstr(seg_error_message(e), step), "%s: install fails (%s)",
			   step, e ? seg_error_message(e) : "no error");
			ok(!jail_dir_exists("segt-f") && !in_registry("segt-f"),
			   "%s: no directory, no registry entry", step);
		} else {
			unsetenv("SEGREGATE_FAILPOINT");
			if (install(&pj, NULL) < 0)
				ok(0, "%s: install", step);
			setenv("SEGREGATE_FAILPOINT", step, 1);
			r = seg_jail_start(ctx, "segt-f", &e);
			unsetenv("SEGREGATE_FAILPOINT");
			ok(r == -EIO && e && strstr(seg_error_message(e), step), "%s: start fails (%s)",
			   step, e ? seg_error_message(e) : "no error");
			is_str(state_of("segt-f", NULL), "STOPPED", "stopped again");
			is_int(procs_mapped_to(pj.uid_base), 0, "no process left");
			ok(if_nametoindex("seg-segt-f") == 0, "%s: no veth left", step);
			ok(jail_dir_exists("segt-f") && in_registry("segt-f"),
			   "%s: the jail itself stays created", step);
			is_int(seg_jail_destroy(ctx, "segt-f", 0, NULL), 0, "destroy");
		}
		seg_error_free(e);
	}
	ok(n >= 10, "%d failpoints driven", n);
}

int main(void)
{
	const char *state = getenv("SEGREGATE_STATE_DIR"), *lxc = getenv("SEGREGATE_LXCPATH");

	if (geteuid() != 0)
		tap_skip_all("needs root (real containers)");
	if (!state || !lxc || !getenv("SEGT_NETNS"))
		tap_skip_all("run through tests/segt-run");
	if (seg_ctx_new(&ctx, NULL) < 0 || seg_ctx_set_state_dir(ctx, state, NULL) < 0 ||
	    seg_ctx_set_lxcpath(ctx, lxc, NULL) < 0)
		return 1;
	base_index = 1000 + (uint32_t)getpid() % 10000;
	test_lifecycle();
	test_foreign();
	test_failpoints();
	seg_ctx_free(ctx);
	return tap_done();
}
