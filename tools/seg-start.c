/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seg-start: starts a jail and brings up its network. */
#include <getopt.h>
#include <stdio.h>

#include "tool.h"

static void help(void)
{
	printf(_("Usage: %s [OPTION]... NAME\n"
		 "Start the jail NAME (created by seg-create) and bring up its network.\n"
		 "If any step fails, what was started is stopped again.\n"
		 "\n"
		 "Options:\n"),
	       tool_name());
	tool_print_common_options();
	printf(_("\n"
		 "Exit status: 0 running, 1 failed, 2 bad usage.\n"));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		TOOL_COMMON_OPTIONS,
		{}
	};
	tool_paths paths = {};
	const char *name;
	seg_ctx *ctx;
	seg_error *e = NULL;
	int c, r;

	tool_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) >= 0) {
		switch (c) {
		default:
			if ((r = tool_common_option(c, optarg, &paths, help)) != TOOL_CONTINUE)
				return r;
		}
	}
	if ((r = tool_one_name(argc, argv, optind, &name)) != 0)
		return r;
	if (!(ctx = tool_ctx_new_paths(&paths)))
		return SEG_EXIT_FAILURE;
	r = seg_jail_start(ctx, name, &e);
	if (r < 0)
		tool_error(e, _("starting the jail failed"));
	seg_ctx_free(ctx);
	return r < 0 ? SEG_EXIT_FAILURE : SEG_EXIT_OK;
}
