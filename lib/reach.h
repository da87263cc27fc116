/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The live reachability matrix: from inside every running jail, connect to
 * every other jail's declared ports and a canary port, to the host's
 * gateway address and to an optional outside address, and set what got
 * through beside what the policy declares.
 */
#ifndef SEG_REACH_H
#define SEG_REACH_H

#include <stdbool.h>
#include <stdint.h>

#include "macro.h"
#include "plan.h"
#include "probe.h"

#define SEG_REACH_CANARY_PORT 9 /* discard: declared by nobody, the "undeclared port" probe */

typedef enum seg_reach_kind {
	SEG_REACH_JAIL,
	SEG_REACH_HOST,    /* the gateway address: the host's own services */
	SEG_REACH_OUTSIDE, /* an address beyond the host (needs egress) */
} seg_reach_kind;

typedef struct seg_reach_probe {
	size_t from;           /* index into plan->jails */
	seg_reach_kind kind;
	size_t to;             /* jail index when kind == SEG_REACH_JAIL */
	uint32_t addr;
	uint8_t proto;
	uint16_t port;
	bool declared;         /* the policy lets it through */
	seg_probe_result result;
	bool verified;         /* false: a silent UDP port the policy allows (a listener
				* that does not answer looks the same as a drop) */
	bool differs;          /* measured != declared */
} seg_reach_probe;

typedef struct seg_reach {
	seg_plan *plan;        /* owned */
	bool *running;         /* per plan jail: probed from */
	seg_reach_probe *probes;
	size_t n;
	size_t n_differ;
} seg_reach;

typedef struct seg_reach_opts {
	uint32_t outside;      /* 0: no outside probes */
	const uint16_t *host_ports; /* extra TCP ports probed on the host (host-only services) */
	size_t n_host_ports;
	unsigned timeout_ms;   /* per source jail; 0: 400 */
} seg_reach_opts;

/* Measures the matrix for the registry's jails and TOPOLOGY's flows (NULL:
 * the topology the jails came from). */
int seg_reach_measure(const seg_ctx *ctx, const char *topology, const seg_reach_opts *opts,
		      seg_reach **ret, seg_error **err);
seg_reach *seg_reach_free(seg_reach *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(seg_reach *, seg_reach_free)

#endif
