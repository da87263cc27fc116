/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The in-process side of bench/bench-net (run inside its own netns):
 *   bench-net-tool full N F        ms of seg_nft_apply from scratch, N jails x F flows
 *   bench-net-tool add N F         ms of seg_nft_jail(up) of one more jail (F flows)
 *                                  with N jails present
 *   bench-net-tool apply N F [SKIP] apply the plan, without jail SKIP (index) if given
 *   bench-net-tool addtext N F     `nft -f` text adding what "add" adds
 *   bench-net-tool naive N F       `nft -f` text of a one-rule-per-flow chain
 * Jail i is b<i> at 127.200.x.y (index i + 2), flows i -> i+k, port 8000+k.
 * Each timing is the median of 5 runs.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nft.h"

static seg_plan *make_plan(size_t n, size_t f)
{
	seg_plan *p = calloc(1, sizeof(*p));

	p->pool = SEG_DEFAULT_POOL;
	p->prefix = SEG_DEFAULT_POOL_PREFIX;
	p->gateway = SEG_DEFAULT_POOL + 1;
	p->jails = calloc(n, sizeof(*p->jails));
	p->flows = calloc(n * f, sizeof(*p->flows));
	p->n_jails = n;
	for (size_t i = 0; i < n; i++) {
		seg_plan_jail *j = &p->jails[i];

		snprintf(j->name, sizeof(j->name), "b%zu", i);
		snprintf(j->veth, sizeof(j->veth), "seg-b%u", (unsigned)(i % 100000));
		j->index = (uint32_t)i + SEG_FIRST_INDEX;
		j->addr = SEG_DEFAULT_POOL + j->index;
		for (size_t k = 1; k <= f; k++)
			p->flows[p->n_flows++] = (seg_plan_flow){ i, (i + k) % n, IPPROTO_TCP,
								  (uint16_t)(8000 + k) };
	}
	return p;
}

static void plan_free(seg_plan *p)
{
	free(p->jails);
	free(p->flows);
	free(p);
}

/* The plan without jail `skip` and its flows (what exists before "add"). */
static seg_plan *without(const seg_plan *p, size_t skip)
{
	seg_plan *q = calloc(1, sizeof(*q));

	*q = *p;
	q->flows = calloc(p->n_flows, sizeof(*q->flows));
	q->n_flows = 0;
	for (size_t i = 0; i < p->n_flows; i++)
		if (p->flows[i].from != skip && p->flows[i].to != skip)
			q->flows[q->n_flows++] = p->flows[i];
	/* the skipped jail is the last one: dropping it keeps indexes valid */
	q->n_jails = p->n_jails - 1;
	return q;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void die(seg_error *e)
{
	fprintf(stderr, "bench-net-tool: %s\n", e ? seg_error_message(e) : "failed");
	exit(1);
}

static const char *ip(uint32_t a, char *buf)
{
	uint32_t be = htonl(a);

	return inet_ntop(AF_INET, &be, buf, 16);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 3 ? argv[1] : "";
	size_t n = argc > 3 ? (size_t)atol(argv[2]) : 0, f = argc > 3 ? (size_t)atol(argv[3]) : 0;
	seg_plan *p, *q;
	seg_error *e = NULL;
	double t[5];
	char a[16], b[16];

	if (n < 2 || f < 1 || f >= n) {
		fprintf(stderr, "usage: bench-net-tool full|add|apply|addtext|naive N F\n");
		return 2;
	}
	p = make_plan(n + 1, f); /* the extra last jail is the one "add" adds */
	q = without(p, n);
	if (strcmp(mode, "full") == 0) {
		for (int i = 0; i < 5; i++) {
			if (seg_nft_flush("segregate", &e) < 0)
				die(e);
			t[i] = now_ms();
			if (seg_nft_apply("segregate", q, NULL, &e) < 0)
				die(e);
			t[i] = now_ms() - t[i];
		}
		qsort(t, 5, sizeof(*t), dcmp);
		printf("%.3f\n", t[2]);
	} else if (strcmp(mode, "apply") == 0) {
		if (seg_nft_apply("segregate", argc > 4 ? p : q, NULL, &e) < 0)
			die(e);
	} else if (strcmp(mode, "add") == 0) {
		if (seg_nft_apply("segregate", q, NULL, &e) < 0)
			die(e);
		for (int i = 0; i < 5; i++) {
			t[i] = now_ms();
			if (seg_nft_jail("segregate", p, &p->jails[n], true, &e) < 0)
				die(e);
			t[i] = now_ms() - t[i];
			if (seg_nft_jail("segregate", p, &p->jails[n], false, &e) < 0)
				die(e);
		}
		qsort(t, 5, sizeof(*t), dcmp);
		printf("%.3f\n", t[2]);
	} else if (strcmp(mode, "addtext") == 0) {
		const seg_plan_jail *j = &p->jails[n];

		printf("add element inet segregate jail_ifs { \"%s\" }\n", j->veth);
		printf("add element inet segregate bindings { \"%s\" . %s }\n", j->veth,
		       ip(j->addr, a));
		printf("add element inet segregate flows {");
		for (size_t i = 0, first = 1; i < p->n_flows; i++)
			if (p->flows[i].from == n || p->flows[i].to == n) {
				printf("%s %s . %s . tcp . %u", first ? "" : ",",
				       ip(p->jails[p->flows[i].from].addr, a),
				       ip(p->jails[p->flows[i].to].addr, b), p->flows[i].port);
				first = 0;
			}
		printf(" }\n");
	} else if (strcmp(mode, "naive") == 0) {
		printf("table inet naive {\n chain forward {\n  type filter hook forward priority 0; "
		       "policy drop;\n  ct state established,related accept\n");
		for (size_t i = 0; i < q->n_flows; i++)
			printf("  ip saddr %s ip daddr %s tcp dport %u accept\n",
			       ip(q->jails[q->flows[i].from].addr, a),
			       ip(q->jails[q->flows[i].to].addr, b), q->flows[i].port);
		printf(" }\n}\n");
	} else {
		return 2;
	}
	free(q->flows);
	free(q);
	plan_free(p);
	return 0;
}
