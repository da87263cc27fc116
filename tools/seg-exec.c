/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seg-exec: runs a command inside a jail, as confined as the jail itself. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tool.h"

static void help(void)
{
	printf(_("Usage: %s [OPTION]... NAME [--] COMMAND [ARG]...\n"
		 "Run COMMAND inside the running jail NAME with exactly the jail's confinement:\n"
		 "its namespaces, capabilities, seccomp policy (including the layer that keeps\n"
		 "i386 and x32 system calls out, which a bare lxc-attach lacks) and\n"
		 "no_new_privs, with a clean environment.\n"
		 "\n"
		 "Options:\n"),
	       tool_name());
	tool_print_common_options();
	printf(_("\n"
		 "Exit status: COMMAND's own status (128+N when killed by signal N);\n"
		 "255 when COMMAND could not be run in the jail, 2 bad usage.\n"));
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
	int c, r, status = 255;

	tool_init(argv[0]);
	/* "+": options stop at NAME, the command's own options are its own */
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) >= 0) {
		switch (c) {
		default:
			if ((r = tool_common_option(c, optarg, &paths, help)) != TOOL_CONTINUE)
				return r;
		}
	}
	if (optind >= argc)
		return tool_usage_error(_("missing jail NAME"));
	name = argv[optind++];
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (optind >= argc)
		return tool_usage_error(_("missing COMMAND"));
	if (!(ctx = tool_ctx_new_paths(&paths)))
		return 255;
	r = seg_jail_exec(ctx, name, argv + optind, &status, &e);
	if (r < 0) {
		tool_error(e, _("running the command failed"));
		status = 255;
	}
	seg_ctx_free(ctx);
	return status;
}
