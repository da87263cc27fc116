/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "error-internal.h"
#include "failpoint.h"

/*
 * The steps of seg_jail_create() and seg_jail_start() that change the host,
 * in the order they run.  The privileged failpoint test gets this list from
 * `test-failpoint --list`, so a new step is driven without editing the test.
 */
const char *const seg_failpoint_steps[] = {
	"create-lock",     /* registry locked, nothing made yet */
	"create-plan",     /* allocations computed */
	"create-render",   /* config and seccomp text rendered */
	"create-dir",      /* LXCPATH/NAME made */
	"create-config",   /* config written */
	"create-seccomp",  /* seccomp policy written */
	"create-tree",     /* rootfs tree built */
	"create-define",   /* liblxc sees the container */
	"create-register", /* registry entry written (committed) */
	"start-lock",      /* start: registry locked */
	"start-lxc",       /* container started */
	"start-running",   /* container reached RUNNING */
	"start-net",       /* network hook done */
	NULL,
};

bool seg_failpoint_known(const char *step)
{
	for (size_t i = 0; seg_failpoint_steps[i]; i++)
		if (strcmp(seg_failpoint_steps[i], step) == 0)
			return true;
	return false;
}

int seg_failpoint(const char *step, seg_error **err)
{
	const char *armed = getenv("SEGREGATE_FAILPOINT");
	size_t n = strlen(step);

	if (!armed || !*armed)
		return 0;
	for (const char *p = armed; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, step, n) == 0)
			return seg_error_set(err, EIO, "failpoint '%s' triggered (SEGREGATE_FAILPOINT)",
					     step);
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}
