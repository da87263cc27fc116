/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The registry: STATE_DIR/registry, the single source of truth for what
 * segregate created and what it allocated (index, address, uid range, veth).
 *
 * Concurrency: every user takes flock() on STATE_DIR/registry.lock (shared
 * to read, exclusive to change), reads the file under the lock, and writes
 * a change as temp file + fsync + rename + fsync of the directory, so a
 * reader sees either the old or the new file, never a torn one.
 *
 * Format (version 1), one jail per line, fields separated by one space:
 *   segregate-registry 1
 *   jail NAME INDEX ROLE BASE TOPOLOGY VETH ADDR UID_BASE UID_COUNT CREATED
 * TOPOLOGY is "-" for a jail made from a role alone; CREATED is seconds since
 * the epoch.  Lines starting with '#' and empty lines are ignored; anything
 * else is corruption, reported as "FILE:LINE: ...".
 */
#ifndef SEG_REGISTRY_H
#define SEG_REGISTRY_H

#include <stdint.h>

#include "context-internal.h"
#include "plan.h"

#define SEG_REGISTRY_VERSION 1

typedef struct seg_registry_entry {
	char name[SEG_NAME_MAX + 1];
	uint32_t index;
	char role[SEG_NAME_MAX + 1];
	char *base;     /* "host" or "dir:/path" */
	char *topology; /* absolute path, or NULL */
	char veth[16];
	uint32_t addr;  /* host byte order */
	uint32_t uid_base;
	uint32_t uid_count;
	int64_t created;
} seg_registry_entry;

typedef struct seg_registry seg_registry;

enum {
	SEG_REGISTRY_SHARED = 0,         /* read only */
	SEG_REGISTRY_EXCLUSIVE = 1 << 0, /* may add, remove, commit */
	SEG_REGISTRY_CREATE = 1 << 1,    /* make STATE_DIR if missing */
};

/*
 * Locks STATE_DIR/registry.lock and reads STATE_DIR/registry (a missing file
 * is an empty registry).  The lock is held until seg_registry_free().  A
 * missing STATE_DIR is made with SEG_REGISTRY_CREATE, else it reads as an
 * empty registry that cannot be changed (nothing was ever created).
 */
int seg_registry_open(const seg_ctx *ctx, int mode, seg_registry **ret, seg_error **err);
seg_registry *seg_registry_free(seg_registry *reg);
DEFINE_TRIVIAL_CLEANUP_FUNC(seg_registry *, seg_registry_free)

/* Parses registry text; path is used in messages only.  Entries sorted by index. */
int seg_registry_parse(const char *path, const char *text, seg_registry_entry **ret,
		       size_t *ret_n, seg_error **err);
/* Formats entries as registry text (newly allocated). */
int seg_registry_format(const seg_registry_entry *entries, size_t n, char **ret, seg_error **err);
void seg_registry_entries_free(seg_registry_entry *entries, size_t n);

size_t seg_registry_count(const seg_registry *reg);
const seg_registry_entry *seg_registry_get(const seg_registry *reg, size_t i);
const seg_registry_entry *seg_registry_find(const seg_registry *reg, const char *name);

/*
 * Allocations held, as the plan wants them: *ret is a new array (free()),
 * possibly NULL when n is 0.
 */
int seg_registry_allocs(const seg_registry *reg, seg_alloc **ret, size_t *ret_n, seg_error **err);

/*
 * Adds a copy of e in memory; -EEXIST (with a message naming the clash) if
 * its name, index, address, veth or uid range is already held.  Needs the
 * exclusive lock.  Nothing reaches the disk before seg_registry_commit().
 */
int seg_registry_add(seg_registry *reg, const seg_registry_entry *e, seg_error **err);
/* Removes NAME in memory; -ENOENT if absent. */
int seg_registry_remove(seg_registry *reg, const char *name, seg_error **err);
/* Writes the registry atomically (temp + fsync + rename + fsync dir). */
int seg_registry_commit(seg_registry *reg, seg_error **err);

#endif
