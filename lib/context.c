/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <string.h>

#include "config.h"
#include "context-internal.h"
#include "error-internal.h"

struct seg_ctx {
	char *state_dir;
	char *lxcpath; /* NULL: STATE_DIR/jails */
	char *lxcpath_derived;
	char *profile_dir;
	char *nft_table;
	seg_log_fn log_fn;
	void *log_userdata;
	int log_max;
};

static int set_path(char **slot, const char *path, const char *what, seg_error **err)
{
	char *copy;
	size_t n;

	if (!path || path[0] != '/')
		return seg_error_set(err, EINVAL, "%s '%s' is not an absolute path", what,
				     path ? path : "(null)");
	if (!(copy = strdup(path)))
		return seg_error_set(err, ENOMEM, "out of memory");
	/* "/var/lib/segregate/" and "/var/lib/segregate" are the same place */
	for (n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--)
		copy[n - 1] = '\0';
	free(*slot);
	*slot = copy;
	return 0;
}

SEG_PUBLIC int seg_ctx_new(seg_ctx **ret, seg_error **err)
{
	_cleanup_ctx_ seg_ctx *ctx = NULL;
	int r;

	if (!ret)
		return seg_error_set(err, EINVAL, "seg_ctx_new: ret is NULL");
	if (!(ctx = calloc(1, sizeof(*ctx))))
		return seg_error_set(err, ENOMEM, "out of memory");
	if ((r = set_path(&ctx->state_dir, SEG_DEFAULT_STATE_DIR, "state directory", err)) < 0)
		return r;
	if ((r = set_path(&ctx->profile_dir, SEG_DATADIR, "profile directory", err)) < 0)
		return r;
	if (!(ctx->nft_table = strdup("segregate")))
		return seg_error_set(err, ENOMEM, "out of memory");
	*ret = TAKE_PTR(ctx);
	return 0;
}

SEG_PUBLIC seg_ctx *seg_ctx_free(seg_ctx *ctx)
{
	if (!ctx)
		return NULL;
	free(ctx->state_dir);
	free(ctx->lxcpath);
	free(ctx->lxcpath_derived);
	free(ctx->profile_dir);
	free(ctx->nft_table);
	free(ctx);
	return NULL;
}

SEG_PUBLIC int seg_ctx_set_state_dir(seg_ctx *ctx, const char *path, seg_error **err)
{
	int r = set_path(&ctx->state_dir, path, "state directory", err);
	if (r == 0) {
		free(ctx->lxcpath_derived);
		ctx->lxcpath_derived = NULL;
	}
	return r;
}

SEG_PUBLIC const char *seg_ctx_get_state_dir(const seg_ctx *ctx)
{
	return ctx->state_dir;
}

SEG_PUBLIC int seg_ctx_set_lxcpath(seg_ctx *ctx, const char *path, seg_error **err)
{
	return set_path(&ctx->lxcpath, path, "lxcpath", err);
}

SEG_PUBLIC const char *seg_ctx_get_lxcpath(const seg_ctx *ctx)
{
	seg_ctx *m = (seg_ctx *)ctx; /* derived lazily, a cache */

	if (ctx->lxcpath)
		return ctx->lxcpath;
	if (!ctx->lxcpath_derived && asprintf(&m->lxcpath_derived, "%s/jails", ctx->state_dir) < 0) {
		m->lxcpath_derived = NULL;
		return NULL;
	}
	return ctx->lxcpath_derived;
}

SEG_PUBLIC int seg_ctx_set_profile_dir(seg_ctx *ctx, const char *path, seg_error **err)
{
	return set_path(&ctx->profile_dir, path, "profile directory", err);
}

SEG_PUBLIC const char *seg_ctx_get_profile_dir(const seg_ctx *ctx)
{
	return ctx->profile_dir;
}

SEG_PUBLIC int seg_ctx_set_nft_table(seg_ctx *ctx, const char *name, seg_error **err)
{
	size_t n = name ? strlen(name) : 0;
	char *copy;

	if (n == 0 || n > 31 || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return seg_error_set(err, EINVAL,
				     "nftables table name '%s' is invalid (1 to 31 of a-z 0-9 _ -)",
				     name ? name : "");
	if (!(copy = strdup(name)))
		return seg_error_set(err, ENOMEM, "out of memory");
	free(ctx->nft_table);
	ctx->nft_table = copy;
	return 0;
}

SEG_PUBLIC const char *seg_ctx_get_nft_table(const seg_ctx *ctx)
{
	return ctx->nft_table;
}

SEG_PUBLIC void seg_ctx_set_log_fn(seg_ctx *ctx, seg_log_fn fn, void *userdata, int max_priority)
{
	ctx->log_fn = fn;
	ctx->log_userdata = userdata;
	ctx->log_max = max_priority;
}

void seg_log_internal(const seg_ctx *ctx, int priority, const char *file, int line,
		      const char *fn, const char *format, ...)
{
	va_list ap;

	if (!ctx || !ctx->log_fn || priority > ctx->log_max)
		return;
	va_start(ap, format);
	ctx->log_fn(ctx->log_userdata, priority, file, line, fn, format, ap);
	va_end(ap);
}
