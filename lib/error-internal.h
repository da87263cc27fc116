/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SEG_ERROR_INTERNAL_H
#define SEG_ERROR_INTERNAL_H

#include <segregate/error.h>
#include "macro.h"

/*
 * seg_error_set - if err is not NULL and *err is NULL, stores a new error
 * (errnum > 0, message from format).  Always returns -errnum, so a failing
 * function ends with `return seg_error_set(err, EINVAL, "...", ...);`.
 * If *err is already set the first error wins and is kept.
 */
int seg_error_set(seg_error **err, int errnum, const char *format, ...) _printf_(3, 4);

/* As seg_error_set, with the position in a source file (line, column from 1). */
int seg_error_set_at(seg_error **err, int errnum, const char *file, unsigned line,
		     unsigned column, const char *format, ...) _printf_(6, 7);

/*
 * seg_error_wrap - prepends context ("creating web1") to *err and returns
 * its -errno; where no error was recorded (err NULL or *err NULL), returns
 * -fallback_errno (pass the negative return value you got).
 */
int seg_error_wrap(seg_error **err, int ret, const char *format, ...) _printf_(3, 4);

static inline void seg_error_freep(seg_error **e)
{
	seg_error_free(*e);
}
#define _cleanup_error_ _cleanup_(seg_error_freep)

#endif
