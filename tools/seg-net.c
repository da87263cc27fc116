/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seg-net: the jails' addresses, routes and nftables flows. */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "net.h"
#include "nft.h"
#include "registry.h"
#include "tool.h"

static void help(void)
{
	printf(_("Usage: %s [OPTION]... COMMAND [ARG]...\n"
		 "Wire the jails: /32 loopback-range addresses, routes, and the nftables table\n"
		 "that allows exactly the declared flows.\n"
		 "\n"
		 "Commands:\n"
		 "  apply [--topology FILE] [--uplink IF]  make the kernel match the registry's\n"
		 "                                         jails and the topology's flows\n"
		 "  show [--json]                          the flows the kernel enforces\n"
		 "  flush                                  remove segregate's table (only it)\n"
		 "  check [--topology FILE]                compare the kernel with the plan\n"
		 "                                         (exit 3 on drift)\n"
		 "  allow FROM TO PORT/PROTO               allow one flow now\n"
		 "  deny FROM TO PORT/PROTO                remove one flow now\n"
		 "\n"
		 "Options (before or after the command):\n"
		 "      --state-dir DIR   registry location (default: SEGREGATE_STATE_DIR or\n"
		 "                        the built-in default)\n"
		 "      --topology FILE   a topology whose flows apply too (always: those of\n"
		 "                        every topology the jails were created from)\n"
		 "      --uplink IF       interface carrying ingress/egress: route_localnet and\n"
		 "                        forwarding on (the table guards 127/8 on it)\n"
		 "      --json            machine-readable output for show\n"
		 "  -h, --help            show this help and exit\n"
		 "  -V, --version         show the version and exit\n"),
	       tool_name());
}

typedef struct names {
	seg_registry *reg;
} names;

static const char *name_of(const names *n, const uint8_t *be_addr, char buf[static 16])
{
	uint32_t a;

	memcpy(&a, be_addr, 4);
	a = ntohl(a);
	for (size_t i = 0; n->reg && i < seg_registry_count(n->reg); i++)
		if (seg_registry_get(n->reg, i)->addr == a)
			return seg_registry_get(n->reg, i)->name;
	return seg_addr_to_string(a, buf);
}

static unsigned port_of(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return ntohs(v);
}

static const char *proto_of(uint8_t p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : "?";
}

static int show(seg_ctx *ctx, bool json)
{
	_cleanup_elems_ seg_nft_elems e = {};
	seg_nft_nl *nl = NULL;
	seg_error *err = NULL;
	names n = {};
	bool exists = false, first = true;
	const char *table = seg_ctx_get_nft_table(ctx);
	int r;

	(void)seg_registry_open(ctx, SEG_REGISTRY_SHARED, &n.reg, NULL); /* names only */
	if ((r = seg_nft_nl_open(&nl, &err)) < 0 ||
	    (r = seg_nft_table_exists(nl, table, &exists, &err)) < 0 ||
	    (exists && (r = seg_nft_dump_elems(nl, table, &e, &err)) < 0)) {
		seg_nft_nl_close(nl);
		seg_registry_free(n.reg);
		tool_error(err, NULL);
		return SEG_EXIT_FAILURE;
	}
	seg_nft_nl_close(nl);
	if (json)
		printf("{\"table\":\"%s\",\"present\":%s,\"rules\":[", table, exists ? "true" : "false");
	else if (!exists)
		printf(_("table inet %s: not present\n"), table);
	else
		printf("%-8s %-16s %-16s %-5s %s\n", _("KIND"), _("FROM"), _("TO"), _("PROTO"),
		       _("PORT"));
	for (size_t i = 0; i < e.n; i++) {
		const uint8_t *k = e.v[i].key, *d = e.v[i].data;
		char b1[16], b2[16], port[24];
		const char *kind, *from, *to, *proto;

		switch (e.v[i].set) {
		case SEG_NFT_SET_FLOWS:
			kind = "flow", from = name_of(&n, k, b1), to = name_of(&n, k + 4, b2);
			proto = proto_of(k[8]);
			snprintf(port, sizeof(port), "%u", port_of(k + 12));
			break;
		case SEG_NFT_SET_INGRESS:
			kind = "ingress", from = "*", to = name_of(&n, d, b2), proto = proto_of(k[0]);
			snprintf(port, sizeof(port), "%u->%u", port_of(k + 4), port_of(d + 4));
			break;
		case SEG_NFT_SET_EGRESS:
		case SEG_NFT_SET_EGRESS_ANY:
			kind = "egress", from = name_of(&n, k, b1), to = "*", proto = proto_of(k[4]);
			snprintf(port, sizeof(port), "%s",
				 e.v[i].set == SEG_NFT_SET_EGRESS ? "" : "*");
			if (e.v[i].set == SEG_NFT_SET_EGRESS)
				snprintf(port, sizeof(port), "%u", port_of(k + 8));
			break;
		case SEG_NFT_SET_HOSTSVC:
			kind = "host", from = name_of(&n, k, b1), to = "host", proto = proto_of(k[4]);
			snprintf(port, sizeof(port), "%u", port_of(k + 8));
			break;
		case SEG_NFT_SET_HOSTSVC_ANY:
			kind = "host", from = "*", to = "host", proto = proto_of(k[0]);
			snprintf(port, sizeof(port), "%u", port_of(k + 4));
			break;
		default:
			continue;
		}
		if (json) {
			printf("%s{\"kind\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"proto\":\"%s\","
			       "\"port\":\"%s\"}",
			       first ? "" : ",", kind, from, to, proto, port);
			first = false;
		} else {
			printf("%-8s %-16s %-16s %-5s %s\n", kind, from, to, proto, port);
		}
	}
	if (json)
		printf("]}\n");
	seg_registry_free(n.reg);
	return SEG_EXIT_OK;
}

