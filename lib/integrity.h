/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Integrity baselines of a jail's tree, taken from the host.  The walk is
 * openat-relative from a directory fd, with O_NOFOLLOW everywhere, and
 * compares what it opened with what it stat'ed, so a compromised jail that
 * plants symlinks or swaps directories mid-scan cannot lead it out of the
 * jail's root.  Names are data: they are escaped, never interpreted.
 */
#ifndef SEG_INTEGRITY_H
#define SEG_INTEGRITY_H

#include <stdint.h>

#include <segregate/integrity.h>

#include "error-internal.h"

#define SEG_INTEGRITY_MAX_DEPTH 256

typedef struct seg_integrity_entry {
	char *path;     /* escaped, relative; "." is the root */
	char type;      /* f d l p s c b, or m: a mount point (not descended) */
	uint32_t mode;  /* permission bits with setuid, setgid, sticky */
	uint32_t uid, gid;
	uint64_t size;
	char *data;     /* SHA-256 (f), escaped target (l), "MAJ:MIN" (c b), else "-" */
} seg_integrity_entry;

typedef struct seg_integrity_db {
	seg_integrity_entry *v; /* sorted by path */
	size_t n;
} seg_integrity_db;

seg_integrity_db *seg_integrity_db_free(seg_integrity_db *db);
DEFINE_TRIVIAL_CLEANUP_FUNC(seg_integrity_db *, seg_integrity_db_free)

/* Walks the tree below rootfd (a directory fd). */
int seg_integrity_scan(int rootfd, seg_integrity_db **ret, seg_error **err);
int seg_integrity_format(const seg_integrity_db *db, char **ret, seg_error **err);
int seg_integrity_parse(const char *file, const char *text, seg_integrity_db **ret,
			seg_error **err);
/* Reports the differences from old to cur; returns their number. */
size_t seg_integrity_diff(const seg_integrity_db *old, const seg_integrity_db *cur,
			  seg_integrity_report_fn fn, void *userdata);
/* name's bytes with everything but printable ASCII, space and '%' as %XX. */
char *seg_integrity_escape(const char *name, size_t len);

#endif
