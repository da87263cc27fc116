/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SEGREGATE_CONTEXT_H
#define SEGREGATE_CONTEXT_H

#include <stdarg.h>
#include <segregate/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * seg_ctx: everything libsegregate needs to know about where it works.
 * The library has no global state; two contexts never share anything.
 */
typedef struct seg_ctx seg_ctx;

/* Log priorities, as syslog(3). */
enum {
	SEG_LOG_ERR = 3,
	SEG_LOG_WARNING = 4,
	SEG_LOG_NOTICE = 5,
	SEG_LOG_INFO = 6,
	SEG_LOG_DEBUG = 7,
};

typedef void (*seg_log_fn)(void *userdata, int priority, const char *file, int line,
			   const char *fn, const char *format, va_list args);

/**
 * seg_ctx_new - a context with the defaults: state directory
 * /var/lib/segregate (build option), lxcpath STATE_DIR/jails, nftables
 * table "segregate", profiles from the installed data directory, no logging.
 * Returns 0 and stores the context in *ret, or a negative errno.
 */
int seg_ctx_new(seg_ctx **ret, seg_error **err);

/**
 * seg_ctx_free - releases ctx; accepts NULL.  Returns NULL.
 */
seg_ctx *seg_ctx_free(seg_ctx *ctx);

/**
 * seg_ctx_set_state_dir - where the registry and (unless set explicitly)
 * the jails' lxcpath live.  path must be absolute.  Returns 0 or -EINVAL,
 * -ENOMEM.
 */
int seg_ctx_set_state_dir(seg_ctx *ctx, const char *path, seg_error **err);
const char *seg_ctx_get_state_dir(const seg_ctx *ctx);

/**
 * seg_ctx_set_lxcpath - the LXC path holding the jails; by default
 * STATE_DIR/jails.  path must be absolute.  Returns 0 or -EINVAL, -ENOMEM.
 */
int seg_ctx_set_lxcpath(seg_ctx *ctx, const char *path, seg_error **err);
const char *seg_ctx_get_lxcpath(const seg_ctx *ctx);

/**
 * seg_ctx_set_profile_dir - the folder with roles/ (and examples/).
 * Returns 0 or -EINVAL, -ENOMEM.
 */
int seg_ctx_set_profile_dir(seg_ctx *ctx, const char *path, seg_error **err);
const char *seg_ctx_get_profile_dir(const seg_ctx *ctx);

/**
 * seg_ctx_set_nft_table - name of the inet table segregate owns
 * (1..31 characters of [a-z0-9_-]).  Returns 0 or -EINVAL, -ENOMEM.
 */
int seg_ctx_set_nft_table(seg_ctx *ctx, const char *name, seg_error **err);
const char *seg_ctx_get_nft_table(const seg_ctx *ctx);

/**
 * seg_ctx_set_log_fn - route the library's diagnostics to fn, for
 * priorities up to max_priority.  fn NULL silences the library (default).
 */
void seg_ctx_set_log_fn(seg_ctx *ctx, seg_log_fn fn, void *userdata, int max_priority);

#ifdef __cplusplus
}
#endif
#endif
