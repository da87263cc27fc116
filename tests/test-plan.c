/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seg_plan_build: indexes, addresses, uid ranges, veth names, exhaustion. */
#include <netinet/in.h>

#include "plan.h"
#include "render.h"
#include "spec.h"
#include "tap.h"
#include "test-profile-util.h"

static char tmpdir[] = "/tmp/test-plan-XXXXXX";

static seg_topology *load_text(seg_ctx *ctx, const char *name, const char *text, seg_error **err)
{
	char path[256];
	seg_topology *t = NULL;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	write_file(path, text);
	if (seg_topology_load(ctx, path, &t, err) < 0)
		return NULL;
	return t;
}

static void test_names(void)
{
	ok(seg_jail_name_valid("web1"), "web1 is a valid name");
	ok(seg_jail_name_valid("0"), "0 is a valid name");
	ok(seg_jail_name_valid("a234567890123456789012345678901"), "31 characters are valid");
	ok(!seg_jail_name_valid("a2345678901234567890123456789012"), "32 characters are not");
	ok(!seg_jail_name_valid("../x"), "../x is not valid");
	ok(!seg_jail_name_valid("a;b"), "a;b is not valid");
	ok(!seg_jail_name_valid("a\nb"), "a newline is not valid");
	ok(!seg_jail_name_valid("-a"), "a leading dash is not valid");
	ok(!seg_jail_name_valid("Web"), "upper case is not valid");
	ok(!seg_jail_name_valid(""), "the empty name is not valid");
	ok(!seg_jail_name_valid(NULL), "NULL is not valid");
}

static void test_single(seg_ctx *ctx)
{
	_cleanup_(seg_topology_freep) seg_topology *t = NULL;
	_cleanup_(seg_plan_freep) seg_plan *p = NULL;
	seg_error *e = NULL;

	ok(seg_topology_new_single(ctx, "proxy1", "proxy", &t, &e) == 0, "single topology");
	ok(seg_plan_build(ctx, t, NULL, 0, &p, &e) == 0, "plan of one jail");
	if (!p)
		return;
	is_int(p->n_jails, 1, "one jail");
	is_int(p->jails[0].index, SEG_FIRST_INDEX, "first index");
	is_int(p->jails[0].addr, 0x7fc80002u, "address 127.200.0.2");
	is_int(p->jails[0].uid_base, 268435456u + 2 * 65536u, "uid base + 2 * 65536");
	is_int(p->jails[0].uid_count, 65536, "65536 ids");
	is_str(p->jails[0].veth, "seg-proxy1", "veth seg-proxy1");
	is_int(p->gateway, 0x7fc80001u, "gateway 127.200.0.1");
	ok(seg_plan_find_jail(p, "proxy1") == &p->jails[0], "find_jail finds it");
	ok(seg_plan_find_jail(p, "proxy2") == NULL, "find_jail: unknown name");
	ok(seg_topology_new_single(ctx, "../x", "proxy", &t, &e) < 0 && e, "invalid jail name refused");
	if (e)
		is_str(seg_error_message(e),
		       "invalid jail name '../x' (valid: 1 to 31 of a-z, 0-9, '-', starting with a "
		       "letter or digit)",
		       "message");
	seg_error_free(e);
}

static void test_example(seg_ctx *ctx)
{
	_cleanup_(seg_topology_freep) seg_topology *t = NULL;
	_cleanup_(seg_plan_freep) seg_plan *p = NULL, *p2 = NULL, *p3 = NULL;
	char path[512];
	seg_error *e = NULL;
	const char *names[] = { "waf", "proxy", "web1", "web2", "db", "syslog", "dns" };
	seg_alloc allocs[3] = { { "db", 9 }, { "gone", 2 }, { "web2", 3 } };
	size_t any_syslog = 0;

	snprintf(path, sizeof(path), "%s/examples/webplatform.yaml", getenv("SEGREGATE_PROFILE_DIR"));
	ok(seg_topology_load(ctx, path, &t, &e) == 0, "example topology loads");
	if (e)
		tap_diag("%s", seg_error_message(e));
	if (!t)
		return;
	ok(seg_plan_build(ctx, t, NULL, 0, &p, &e) == 0, "example plan");
	is_int(p->n_jails, 7, "seven jails");
	for (size_t i = 0; i < 7 && i < p->n_jails; i++) {
		is_str(p->jails[i].name, names[i], "declaration order on an empty registry");
		is_int(p->jails[i].index, i + 2, "consecutive indexes");
	}
	ok(seg_plan_find_jail(p, "proxy")->egress, "proxy may leave the host");
	ok(!seg_plan_find_jail(p, "web1")->egress, "web1 may not");
	for (size_t i = 0; i < p->n_flows; i++)
		if (p->flows[i].to == 5 && p->flows[i].proto == IPPROTO_UDP && p->flows[i].port == 514)
			any_syslog++;
	is_int(any_syslog, 6, "'*' -> syslog expands to the six other jails");
	is_int(p->n_ingress, 2, "two ingress rules");
	is_int(p->n_egress, 3, "three egress rules");
	{
		bool only_proxy = true;
		for (size_t i = 0; i < p->n_egress; i++)
			only_proxy &= strcmp(p->jails[p->egress[i].from].name, "proxy") == 0;
		ok(only_proxy, "only the proxy goes out");
	}

	/* existing allocations keep their index; unknown ones stay reserved */
	ok(seg_plan_build(ctx, t, allocs, 3, &p2, &e) == 0, "plan with a registry");
	if (p2) {
		is_int(seg_plan_find_jail(p2, "db")->index, 9, "db keeps index 9");
		is_int(seg_plan_find_jail(p2, "web2")->index, 3, "web2 keeps index 3");
		is_int(seg_plan_find_jail(p2, "waf")->index, 4, "waf gets the lowest free index");
		is_int(seg_plan_find_jail(p2, "syslog")->index, 7, "syslog fills the next hole");
		is_int(seg_plan_find_jail(p2, "dns")->index, 8, "dns: lowest free, below db's 9");
		ok(!seg_plan_find_jail(p2, "gone"), "a registry-only jail is not planned");
		is_int(p2->jails[0].index, 3, "jails sorted by index");
		is_int(seg_plan_find_jail(p2, "db")->addr, 0x7fc80009u, "db at 127.200.0.9");
	}
	/* same inputs, same plan */
	ok(seg_plan_build(ctx, t, allocs, 3, &p3, &e) == 0 && p3, "second build");
	if (p2 && p3) {
		bool same = p2->n_jails == p3->n_jails;
		for (size_t i = 0; same && i < p2->n_jails; i++)
			same = p2->jails[i].index == p3->jails[i].index &&
			       strcmp(p2->jails[i].veth, p3->jails[i].veth) == 0;
		ok(same, "deterministic");
	}
	/* inconsistent registry */
	seg_alloc bad[2] = { { "a", 5 }, { "b", 5 } };
	seg_plan *pb = NULL;
	ok(seg_plan_build(ctx, t, bad, 2, &pb, &e) == -EINVAL, "two jails with one index refused");
	if (e)
		is_str(seg_error_message(e), "registry gives index 5 to both 'a' and 'b'", "message");
	seg_error_free(e);
}

