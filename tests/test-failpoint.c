/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Failpoints: off by default, armed by SEGREGATE_FAILPOINT (one or a list).
 * `test-failpoint --list` prints every step for the privileged test. */
#include <string.h>

#include "error-internal.h"
#include "failpoint.h"
#include "tap.h"

int main(int argc, char **argv)
{
	seg_error *e = NULL;
	size_t n = 0;

	if (argc > 1 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; seg_failpoint_steps[i]; i++)
			printf("%s\n", seg_failpoint_steps[i]);
		return 0;
	}
	for (; seg_failpoint_steps[n]; n++)
		;
	ok(n >= 10, "%zu steps listed", n);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(seg_failpoint_steps[i], seg_failpoint_steps[j]) == 0)
				ok(0, "step %s listed twice", seg_failpoint_steps[i]);
	ok(seg_failpoint_known("create-tree"), "create-tree is a step");
	ok(!seg_failpoint_known("create"), "a prefix is not a step");

	unsetenv("SEGREGATE_FAILPOINT");
	is_int(seg_failpoint("create-tree", &e), 0, "unarmed: no failure");
	setenv("SEGREGATE_FAILPOINT", "create-tree", 1);
	is_int(seg_failpoint("create-dir", NULL), 0, "another step passes");
	is_int(seg_failpoint("create-tree", &e), -EIO, "armed step fails with EIO");
	is_str(e ? seg_error_message(e) : NULL,
	       "failpoint 'create-tree' triggered (SEGREGATE_FAILPOINT)", "message names the step");
	e = seg_error_free(e);
	setenv("SEGREGATE_FAILPOINT", "start-lxc,create-dir", 1);
	is_int(seg_failpoint("create-dir", NULL), -EIO, "second of a list fails");
	is_int(seg_failpoint("start-lxc", NULL), -EIO, "first of a list fails");
	is_int(seg_failpoint("start-lx", NULL), 0, "no prefix match");
	unsetenv("SEGREGATE_FAILPOINT");
	return tap_done();
}
