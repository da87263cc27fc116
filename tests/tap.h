/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Minimal TAP producer for C tests: plan at the end, diagnostics on failure. */
#ifndef SEG_TAP_H
#define SEG_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static inline bool tap_ok_(bool cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline bool tap_ok_(bool cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}
#define ok(cond, ...) tap_ok_(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, name)                                                                    \
	({                                                                                         \
		long long g_ = (long long)(got), w_ = (long long)(want);                           \
		bool r_ = ok(g_ == w_, "%s", name);                                                \
		if (!r_)                                                                           \
			printf("#   got: %lld\n#   expected: %lld\n", g_, w_);                     \
		r_;                                                                                \
	})

#define is_str(got, want, name)                                                                    \
	({                                                                                         \
		const char *g_ = (got), *w_ = (want);                                              \
		bool r_ = ok(g_ && w_ && strcmp(g_, w_) == 0, "%s", name);                         \
		if (!r_)                                                                           \
			printf("#   got:      '%s'\n#   expected: '%s'\n", g_ ? g_ : "(null)",      \
			       w_ ? w_ : "(null)");                                                \
		r_;                                                                                \
	})

static inline void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline void tap_skip_all(const char *reason)
{
	printf("1..0 # SKIP %s\n", reason);
	exit(0);
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
