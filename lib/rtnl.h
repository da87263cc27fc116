/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtnetlink through libmnl: links, IPv4 addresses, routes (table local,
 * onlink gateways), per-interface sysctls, and running all of that inside
 * a jail's network namespace.  No `ip`, no `sysctl`.
 *
 * Layout (docs/DESIGN.md, Network):
 *   host  seg-JAIL: GATEWAY/32, route_localnet=1, forwarding=1,
 *         "ADDR/32 dev seg-JAIL" in table local
 *   jail  eth0: ADDR/32, route_localnet=1, in table local
 *         "GATEWAY/32 dev eth0" and "POOL/PREFIX via GATEWAY dev eth0 onlink",
 *         "default via GATEWAY dev eth0 onlink" (table main) for jails with
 *         egress or ingress (the WAF answers clients anywhere)
 */
#ifndef SEG_RTNL_H
#define SEG_RTNL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error-internal.h"
#include "plan.h"

typedef struct seg_rtnl seg_rtnl;

/* A NETLINK_ROUTE socket in the caller's (thread's) network namespace. */
int seg_rtnl_open(seg_rtnl **ret, seg_error **err);
seg_rtnl *seg_rtnl_close(seg_rtnl *rt);
static inline void seg_rtnl_closep(seg_rtnl **rt)
{
	seg_rtnl_close(*rt);
}

/* ifindex of a link by name; -ENODEV when there is none. */
int seg_rtnl_link_index(seg_rtnl *rt, const char *ifname, int *ret, seg_error **err);
int seg_rtnl_link_up(seg_rtnl *rt, int ifindex, seg_error **err);

/* addr in host byte order.  Adding what exists and removing what does not
 * are not errors: every call can be repeated. */
int seg_rtnl_addr(seg_rtnl *rt, bool add, int ifindex, uint32_t addr, uint8_t prefix,
		  seg_error **err);

typedef struct seg_rtnl_route {
	int ifindex;
	uint32_t dst;     /* host byte order; 0 with prefix 0: default route */
	uint8_t prefix;
	uint32_t gateway; /* 0: directly on the link (scope link) */
	bool onlink;      /* the gateway is on the link even without a covering prefix */
	uint32_t table;   /* RT_TABLE_LOCAL, RT_TABLE_MAIN */
} seg_rtnl_route;

int seg_rtnl_route_set(seg_rtnl *rt, bool add, const seg_rtnl_route *r, seg_error **err);

/* Writes VALUE to /proc/sys/net/ipv4/conf/IFNAME/KEY of the calling
 * thread's namespace.  key: route_localnet, forwarding, rp_filter... */
int seg_rtnl_sysctl(const char *ifname, const char *key, int value, seg_error **err);

/* Runs fn in the network namespace of process pid, on a thread of its own
 * (setns() changes only that thread), and returns what fn returned. */
int seg_rtnl_in_netns(pid_t pid, int (*fn)(void *userdata, seg_error **err), void *userdata,
		      seg_error **err);

/* Host side of a jail's veth (must exist: LXC creates it): link up, the
 * gateway address, sysctls, the jail's /32 in table local.  up=false
 * removes the route (the address goes with the veth). */
int seg_rtnl_host_jail(const seg_plan *plan, const seg_plan_jail *jail, bool up, seg_error **err);

/* Jail side, from the host: enters the netns of the jail's init process
 * and sets eth0's address, sysctl and routes (a default route only for
 * jails with egress or ingress: ingress replies go back to any client). */
int seg_rtnl_jail_side(const seg_plan *plan, const seg_plan_jail *jail, pid_t init_pid,
		       seg_error **err);

/* An uplink that carries ingress (DNAT into 127.x) or egress (masqueraded
 * replies): route_localnet=1 and forwarding=1.  The nftables guard in
 * raw_prerouting is what makes route_localnet safe there. */
int seg_rtnl_uplink(const char *ifname, seg_error **err);

#endif
