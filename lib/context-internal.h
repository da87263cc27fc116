/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SEG_CONTEXT_INTERNAL_H
#define SEG_CONTEXT_INTERNAL_H

#include <segregate/context.h>
#include "macro.h"

void seg_log_internal(const seg_ctx *ctx, int priority, const char *file, int line,
		      const char *fn, const char *format, ...) _printf_(6, 7);

/* Logging goes to the caller's callback only; the library never prints. */
#define seg_log(ctx, prio, ...) seg_log_internal(ctx, prio, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define seg_debug(ctx, ...) seg_log(ctx, SEG_LOG_DEBUG, __VA_ARGS__)
#define seg_info(ctx, ...) seg_log(ctx, SEG_LOG_INFO, __VA_ARGS__)
#define seg_warn(ctx, ...) seg_log(ctx, SEG_LOG_WARNING, __VA_ARGS__)

static inline void seg_ctx_freep(seg_ctx **c)
{
	seg_ctx_free(*c);
}
#define _cleanup_ctx_ _cleanup_(seg_ctx_freep)

#endif
