/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seg-destroy: removes a jail and everything it owned. */
#include <getopt.h>
#include <stdio.h>

#include "tool.h"

static void help(void)
{
	printf(_("Usage: %s [OPTION]... NAME\n"
		 "Destroy the jail NAME: its network elements, LXC config, seccomp policy,\n"
		 "writable tree, logs and registry entry.  Containers segregate did not\n"
		 "create are refused.\n"
		 "\n"
		 "Options:\n"
		 "  -f, --force              stop the jail first if it runs\n"),
	       tool_name());
	tool_print_common_options();
	printf(_("\n"
		 "Exit status: 0 destroyed, 1 failed, 2 bad usage.\n"));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		TOOL_COMMON_OPTIONS,
		{}
	};
	tool_paths paths = {};
	const char *name;
	unsigned flags = 0;
	seg_ctx *ctx;
	seg_error *e = NULL;
	int c, r;

	tool_init(argv[0]);
	while ((c = getopt_long(argc, argv, "fhV", opts, NULL)) >= 0) {
		switch (c) {
		case 'f':
			flags |= SEG_JAIL_DESTROY_FORCE;
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
	r = seg_jail_destroy(ctx, name, flags, &e);
	if (r < 0)
		tool_error(e, _("destroying the jail failed"));
	seg_ctx_free(ctx);
	return r < 0 ? SEG_EXIT_FAILURE : SEG_EXIT_OK;
}
