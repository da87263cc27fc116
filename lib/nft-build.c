/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The constant skeleton of the segregate table: chains, sets and rules.
 * Nothing here depends on a plan; every decision is a set lookup, so the
 * rule count is the same for two jails or a thousand.
 *
 * The equivalent nft text (what `seg-net show --rules` and the benchmark's
 * reference print) is in nft-text.c.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_log.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/udata.h>

#include "nft.h"

/* nft's datatype numbers, so `nft list` prints our sets with their types. */
enum {
	TYPE_IPADDR = 7,
	TYPE_INET_PROTOCOL = 12,
	TYPE_INET_SERVICE = 13,
	TYPE_IFNAME = 41,
	TYPE_BITS = 6,
};
#define CONCAT2(a, b) (((a) << TYPE_BITS) | (b))
#define CONCAT3(a, b, c) ((CONCAT2(a, b) << TYPE_BITS) | (c))
#define CONCAT4(a, b, c, d) ((CONCAT3(a, b, c) << TYPE_BITS) | (d))

static const struct {
	const char *name;
	uint32_t key_type, key_len, data_type, data_len;
} set_defs[SEG_NFT_SET_MAX] = {
	[SEG_NFT_SET_JAIL_IFS] = { "jail_ifs", TYPE_IFNAME, 16 },
	[SEG_NFT_SET_BINDINGS] = { "bindings", CONCAT2(TYPE_IFNAME, TYPE_IPADDR), 20 },
	[SEG_NFT_SET_FLOWS] = { "flows",
				CONCAT4(TYPE_IPADDR, TYPE_IPADDR, TYPE_INET_PROTOCOL,
					TYPE_INET_SERVICE),
				16 },
	[SEG_NFT_SET_INGRESS] = { "ingress", CONCAT2(TYPE_INET_PROTOCOL, TYPE_INET_SERVICE), 8,
				  CONCAT2(TYPE_IPADDR, TYPE_INET_SERVICE), 8 },
	[SEG_NFT_SET_INGRESS_DST] = { "ingress_dst",
				      CONCAT3(TYPE_IPADDR, TYPE_INET_PROTOCOL, TYPE_INET_SERVICE),
				      12 },
	[SEG_NFT_SET_EGRESS] = { "egress",
				 CONCAT3(TYPE_IPADDR, TYPE_INET_PROTOCOL, TYPE_INET_SERVICE), 12 },
	[SEG_NFT_SET_EGRESS_ANY] = { "egress_any", CONCAT2(TYPE_IPADDR, TYPE_INET_PROTOCOL), 8 },
	[SEG_NFT_SET_EGRESS_JAILS] = { "egress_jails", TYPE_IPADDR, 4 },
	[SEG_NFT_SET_HOSTSVC] = { "hostsvc",
				  CONCAT3(TYPE_IPADDR, TYPE_INET_PROTOCOL, TYPE_INET_SERVICE), 12 },
	[SEG_NFT_SET_HOSTSVC_ANY] = { "hostsvc_any", CONCAT2(TYPE_INET_PROTOCOL, TYPE_INET_SERVICE),
				      8 },
};

static const struct {
	const char *name, *type;
	uint32_t hook;
	int32_t prio;
	uint32_t policy;
} chain_defs[SEG_NFT_CHAIN_MAX] = {
	/* raw: before conntrack and NAT, so a spoofed or martian packet
	 * never creates state */
	[SEG_NFT_CHAIN_RAW_PREROUTING] = { "raw_prerouting", "filter", NF_INET_PRE_ROUTING, -300,
					   NF_ACCEPT },
	[SEG_NFT_CHAIN_NAT_PREROUTING] = { "nat_prerouting", "nat", NF_INET_PRE_ROUTING, -100,
					   NF_ACCEPT },
	[SEG_NFT_CHAIN_INPUT] = { "input", "filter", NF_INET_LOCAL_IN, 0, NF_ACCEPT },
	[SEG_NFT_CHAIN_FORWARD] = { "forward", "filter", NF_INET_FORWARD, 0, NF_DROP },
	[SEG_NFT_CHAIN_NAT_POSTROUTING] = { "nat_postrouting", "nat", NF_INET_POST_ROUTING, 100,
					    NF_ACCEPT },
};

