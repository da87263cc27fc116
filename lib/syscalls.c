/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The syscall groups (x86_64 names, as libseccomp spells them). */
#include <stdint.h>
#include <string.h>

#include "yaml-util.h"

#include "syscalls.h"

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

const seg_syscall_group seg_syscall_groups[] = {
	{ "@default", "what every process needs: memory, threads, time, identity",
	  LIST("arch_prctl", "brk", "capget", "clock_getres", "clock_gettime", "clock_nanosleep",
	       "execve", "exit", "exit_group", "futex", "get_robust_list", "getegid",
	       "geteuid", "getgid", "getgroups", "getpgid", "getpgrp", "getpid", "getppid",
	       "getrandom", "getresgid", "getresuid", "getrlimit", "getrusage", "getsid", "gettid",
	       "gettimeofday", "getuid", "madvise", "membarrier", "mmap", "mprotect",
	       "mremap", "msync", "munmap", "nanosleep", "pause", "prctl", "prlimit64",
	       "restart_syscall", "rseq", "rt_sigreturn", "sched_getaffinity", "sched_yield",
	       "set_robust_list", "set_tid_address", "sysinfo", "time", "uname") },
	{ "@signal", "sending, waiting for and handling signals",
	  LIST("alarm", "kill", "rt_sigaction", "rt_sigpending", "rt_sigprocmask",
	       "rt_sigqueueinfo", "rt_sigsuspend", "rt_sigtimedwait", "sigaltstack", "signalfd4", "tgkill", "tkill") },
	{ "@basic-io", "reading and writing open descriptors, pipes",
	  LIST("close", "close_range", "dup", "dup2", "dup3", "fcntl", "ioctl", "lseek", "pipe",
	       "pipe2", "pread64", "preadv", "pwrite64", "pwritev", "read",
	       "readv", "write", "writev") },
	{ "@file-system", "opening, listing, creating and changing files in the jail's own tree",
	  LIST("access", "chdir", "chmod", "faccessat", "faccessat2", "fadvise64",
	       "fallocate", "fchdir", "fchmod", "fchmodat", "fgetxattr", "flistxattr", "flock",
	       "fstat", "fstatfs", "ftruncate", "getcwd", "getdents64", "getxattr",
	       "inotify_add_watch", "inotify_init1", "inotify_rm_watch",
	       "lgetxattr", "link", "linkat", "listxattr", "llistxattr", "mkdir",
	       "mkdirat", "newfstatat", "open", "openat", "readlink", "readlinkat",
	       "rename", "renameat", "renameat2", "rmdir", "statfs", "statx", "symlink",
	       "symlinkat", "truncate", "umask", "unlink", "unlinkat", "utimensat") },
	{ "@io-event", "waiting on many descriptors (event loops)",
	  LIST("epoll_create", "epoll_create1", "epoll_ctl", "epoll_pwait", "epoll_wait", "eventfd2", "poll", "ppoll", "pselect6", "select") },
	{ "@process", "creating and waiting for processes and threads (no new namespaces)",
	  LIST("clone", "execveat", "fork", "getpriority", "personality",
	       "pidfd_send_signal", "sched_getparam", "sched_getscheduler",
	       "setpgid", "setsid", "vfork", "wait4", "waitid") },
	{ "@timer", "timers and timer descriptors",
	  LIST("getitimer", "setitimer", "timer_create", "timer_delete", "timer_getoverrun",
	       "timer_gettime", "timer_settime", "timerfd_create", "timerfd_gettime",
	       "timerfd_settime") },
	{ "@network-io", "sockets of the families the role allows",
	  LIST("accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt",
	       "listen", "recvfrom", "recvmmsg", "recvmsg", "sendmmsg", "sendmsg", "sendto",
	       "setsockopt", "shutdown", "socket", "socketpair") },
	{ "@sync", "flushing files to disk",
	  LIST("fdatasync", "fsync", "sync_file_range") },
	{ "@setuid", "dropping privileges to a service user",
	  LIST("capset", "setfsgid", "setfsuid", "setgid", "setgroups", "setregid", "setresgid",
	       "setresuid", "setreuid", "setuid") },
	{ "@chown", "changing file owners", LIST("chown", "fchown", "fchownat", "lchown") },
	{ "@xattr", "changing extended attributes",
	  LIST("fremovexattr", "fsetxattr", "lremovexattr", "lsetxattr", "removexattr",
	       "setxattr") },
	{ "@sendfile", "zero-copy transfers between descriptors",
	  LIST("copy_file_range", "sendfile", "splice", "tee", "vmsplice") },
	{ "@ipc", "System V and POSIX message queues, semaphores, shared memory",
	  LIST("memfd_create", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
	       "mq_timedsend", "mq_unlink", "msgctl", "msgget", "msgrcv", "msgsnd", "semctl",
	       "semget", "semop", "semtimedop", "shmat", "shmctl", "shmdt", "shmget") },
	{ "@memlock", "locking memory", LIST("mlock", "mlock2", "mlockall", "munlock", "munlockall") },
	{ "@aio", "Linux native asynchronous I/O (not io_uring)",
	  LIST("io_cancel", "io_destroy", "io_getevents", "io_pgetevents", "io_setup",
	       "io_submit") },
	{ "@resources", "changing scheduling, priorities, limits, NUMA placement",
	  LIST("get_mempolicy", "ioprio_get", "ioprio_set", "mbind", "migrate_pages",
	       "move_pages", "sched_setaffinity", "sched_setattr", "sched_setparam",
	       "sched_setscheduler", "set_mempolicy", "set_mempolicy_home_node", "setpriority",
	       "setrlimit") },
	{ "@chroot", "changing the root directory (daemons that chroot themselves)",
	  LIST("chroot") },
	{ "@mknod", "creating device nodes and FIFOs", LIST("mknod", "mknodat") },
	{ "@sandbox", "programs sandboxing themselves further",
	  LIST("landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self",
	       "seccomp") },
	{ "@legacy", "old variants glibc 2.36 no longer calls on x86_64 (it uses the *at, "
		     "*64, *4 and *2 forms)",
	  LIST("creat", "eventfd", "futimesat", "getdents", "inotify_init", "lstat", "signalfd", "stat", "utime",
	       "utimes") },
	{ "@misc", "rarely needed, harmless calls",
	  LIST("epoll_pwait2", "getcpu", "mincore", "openat2", "pidfd_open", "preadv2",
	       "pwritev2", "rt_tgsigqueueinfo", "sched_get_priority_max",
	       "sched_get_priority_min", "sched_getattr", "sched_rr_get_interval", "sync",
	       "syncfs", "times", "cachestat", "futex_requeue", "futex_wait", "futex_waitv", "futex_wake",
	       "kcmp", "map_shadow_stack", "pkey_alloc", "pkey_free", "pkey_mprotect",
	       "process_madvise", "process_mrelease", "readahead", "remap_file_pages",
	       "fchmodat2") },
	{ "@denied", "denied in every role unless the role says why: kernel attack surface, "
		     "host-wide state, escapes",
	  LIST("acct", "add_key", "adjtimex", "bpf", "clock_adjtime", "clock_settime", "clone3",
	       "delete_module", "fanotify_init", "fanotify_mark", "finit_module", "fsconfig",
	       "fsmount", "fsopen", "fspick", "init_module", "io_uring_enter",
	       "io_uring_register", "io_uring_setup", "ioperm", "iopl", "kexec_file_load",
	       "kexec_load", "keyctl", "lookup_dcookie", "memfd_secret", "modify_ldt", "mount",
	       "mount_setattr", "move_mount", "name_to_handle_at", "open_by_handle_at",
	       "open_tree", "perf_event_open", "pidfd_getfd", "pivot_root", "process_vm_readv",
	       "process_vm_writev", "ptrace", "quotactl", "quotactl_fd", "reboot", "request_key",
	       "setdomainname", "sethostname", "setns", "settimeofday", "swapoff", "swapon",
	       "syslog", "umount2", "unshare", "userfaultfd", "vhangup") },
	{ "@obsolete", "removed or never implemented syscalls",
	  LIST("_sysctl", "afs_syscall", "create_module", "epoll_ctl_old", "epoll_wait_old",
	       "get_kernel_syms", "get_thread_area", "getpmsg", "nfsservctl", "putpmsg",
	       "query_module", "security", "set_thread_area", "sysfs", "tuxcall", "uselib",
	       "ustat", "vserver") },
	{ NULL, NULL, NULL },
};

