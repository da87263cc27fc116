/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nftables objects for a plan, turned into netlink messages and parsed
 * back (the libnftnl test style), compared with tests/golden/nft-plan.txt.
 * No privileges: nothing reaches the kernel.  SEG_UPDATE_GOLDEN=1 rewrites
 * the golden file (review the diff!).
 */
#include <stdlib.h>

#include "nft.h"
#include "tap.h"
#include "test-net-plan.h"

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void test_golden(void)
{
	test_plan t;
	seg_nft_skel *skel = NULL;
	seg_nft_elems e = {};
	seg_error *err = NULL;
	char *text = NULL, *want, path[4096];
	const char *dir = getenv("SEG_TESTS_DIR");

	test_plan_init(&t, "");
	ok(seg_nft_skel_new("segregate", &skel, &err) == 0, "skeleton builds");
	ok(seg_nft_elems_for_plan(&t.plan, NULL, &e, &err) == 0, "elements for the seed platform");
	ok(seg_nft_format(skel, &e, &text, &err) == 0, "every object survives its netlink round trip");
	snprintf(path, sizeof(path), "%s/golden/nft-plan.txt", dir ? dir : ".");
	if (getenv("SEG_UPDATE_GOLDEN") && text) {
		FILE *f = fopen(path, "we");
		if (f) {
			fputs(text, f);
			fclose(f);
		}
	}
	want = read_file(path);
	ok(want != NULL, "golden file %s readable", path);
	is_str(text, want, "ruleset equals tests/golden/nft-plan.txt");
	free(want);
	free(text);
	seg_nft_elems_clear(&e);
	seg_nft_skel_free(skel);
	seg_error_free(err);
}

static void test_constant_rules(void)
{
	seg_nft_skel *a = NULL, *b = NULL;
	char **ta = NULL, **tb = NULL;
	size_t n = 0;
	bool same = true;

	seg_nft_skel_new("segregate", &a, NULL);
	seg_nft_skel_new("other_t", &b, NULL);
	is_int(a->n_rules, 19, "19 rules whatever the plan (the plan only fills sets)");
	is_int(b->n_rules, a->n_rules, "same rules in a table of another name");
	seg_nft_skel_texts(a, &ta);
	seg_nft_skel_texts(b, &tb);
	for (; ta && ta[n] && tb && tb[n]; n++)
		if (strncmp(ta[n], "rule ", 5) == 0 && strcmp(ta[n], tb[n]) != 0)
			same = false;
	ok(same && n == SEG_NFT_CHAIN_MAX + SEG_NFT_SET_MAX + a->n_rules,
	   "skeleton texts do not depend on anything but the table name");
	ok(ta && strstr(ta[0], "chain raw_prerouting type filter hook 0 prio -300") != NULL,
	   "raw prerouting is the first chain: anti-spoofing before conntrack and NAT");
	ok(ta && strstr(ta[SEG_NFT_CHAIN_MAX + SEG_NFT_SET_MAX], "lookup") &&
		   strstr(ta[SEG_NFT_CHAIN_MAX + SEG_NFT_SET_MAX], "bindings"),
	   "the first rule of the table is the anti-spoofing lookup: %s",
	   ta ? ta[SEG_NFT_CHAIN_MAX + SEG_NFT_SET_MAX] : "");
	strv_free(ta);
	strv_free(tb);
	seg_nft_skel_free(a);
	seg_nft_skel_free(b);
}

static size_t count_set(const seg_nft_elems *e, enum seg_nft_set_id id)
{
	size_t n = 0;

	for (size_t i = 0; i < e->n; i++)
		n += e->v[i].set == id;
	return n;
}

