/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seg-probe: runs INSIDE a jail (copied into its tree by the tests) and
 * checks what the jail must forbid.  Before anything that could harm a host
 * it checks that its user namespace is not the host's, and refuses to run
 * otherwise.  Prints "ok ..." / "FAIL ..." lines; exits 0 if all hold.
 *
 *   seg-probe injail          exit 0 if inside a jail
 *   seg-probe erofs PATH      creating a file in PATH fails with EROFS
 *   seg-probe tmpfs PATH      PATH is a tmpfs
 *   seg-probe denied          keyctl, unshare, mount, bpf: EPERM
 *   seg-probe unknown         syscall numbers no kernel knows: ENOSYS
 *   seg-probe i386            int 0x80 getpid does not reach getpid
 *   seg-probe handle          open_by_handle_at fails
 *   seg-probe i386-baseline   (host allowed) int 0x80 getpid, prints the result
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

static int failures;

static void report(int good, const char *what, const char *fmt, int value)
{
	printf("%s %s: ", good ? "ok" : "FAIL", what);
	printf(fmt, value);
	printf("\n");
	if (!good)
		failures++;
}

static int in_jail(void)
{
	char buf[256] = "";
	FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long inside, outside, count;

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu %lu", &inside, &outside, &count) != 3) {
		fclose(f);
		return 0;
	}
	fclose(f);
	(void)buf;
	/* the host's map is "0 0 4294967295"; a jail maps 0 to its own range */
	return !(inside == 0 && outside == 0 && count == 4294967295UL);
}

static void expect_errno(const char *what, long r, int want)
{
	char fmt[128];

	snprintf(fmt, sizeof(fmt), "returned %ld, errno %%d (%s), want %s", r,
		 r < 0 ? strerrorname_np(errno) ?: "?" : "-", strerrorname_np(want));
	report(r < 0 && errno == want, what, fmt, r < 0 ? errno : 0);
}

/* i386 getpid (20) through int 0x80, in a child: a SIGSYS kill counts as blocked. */
static long int80_getpid(int *signaled)
{
	int pipefd[2];
	pid_t pid;
	long result = 0;
	int status;

	*signaled = 0;
	if (pipe(pipefd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		long ret;
		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
		if (write(pipefd[1], &ret, sizeof(ret)) < 0)
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &result, sizeof(result)) != sizeof(result))
		result = 0;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		*signaled = WTERMSIG(status);
	/* the child's pid is what getpid would have returned */
	return result == pid ? -9999 : result;
}

static int run(const char *cmd, const char *arg)
{
	int sig;
	long r;

	if (strcmp(cmd, "erofs") == 0 && arg) {
		char p[4096];
		snprintf(p, sizeof(p), "%s/.seg-probe-%d", arg, (int)getpid());
		r = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (r >= 0)
			unlink(p);
		expect_errno("write to read-only base", r, EROFS);
	} else if (strcmp(cmd, "tmpfs") == 0 && arg) {
		struct statfs s = { 0 };
		int k = statfs(arg, &s);
		report(k == 0 && s.f_type == TMPFS_MAGIC, "tmpfs", "f_type 0x%x", (int)s.f_type);
	} else if (strcmp(cmd, "denied") == 0) {
		expect_errno("keyctl", syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -3, 0), EPERM);
		expect_errno("add_key", syscall(SYS_add_key, "user", "x", "y", 1, -3), EPERM);
		expect_errno("unshare(CLONE_NEWUSER)", unshare(CLONE_NEWUSER), EPERM);
		expect_errno("mount", mount("none", "/tmp", "tmpfs", 0, NULL), EPERM);
		expect_errno("bpf", syscall(SYS_bpf, 0, NULL, 0), EPERM);
		expect_errno("userfaultfd", syscall(SYS_userfaultfd, 0), EPERM);
		expect_errno("io_uring_setup", syscall(SYS_io_uring_setup, 1, NULL), EPERM);
	} else if (strcmp(cmd, "unknown") == 0) {
		expect_errno("syscall 1000", syscall(1000, 0, 0, 0), ENOSYS);
		expect_errno("syscall 0x3fff", syscall(0x3fff, 0, 0, 0), ENOSYS);
	} else if (strcmp(cmd, "i386") == 0) {
		r = int80_getpid(&sig);
		report(r != -9999, "int 0x80 getpid cannot reach getpid",
		       sig ? "child killed by signal %d" : "returned %d", sig ? sig : (int)r);
	} else if (strcmp(cmd, "handle") == 0) {
		struct {
			struct file_handle h;
			unsigned char bytes[128];
		} fh = { .h = { .handle_bytes = 8, .handle_type = 1 } };
		r = syscall(SYS_open_by_handle_at, AT_FDCWD, &fh.h, O_RDONLY);
		report(r < 0, "open_by_handle_at fails", "errno %d", r < 0 ? errno : 0);
		if (r >= 0)
			close((int)r);
	} else {
		fprintf(stderr, "usage: seg-probe injail|erofs PATH|tmpfs PATH|denied|unknown|i386|"
				"handle|init OUTFILE|i386-baseline\n");
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int sig;

	if (strcmp(cmd, "i386-baseline") == 0) {
		long r = int80_getpid(&sig);
		printf("%s\n", r == -9999 ? "reached" : sig ? "killed" : "blocked");
		return 0;
	}
	if (!in_jail()) {
		fprintf(stderr, "seg-probe: /proc/self/uid_map is the host's; refusing to probe "
				"outside a jail\n");
		return 2;
	}
	if (strcmp(cmd, "injail") == 0)
		return 0;
	if (strcmp(cmd, "init") == 0 && argc == 3) {
		/* the jail's init: every probe as a descendant of init, then idle */
		int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			return 1;
		run("erofs", "/usr");
		run("tmpfs", "/tmp");
		run("denied", NULL);
		run("unknown", NULL);
		run("i386", NULL);
		run("handle", NULL);
		printf("done %d failures\n", failures);
		fflush(stdout);
		for (;;)
			pause();
	}
	if (run(cmd, argc > 2 ? argv[2] : NULL) == 2)
		return 2;
	return failures ? 1 : 0;
}