const char *seg_nft_set_name(enum seg_nft_set_id id)
{
	return id < SEG_NFT_SET_MAX ? set_defs[id].name : NULL;
}

const char *seg_nft_chain_name(enum seg_nft_chain_id id)
{
	return id < SEG_NFT_CHAIN_MAX ? chain_defs[id].name : NULL;
}

uint32_t seg_nft_set_key_len(enum seg_nft_set_id id)
{
	return set_defs[id].key_len;
}

uint32_t seg_nft_set_data_len(enum seg_nft_set_id id)
{
	return set_defs[id].data_len;
}

/* 32-bit register n (0..15) as the kernel reports it back: the ones that
 * start a 128-bit register carry that register's number, so a rule built
 * here reads the same as the kernel's copy of it. */
static uint32_t r32(uint32_t n)
{
	return n % 4 == 0 ? NFT_REG_1 + n / 4 : NFT_REG32_00 + n;
}

/* Rule building: each helper appends one expression; a failed allocation
 * is remembered in the builder and reported once at the end. */
typedef struct rb {
	struct nftnl_rule *r;
	bool oom;
} rb;

static struct nftnl_expr *rb_expr(rb *b, const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (!e)
		b->oom = true;
	return e;
}

static void rb_add(rb *b, struct nftnl_expr *e)
{
	if (e)
		nftnl_rule_add_expr(b->r, e);
}

static void meta(rb *b, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = rb_expr(b, "meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
	}
	rb_add(b, e);
}

static void cmp(rb *b, uint32_t sreg, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = rb_expr(b, "cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, sreg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	rb_add(b, e);
}

static void cmp_u8(rb *b, uint32_t sreg, uint8_t v)
{
	cmp(b, sreg, NFT_CMP_EQ, &v, 1);
}

static void payload(rb *b, uint32_t base, uint32_t offset, uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *e = rb_expr(b, "payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
	}
	rb_add(b, e);
}

static void lookup(rb *b, uint32_t sreg, enum seg_nft_set_id set, int32_t dreg, bool inv)
{
	struct nftnl_expr *e = rb_expr(b, "lookup");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set_defs[set].name);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, set + 1);
		if (dreg >= 0)
			nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, (uint32_t)dreg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, inv ? NFT_LOOKUP_F_INV : 0);
	}
	rb_add(b, e);
}

static void bitwise_and(rb *b, uint32_t reg, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *e = rb_expr(b, "bitwise");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	}
	rb_add(b, e);
}

static void ct(rb *b, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = rb_expr(b, "ct");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, dreg);
	}
	rb_add(b, e);
}

/* reg & bits != 0, for ct state / ct status (host byte order, 4 bytes) */
static void bits_set(rb *b, uint32_t reg, uint32_t bits)
{
	uint32_t zero = 0;

	bitwise_and(b, reg, &bits, sizeof(bits));
	cmp(b, reg, NFT_CMP_NEQ, &zero, sizeof(zero));
}

static void verdict(rb *b, int v)
{
	struct nftnl_expr *e = rb_expr(b, "immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)v);
	}
	rb_add(b, e);
}

static void counter(rb *b)
{
	rb_add(b, rb_expr(b, "counter"));
}

