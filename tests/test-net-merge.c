/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The network plan of a host with several topologies and a --role jail:
 * every file's flows merged into one plan, indexes remapped, a host port
 * forwarded twice refused.  Pure: a registry in a temp directory, no root.
 */
#include <netinet/in.h>
#include <sys/stat.h>

#include "net.h"
#include "spec.h"
#include "tap.h"

static char dir[] = "/tmp/segt-merge.XXXXXX";

static char *write_topo(const char *name, const char *text)
{
	char *path = NULL;
	FILE *f;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	if ((f = fopen(path, "we"))) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

/* What seg_jail_install records, for every jail of the file (NULL: one --role jail). */
static int register_jails(seg_ctx *ctx, const char *topology, const char *single, seg_error **e)
{
	_cleanup_(seg_registry_freep) seg_registry *reg = NULL;
	_cleanup_(seg_topology_freep) seg_topology *t = NULL;
	_cleanup_(seg_plan_freep) seg_plan *p = NULL;
	_cleanup_free_ seg_alloc *allocs = NULL;
	size_t n = 0;
	int r;

	if ((r = seg_registry_open(ctx, SEG_REGISTRY_EXCLUSIVE | SEG_REGISTRY_CREATE, &reg, e)) < 0 ||
	    (r = seg_registry_allocs(reg, &allocs, &n, e)) < 0 ||
	    (r = topology ? seg_topology_load(ctx, topology, &t, e)
			  : seg_topology_new_single(ctx, single, "web", &t, e)) < 0 ||
	    (r = seg_plan_build(ctx, t, allocs, n, &p, e)) < 0)
		return r;
	for (size_t i = 0; i < p->n_jails; i++) {
		const seg_plan_jail *pj = &p->jails[i];
		seg_registry_entry en = { .index = pj->index, .base = pj->base, .topology = (char *)topology,
					  .addr = pj->addr, .uid_base = pj->uid_base,
					  .uid_count = pj->uid_count, .created = 1 };

		if (seg_registry_find(reg, pj->name))
			continue;
		memcpy(en.name, pj->name, sizeof(en.name));
		memcpy(en.role, pj->role_name, sizeof(en.role));
		memcpy(en.veth, pj->veth, sizeof(en.veth));
		if ((r = seg_registry_add(reg, &en, e)) < 0)
			return r;
	}
	return seg_registry_commit(reg, e);
}

static bool has_flow(const seg_plan *p, const char *from, const char *to, uint8_t proto, uint16_t port)
{
	for (size_t i = 0; i < p->n_flows; i++)
		if (strcmp(p->jails[p->flows[i].from].name, from) == 0 &&
		    strcmp(p->jails[p->flows[i].to].name, to) == 0 && p->flows[i].proto == proto &&
		    p->flows[i].port == port)
			return true;
	return false;
}

int main(void)
{
	_cleanup_free_ char *t1 = NULL, *t2 = NULL, *t3 = NULL, *state = NULL;
	seg_plan *p = NULL;
	seg_ctx *ctx = NULL;
	seg_error *e = NULL;
	int r;

	if (!mkdtemp(dir) || asprintf(&state, "%s/state", dir) < 0)
		return 1;
	t1 = write_topo("one.yaml", "jails:\n  - name: a\n    role: web\n  - name: b\n    role: db\n"
				   "flows:\n  - from: a\n    to: b\n    port: 5432\n"
				   "ingress:\n  - host-port: 80\n    to: a\n    port: 80\n");
	t2 = write_topo("two.yaml", "jails:\n  - name: c\n    role: web\n  - name: d\n    role: syslog\n"
				   "flows:\n  - from: c\n    to: d\n    port: 7000\n"
				   "  - from: \"*\"\n    to: d\n    port: 514\n    proto: udp\n");
	t3 = write_topo("three.yaml", "jails:\n  - name: f\n    role: web\n"
				     "ingress:\n  - host-port: 80\n    to: f\n    port: 8080\n");
	ok(seg_ctx_new(&ctx, &e) == 0 && seg_ctx_set_state_dir(ctx, state, &e) == 0 &&
	   seg_ctx_set_profile_dir(ctx, getenv("SEGREGATE_PROFILE_DIR"), &e) == 0, "context");

	is_int(register_jails(ctx, t1, NULL, &e), 0, "jails of one.yaml registered");
	is_int(register_jails(ctx, t2, NULL, &e), 0, "jails of two.yaml registered");
	is_int(register_jails(ctx, NULL, "solo", &e), 0, "a --role jail registered");
	if (e)
		tap_diag("%s", seg_error_message(e));

	r = seg_net_plan_load(ctx, t1, &p, &e);
	is_int(r, 0, "the host's plan, asked for one.yaml");
	if (p) {
		is_int(p->n_jails, 5, "every registered jail is in it");
		ok(has_flow(p, "a", "b", IPPROTO_TCP, 5432), "one.yaml's flow a -> b 5432/tcp");
		ok(has_flow(p, "c", "d", IPPROTO_TCP, 7000), "two.yaml's flow c -> d 7000/tcp, indexes remapped");
		ok(has_flow(p, "c", "d", IPPROTO_UDP, 514), "two.yaml's '*' -> d means its own jails");
		ok(!has_flow(p, "a", "d", IPPROTO_UDP, 514) && !has_flow(p, "solo", "d", IPPROTO_UDP, 514),
		   "'*' never reaches another file's jails or a --role jail");
		is_int(p->n_flows, 3, "three flows in all");
		is_int(p->n_ingress, 1, "one ingress");
		ok(seg_plan_find_jail(p, "solo") != NULL, "the --role jail has its addresses");
	}
	p = seg_plan_free(p);
	r = seg_net_plan_load(ctx, NULL, &p, &e);
	ok(r == 0 && p && p->n_flows == 3 && p->n_jails == 5, "asked for no file: the same plan");
	p = seg_plan_free(p);

	is_int(register_jails(ctx, t3, NULL, &e), 0, "jails of three.yaml registered (by hand, past seg-apply's check)");
	r = seg_net_plan_load(ctx, NULL, &p, &e);
	is_int(r, -EEXIST, "host port 80 forwarded by two files: refused");
	ok(e && strstr(seg_error_message(e), "forwards host port 80/tcp, which another topology on this host forwards too"),
	   "the message names the port");
	if (e)
		tap_diag("%s", seg_error_message(e));
	e = seg_error_free(e);
	seg_plan_free(p);
	seg_ctx_free(ctx);
	{
		char cmd[96];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			tap_diag("could not remove %s", dir);
	}
	return tap_done();
}
