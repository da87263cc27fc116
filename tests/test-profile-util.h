/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the core's tests: a context on the source profiles, temp files. */
#ifndef SEG_TEST_PROFILE_UTIL_H
#define SEG_TEST_PROFILE_UTIL_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "context-internal.h"
#include "error-internal.h"

static inline seg_ctx *test_ctx(const char *profile_dir, const char *lxcpath)
{
	seg_ctx *ctx = NULL;

	if (!profile_dir)
		profile_dir = getenv("SEGREGATE_PROFILE_DIR");
	if (seg_ctx_new(&ctx, NULL) < 0 || !profile_dir ||
	    seg_ctx_set_profile_dir(ctx, profile_dir, NULL) < 0 ||
	    seg_ctx_set_lxcpath(ctx, lxcpath ? lxcpath : "/var/lib/segregate/jails", NULL) < 0) {
		fprintf(stderr, "cannot set up a context (SEGREGATE_PROFILE_DIR unset?)\n");
		exit(1);
	}
	return ctx;
}

static inline void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
}

static inline char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

/* "rm -rf" of a test directory we created (no symlinks followed: nftw FTW_PHYS). */
#include <ftw.h>
static inline int rm_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(p);
}
static inline void rm_rf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
