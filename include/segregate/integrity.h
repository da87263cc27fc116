/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SEGREGATE_INTEGRITY_H
#define SEGREGATE_INTEGRITY_H

#include <stddef.h>

#include <segregate/context.h>
#include <segregate/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What seg_integrity_verify() found for one path. */
typedef enum seg_integrity_change {
	SEG_INTEGRITY_ADDED,
	SEG_INTEGRITY_REMOVED,
	SEG_INTEGRITY_CHANGED,
} seg_integrity_change;

/*
 * seg_integrity_report_fn - one difference.  path is relative to the jail's
 * root and escaped: every byte outside printable ASCII, and space and '%',
 * is written %XX, so a hostile file name is one harmless word.  detail says
 * what changed ("content", "mode 0644->4755", "type f->l", ...) or is NULL.
 */
typedef void (*seg_integrity_report_fn)(void *userdata, seg_integrity_change change,
					const char *path, const char *detail);

/**
 * seg_integrity_baseline - records the jail's own tree (LXCPATH/NAME/rootfs:
 * types, modes, owners, sizes, SHA-256 of contents, symlink targets) into
 * STATE_DIR/integrity/NAME.db, out of the jail's reach.  The walk runs from
 * the host and never follows a symlink or crosses into another filesystem.
 * Stores the number of entries in *ret_entries (optional).
 * Returns 0, or -ENOENT (no such jail), -EPERM (not segregate's), -errno.
 */
int seg_integrity_baseline(const seg_ctx *ctx, const char *jail, size_t *ret_entries,
			   seg_error **err);

/**
 * seg_integrity_verify - walks the jail's tree again and reports every
 * difference from its baseline through fn (may be NULL).  Stores their
 * number in *ret_differences (optional).  Returns 0 (differences are not an
 * error), or -ENOENT (no jail, or no baseline yet), -EPERM, -EBADMSG (the
 * baseline is corrupt), -errno.
 */
int seg_integrity_verify(const seg_ctx *ctx, const char *jail, seg_integrity_report_fn fn,
			 void *userdata, size_t *ret_differences, seg_error **err);

#ifdef __cplusplus
}
#endif
#endif