static void test_elements(void)
{
	test_plan t;
	seg_nft_elems all = {}, web = {}, loner = {}, only_all = {}, only_web = {};
	seg_error *err = NULL;
	char line[160];

	test_plan_init(&t, "");
	seg_nft_elems_for_plan(&t.plan, NULL, &all, NULL);
	is_int(count_set(&all, SEG_NFT_SET_JAIL_IFS), T_N, "one veth per jail");
	is_int(count_set(&all, SEG_NFT_SET_FLOWS), 7, "seven flows");
	is_int(count_set(&all, SEG_NFT_SET_EGRESS_JAILS), 1, "only the proxy is masqueraded");
	is_int(count_set(&all, SEG_NFT_SET_EGRESS_ANY), 1, "port 0 egress goes to egress_any");
	is_int(count_set(&all, SEG_NFT_SET_HOSTSVC_ANY), 1, "host service for any jail");

	seg_nft_elems_for_plan(&t.plan, &t.jails[T_WEB], &web, NULL);
	is_int(count_set(&web, SEG_NFT_SET_FLOWS), 3, "web's flows: proxy->web, web->db, web->syslog");
	is_int(count_set(&web, SEG_NFT_SET_HOSTSVC_ANY), 0,
	       "a jail's elements leave the shared host services alone");
	seg_nft_elems_diff(&all, &web, &only_all, &only_web);
	is_int(only_web.n, 0, "a jail's elements are a subset of the plan's");
	seg_nft_elems_for_plan(&t.plan, &t.jails[T_LONER], &loner, NULL);
	is_int(loner.n, 2, "a jail in no flow gets only its veth and binding");

	seg_nft_elem_format(&web.v[0], line, sizeof(line));
	is_str(line, "jail_ifs \"seg-web\"", "element text");
	for (size_t i = 0; i < all.n; i++)
		if (all.v[i].set == SEG_NFT_SET_INGRESS) {
			seg_nft_elem_format(&all.v[i], line, sizeof(line));
			break;
		}
	is_str(line, "ingress tcp . 80 : 127.200.0.2 . 8080", "map element text");

	t.flows[0].to = 42;
	ok(seg_nft_elems_for_plan(&t.plan, NULL, &loner, &err) == -EINVAL && err &&
		   strstr(seg_error_message(err), "jail #42"),
	   "a flow to a jail outside the plan is refused: %s", err ? seg_error_message(err) : "");
	seg_error_free(err);
	err = NULL;
	t.flows[0].to = T_PROXY;
	t.flows[0].proto = 1;
	ok(seg_nft_elems_for_plan(&t.plan, NULL, &loner, &err) == -EINVAL && err &&
		   strstr(seg_error_message(err), "tcp (6) or udp (17)"),
	   "a flow over icmp is refused with the valid values: %s",
	   err ? seg_error_message(err) : "");
	seg_error_free(err);
	err = NULL;
	ok(seg_nft_skel_new("Bad Name", &(seg_nft_skel *){ NULL }, &err) == -EINVAL && err &&
		   strstr(seg_error_message(err), "[a-z0-9_-]"),
	   "invalid table name refused: %s", err ? seg_error_message(err) : "");
	seg_error_free(err);
	seg_nft_elems_clear(&all);
	seg_nft_elems_clear(&web);
	seg_nft_elems_clear(&loner);
	seg_nft_elems_clear(&only_all);
	seg_nft_elems_clear(&only_web);
}

static void test_batch(void)
{
	test_plan t;
	seg_nft_skel *skel = NULL;
	seg_nft_batch *b = NULL;
	seg_nft_elems e = {};

	test_plan_init(&t, "");
	seg_nft_skel_new("segregate", &skel, NULL);
	seg_nft_elems_for_plan(&t.plan, NULL, &e, NULL);
	ok(seg_nft_batch_new(7, &b, NULL) == 0, "batch");
	seg_nft_batch_add_skel(b, skel);
	is_int(seg_nft_batch_count(b), 1 + SEG_NFT_SET_MAX + SEG_NFT_CHAIN_MAX + skel->n_rules,
	       "table + sets + chains + rules, one message each");
	seg_nft_batch_add_elems(b, "segregate", &e, NFT_MSG_NEWSETELEM);
	is_int(seg_nft_batch_count(b),
	       1 + SEG_NFT_SET_MAX + SEG_NFT_CHAIN_MAX + skel->n_rules + SEG_NFT_SET_MAX,
	       "one element message per set");
	seg_nft_batch_free(b);
	seg_nft_elems_clear(&e);
	seg_nft_skel_free(skel);
}

int main(void)
{
	test_golden();
	test_constant_rules();
	test_elements();
	test_batch();
	return tap_done();
}
