/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seg-profile: renders hardened LXC configs from role profiles. */
#include <getopt.h>
#include <stdio.h>

#include "tool.h"

static void help(void)
{
	printf(_("Usage: %s [OPTION]... COMMAND\n"
		 "Render hardened LXC configurations and seccomp policies from role profiles.\n"
		 "\n"
		 "Options:\n"
		 "  -h, --help       show this help and exit\n"
		 "  -V, --version    show the version and exit\n"),
	       tool_name());
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	int c;

	tool_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) >= 0) {
		switch (c) {
		case 'h':
			help();
			return SEG_EXIT_OK;
		case 'V':
			tool_print_version();
			return SEG_EXIT_OK;
		default:
			return tool_usage_error(_("unknown option"));
		}
	}
	return tool_usage_error(_("missing command"));
}