static int flow(seg_ctx *ctx, bool allow, char **args, int nargs)
{
	_cleanup_(seg_plan_freep) seg_plan *plan = NULL;
	seg_error *err = NULL;
	char *slash, *end;
	unsigned long port;
	uint8_t proto;

	if (nargs != 3)
		return tool_usage_error(_("%s needs FROM TO PORT/PROTO"), allow ? "allow" : "deny");
	slash = strchr(args[2], '/');
	port = strtoul(args[2], &end, 10);
	if (!slash || end != slash || port == 0 || port > 65535 ||
	    (strcmp(slash + 1, "tcp") != 0 && strcmp(slash + 1, "udp") != 0))
		return tool_usage_error(_("'%s' is not PORT/PROTO (1..65535, tcp or udp), e.g. 80/tcp"),
					args[2]);
	proto = slash[1] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
	if (seg_net_plan_load(ctx, NULL, &plan, &err) < 0 ||
	    seg_net_flow(ctx, plan, args[0], args[1], proto, (uint16_t)port, allow, &err) < 0) {
		tool_error(err, NULL);
		return SEG_EXIT_FAILURE;
	}
	return SEG_EXIT_OK;
}

int main(int argc, char **argv)
{
	enum { OPT_STATE_DIR = 256, OPT_TOPOLOGY, OPT_UPLINK, OPT_JSON };
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "topology", required_argument, NULL, OPT_TOPOLOGY },
		{ "uplink", required_argument, NULL, OPT_UPLINK },
		{ "json", no_argument, NULL, OPT_JSON },
		{}
	};
	const char *state_dir = NULL, *topology = NULL, *uplink = NULL, *cmd;
	_cleanup_(seg_plan_freep) seg_plan *plan = NULL;
	seg_error *err = NULL;
	seg_ctx *ctx;
	bool json = false;
	int c, ret = SEG_EXIT_OK;

	tool_init(argv[0]);
	/* GNU getopt permutes: options may follow the command */
	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) >= 0) {
		switch (c) {
		case 'h':
			help();
			return SEG_EXIT_OK;
		case 'V':
			tool_print_version();
			return SEG_EXIT_OK;
		case OPT_STATE_DIR:
			state_dir = optarg;
			break;
		case OPT_TOPOLOGY:
			topology = optarg;
			break;
		case OPT_UPLINK:
			uplink = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		default:
			return tool_usage_error(_("unknown option"));
		}
	}
	if (optind >= argc)
		return tool_usage_error(_("missing command"));
	cmd = argv[optind++];
	if (strcmp(cmd, "apply") && strcmp(cmd, "show") && strcmp(cmd, "flush") &&
	    strcmp(cmd, "check") && strcmp(cmd, "allow") && strcmp(cmd, "deny"))
		return tool_usage_error(_("unknown command '%s'"), cmd);
	if (strcmp(cmd, "allow") && strcmp(cmd, "deny") && optind < argc)
		return tool_usage_error(_("unexpected argument '%s'"), argv[optind]);
	if (!(ctx = tool_ctx_new(state_dir, NULL, NULL)))
		return SEG_EXIT_FAILURE;

	if (strcmp(cmd, "show") == 0) {
		ret = show(ctx, json);
	} else if (strcmp(cmd, "allow") == 0 || strcmp(cmd, "deny") == 0) {
		ret = flow(ctx, cmd[0] == 'a', argv + optind, argc - optind);
	} else if (strcmp(cmd, "flush") == 0) {
		if (seg_net_flush(ctx, &err) < 0)
			ret = SEG_EXIT_FAILURE;
	} else if (seg_net_plan_load(ctx, topology, &plan, &err) < 0) {
		ret = SEG_EXIT_FAILURE;
	} else if (strcmp(cmd, "apply") == 0) {
		if (seg_net_apply(ctx, plan, &err) < 0 ||
		    (uplink && seg_net_uplink(ctx, uplink, &err) < 0))
			ret = SEG_EXIT_FAILURE;
	} else {
		char *report = NULL;
		int r = seg_net_check(ctx, plan, &report, &err);

		if (report)
			fputs(report, stdout);
		free(report);
		if (r < 0)
			ret = SEG_EXIT_FAILURE;
		else if (r > 0)
			ret = SEG_EXIT_DRIFT;
	}
	if (ret == SEG_EXIT_FAILURE && err)
		tool_error(err, NULL);
	seg_ctx_free(ctx);
	return ret;
}
