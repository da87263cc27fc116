/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SEGREGATE_NET_H
#define SEGREGATE_NET_H

#include <segregate/context.h>
#include <segregate/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * seg_plan: what the host must look like for a topology (allocations,
 * flows, ingress, egress); computed by the core from a topology and the
 * registry.  Opaque here.
 */
typedef struct seg_plan seg_plan;

/**
 * seg_net_apply - makes the nftables table named by the context (`inet
 * segregate` by default) allow exactly the plan's flows, ingress, egress
 * and host services, and sets up the host side (gateway address, sysctls,
 * table-local route) of every jail veth that exists.  One netlink batch,
 * computed against the ruleset generation read first: applying the same
 * plan twice sends nothing; a concurrent change by another tool makes it
 * fail with -EAGAIN and leaves the kernel as it was; any refused message
 * leaves the previous table intact.  Returns 0 or a negative errno.
 */
int seg_net_apply(const seg_ctx *ctx, const seg_plan *plan, seg_error **err);

/**
 * seg_net_flush - deletes the context's nftables table, and nothing else.
 * Returns 0 (also when there was no table) or a negative errno.
 */
int seg_net_flush(const seg_ctx *ctx, seg_error **err);

/**
 * seg_net_check - compares the kernel's table with the plan.  Returns the
 * number of differences (0: in sync) or a negative errno.  When ret_report
 * is not NULL it receives one line per difference ("missing: ...",
 * "unexpected: ...") followed by "warning: ..." lines for base chains of
 * other tables on the same hooks (their drop overrides our accept); the
 * caller frees it.
 */
int seg_net_check(const seg_ctx *ctx, const seg_plan *plan, char **ret_report, seg_error **err);

#ifdef __cplusplus
}
#endif
#endif
