/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A hand-built plan for the net tests (the pure core's seg_plan_build is
 * another module): the seed's platform, waf -> proxy -> web -> db, syslog
 * reachable by everyone, the proxy the only jail going out.
 */
#ifndef SEG_TEST_NET_PLAN_H
#define SEG_TEST_NET_PLAN_H

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"

enum { T_WAF, T_PROXY, T_WEB, T_DB, T_SYSLOG, T_LONER, T_N };

typedef struct test_plan {
	seg_plan plan;
	seg_plan_jail jails[T_N];
	seg_plan_flow flows[8];
	seg_plan_ingress ingress[2];
	seg_plan_egress egress[2];
	seg_plan_hostsvc hostsvc[2];
} test_plan;

static inline void test_jail(seg_plan_jail *j, const char *prefix, const char *name,
			     uint32_t index, bool egress)
{
	memset(j, 0, sizeof(*j));
	snprintf(j->name, sizeof(j->name), "%s%s", prefix, name);
	snprintf(j->role_name, sizeof(j->role_name), "%s", name);
	j->index = index;
	j->addr = SEG_DEFAULT_POOL + index;
	j->uid_base = SEG_DEFAULT_UID_BASE + index * SEG_IDS_PER_JAIL;
	j->uid_count = SEG_IDS_PER_JAIL;
	snprintf(j->veth, sizeof(j->veth), "seg-%.11s", j->name);
	j->egress = egress;
}

/* prefix "" gives names "waf", "proxy"...; "segt-" gives test jail names. */
static inline void test_plan_init(test_plan *t, const char *prefix)
{
	static const char *const names[T_N] = { "waf", "proxy", "web", "db", "syslog", "loner" };

	memset(t, 0, sizeof(*t));
	for (int i = 0; i < T_N; i++)
		test_jail(&t->jails[i], prefix, names[i], SEG_FIRST_INDEX + (uint32_t)i,
			  i == T_PROXY);
	t->flows[0] = (seg_plan_flow){ T_WAF, T_PROXY, IPPROTO_TCP, 8080 };
	t->flows[1] = (seg_plan_flow){ T_PROXY, T_WEB, IPPROTO_TCP, 80 };
	t->flows[2] = (seg_plan_flow){ T_WEB, T_DB, IPPROTO_TCP, 5432 };
	t->flows[3] = (seg_plan_flow){ T_WAF, T_SYSLOG, IPPROTO_UDP, 514 };
	t->flows[4] = (seg_plan_flow){ T_PROXY, T_SYSLOG, IPPROTO_UDP, 514 };
	t->flows[5] = (seg_plan_flow){ T_WEB, T_SYSLOG, IPPROTO_UDP, 514 };
	t->flows[6] = (seg_plan_flow){ T_DB, T_SYSLOG, IPPROTO_UDP, 514 };
	t->ingress[0] = (seg_plan_ingress){ 443, IPPROTO_TCP, T_WAF, 8443 };
	t->ingress[1] = (seg_plan_ingress){ 80, IPPROTO_TCP, T_WAF, 8080 };
	t->egress[0] = (seg_plan_egress){ T_PROXY, IPPROTO_TCP, 443 };
	t->egress[1] = (seg_plan_egress){ T_PROXY, IPPROTO_UDP, 0 };
	t->hostsvc[0] = (seg_plan_hostsvc){ SEG_PLAN_ANY, IPPROTO_UDP, 53 };
	t->hostsvc[1] = (seg_plan_hostsvc){ T_WEB, IPPROTO_TCP, 25 };

	t->plan.pool = SEG_DEFAULT_POOL;
	t->plan.prefix = SEG_DEFAULT_POOL_PREFIX;
	t->plan.gateway = SEG_DEFAULT_POOL + 1;
	t->plan.uid_base = SEG_DEFAULT_UID_BASE;
	t->plan.jails = t->jails;
	t->plan.n_jails = T_N;
	t->plan.flows = t->flows;
	t->plan.n_flows = 7;
	t->plan.ingress = t->ingress;
	t->plan.n_ingress = 2;
	t->plan.egress = t->egress;
	t->plan.n_egress = 2;
	t->plan.host_services = t->hostsvc;
	t->plan.n_host_services = 2;
}

#endif
