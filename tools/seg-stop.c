/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seg-stop: stops a jail, cleanly if its init allows, else by killing it. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "tool.h"

static void help(void)
{
	printf(_("Usage: %s [OPTION]... NAME\n"
		 "Stop the jail NAME: ask its init to shut down (SIGPWR), wait, then kill it.\n"
		 "Stopping a stopped jail succeeds.\n"
		 "\n"
		 "Options:\n"
		 "  -t, --timeout SECONDS    wait this long for a clean shutdown (default 5)\n"
		 "  -k, --kill               kill at once, no clean shutdown\n"),
	       tool_name());
	tool_print_common_options();
	printf(_("\n"
		 "Exit status: 0 stopped, 1 failed, 2 bad usage.\n"));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "kill", no_argument, NULL, 'k' },
		TOOL_COMMON_OPTIONS,
		{}
	};
	tool_paths paths = {};
	const char *name;
	unsigned flags = 0;
	long timeout = 5;
	char *end;
	seg_ctx *ctx;
	seg_error *e = NULL;
	int c, r;

	tool_init(argv[0]);
	while ((c = getopt_long(argc, argv, "t:khV", opts, NULL)) >= 0) {
		switch (c) {
		case 't':
			errno = 0;
			timeout = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || timeout < 0 || timeout > INT_MAX)
				return tool_usage_error(_("invalid timeout '%s' (seconds, 0 or more)"),
							optarg);
			break;
		case 'k':
			flags |= SEG_JAIL_STOP_KILL;
			break;
		default:
			if ((r = tool_common_option(c, optarg, &paths, help)) != TOOL_CONTINUE)
				return r;
		}
	}
	if ((r = tool_one_name(argc, argv, optind, &name)) != 0)
		return r;
	if (!(ctx = tool_ctx_new_paths(&paths)))
		return SEG_EXIT_FAILURE;
	r = seg_jail_stop(ctx, name, (int)timeout, flags, &e);
	if (r < 0)
		tool_error(e, _("stopping the jail failed"));
	seg_ctx_free(ctx);
	return r < 0 ? SEG_EXIT_FAILURE : SEG_EXIT_OK;
}
