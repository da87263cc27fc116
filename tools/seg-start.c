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
		 "Options:\n"
		 "      --state-dir DIR      registry and jails below DIR (default %s)\n"
		 "      --lxcpath DIR        LXC path of the jails (default STATE_DIR/jails)\n"
		 "  -h, --help               show this help and exit\n"
		 "  -V, --version            show the version and exit\n"
		 "\n"
		 "Exit status: 0 running, 1 failed, 2 bad usage.\n"),
	       tool_name(), "/var/lib/segregate");
}

enum { OPT_STATE_DIR = 0x100, OPT_LXCPATH };

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "lxcpath", required_argument, NULL, OPT_LXCPATH },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	const char *state_dir = NULL, *lxcpath = NULL;
	seg_ctx *ctx;
	seg_error *e = NULL;
	int c, r;

	tool_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) >= 0) {
		switch (c) {
		case OPT_STATE_DIR:
			state_dir = optarg;
			break;
		case OPT_LXCPATH:
			lxcpath = optarg;
			break;
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
	if (optind != argc - 1)
		return tool_usage_error(optind >= argc ? _("missing jail NAME")
						       : _("exactly one jail NAME expected"));
	if (!(ctx = tool_ctx_new(state_dir, lxcpath, NULL)))
		return SEG_EXIT_FAILURE;
	r = seg_jail_start(ctx, argv[optind], &e);
	if (r < 0)
		tool_error(e, _("starting the jail failed"));
	seg_ctx_free(ctx);
	return r < 0 ? SEG_EXIT_FAILURE : SEG_EXIT_OK;
}
