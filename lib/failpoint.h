/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test-only fault injection.  SEGREGATE_FAILPOINT=STEP (or a comma-separated
 * list of steps) makes seg_failpoint(STEP) fail with EIO, so the test suite
 * can prove that a create or start that fails at any step leaves nothing
 * behind.  Every step is listed in seg_failpoint_steps; the test drives
 * each one in turn.  Costs one getenv() per step in production.
 */
#ifndef SEG_FAILPOINT_H
#define SEG_FAILPOINT_H

#include <segregate/error.h>
#include "macro.h"

/* NULL-terminated list of every step, in the order a create --start passes them. */
extern const char *const seg_failpoint_steps[];

/* Returns -EIO with a "failpoint STEP triggered" error if STEP is armed, else 0. */
int seg_failpoint(const char *step, seg_error **err);

/* True if step names a known step. */
bool seg_failpoint_known(const char *step);

#endif
