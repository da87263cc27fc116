/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Integrity baselines of segregate's jails: the jail's own tree
 * (LXCPATH/NAME/rootfs) against STATE_DIR/integrity/NAME.db, a place the
 * jail cannot reach.  The shared base is the host's own /usr, read-only in
 * every jail: the host's own integrity checker covers it.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "fs-util.h"
#include "integrity.h"
#include "jail-internal.h"

#define BASELINE_MAX (512u << 20) /* ~ millions of entries */

/* LXCPATH/NAME/rootfs as a directory fd, no symlink followed on the way. */
static int open_rootfs(const seg_ctx *ctx, const char *jail, seg_error **err)
{
	_cleanup_close_ int lxc = -1, dir = -1;
	int fd;

	if ((lxc = open(seg_ctx_get_lxcpath(ctx), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (dir = openat(lxc, jail, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    (fd = openat(dir, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return seg_error_set(err, errno, "jail '%s': opening %s/%s/rootfs: %m", jail,
				     seg_ctx_get_lxcpath(ctx), jail);
	return fd;
}

/* STATE_DIR/integrity (0700), made if needed. */
static int open_db_dir(const seg_ctx *ctx, bool create, seg_error **err)
{
	_cleanup_close_ int state = open(seg_ctx_get_state_dir(ctx), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd;

	if (state < 0)
		return seg_error_set(err, errno, "state directory %s: %m", seg_ctx_get_state_dir(ctx));
	if (create && mkdirat(state, "integrity", 0700) < 0 && errno != EEXIST)
		return seg_error_set(err, errno, "creating %s/integrity: %m",
				     seg_ctx_get_state_dir(ctx));
	if ((fd = openat(state, "integrity", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return seg_error_set(err, errno, "%s/integrity: %m", seg_ctx_get_state_dir(ctx));
	return fd;
}

/* A jail of segregate's, scanned. */
static int scan_jail(const seg_ctx *ctx, const char *jail, seg_integrity_db **ret, seg_error **err)
{
	_cleanup_(seg_registry_freep) seg_registry *reg = NULL;
	_cleanup_close_ int root = -1;
	int r;

	if (!ctx || !jail)
		return seg_error_set(err, EINVAL, "integrity: ctx and jail are required");
	if (!seg_jail_name_valid(jail))
		return seg_error_set(err, EINVAL,
				     "invalid jail name '%s' (expected [a-z0-9][a-z0-9-]{0,30})", jail);
	if ((r = seg_registry_open(ctx, SEG_REGISTRY_SHARED, &reg, err)) < 0 ||
	    (r = seg_jail_check_owned(ctx, reg, jail, err)) < 0)
		return r;
	if ((root = open_rootfs(ctx, jail, err)) < 0)
		return root;
	if ((r = seg_integrity_scan(root, ret, err)) < 0)
		return seg_error_wrap(err, r, "scanning jail '%s'", jail);
	return 0;
}

SEG_PUBLIC int seg_integrity_baseline(const seg_ctx *ctx, const char *jail, size_t *ret_entries,
				      seg_error **err)
{
	_cleanup_(seg_integrity_db_freep) seg_integrity_db *db = NULL;
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int dir = -1;
	char file[SEG_NAME_MAX + 8];
	int r;

	if ((r = scan_jail(ctx, jail, &db, err)) < 0 || (r = seg_integrity_format(db, &text, err)) < 0)
		return r;
	if ((dir = open_db_dir(ctx, true, err)) < 0)
		return dir;
	snprintf(file, sizeof(file), "%s.db", jail);
	if ((r = seg_write_atomic_at(dir, file, text, NULL, 0600, err)) < 0)
		return seg_error_wrap(err, r, "baseline of jail '%s'", jail);
	if (ret_entries)
		*ret_entries = db->n;
	return 0;
}

SEG_PUBLIC int seg_integrity_verify(const seg_ctx *ctx, const char *jail, seg_integrity_report_fn fn,
				    void *userdata, size_t *ret_differences, seg_error **err)
{
	_cleanup_(seg_integrity_db_freep) seg_integrity_db *old = NULL, *cur = NULL;
	_cleanup_free_ char *path = NULL, *text = NULL;
	_cleanup_close_ int dir = -1;
	char file[SEG_NAME_MAX + 8];
	size_t n;
	int r;

	if ((r = scan_jail(ctx, jail, &cur, err)) < 0)
		return r;
	snprintf(file, sizeof(file), "%s.db", jail);
	if (asprintf(&path, "%s/integrity/%s", seg_ctx_get_state_dir(ctx), file) < 0)
		return seg_error_set(err, ENOMEM, "out of memory");
	if ((dir = open_db_dir(ctx, false, NULL)) < 0 ||
	    (r = seg_read_file_at(dir, file, path, BASELINE_MAX, &text, err)) == -ENOENT)
		return seg_error_set(err, ENOENT,
				     "jail '%s' has no baseline yet (%s); seg-integrity baseline "
				     "%s makes one",
				     jail, path, jail);
	if (r < 0 || (r = seg_integrity_parse(path, text, &old, err)) < 0)
		return r;
	n = seg_integrity_diff(old, cur, fn, userdata);
	if (ret_differences)
		*ret_differences = n;
	return 0;
}
