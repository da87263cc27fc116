/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <string.h>

#include "error-internal.h"

struct seg_error {
	int errnum;
	char *file;
	unsigned line, column;
	char *context; /* "outer: inner: " or NULL */
	char *text;    /* innermost message */
	char *full;    /* cached seg_error_message() */
};

static seg_error *error_new(int errnum, const char *file, unsigned line, unsigned column,
			    const char *format, va_list ap)
{
	seg_error *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->errnum = errnum > 0 ? errnum : EIO;
	e->line = line;
	e->column = column;
	if (file && !(e->file = strdup(file)))
		goto fail;
	if (vasprintf(&e->text, format, ap) < 0) {
		e->text = NULL;
		goto fail;
	}
	return e;
fail:
	return seg_error_free(e);
}

int seg_error_set(seg_error **err, int errnum, const char *format, ...)
{
	if (errnum <= 0)
		errnum = errnum < 0 ? -errnum : EIO;
	if (err && !*err) {
		va_list ap;
		va_start(ap, format);
		*err = error_new(errnum, NULL, 0, 0, format, ap);
		va_end(ap);
	}
	return -errnum;
}

int seg_error_set_at(seg_error **err, int errnum, const char *file, unsigned line,
		     unsigned column, const char *format, ...)
{
	if (errnum <= 0)
		errnum = errnum < 0 ? -errnum : EIO;
	if (err && !*err) {
		va_list ap;
		va_start(ap, format);
		*err = error_new(errnum, file, line, column, format, ap);
		va_end(ap);
	}
	return -errnum;
}

int seg_error_wrap(seg_error **err, int ret, const char *format, ...)
{
	_cleanup_free_ char *ctx = NULL;
	char *joined;
	va_list ap;
	int r;

	if (!err || !*err)
		return ret < 0 ? ret : -EIO;

	va_start(ap, format);
	r = vasprintf(&ctx, format, ap);
	va_end(ap);
	if (r < 0) {
		ctx = NULL;
		return -(*err)->errnum;
	}
	if (asprintf(&joined, "%s: %s", ctx, (*err)->context ? (*err)->context : "") < 0)
		return -(*err)->errnum;
	free((*err)->context);
	(*err)->context = joined;
	free((*err)->full);
	(*err)->full = NULL;
	return -(*err)->errnum;
}

SEG_PUBLIC int seg_error_errno(const seg_error *e)
{
	return e ? e->errnum : 0;
}

SEG_PUBLIC const char *seg_error_message(const seg_error *e)
{
	seg_error *m = (seg_error *)e; /* the cache is not part of the value */
	char pos[64] = "";
	int r;

	if (!e)
		return NULL;
	if (e->full)
		return e->full;
	if (e->file && e->line && e->column)
		snprintf(pos, sizeof(pos), ":%u:%u: ", e->line, e->column);
	else if (e->file && e->line)
		snprintf(pos, sizeof(pos), ":%u: ", e->line);
	else if (e->file)
		snprintf(pos, sizeof(pos), ": ");
	r = asprintf(&m->full, "%s%s%s%s", e->context ? e->context : "", e->file ? e->file : "",
		     pos, e->text);
	if (r < 0) {
		m->full = NULL;
		return e->text;
	}
	return e->full;
}

SEG_PUBLIC const char *seg_error_file(const seg_error *e)
{
	return e ? e->file : NULL;
}

SEG_PUBLIC unsigned seg_error_line(const seg_error *e)
{
	return e ? e->line : 0;
}

SEG_PUBLIC unsigned seg_error_column(const seg_error *e)
{
	return e ? e->column : 0;
}

SEG_PUBLIC seg_error *seg_error_free(seg_error *e)
{
	if (!e)
		return NULL;
	free(e->file);
	free(e->context);
	free(e->text);
	free(e->full);
	free(e);
	return NULL;
}
