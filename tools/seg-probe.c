/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seg-probe: the live reachability matrix against the declared policy. */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reach.h"
#include "tool.h"

static void help(void)
{
	printf(_("Usage: %s [OPTION]...\n"
		 "Measure what really gets through: from inside every running jail, connect to\n"
		 "every other jail's declared ports and to port %d (declared by nobody), to the\n"
		 "host's services on the gateway address and, with --outside, to an address\n"
		 "beyond the host. Print the result beside the declared policy and mark every\n"
		 "difference. A refused connection counts as reached (packets went through).\n"
		 "\n"
		 "Options:\n"
		 "      --topology FILE      flows to compare with (default: the topology the\n"
		 "                           jails were made from)\n"
		 "      --outside ADDR       also probe ADDR (IPv4) beyond the host\n"
		 "      --host-port PORT     also probe TCP PORT on the host (repeatable): a\n"
		 "                           host-only service no jail may reach\n"
		 "      --timeout MS         wait per jail (default 400)\n"
		 "      --json               one JSON object per probe, in an array\n"),
	       tool_name(), SEG_REACH_CANARY_PORT);
	tool_print_common_options();
	printf(_("\n"
		 "Exit status: 0 the measured matrix equals the policy, 3 it differs,\n"
		 "1 failure, 2 bad usage.\n"));
}

static const char *target_name(const seg_reach *r, const seg_reach_probe *p)
{
	switch (p->kind) {
	case SEG_REACH_JAIL:
		return r->plan->jails[p->to].name;
	case SEG_REACH_HOST:
		return "(host)";
	default:
		return "(outside)";
	}
}

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

/* "80/tcp 443/tcp" of the probes in [a, b) that pass the filter; "-" if none. */
static void ports(const seg_reach *r, size_t a, size_t b, bool measured, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = a; i < b; i++) {
		const seg_reach_probe *p = &r->probes[i];
		bool in = measured ? seg_probe_reachable(p->result) : p->declared;
		const char *mark = measured && !p->verified && p->declared ? "?" : "";

		if (measured && !p->verified && p->declared)
			in = true; /* shown as unverified */
		if (!in)
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%u/%s%s",
					 used ? " " : "", p->port, proto_name(p->proto), mark);
	}
	if (!buf[0])
		snprintf(buf, len, "-");
}

static void print_table(const seg_reach *r)
{
	char declared[256], measured[256], pair[80];

	printf("%-30s %-24s %-24s\n", _("FROM -> TO"), _("DECLARED"), _("MEASURED"));
	for (size_t a = 0; a < r->n;) {
		size_t b = a;
		bool differs = false;

		while (b < r->n && r->probes[b].from == r->probes[a].from &&
		       r->probes[b].kind == r->probes[a].kind && r->probes[b].to == r->probes[a].to)
			differs |= r->probes[b++].differs;
		ports(r, a, b, false, declared, sizeof(declared));
		ports(r, a, b, true, measured, sizeof(measured));
		snprintf(pair, sizeof(pair), "%s -> %s", r->plan->jails[r->probes[a].from].name,
			 target_name(r, &r->probes[a]));
		printf("%-30s %-24s %-24s%s%s\n", pair, declared, measured,
		       differs ? _("  <-- DIFFERS") : "",
		       differs && r->probes[a].kind == SEG_REACH_JAIL && !r->running[r->probes[a].to]
			       ? _(" (target not running)")
			       : "");
		a = b;
	}
	for (size_t j = 0; j < r->plan->n_jails; j++)
		if (!r->running[j])
			printf(_("%s: not running, not probed\n"), r->plan->jails[j].name);
	printf(_("%zu probes, %zu differences\n"), r->n, r->n_differ);
}

static void print_json(const seg_reach *r)
{
	char addr[INET_ADDRSTRLEN];

	printf("[");
	for (size_t i = 0; i < r->n; i++) {
		const seg_reach_probe *p = &r->probes[i];

		seg_addr_to_string(p->addr, addr);
		printf("%s\n  {\"from\": \"%s\", \"to\": \"%s\", \"address\": \"%s\", \"port\": %u, "
		       "\"proto\": \"%s\", \"declared\": %s, \"measured\": \"%s\", \"verified\": %s, "
		       "\"differs\": %s}",
		       i ? "," : "", r->plan->jails[p->from].name, target_name(r, p), addr, p->port,
		       proto_name(p->proto), p->declared ? "true" : "false",
		       seg_probe_result_name(p->result), p->verified ? "true" : "false",
		       p->differs ? "true" : "false");
	}
	printf("\n]\n");
}

enum { OPT_TOPOLOGY, OPT_OUTSIDE, OPT_HOST_PORT, OPT_TIMEOUT,
       OPT_JSON };

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "topology", required_argument, NULL, OPT_TOPOLOGY },
		{ "outside", required_argument, NULL, OPT_OUTSIDE },
		{ "host-port", required_argument, NULL, OPT_HOST_PORT },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "json", no_argument, NULL, OPT_JSON },
		TOOL_COMMON_OPTIONS,
		{}
	};
	tool_paths paths = {};
	const char *topology = NULL;
	uint16_t host_ports[32];
	seg_reach_opts o = { .host_ports = host_ports };
	_cleanup_(seg_reach_freep) seg_reach *r = NULL;
	seg_error *e = NULL;
	bool json = false;
	seg_ctx *ctx;
	int c, ret;

	tool_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) >= 0) {
		char *end;
		unsigned long v;
		struct in_addr a;

		switch (c) {
		case OPT_TOPOLOGY:
			topology = optarg;
			break;
		case OPT_OUTSIDE:
			if (inet_pton(AF_INET, optarg, &a) != 1)
				return tool_usage_error(_("--outside '%s' is not an IPv4 address"), optarg);
			o.outside = ntohl(a.s_addr);
			break;
		case OPT_HOST_PORT:
			v = strtoul(optarg, &end, 10);
			if (*end || v == 0 || v > 65535)
				return tool_usage_error(_("--host-port '%s' is not a port (1-65535)"), optarg);
			if (o.n_host_ports == sizeof(host_ports) / sizeof(host_ports[0]))
				return tool_usage_error(_("too many --host-port (at most 32)"));
			host_ports[o.n_host_ports++] = (uint16_t)v;
			break;
		case OPT_TIMEOUT:
			v = strtoul(optarg, &end, 10);
			if (*end || v == 0 || v > 60000)
				return tool_usage_error(_("--timeout '%s' is not 1-60000 ms"), optarg);
			o.timeout_ms = (unsigned)v;
			break;
		case OPT_JSON:
			json = true;
			break;
		default:
			if ((ret = tool_common_option(c, optarg, &paths, help)) != TOOL_CONTINUE)
				return ret;
		}
	}
	if (optind != argc)
		return tool_usage_error(_("unexpected argument '%s'"), argv[optind]);
	if (!(ctx = tool_ctx_new_paths(&paths)))
		return SEG_EXIT_FAILURE;
	ret = seg_reach_measure(ctx, topology, &o, &r, &e);
	seg_ctx_free(ctx);
	if (ret < 0) {
		tool_error(e, _("measuring reachability failed"));
		return SEG_EXIT_FAILURE;
	}
	if (json)
		print_json(r);
	else
		print_table(r);
	return r->n_differ ? SEG_EXIT_DRIFT : SEG_EXIT_OK;
}
