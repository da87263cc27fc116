/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seg-create: allocates, renders and registers a jail (optionally starts it). */
#include <getopt.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tool.h"

static void help(void)
{
	printf(_("Usage: %s [OPTION]... (--role ROLE | --topology FILE) NAME\n"
		 "Create the jail NAME: allocate its index, address, uid range and veth in the\n"
		 "registry, render its LXC config and seccomp policy, build its small writable\n"
		 "tree and register the container with LXC.  On failure nothing is left behind.\n"
		 "\n"
		 "Options:\n"
		 "  -r, --role ROLE          make NAME from the role profile ROLE\n"
		 "  -t, --topology FILE      make NAME as the topology FILE declares it\n"
		 "  -s, --start              start the jail once created\n"
		 "  -q, --quiet              print nothing on success\n"),
	       tool_name());
	tool_print_common_options();
	printf(_("\n"
		 "Exit status: 0 created, 1 failed (nothing left behind), 2 bad usage.\n"));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "topology", required_argument, NULL, 't' },
		{ "start", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		TOOL_COMMON_OPTIONS,
		{}
	};
	const char *role = NULL, *topology = NULL, *name;
	tool_paths paths = {};
	unsigned flags = 0;
	bool quiet = false;
	seg_ctx *ctx;
	seg_error *e = NULL;
	seg_jail_info *info = NULL;
	int c, r;

	tool_init(argv[0]);
	while ((c = getopt_long(argc, argv, "r:t:sqhV", opts, NULL)) >= 0) {
		switch (c) {
		case 'r':
			role = optarg;
			break;
		case 't':
			topology = optarg;
			break;
		case 's':
			flags |= SEG_JAIL_CREATE_START;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			if ((r = tool_common_option(c, optarg, &paths, help)) != TOOL_CONTINUE)
				return r;
		}
	}
	if ((r = tool_one_name(argc, argv, optind, &name)) != 0)
		return r;
	if (!role == !topology)
		return tool_usage_error(_("give either --role ROLE or --topology FILE"));
	if (!(ctx = tool_ctx_new_paths(&paths)))
		return SEG_EXIT_FAILURE;
	r = seg_jail_create(ctx, name, role, topology, flags, &e);
	if (r < 0) {
		tool_error(e, _("creating the jail failed"));
		seg_ctx_free(ctx);
		return SEG_EXIT_FAILURE;
	}
	if (!quiet && seg_jail_list(ctx, &info, NULL) == 0) {
		for (size_t i = 0; i < seg_jail_info_count(info); i++) {
			if (strcmp(seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_NAME), name) != 0)
				continue;
			uint64_t base = seg_jail_info_get_u64(info, i, SEG_JAIL_ATTR_UID_BASE);
			printf(_("%s: role %s, address %s, uids %" PRIu64 "-%" PRIu64 ", veth %s, %s\n"),
			       name, seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_ROLE),
			       seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_ADDRESS), base,
			       base + seg_jail_info_get_u64(info, i, SEG_JAIL_ATTR_UID_COUNT) - 1,
			       seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_VETH),
			       seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_STATE));
		}
		seg_jail_info_free(info);
	}
	seg_ctx_free(ctx);
	return SEG_EXIT_OK;
}
