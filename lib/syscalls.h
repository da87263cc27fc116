/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Syscall groups, as data: what a role grants by name ("@file-system").
 * Names are x86_64 syscall names as libseccomp spells them; a unit test
 * checks every one against libseccomp.  A syscall listed in some group is
 * "known": when a role does not allow it, the policy answers EPERM.  Anything
 * else (newer syscalls) falls to the default action, ENOSYS, as do the
 * syscalls glibc probes and falls back from (seg_syscall_wants_enosys).
 */
#ifndef SEG_SYSCALLS_H
#define SEG_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct seg_syscall_group {
	const char *name;        /* "@file-system" */
	const char *description;
	const char *const *syscalls; /* NULL-terminated */
} seg_syscall_group;

/* All groups, NULL-name terminated. */
extern const seg_syscall_group seg_syscall_groups[];

const seg_syscall_group *seg_syscall_group_find(const char *name);
/* In some group (hence EPERM when denied). */
bool seg_syscall_known(const char *name);
/* Denied: answer ENOSYS so glibc and friends fall back (clone3, faccessat2, ...). */
bool seg_syscall_wants_enosys(const char *name);
/* In the group every role denies unless it says why (@denied). */
bool seg_syscall_normally_denied(const char *name);

/* The closest group / known syscall name, for "did you mean"; NULL if none is close. */
const char *seg_syscall_group_closest(const char *name);
const char *seg_syscall_closest(const char *name);

#endif
