/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SEG_FS_UTIL_H
#define SEG_FS_UTIL_H

#include <sys/types.h>

#include "error-internal.h"

/*
 * Writes a then b (either may be NULL) to dirfd/name atomically: a temp file
 * of this process (O_EXCL, O_NOFOLLOW) in the same directory, fsync, rename,
 * fsync of the directory.  Readers see the old file or the new one, never a
 * part, and a crash after return keeps the new one.
 */
int seg_write_atomic_at(int dirfd, const char *name, const char *a, const char *b, mode_t mode,
			seg_error **err);

/* mkdir -p of an absolute path: missing components made with mode. */
int seg_mkdir_p(const char *path, mode_t mode, seg_error **err);

/*
 * Reads dirfd/name (never through a symlink; path names it in messages)
 * into a NUL-terminated buffer.  -ENOENT without an error when it does not
 * exist; refuses what is not a regular file, is larger than max_size or
 * holds a NUL byte.
 */
int seg_read_file_at(int dirfd, const char *name, const char *path, size_t max_size, char **ret,
		     seg_error **err);

#endif
