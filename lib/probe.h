/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Live reachability probes: connect from inside a network namespace (a
 * jail's) to addresses and ports, and classify what came back.  The policy
 * drops rather than rejects, so "blocked" is silence; "refused" (a RST or an
 * ICMP port unreachable came back) proves the path is open even where no
 * service listens.
 */
#ifndef SEG_PROBE_H
#define SEG_PROBE_H

#include <stdint.h>
#include <stddef.h>

#include <segregate/error.h>

typedef enum seg_probe_result {
	SEG_PROBE_UNKNOWN = 0,
	SEG_PROBE_OPEN,    /* connected (TCP) or answered (UDP) */
	SEG_PROBE_REFUSED, /* reachable, nothing listens */
	SEG_PROBE_BLOCKED, /* no answer before the timeout, or no route */
} seg_probe_result;

typedef struct seg_probe_target {
	uint32_t addr; /* IPv4, host byte order */
	uint16_t port;
	uint8_t proto; /* IPPROTO_TCP or IPPROTO_UDP */
	seg_probe_result result;
	int error;     /* errno seen, for diagnostics */
} seg_probe_target;

/*
 * seg_probe_run - probes every target, all at once, from the network
 * namespace netns_fd (an fd of /proc/PID/ns/net; -1: the caller's own),
 * waiting at most timeout_ms in total.  Runs in a forked child so the
 * caller's namespace never changes.  Fills targets[].result.  Returns 0 or
 * -errno.
 */
int seg_probe_run(int netns_fd, seg_probe_target *targets, size_t n, unsigned timeout_ms,
		  seg_error **err);

/* "open", "refused", "blocked", "unknown". */
const char *seg_probe_result_name(seg_probe_result r);

/* True where the result shows that packets went through. */
static inline int seg_probe_reachable(seg_probe_result r)
{
	return r == SEG_PROBE_OPEN || r == SEG_PROBE_REFUSED;
}

#endif