static void test_veth(seg_ctx *ctx)
{
	_cleanup_(seg_topology_freep) seg_topology *t = NULL;
	_cleanup_(seg_plan_freep) seg_plan *p = NULL;
	seg_error *e = NULL;

	t = load_text(ctx, "veth.yaml",
		      "jails:\n"
		      "  - name: application-server-1\n    role: base\n"
		      "  - name: application-server-2\n    role: base\n"
		      "  - name: abcdefghijk\n    role: base\n",
		      &e);
	ok(t != NULL, "long names load");
	if (!t || seg_plan_build(ctx, t, NULL, 0, &p, &e) < 0) {
		tap_diag("%s", e ? seg_error_message(e) : "?");
		seg_error_free(e);
		return;
	}
	for (size_t i = 0; i < p->n_jails; i++)
		ok(strlen(p->jails[i].veth) <= 15, "veth %s fits IFNAMSIZ", p->jails[i].veth);
	ok(strncmp(p->jails[0].veth, "seg-applic-", 11) == 0, "shortened form %s", p->jails[0].veth);
	ok(strcmp(p->jails[0].veth, p->jails[1].veth) != 0, "two long names, two veths");
	is_str(p->jails[2].veth, "seg-abcdefghijk", "11 characters fit unshortened");
}

static void test_exhaustion(seg_ctx *ctx)
{
	_cleanup_(seg_topology_freep) seg_topology *t = NULL, *t2 = NULL;
	_cleanup_(seg_plan_freep) seg_plan *p = NULL;
	seg_alloc taken[1] = { { "other", 2 } };
	seg_error *e = NULL;

	is_int(seg_plan_max_index(30, SEG_DEFAULT_UID_BASE), 2, "/30 leaves index 2 only");
	is_int(seg_plan_max_index(16, 0xFFF00000u), 14, "uid base 0xFFF00000 leaves 14");
	is_int(seg_plan_max_index(16, 0xFFFF0000u), 0, "uid base at the limit leaves none");

	t = load_text(ctx, "small.yaml", "pool: 127.201.0.0/30\njails:\n  - name: a\n    role: base\n",
		      &e);
	ok(t != NULL, "a /30 pool with one jail loads");
	ok(t && seg_plan_build(ctx, t, taken, 1, &p, &e) == -ENOSPC, "index taken: pool exhausted");
	if (e)
		is_str(seg_error_message(e),
		       "no room for jail 'a': the pool 127.201.0.0/30 and uid base 268435456 leave "
		       "indexes 2..2, all taken",
		       "message");
	seg_error_free(e);
	e = NULL;
	t2 = load_text(ctx, "uid.yaml",
		       "uid-base: 4294836224\njails:\n  - name: a\n    role: base\n"
		       "  - name: b\n    role: base\n",
		       &e);
	ok(t2 == NULL && e, "uid space for 0 jails: refused at load");
	if (e)
		ok(strstr(seg_error_message(e), "2 jails do not fit") != NULL, "message: %s",
		   seg_error_message(e));
	seg_error_free(e);
}

int main(void)
{
	_cleanup_(seg_ctx_freep) seg_ctx *ctx = test_ctx(NULL, NULL);

	if (!mkdtemp(tmpdir))
		return 1;
	test_names();
	test_single(ctx);
	test_example(ctx);
	test_veth(ctx);
	test_exhaustion(ctx);
	rm_rf(tmpdir);
	return tap_done();
}