/* Syscalls glibc (2.36) and common runtimes try first and fall back from on ENOSYS. */
static const char *const enosys_fallback[] = {
	"clone3", "close_range", "copy_file_range", "epoll_pwait2", "faccessat2", "fchmodat2",
	"futex_waitv", "openat2", "pidfd_open", "preadv2", "pwritev2", "rseq", "statx",
	"cachestat", "map_shadow_stack", "futex_wake", "futex_wait", "futex_requeue",
	"mount_setattr", "process_mrelease", "memfd_secret", "quotactl_fd",
	"landlock_create_ruleset", NULL,
};

const seg_syscall_group *seg_syscall_group_find(const char *name)
{
	for (const seg_syscall_group *g = seg_syscall_groups; g->name; g++)
		if (strcmp(g->name, name) == 0)
			return g;
	return NULL;
}

static bool in_list(const char *const *l, const char *name)
{
	for (; *l; l++)
		if (strcmp(*l, name) == 0)
			return true;
	return false;
}

bool seg_syscall_known(const char *name)
{
	for (const seg_syscall_group *g = seg_syscall_groups; g->name; g++)
		if (in_list(g->syscalls, name))
			return true;
	return false;
}

bool seg_syscall_wants_enosys(const char *name)
{
	return in_list(enosys_fallback, name);
}

bool seg_syscall_normally_denied(const char *name)
{
	return in_list(seg_syscall_group_find("@denied")->syscalls, name);
}

const char *seg_syscall_group_closest(const char *name)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX;

	for (const seg_syscall_group *g = seg_syscall_groups; g->name; g++) {
		size_t d = seg_edit_distance(name, g->name);
		if (d < best_d)
			best_d = d, best = g->name;
	}
	return best_d <= 3 ? best : NULL;
}

const char *seg_syscall_closest(const char *name)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX;

	for (const seg_syscall_group *g = seg_syscall_groups; g->name; g++)
		for (const char *const *s = g->syscalls; *s; s++) {
			size_t d = seg_edit_distance(name, *s);
			if (d < best_d)
				best_d = d, best = *s;
		}
	return best_d <= 2 ? best : NULL;
}
