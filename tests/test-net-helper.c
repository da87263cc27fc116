/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Drives libsegregate's network code with the hand-built test plan
 * (test-net-plan.h, jails segt-waf, segt-proxy, ...) for test-net-traffic.sh.
 * Runs only inside the test's namespace (segt-run).
 *
 *   test-net-helper apply [NFLOWS]      seg_net_apply (first NFLOWS flows)
 *   test-net-helper up JAIL PID         seg_net_jail_up
 *   test-net-helper down JAIL           seg_net_jail_down
 *   test-net-helper allow|deny FROM TO PORT tcp|udp
 *   test-net-helper uplink IF           seg_net_uplink
 *   test-net-helper check               report; exit 3 on drift
 *   test-net-helper flush
 *   test-net-helper gen                 prints the ruleset generation
 *   test-net-helper commit-at GEN       adds one flow in a batch made at GEN
 *   test-net-helper bad-batch           valid element, bogus one, valid one
 */
#include <netinet/in.h>
#include <stdlib.h>

#include "context-internal.h"
#include "net.h"
#include "nft.h"
#include "test-net-plan.h"

#include <linux/netfilter.h>

static int fail(seg_error *e, int r)
{
	fprintf(stderr, "test-net-helper: %s\n", e ? seg_error_message(e) : strerror(-r));
	seg_error_free(e);
	return -r == EAGAIN ? 75 : 1;
}

static const seg_plan_jail *jail(test_plan *t, const char *name)
{
	for (int i = 0; i < T_N; i++)
		if (strcmp(t->jails[i].name, name) == 0)
			return &t->jails[i];
	fprintf(stderr, "test-net-helper: no jail %s\n", name);
	exit(2);
}

int main(int argc, char **argv)
{
	test_plan t;
	seg_ctx *ctx = NULL;
	seg_error *e = NULL;
	const char *cmd = argc > 1 ? argv[1] : "";
	int r = 0;

	test_plan_init(&t, "segt-");
	if (seg_ctx_new(&ctx, &e) < 0)
		return fail(e, -ENOMEM);

	if (strcmp(cmd, "apply") == 0) {
		if (argc > 2)
			t.plan.n_flows = (size_t)atoi(argv[2]);
		r = seg_net_apply(ctx, &t.plan, &e);
	} else if (strcmp(cmd, "up") == 0 && argc == 4) {
		r = seg_net_jail_up(ctx, &t.plan, jail(&t, argv[2]), (pid_t)atoi(argv[3]), &e);
	} else if (strcmp(cmd, "down") == 0 && argc == 3) {
		r = seg_net_jail_down(ctx, &t.plan, jail(&t, argv[2]), &e);
	} else if ((strcmp(cmd, "allow") == 0 || strcmp(cmd, "deny") == 0) && argc == 6) {
		r = seg_net_flow(ctx, &t.plan, argv[2], argv[3],
				 strcmp(argv[5], "udp") == 0 ? IPPROTO_UDP : IPPROTO_TCP,
				 (uint16_t)atoi(argv[4]), cmd[0] == 'a', &e);
	} else if (strcmp(cmd, "uplink") == 0 && argc == 3) {
		r = seg_net_uplink(ctx, argv[2], &e);
	} else if (strcmp(cmd, "check") == 0) {
		char *report = NULL;

		r = seg_net_check(ctx, &t.plan, &report, &e);
		if (report)
			fputs(report, stdout);
		free(report);
		if (r > 0) {
			seg_ctx_free(ctx);
			return 3;
		}
	} else if (strcmp(cmd, "flush") == 0) {
		r = seg_net_flush(ctx, &e);
	} else if (strcmp(cmd, "gen") == 0 || strcmp(cmd, "commit-at") == 0 ||
		   strcmp(cmd, "bad-batch") == 0) {
		seg_nft_nl *nl = NULL;
		seg_nft_batch *b = NULL;
		seg_nft_elems el = {};
		uint32_t gen = 0;

		if ((r = seg_nft_nl_open(&nl, &e)) < 0 || (r = seg_nft_get_gen(nl, &gen, &e)) < 0)
			return fail(e, r);
		if (cmd[0] == 'g') {
			printf("%u\n", gen);
		} else {
			if (cmd[0] == 'c')
				gen = (uint32_t)strtoul(argc > 2 ? argv[2] : "0", NULL, 10);
			seg_nft_batch_new(gen, &b, NULL);
			seg_nft_elems_add_flow(&el, t.jails[T_LONER].addr, t.jails[T_WEB].addr,
					       IPPROTO_TCP, 7777, NULL);
			seg_nft_batch_add_elems(b, "segregate", &el, NFT_MSG_NEWSETELEM);
			if (cmd[0] == 'b') {
				struct nftnl_set *s = nftnl_set_alloc();
				struct nftnl_set_elem *x = nftnl_set_elem_alloc();
				uint32_t key = 0;

				/* an element of a set that does not exist: the kernel
				 * refuses the message, and with it the whole batch */
				nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
				nftnl_set_set_str(s, NFTNL_SET_TABLE, "segregate");
				nftnl_set_set_str(s, NFTNL_SET_NAME, "no_such_set");
				nftnl_set_elem_set(x, NFTNL_SET_ELEM_KEY, &key, sizeof(key));
				nftnl_set_elem_add(s, x);
				seg_nft_batch_add_set_msg(b, NFT_MSG_NEWSETELEM, s, true);
				nftnl_set_free(s);
				seg_nft_elems_clear(&el);
				seg_nft_elems_add_flow(&el, t.jails[T_LONER].addr,
						       t.jails[T_DB].addr, IPPROTO_TCP, 7778, NULL);
				seg_nft_batch_add_elems(b, "segregate", &el, NFT_MSG_NEWSETELEM);
			}
			r = seg_nft_batch_commit(nl, b, &e);
		}
		seg_nft_elems_clear(&el);
		seg_nft_batch_free(b);
		seg_nft_nl_close(nl);
	} else {
		fprintf(stderr, "test-net-helper: bad command line\n");
		return 2;
	}
	seg_ctx_free(ctx);
	if (r < 0)
		return fail(e, r);
	return 0;
}
