/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seg-ls: the jails segregate created, as a table or JSON. */
#include <getopt.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>

#include "tool.h"

static void help(void)
{
	printf(_("Usage: %s [OPTION]...\n"
		 "List the jails segregate created: name, role, state, address, uid range,\n"
		 "init pid and disk used.\n"
		 "\n"
		 "Options:\n"
		 "  -j, --json               print a JSON array instead of a table\n"),
	       tool_name());
	tool_print_common_options();
	printf(_("\n"
		 "Exit status: 0 listed, 1 failed (unreadable registry), 2 bad usage.\n"));
}

/* Names, roles, states and addresses are [a-zA-Z0-9.:/_-]; paths may not be. */
static void json_str(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void print_json(const seg_jail_info *info)
{
	size_t n = seg_jail_info_count(info);

	printf("[");
	for (size_t i = 0; i < n; i++) {
		printf("%s\n  {\"name\": ", i ? "," : "");
		json_str(seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_NAME));
		printf(", \"role\": ");
		json_str(seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_ROLE));
		printf(", \"state\": ");
		json_str(seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_STATE));
		printf(", \"address\": ");
		json_str(seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_ADDRESS));
		printf(", \"veth\": ");
		json_str(seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_VETH));
		printf(", \"base\": ");
		json_str(seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_BASE));
		printf(", \"topology\": ");
		json_str(seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_TOPOLOGY));
		printf(", \"index\": %" PRIu64 ", \"uid_base\": %" PRIu64 ", \"uid_count\": %" PRIu64
		       ", \"pid\": %" PRIu64 ", \"disk_bytes\": %" PRIu64 ", \"created\": %" PRIu64
		       "}",
		       seg_jail_info_get_u64(info, i, SEG_JAIL_ATTR_INDEX),
		       seg_jail_info_get_u64(info, i, SEG_JAIL_ATTR_UID_BASE),
		       seg_jail_info_get_u64(info, i, SEG_JAIL_ATTR_UID_COUNT),
		       seg_jail_info_get_u64(info, i, SEG_JAIL_ATTR_PID),
		       seg_jail_info_get_u64(info, i, SEG_JAIL_ATTR_DISK),
		       seg_jail_info_get_u64(info, i, SEG_JAIL_ATTR_CREATED));
	}
	printf("%s]\n", n ? "\n" : "");
}

static void print_table(const seg_jail_info *info)
{
	printf("%-20s %-8s %-8s %-15s %-21s %8s %8s\n", _("NAME"), _("ROLE"), _("STATE"),
	       _("ADDRESS"), _("UIDS"), _("PID"), _("DISK"));
	for (size_t i = 0; i < seg_jail_info_count(info); i++) {
		uint64_t base = seg_jail_info_get_u64(info, i, SEG_JAIL_ATTR_UID_BASE);
		uint64_t pid = seg_jail_info_get_u64(info, i, SEG_JAIL_ATTR_PID);
		char uids[32], pidbuf[24];

		snprintf(uids, sizeof(uids), "%" PRIu64 "-%" PRIu64, base,
			 base + seg_jail_info_get_u64(info, i, SEG_JAIL_ATTR_UID_COUNT) - 1);
		snprintf(pidbuf, sizeof(pidbuf), pid ? "%" PRIu64 : "-", pid);
		printf("%-20s %-8s %-8s %-15s %-21s %8s %7" PRIu64 "K\n",
		       seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_NAME),
		       seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_ROLE),
		       seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_STATE),
		       seg_jail_info_get_str(info, i, SEG_JAIL_ATTR_ADDRESS), uids, pidbuf,
		       (seg_jail_info_get_u64(info, i, SEG_JAIL_ATTR_DISK) + 1023) / 1024);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		TOOL_COMMON_OPTIONS,
		{}
	};
	tool_paths paths = {};
	bool json = false;
	seg_ctx *ctx;
	seg_error *e = NULL;
	seg_jail_info *info = NULL;
	int c, r;

	tool_init(argv[0]);
	while ((c = getopt_long(argc, argv, "jhV", opts, NULL)) >= 0) {
		switch (c) {
		case 'j':
			json = true;
			break;
		default:
			if ((r = tool_common_option(c, optarg, &paths, help)) != TOOL_CONTINUE)
				return r;
		}
	}
	if (optind != argc)
		return tool_usage_error(_("unexpected argument '%s'"), argv[optind]);
	if (!(ctx = tool_ctx_new_paths(&paths)))
		return SEG_EXIT_FAILURE;
	r = seg_jail_list(ctx, &info, &e);
	if (r < 0)
		tool_error(e, _("listing the jails failed"));
	else if (json)
		print_json(info);
	else
		print_table(info);
	seg_jail_info_free(info);
	seg_ctx_free(ctx);
	return r < 0 ? SEG_EXIT_FAILURE : SEG_EXIT_OK;
}