static void limit_log(rb *b, const char *prefix)
{
	struct nftnl_expr *l = rb_expr(b, "limit"), *g;

	if (l) {
		nftnl_expr_set_u64(l, NFTNL_EXPR_LIMIT_RATE, SEG_NFT_LOG_RATE);
		nftnl_expr_set_u64(l, NFTNL_EXPR_LIMIT_UNIT, 1);
		nftnl_expr_set_u32(l, NFTNL_EXPR_LIMIT_BURST, 2 * SEG_NFT_LOG_RATE);
		nftnl_expr_set_u32(l, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
		nftnl_expr_set_u32(l, NFTNL_EXPR_LIMIT_FLAGS, 0);
	}
	rb_add(b, l);
	g = rb_expr(b, "log");
	if (g) {
		nftnl_expr_set_str(g, NFTNL_EXPR_LOG_PREFIX, prefix);
		nftnl_expr_set_u16(g, NFTNL_EXPR_LOG_GROUP, SEG_NFT_LOG_GROUP);
	}
	rb_add(b, g);
}

static void ipv4(rb *b)
{
	meta(b, NFT_META_NFPROTO, NFT_REG_1);
	cmp_u8(b, NFT_REG_1, NFPROTO_IPV4);
}

/* iifname/oifname (in)equal to one of our jails' veths */
static void ifname_jail(rb *b, uint32_t key, bool inv)
{
	meta(b, key, NFT_REG_1);
	lookup(b, NFT_REG_1, SEG_NFT_SET_JAIL_IFS, -1, inv);
}

static void ip_in_loopback(rb *b, uint32_t offset)
{
	const uint8_t mask[4] = { 0xff, 0, 0, 0 }, net[4] = { 127, 0, 0, 0 };

	payload(b, NFT_PAYLOAD_NETWORK_HEADER, offset, 4, NFT_REG_1);
	bitwise_and(b, NFT_REG_1, mask, 4);
	cmp(b, NFT_REG_1, NFT_CMP_EQ, net, 4);
}

/* l4proto then th dport into 32-bit registers n and n + 1 */
static void proto_dport(rb *b, uint32_t n)
{
	meta(b, NFT_META_L4PROTO, r32(n));
	payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, r32(n + 1));
}

static void rule_raw(rb *b, int n)
{
	const char lo[16] = "lo";

	switch (n) {
	case 0: /* anti-spoofing first: a jail's veth carries only its own source */
		ifname_jail(b, NFT_META_IIFNAME, false);
		ipv4(b);
		meta(b, NFT_META_IIFNAME, r32(0));
		payload(b, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, r32(4));
		lookup(b, r32(0), SEG_NFT_SET_BINDINGS, -1, true);
		counter(b);
		verdict(b, NF_DROP);
		break;
	case 1: /* no IPv6 from jails: nothing declares any */
		ifname_jail(b, NFT_META_IIFNAME, false);
		meta(b, NFT_META_NFPROTO, NFT_REG_1);
		cmp_u8(b, NFT_REG_1, NFPROTO_IPV6);
		counter(b);
		verdict(b, NF_DROP);
		break;
	case 2: /* CVE-2020-8558: 127/8 only on lo and the jails' veths */
	case 3:
		meta(b, NFT_META_IIFNAME, NFT_REG_1);
		cmp(b, NFT_REG_1, NFT_CMP_NEQ, lo, sizeof(lo));
		lookup(b, NFT_REG_1, SEG_NFT_SET_JAIL_IFS, -1, true);
		ipv4(b);
		ip_in_loopback(b, n == 2 ? 12 : 16);
		counter(b);
		verdict(b, NF_DROP);
		break;
	}
}

static void rule_nat_pre(rb *b, int n)
{
	struct nftnl_expr *e;
	uint32_t local = RTN_LOCAL;

	/* DNAT declared host ports (of the host's own addresses, not forwarded
	 * traffic and not the jails) to the WAF */
	ipv4(b);
	ifname_jail(b, NFT_META_IIFNAME, true);
	e = rb_expr(b, "fib");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
	}
	rb_add(b, e);
	cmp(b, NFT_REG_1, NFT_CMP_EQ, &local, sizeof(local));
	proto_dport(b, 0);
	lookup(b, r32(0), SEG_NFT_SET_INGRESS, (int32_t)r32(0), false);
	e = rb_expr(b, "nat");
	if (e) {
		/* min = max and the flags the kernel derives, as it reports them */
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, r32(0));
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MAX, r32(0));
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, r32(1));
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MAX, r32(1));
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS,
				   NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED);
	}
	rb_add(b, e);
	(void)n;
}

