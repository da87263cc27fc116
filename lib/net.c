/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network of the jails: rtnl.c for routes, nft.c for the table. */
#include <netinet/in.h>
#include <string.h>

#include "context-internal.h"
#include "net.h"
#include "nft.h"
#include "rtnl.h"

static const seg_plan_jail *find_jail(const seg_plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->n_jails; i++)
		if (strcmp(plan->jails[i].name, name) == 0)
			return &plan->jails[i];
	return NULL;
}

SEG_PUBLIC int seg_net_apply(const seg_ctx *ctx, const seg_plan *plan, seg_error **err)
{
	size_t changes = 0;
	int r;

	if (!ctx || !plan)
		return seg_error_set(err, EINVAL, "seg_net_apply: ctx and plan are required");
	if ((r = seg_nft_apply(seg_ctx_get_nft_table(ctx), plan, &changes, err)) < 0)
		return r;
	seg_debug(ctx, "table inet %s: %zu changes", seg_ctx_get_nft_table(ctx), changes);
	for (size_t i = 0; i < plan->n_jails; i++) {
		seg_error *e = NULL;

		r = seg_rtnl_host_jail(plan, &plan->jails[i], true, &e);
		if (r == -ENODEV) {
			/* not running: seg-start sets its veth up later */
			seg_error_free(e);
			continue;
		}
		if (r < 0) {
			if (err && !*err)
				*err = e;
			else
				seg_error_free(e);
			return r;
		}
	}
	return 0;
}

SEG_PUBLIC int seg_net_flush(const seg_ctx *ctx, seg_error **err)
{
	if (!ctx)
		return seg_error_set(err, EINVAL, "seg_net_flush: ctx is required");
	return seg_nft_flush(seg_ctx_get_nft_table(ctx), err);
}

SEG_PUBLIC int seg_net_check(const seg_ctx *ctx, const seg_plan *plan, char **ret_report,
			     seg_error **err)
{
	if (!ctx || !plan)
		return seg_error_set(err, EINVAL, "seg_net_check: ctx and plan are required");
	return seg_nft_check(seg_ctx_get_nft_table(ctx), plan, ret_report, err);
}

int seg_net_jail_up(const seg_ctx *ctx, const seg_plan *plan, const seg_plan_jail *jail,
		    pid_t init_pid, seg_error **err)
{
	int r;

	if ((r = seg_rtnl_host_jail(plan, jail, true, err)) < 0 ||
	    (init_pid > 0 && (r = seg_rtnl_jail_side(plan, jail, init_pid, err)) < 0) ||
	    (r = seg_nft_jail(seg_ctx_get_nft_table(ctx), plan, jail, true, err)) < 0)
		return seg_error_wrap(err, r, "connecting jail %s", jail->name);
	seg_debug(ctx, "jail %s connected on %s", jail->name, jail->veth);
	return 0;
}

int seg_net_jail_down(const seg_ctx *ctx, const seg_plan *plan, const seg_plan_jail *jail,
		      seg_error **err)
{
	int r;

	/* elements first: from here on nothing reaches or leaves the jail */
	if ((r = seg_nft_jail(seg_ctx_get_nft_table(ctx), plan, jail, false, err)) < 0 ||
	    (r = seg_rtnl_host_jail(plan, jail, false, err)) < 0)
		return seg_error_wrap(err, r, "disconnecting jail %s", jail->name);
	return 0;
}

int seg_net_flow(const seg_ctx *ctx, const seg_plan *plan, const char *from, const char *to,
		 uint8_t proto, uint16_t port, bool allow, seg_error **err)
{
	const seg_plan_jail *f = find_jail(plan, from), *t = find_jail(plan, to);
	int r;

	if (!f || !t)
		return seg_error_set(err, ENOENT, "no jail named '%s' in the topology",
				     f ? to : from);
	if ((r = seg_nft_flow(seg_ctx_get_nft_table(ctx), f->addr, t->addr, proto, port, allow,
			      err)) < 0)
		return seg_error_wrap(err, r, "%s %s -> %s %u/%s", allow ? "allowing" : "denying",
				      from, to, port, proto == IPPROTO_UDP ? "udp" : "tcp");
	return 0;
}

int seg_net_uplink(const seg_ctx *ctx, const char *ifname, seg_error **err)
{
	(void)ctx;
	return seg_rtnl_uplink(ifname, err);
}
