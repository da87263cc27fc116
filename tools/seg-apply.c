/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seg-apply: makes the host match a topology file, declaratively. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "tool.h"

static void help(void)
{
	printf(_("Usage: %s [OPTION]... TOPOLOGY.yaml\n"
		 "Make the host match TOPOLOGY: create the jails it declares that are missing,\n"
		 "start those that are stopped, and sync the firewall with its flows (element\n"
		 "changes in one nftables transaction). Running it again changes nothing.\n"
		 "Jails not made from TOPOLOGY are never touched.\n"
		 "\n"
		 "Options:\n"
		 "  -n, --dry-run            print what would change, change nothing\n"
		 "      --down               stop and remove every jail TOPOLOGY declares\n"
		 "      --prune              remove jails made from TOPOLOGY that it no longer\n"
		 "                           declares\n"
		 "      --recreate           recreate jails whose rendered config changed (a new\n"
		 "                           role, limits, mounts, init); without it they are\n"
		 "                           reported and kept as they are\n"
		 "      --no-start           create jails but do not start them\n"
		 "  -q, --quiet              print only errors\n"),
	       tool_name());
	tool_print_common_options();
	printf(_("\n"
		 "Exit status: 0 done (or nothing to do), 1 failed (the failed step was rolled\n"
		 "back; earlier steps stay done and a re-run continues), 2 bad usage.\n"));
}

static const char *step_text(seg_apply_step s, bool dry)
{
	switch (s) {
	case SEG_APPLY_STEP_CREATE:
		return dry ? _("would create") : _("created");
	case SEG_APPLY_STEP_START:
		return dry ? _("would start") : _("started");
	case SEG_APPLY_STEP_DESTROY:
		return dry ? _("would destroy") : _("destroyed");
	case SEG_APPLY_STEP_RECREATE:
		return dry ? _("would recreate") : _("recreated");
	case SEG_APPLY_STEP_UNCHANGED:
		return _("unchanged");
	case SEG_APPLY_STEP_CHANGED:
		return _("changed, kept");
	case SEG_APPLY_STEP_UNDECLARED:
		return _("undeclared, kept");
	case SEG_APPLY_STEP_NETWORK:
		return dry ? _("would change") : _("changed");
	case SEG_APPLY_STEP_FAILED:
		return _("FAILED");
	}
	return "?";
}

struct out {
	bool dry, quiet;
};

static void progress(void *userdata, const char *jail, seg_apply_step step, const char *detail)
{
	const struct out *o = userdata;

	if (o->quiet && step != SEG_APPLY_STEP_FAILED)
		return;
	printf("  %-20s %-16s %s\n", jail ? jail : _("(network)"), step_text(step, o->dry),
	       detail ? detail : "");
	fflush(stdout);
}

enum { OPT_DOWN, OPT_PRUNE, OPT_RECREATE,
       OPT_NO_START };

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "down", no_argument, NULL, OPT_DOWN },
		{ "prune", no_argument, NULL, OPT_PRUNE },
		{ "recreate", no_argument, NULL, OPT_RECREATE },
		{ "no-start", no_argument, NULL, OPT_NO_START },
		{ "quiet", no_argument, NULL, 'q' },
		TOOL_COMMON_OPTIONS,
		{}
	};
	tool_paths paths = {};
	struct out o = {};
	unsigned flags = 0, changes = 0;
	seg_ctx *ctx;
	seg_error *e = NULL;
	int c, r;

	tool_init(argv[0]);
	while ((c = getopt_long(argc, argv, "nqhV", opts, NULL)) >= 0) {
		switch (c) {
		case 'n':
			flags |= SEG_APPLY_DRY_RUN;
			break;
		case OPT_DOWN:
			flags |= SEG_APPLY_DOWN;
			break;
		case OPT_PRUNE:
			flags |= SEG_APPLY_PRUNE;
			break;
		case OPT_RECREATE:
			flags |= SEG_APPLY_RECREATE;
			break;
		case OPT_NO_START:
			flags |= SEG_APPLY_NO_START;
			break;
		case 'q':
			o.quiet = true;
			break;
		default:
			if ((r = tool_common_option(c, optarg, &paths, help)) != TOOL_CONTINUE)
				return r;
		}
	}
	if (optind != argc - 1)
		return tool_usage_error(optind >= argc ? _("missing TOPOLOGY file")
						       : _("exactly one TOPOLOGY file expected"));
	if ((flags & SEG_APPLY_DOWN) && (flags & (SEG_APPLY_PRUNE | SEG_APPLY_RECREATE)))
		return tool_usage_error(_("--down takes neither --prune nor --recreate"));
	o.dry = flags & SEG_APPLY_DRY_RUN;
	if (!(ctx = tool_ctx_new_paths(&paths)))
		return SEG_EXIT_FAILURE;
	if (!o.quiet)
		printf(o.dry ? _("%s (dry run, nothing changes):\n") : _("%s:\n"), argv[optind]);
	r = seg_apply(ctx, argv[optind], flags, progress, &o, &changes, &e);
	if (r < 0)
		tool_error(e, _("applying the topology failed"));
	else if (!o.quiet && changes == 0)
		printf(_("nothing to do: the host already matches %s\n"), argv[optind]);
	else if (!o.quiet)
		printf(o.dry ? _("%u change(s) pending\n") : _("%u change(s) applied\n"), changes);
	seg_ctx_free(ctx);
	return r < 0 ? SEG_EXIT_FAILURE : SEG_EXIT_OK;
}
