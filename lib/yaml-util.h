/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small YAML document tree with source positions, built with libyaml.
 * Profiles are small: the whole file is read (size-limited) and turned into
 * a tree of maps, sequences and scalars, so validation can walk it freely
 * and every error can name file:line:column.
 */
#ifndef SEG_YAML_UTIL_H
#define SEG_YAML_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error-internal.h"

#define SEG_YAML_MAX_SIZE (1024 * 1024) /* a role or topology larger than 1 MiB is a mistake */
#define SEG_YAML_MAX_DEPTH 16

typedef enum { SEG_YNODE_SCALAR, SEG_YNODE_MAP, SEG_YNODE_SEQ } seg_ynode_type;

typedef struct seg_ynode seg_ynode;
struct seg_ynode {
	seg_ynode_type type;
	unsigned line, column; /* from 1 */
	char *value;           /* scalar text; NULL for maps and sequences */
	bool quoted;           /* scalar was quoted ("*" vs *) */
	/* map: keys[i] -> items[i]; sequence: items[i] */
	seg_ynode **keys;
	seg_ynode **items;
	size_t n;
};

typedef struct seg_ydoc {
	char *file;    /* name used in error messages */
	seg_ynode *root;
} seg_ydoc;

/* Reads and parses PATH.  Empty files and files over SEG_YAML_MAX_SIZE are errors. */
int seg_ydoc_load(const char *path, seg_ydoc **ret, seg_error **err);
/* Parses a buffer; NAME is the file name used in messages. */
int seg_ydoc_parse(const char *name, const char *buf, size_t len, seg_ydoc **ret, seg_error **err);
seg_ydoc *seg_ydoc_free(seg_ydoc *d);
static inline void seg_ydoc_freep(seg_ydoc **d)
{
	seg_ydoc_free(*d);
}
#define _cleanup_ydoc_ _cleanup_(seg_ydoc_freep)

/* Error at a node's position: seg_yerr(err, doc, node, EINVAL, "format", ...). */
#define seg_yerr(err, d, n, errnum, ...)                                                           \
	seg_error_set_at(err, errnum, (d)->file, (n)->line, (n)->column, __VA_ARGS__)

/* The value of map key KEY, or NULL. */
const seg_ynode *seg_ynode_get(const seg_ynode *map, const char *key);

/*
 * Checks that MAP is a map whose keys are all in KNOWN (NULL-terminated);
 * an unknown key is reported with the closest known one as a suggestion.
 */
int seg_ynode_check_keys(const seg_ydoc *d, const seg_ynode *map, const char *what,
			 const char *const *known, seg_error **err);

/* Typed accessors: fail with a positioned error naming WHAT. */
int seg_ynode_expect(const seg_ydoc *d, const seg_ynode *n, seg_ynode_type type, const char *what,
		     seg_error **err);
int seg_ynode_uint(const seg_ydoc *d, const seg_ynode *n, const char *what, uint64_t max,
		   uint64_t *ret, seg_error **err);
int seg_ynode_bool(const seg_ydoc *d, const seg_ynode *n, const char *what, bool *ret,
		   seg_error **err);
/* Sizes: a number with an optional K, M or G suffix (powers of 1024). */
int seg_ynode_size(const seg_ydoc *d, const seg_ynode *n, const char *what, uint64_t *ret,
		   seg_error **err);

/* Edit distance, for "did you mean" suggestions. */
size_t seg_edit_distance(const char *a, const char *b);
/* The entry of CANDIDATES (NULL-terminated) closest to WORD, or NULL if none is close. */
const char *seg_closest(const char *word, const char *const *candidates);

#endif
