/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SEGREGATE_ERROR_H
#define SEGREGATE_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * seg_error: what went wrong, carried out of a failed call.
 *
 * Every fallible function of libsegregate returns 0 on success or a negative
 * errno, and takes an optional `seg_error **err` out-parameter.  When err is
 * not NULL and *err is NULL, a failure stores a new error there; the caller
 * owns it and releases it with seg_error_free().  Context is prepended as the
 * error travels up ("creating jail web1: writing config: No space left").
 */
typedef struct seg_error seg_error;

/**
 * seg_error_errno - the error's errno value (positive, never 0).
 */
int seg_error_errno(const seg_error *e);

/**
 * seg_error_message - the whole message: context chain, then the source
 * position when known ("file:line:column: "), then the innermost message.
 * Valid until the error is freed.
 */
const char *seg_error_message(const seg_error *e);

/**
 * seg_error_file - the file the error refers to (a YAML file, a config), or
 * NULL.  seg_error_line() and seg_error_column() return 0 when unknown; both
 * count from 1.
 */
const char *seg_error_file(const seg_error *e);
unsigned seg_error_line(const seg_error *e);
unsigned seg_error_column(const seg_error *e);

/**
 * seg_error_free - releases e; accepts NULL.  Returns NULL.
 */
seg_error *seg_error_free(seg_error *e);

#ifdef __cplusplus
}
#endif
#endif
