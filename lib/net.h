/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The network side of a jail's lifecycle, for seg-start / seg-destroy
 * (lib/jail.c) and seg-net: rtnl.h for routes, nft.h for the table.
 */
#ifndef SEG_NET_INTERNAL_H
#define SEG_NET_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <segregate/net.h>

#include "error-internal.h"
#include "plan.h"
#include "registry.h"

/*
 * seg_net_jail_up - after LXC started the jail (its veth exists, its init
 * runs as init_pid): the host side of the veth, the jail side through
 * setns() into the jail's network namespace (eth0 address, table-local
 * routes, default route only with egress), then the jail's nftables
 * elements (binding, flows both ways, ingress, egress, host services) in
 * one batch; with no table yet, the whole plan is applied.
 * init_pid 0 skips the jail side (LXC configured it).
 */
int seg_net_jail_up(const seg_ctx *ctx, const seg_plan *plan, const seg_plan_jail *jail,
		    pid_t init_pid, seg_error **err);

/*
 * seg_net_jail_down - before or after the jail stops: removes its nftables
 * elements (one batch; absent elements are fine) and the host route if the
 * veth still exists.  Repeating it is harmless.
 */
int seg_net_jail_down(const seg_ctx *ctx, const seg_plan *plan, const seg_plan_jail *jail,
		      seg_error **err);

/*
 * seg_net_flow - allows or denies one flow FROM -> TO PROTO/PORT between
 * two jails of the plan, as one element change.  The plan is not modified:
 * the topology stays the source of truth for the next apply.
 */
int seg_net_flow(const seg_ctx *ctx, const seg_plan *plan, const char *from, const char *to,
		 uint8_t proto, uint16_t port, bool allow, seg_error **err);

/*
 * seg_net_plan_load - the plan seg-net applies: the registry's jails with
 * the flows of TOPOLOGY (may be NULL) and of every other topology the
 * registered jails were made from, merged; jails made with --role get
 * addresses only.  Jails not created yet are left out with every flow that
 * names them.  Two topologies may not forward the same host port.
 */
int seg_net_plan_load(const seg_ctx *ctx, const char *topology, seg_plan **ret, seg_error **err);

/* Addresses only: every registry jail, no flows (jails made with --role). */
int seg_net_plan_addresses(const seg_registry *reg, seg_plan **ret, seg_error **err);

/* As seg_net_plan_load, from a registry the caller has open (and locked).
 * Registry jails the topology does not name keep their addresses. */
int seg_net_plan_from_registry(const seg_ctx *ctx, const seg_registry *reg, const char *topology,
			       seg_plan **ret, seg_error **err);

/* route_localnet=1 and forwarding=1 on the uplink carrying ingress/egress. */
int seg_net_uplink(const seg_ctx *ctx, const char *ifname, seg_error **err);

#endif