static void rule_input(rb *b, int n)
{
	switch (n) {
	case 0: /* this chain is about jails only */
		ifname_jail(b, NFT_META_IIFNAME, true);
		verdict(b, NF_ACCEPT);
		break;
	case 1:
		ct(b, NFT_CT_STATE, NFT_REG_1);
		bits_set(b, NFT_REG_1, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
					       NF_CT_STATE_BIT(IP_CT_RELATED));
		verdict(b, NF_ACCEPT);
		break;
	case 2:
		ipv4(b);
		payload(b, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, r32(0));
		proto_dport(b, 1);
		lookup(b, r32(0), SEG_NFT_SET_HOSTSVC, -1, false);
		verdict(b, NF_ACCEPT);
		break;
	case 3:
		ipv4(b);
		proto_dport(b, 0);
		lookup(b, r32(0), SEG_NFT_SET_HOSTSVC_ANY, -1, false);
		verdict(b, NF_ACCEPT);
		break;
	case 4: /* the host's 127.0.0.1 services are not the jails' business */
		counter(b);
		limit_log(b, SEG_NFT_LOG_PREFIX_INPUT);
		break;
	case 5:
		verdict(b, NF_DROP);
		break;
	}
}

static void rule_forward(rb *b, int n)
{
	switch (n) {
	case 0:
		ct(b, NFT_CT_STATE, NFT_REG_1);
		bits_set(b, NFT_REG_1, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
					       NF_CT_STATE_BIT(IP_CT_RELATED));
		verdict(b, NF_ACCEPT);
		break;
	case 1: /* declared jail-to-jail flows */
		ipv4(b);
		payload(b, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, r32(0));
		payload(b, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, r32(1));
		proto_dport(b, 2);
		lookup(b, r32(0), SEG_NFT_SET_FLOWS, -1, false);
		verdict(b, NF_ACCEPT);
		break;
	case 2: /* ingress, only once DNAT'd by nat_prerouting */
		ipv4(b);
		ct(b, NFT_CT_STATUS, NFT_REG_1);
		bits_set(b, NFT_REG_1, IPS_DST_NAT);
		payload(b, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, r32(0));
		proto_dport(b, 1);
		lookup(b, r32(0), SEG_NFT_SET_INGRESS_DST, -1, false);
		verdict(b, NF_ACCEPT);
		break;
	case 3: /* egress leaves the host: never towards another jail */
	case 4:
		ipv4(b);
		ifname_jail(b, NFT_META_OIFNAME, true);
		payload(b, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, r32(0));
		if (n == 3) {
			proto_dport(b, 1);
			lookup(b, r32(0), SEG_NFT_SET_EGRESS, -1, false);
		} else {
			meta(b, NFT_META_L4PROTO, r32(1));
			lookup(b, r32(0), SEG_NFT_SET_EGRESS_ANY, -1, false);
		}
		verdict(b, NF_ACCEPT);
		break;
	case 5:
		counter(b);
		limit_log(b, SEG_NFT_LOG_PREFIX_FORWARD);
		break;
	case 6:
		verdict(b, NF_DROP);
		break;
	}
}

static void rule_nat_post(rb *b, int n)
{
	ipv4(b);
	ifname_jail(b, NFT_META_OIFNAME, true);
	payload(b, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, NFT_REG_1);
	lookup(b, NFT_REG_1, SEG_NFT_SET_EGRESS_JAILS, -1, false);
	rb_add(b, rb_expr(b, "masq"));
	(void)n;
}

static const struct {
	void (*build)(rb *b, int n);
	int count;
} rule_defs[SEG_NFT_CHAIN_MAX] = {
	[SEG_NFT_CHAIN_RAW_PREROUTING] = { rule_raw, 4 },
	[SEG_NFT_CHAIN_NAT_PREROUTING] = { rule_nat_pre, 1 },
	[SEG_NFT_CHAIN_INPUT] = { rule_input, 6 },
	[SEG_NFT_CHAIN_FORWARD] = { rule_forward, 7 },
	[SEG_NFT_CHAIN_NAT_POSTROUTING] = { rule_nat_post, 1 },
};

seg_nft_skel *seg_nft_skel_free(seg_nft_skel *s)
{
	if (!s)
		return NULL;
	if (s->table)
		nftnl_table_free(s->table);
	for (size_t i = 0; i < SEG_NFT_CHAIN_MAX; i++)
		if (s->chains[i])
			nftnl_chain_free(s->chains[i]);
	for (size_t i = 0; i < SEG_NFT_SET_MAX; i++)
		if (s->sets[i])
			nftnl_set_free(s->sets[i]);
	for (size_t i = 0; i < s->n_rules; i++)
		nftnl_rule_free(s->rules[i]);
	free(s->rules);
	free(s);
	return NULL;
}

