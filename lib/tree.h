/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The per-jail writable tree, LXCPATH/NAME/rootfs: mount points for the
 * shared read-only base and the config's mount entries, and a generated
 * minimal /etc.  Everything is made relative to directory fds with
 * O_NOFOLLOW, and removal never follows a symlink or crosses a mount, so a
 * link planted by a jail cannot make the host act outside the jail's root.
 */
#ifndef SEG_TREE_H
#define SEG_TREE_H

#include <stdint.h>

#include "context-internal.h"

#define SEG_SERVICE_USER "svc"
#define SEG_SERVICE_UID 1000u

typedef struct seg_tree_params {
	const char *name;       /* jail name, its hostname */
	const char *base;       /* "host" or "dir:/path" */
	uint32_t addr;          /* host byte order */
	const char *config;     /* rendered LXC config: mount targets are read from it */
	const char *resolv_src; /* resolv.conf to take nameservers from; NULL: /etc/resolv.conf */
} seg_tree_params;

/*
 * Creates DIRFD/rootfs (it must not exist) and fills it.  On failure removes
 * what it made.  Files are owned by the caller (host root: the jail's root
 * through idmap=container), the service user's home by SEG_SERVICE_UID.
 */
int seg_tree_build(const seg_ctx *ctx, int dirfd, const seg_tree_params *p, seg_error **err);

/*
 * Removes DIRFD/NAME recursively without following symlinks; refuses
 * (-EBUSY) to cross into another filesystem (a mount still in place).
 * A missing NAME is not an error.
 */
int seg_tree_remove(int dirfd, const char *name, seg_error **err);

/* Bytes allocated below DIRFD/NAME (st_blocks, like du), same rules as removal. */
int seg_tree_disk_usage(int dirfd, const char *name, uint64_t *ret, seg_error **err);

/*
 * Opens DIRFD/RELPATH as a directory, one component at a time, refusing
 * symlinks and ".." (-ELOOP / -EINVAL).  With create, missing components are
 * made with mode 0755.
 */
int seg_tree_open_dir(int dirfd, const char *relpath, bool create, seg_error **err);

#endif
