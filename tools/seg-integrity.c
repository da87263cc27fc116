/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seg-integrity: integrity baselines of jails, checked from the host. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tool.h"

static void help(void)
{
	printf(_("Usage: %s [OPTION]... baseline|verify NAME...\n"
		 "Check the jails' own trees from the host, out of their reach.\n"
		 "\n"
		 "  baseline NAME...   record every file of the jail (type, mode, owner, size,\n"
		 "                     SHA-256, symlink target) in STATE_DIR/integrity/NAME.db\n"
		 "  verify NAME...     compare the jail with its baseline; list what was added,\n"
		 "                     removed or changed\n"
		 "\n"
		 "The walk never follows a symlink and never leaves the jail's filesystem;\n"
		 "file names are printed escaped (%%XX for anything but printable ASCII).\n"
		 "\n"
		 "Options:\n"
		 "  -q, --quiet              print only differences and errors\n"),
	       tool_name());
	tool_print_common_options();
	printf(_("\n"
		 "Exit status: 0 done and (verify) no difference, 3 differences found,\n"
		 "1 failure, 2 bad usage.\n"));
}

struct out {
	const char *jail;
};

static void report(void *userdata, seg_integrity_change change, const char *path,
		   const char *detail)
{
	const struct out *o = userdata;
	const char *what = change == SEG_INTEGRITY_ADDED     ? _("added")
			   : change == SEG_INTEGRITY_REMOVED ? _("removed")
							     : _("changed");

	printf("%s: %-8s %s%s%s%s\n", o->jail, what, path, detail ? " (" : "", detail ? detail : "",
	       detail ? ")" : "");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		TOOL_COMMON_OPTIONS,
		{}
	};
	tool_paths paths = {};
	bool quiet = false, verify;
	int c, r, status = SEG_EXIT_OK;
	seg_ctx *ctx;

	tool_init(argv[0]);
	while ((c = getopt_long(argc, argv, "qhV", opts, NULL)) >= 0) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		default:
			if ((r = tool_common_option(c, optarg, &paths, help)) != TOOL_CONTINUE)
				return r;
		}
	}
	if (optind >= argc)
		return tool_usage_error(_("missing command (baseline or verify)"));
	if (strcmp(argv[optind], "baseline") != 0 && strcmp(argv[optind], "verify") != 0)
		return tool_usage_error(_("unknown command '%s' (baseline or verify)"), argv[optind]);
	verify = strcmp(argv[optind++], "verify") == 0;
	if (optind >= argc)
		return tool_usage_error(_("missing jail NAME"));
	if (!(ctx = tool_ctx_new_paths(&paths)))
		return SEG_EXIT_FAILURE;
	for (; optind < argc; optind++) {
		struct out o = { .jail = argv[optind] };
		seg_error *e = NULL;
		size_t n = 0;

		r = verify ? seg_integrity_verify(ctx, o.jail, report, &o, &n, &e)
			   : seg_integrity_baseline(ctx, o.jail, &n, &e);
		if (r < 0) {
			tool_error(e, _("integrity check failed"));
			status = SEG_EXIT_FAILURE;
		} else if (verify && n > 0) {
			printf(_("%s: %zu difference(s) from the baseline\n"), o.jail, n);
			if (status == SEG_EXIT_OK)
				status = SEG_EXIT_DRIFT;
		} else if (!quiet) {
			printf(verify ? _("%s: matches its baseline\n")
				      : _("%s: baseline of %zu entries recorded\n"),
			       o.jail, n);
		}
	}
	seg_ctx_free(ctx);
	return status;
}