static int skel_fill(seg_nft_skel *s, const char *table)
{
	size_t total = 0;

	if (!(s->table = nftnl_table_alloc()))
		return -ENOMEM;
	nftnl_table_set_u32(s->table, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(s->table, NFTNL_TABLE_NAME, table);
	nftnl_table_set_u32(s->table, NFTNL_TABLE_FLAGS, 0);

	for (int i = 0; i < SEG_NFT_SET_MAX; i++) {
		struct nftnl_set *set = nftnl_set_alloc();

		if (!(s->sets[i] = set))
			return -ENOMEM;
		nftnl_set_set_u32(set, NFTNL_SET_FAMILY, NFPROTO_INET);
		nftnl_set_set_str(set, NFTNL_SET_TABLE, table);
		nftnl_set_set_str(set, NFTNL_SET_NAME, set_defs[i].name);
		nftnl_set_set_u32(set, NFTNL_SET_ID, (uint32_t)i + 1);
		nftnl_set_set_u32(set, NFTNL_SET_KEY_TYPE, set_defs[i].key_type);
		nftnl_set_set_u32(set, NFTNL_SET_KEY_LEN, set_defs[i].key_len);
		nftnl_set_set_u32(set, NFTNL_SET_FLAGS, set_defs[i].data_len ? NFT_SET_MAP : 0);
		if (set_defs[i].key_type == TYPE_IFNAME) {
			/* as nft records it: without it `nft list` prints the
			 * names of a plain ifname set byte-swapped (empty) */
			struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(64);

			if (!u)
				return -ENOMEM;
			nftnl_udata_put_u32(u, NFTNL_UDATA_SET_KEYBYTEORDER, 1 /* host endian */);
			nftnl_set_set_data(set, NFTNL_SET_USERDATA, nftnl_udata_buf_data(u),
					   nftnl_udata_buf_len(u));
			nftnl_udata_buf_free(u);
		}
		if (set_defs[i].data_len) {
			nftnl_set_set_u32(set, NFTNL_SET_DATA_TYPE, set_defs[i].data_type);
			nftnl_set_set_u32(set, NFTNL_SET_DATA_LEN, set_defs[i].data_len);
		}
	}

	for (int i = 0; i < SEG_NFT_CHAIN_MAX; i++) {
		struct nftnl_chain *c = nftnl_chain_alloc();

		if (!(s->chains[i] = c))
			return -ENOMEM;
		nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chain_defs[i].name);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, chain_defs[i].type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, chain_defs[i].hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, chain_defs[i].prio);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, chain_defs[i].policy);
		total += (size_t)rule_defs[i].count;
	}

	if (!(s->rules = calloc(total, sizeof(*s->rules))))
		return -ENOMEM;
	for (int c = 0; c < SEG_NFT_CHAIN_MAX; c++)
		for (int n = 0; n < rule_defs[c].count; n++) {
			rb b = { .r = nftnl_rule_alloc() };

			if (!b.r)
				return -ENOMEM;
			s->rules[s->n_rules++] = b.r;
			nftnl_rule_set_u32(b.r, NFTNL_RULE_FAMILY, NFPROTO_INET);
			nftnl_rule_set_str(b.r, NFTNL_RULE_TABLE, table);
			nftnl_rule_set_str(b.r, NFTNL_RULE_CHAIN, chain_defs[c].name);
			rule_defs[c].build(&b, n);
			if (b.oom)
				return -ENOMEM;
		}
	return 0;
}

static bool table_name_valid(const char *t)
{
	size_t n = t ? strlen(t) : 0;

	if (n == 0 || n > 31)
		return false;
	return strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

int seg_nft_skel_new(const char *table, seg_nft_skel **ret, seg_error **err)
{
	_cleanup_(seg_nft_skel_freep) seg_nft_skel *s = NULL;

	if (!table_name_valid(table))
		return seg_error_set(err, EINVAL,
				     "nftables table name '%s' is invalid: 1 to 31 of [a-z0-9_-]",
				     table ? table : "(null)");
	if (!(s = calloc(1, sizeof(*s))) || skel_fill(s, table) < 0)
		return seg_error_set(err, ENOMEM, "out of memory building the nftables table");
	*ret = TAKE_PTR(s);
	return 0;
}
