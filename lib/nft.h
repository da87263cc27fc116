/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The `inet <table>` nftables table of segregate, built with libnftnl and
 * committed with libmnl as one netlink batch.
 *
 * The rules never depend on the plan: they are a constant skeleton whose
 * every decision is a lookup in a set or a map (the kube-proxy nftables
 * pattern).  A plan only decides the elements, so adding or removing a jail
 * or a flow is a handful of element messages in one transaction, and the
 * rule count stays the same for 2 jails or 1,000.
 *
 * Layer split:  nft-build.c  skeleton objects (table, chains, sets, rules)
 *               nft-elem.c   elements for a plan / one jail / one flow
 *               nft-nl.c     the netlink socket: generation, dumps, batches
 *               nft.c        apply / jail / flow / flush / check on top
 */
#ifndef SEG_NFT_H
#define SEG_NFT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/netfilter/nf_tables.h>

#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "error-internal.h"
#include "plan.h"

/* NFLOG group of the drop logs (forward and input); ulogd or the syslog
 * jail subscribes to it.  The prefixes say which chain dropped. */
#define SEG_NFT_LOG_GROUP 30
#define SEG_NFT_LOG_PREFIX_FORWARD "segregate-forward-drop: "
#define SEG_NFT_LOG_PREFIX_INPUT "segregate-input-drop: "
#define SEG_NFT_LOG_RATE 10 /* per second, burst 20: a flood cannot fill the log */

/* Kernels >= 6.3 know DESTROY messages: delete-if-present, so removing an
 * element that is already gone does not abort the batch.  Debian 12's
 * uapi headers predate them; the numbers are ABI. */
#ifndef NFT_MSG_DESTROYTABLE
#define NFT_MSG_DESTROYTABLE 26
#define NFT_MSG_DESTROYSETELEM 30
#endif

enum seg_nft_set_id {
	SEG_NFT_SET_JAIL_IFS,     /* ifname: every jail veth (host side) */
	SEG_NFT_SET_BINDINGS,     /* ifname . ipv4_addr: veth -> the one source it may use */
	SEG_NFT_SET_FLOWS,        /* saddr . daddr . l4proto . dport */
	SEG_NFT_SET_INGRESS,      /* map l4proto . host port : WAF addr . port */
	SEG_NFT_SET_INGRESS_DST,  /* daddr . l4proto . dport after DNAT */
	SEG_NFT_SET_EGRESS,       /* saddr . l4proto . dport leaving the host */
	SEG_NFT_SET_EGRESS_ANY,   /* saddr . l4proto, every port */
	SEG_NFT_SET_EGRESS_JAILS, /* saddr masqueraded on the way out */
	SEG_NFT_SET_HOSTSVC,      /* saddr . l4proto . dport of host services */
	SEG_NFT_SET_HOSTSVC_ANY,  /* l4proto . dport any jail may reach on the host */
	SEG_NFT_SET_MAX,
};

enum seg_nft_chain_id {
	SEG_NFT_CHAIN_RAW_PREROUTING,
	SEG_NFT_CHAIN_NAT_PREROUTING,
	SEG_NFT_CHAIN_INPUT,
	SEG_NFT_CHAIN_FORWARD,
	SEG_NFT_CHAIN_NAT_POSTROUTING,
	SEG_NFT_CHAIN_MAX,
};

#define SEG_NFT_KEY_MAX 20
#define SEG_NFT_DATA_MAX 8

/* One set element as the kernel sees it: key (and map data) bytes with
 * every concatenated field padded to 4 bytes, network byte order. */
typedef struct seg_nft_elem {
	uint8_t set; /* enum seg_nft_set_id */
	uint8_t key_len, data_len;
	uint8_t key[SEG_NFT_KEY_MAX];
	uint8_t data[SEG_NFT_DATA_MAX];
} seg_nft_elem;

typedef struct seg_nft_elems {
	seg_nft_elem *v;
	size_t n, cap;
} seg_nft_elems;

void seg_nft_elems_clear(seg_nft_elems *e);
static inline void seg_nft_elems_clearp(seg_nft_elems *e)
{
	seg_nft_elems_clear(e);
}
#define _cleanup_elems_ _cleanup_(seg_nft_elems_clearp)

/* Sorts and removes duplicates, so two lists compare with a merge. */
void seg_nft_elems_sort(seg_nft_elems *e);
int seg_nft_elem_cmp(const seg_nft_elem *a, const seg_nft_elem *b);
/* Fills only_a with a - b and only_b with b - a; both inputs sorted. */
int seg_nft_elems_diff(const seg_nft_elems *a, const seg_nft_elems *b, seg_nft_elems *only_a,
		       seg_nft_elems *only_b);
/* One line of text: "flows 127.200.0.2 . 127.200.0.3 . tcp . 80". */
void seg_nft_elem_format(const seg_nft_elem *e, char *buf, size_t size);

const char *seg_nft_set_name(enum seg_nft_set_id id);
uint32_t seg_nft_set_key_len(enum seg_nft_set_id id);
uint32_t seg_nft_set_data_len(enum seg_nft_set_id id);
int seg_nft_elems_push_raw(seg_nft_elems *e, const seg_nft_elem *x);
const char *seg_nft_chain_name(enum seg_nft_chain_id id);

/* nft-elem.c: the elements a plan asks for; with only != NULL, the ones
 * that belong to that jail (its binding, its flows both ways, its
 * ingress, egress and host services). */
int seg_nft_elems_for_plan(const seg_plan *plan, const seg_plan_jail *only, seg_nft_elems *out,
			   seg_error **err);
int seg_nft_elems_add_flow(seg_nft_elems *out, uint32_t from_addr, uint32_t to_addr,
			   uint8_t proto, uint16_t port, seg_error **err);

/* nft-build.c: the constant skeleton. */
typedef struct seg_nft_skel {
	struct nftnl_table *table;
	struct nftnl_chain *chains[SEG_NFT_CHAIN_MAX];
	struct nftnl_set *sets[SEG_NFT_SET_MAX];
	struct nftnl_rule **rules; /* in chain order, then rule order */
	size_t n_rules;
} seg_nft_skel;

int seg_nft_skel_new(const char *table, seg_nft_skel **ret, seg_error **err);
seg_nft_skel *seg_nft_skel_free(seg_nft_skel *s);
static inline void seg_nft_skel_freep(seg_nft_skel **s)
{
	seg_nft_skel_free(*s);
}

/* The expressions of a rule as one line of text, without counter values
 * or handles, so a rule built here compares with the kernel's copy. */
int seg_nft_rule_text(const struct nftnl_rule *r, char **ret);

/* Golden text of skeleton + elements, each object turned into its netlink
 * message and parsed back first (what the kernel would receive). */
int seg_nft_format(const seg_nft_skel *s, const seg_nft_elems *elems, char **ret, seg_error **err);

/* nft-nl.c: the netlink side. */
typedef struct seg_nft_nl seg_nft_nl;
int seg_nft_nl_open(seg_nft_nl **ret, seg_error **err);
seg_nft_nl *seg_nft_nl_close(seg_nft_nl *nl);
static inline void seg_nft_nl_closep(seg_nft_nl **nl)
{
	seg_nft_nl_close(*nl);
}

int seg_nft_get_gen(seg_nft_nl *nl, uint32_t *ret, seg_error **err);
/* 0 and *ret = false when the table does not exist. */
int seg_nft_table_exists(seg_nft_nl *nl, const char *table, bool *ret, seg_error **err);
struct mnl_socket *seg_nft_nl_socket(seg_nft_nl *nl);
/* Chains, sets and rules of our table as texts (seg_nft_chain_text,
 * seg_nft_set_text, seg_nft_rule_text), NULL-terminated, kernel order. */
int seg_nft_dump_skel(seg_nft_nl *nl, const char *table, char ***ret, seg_error **err);
char *seg_nft_chain_text(const struct nftnl_chain *c);
char *seg_nft_set_text(const struct nftnl_set *s);
/* The same texts for a skeleton built here. */
int seg_nft_skel_texts(const seg_nft_skel *s, char ***ret);
/* Every element of every set of ours present in the kernel, sorted. */
int seg_nft_dump_elems(seg_nft_nl *nl, const char *table, seg_nft_elems *out, seg_error **err);
/* Base chains of other tables hooked where ours are: "table ip filter chain
 * FORWARD hook forward", NULL-terminated. */
int seg_nft_foreign_hooks(seg_nft_nl *nl, const char *table, char ***ret, seg_error **err);

/* A batch: BEGIN (with the generation it was computed against, 0 for none),
 * messages, END.  Nothing reaches the kernel before seg_nft_batch_commit. */
typedef struct seg_nft_batch seg_nft_batch;
int seg_nft_batch_new(uint32_t genid, seg_nft_batch **ret, seg_error **err);
seg_nft_batch *seg_nft_batch_free(seg_nft_batch *b);
static inline void seg_nft_batch_freep(seg_nft_batch **b)
{
	seg_nft_batch_free(*b);
}
int seg_nft_batch_del_table(seg_nft_batch *b, const char *table, bool if_exists);
int seg_nft_batch_add_skel(seg_nft_batch *b, const seg_nft_skel *s);
/* type NFT_MSG_NEWSETELEM (create, no error if present) or
 * NFT_MSG_DESTROYSETELEM (no error if absent). */
int seg_nft_batch_add_elems(seg_nft_batch *b, const char *table, const seg_nft_elems *e,
			    int type);
/* Raw escape hatch for tests: appends one message of the given type with
 * the payload of a set (e.g. elements of a set that does not exist). */
int seg_nft_batch_add_set_msg(seg_nft_batch *b, int type, struct nftnl_set *s, bool elems);
size_t seg_nft_batch_count(const seg_nft_batch *b);
/* Sends the batch and reads every answer: 0, or the first error.  A batch
 * computed against an older generation fails with -EAGAIN ("changed
 * concurrently") and the kernel applies none of it. */
int seg_nft_batch_commit(seg_nft_nl *nl, seg_nft_batch *b, seg_error **err);

/* nft.c: what the rest of libsegregate calls. */

/* Makes the kernel's table exactly what the plan says: a missing or
 * outdated skeleton is replaced (delete + create in the same batch), else
 * only the differing elements move.  Nothing is sent when nothing
 * differs.  *ret_changes (optional) = messages' worth of changes. */
int seg_nft_apply(const char *table, const seg_plan *plan, size_t *ret_changes, seg_error **err);
/* As seg_nft_apply; with commit false only counts what would change (dry run). */
int seg_nft_sync(const char *table, const seg_plan *plan, bool commit, size_t *ret_changes,
		 seg_error **err);
/* Adds (up) or removes (down) the elements of one jail, in one batch; up
 * applies the whole plan first when the table does not exist yet. */
int seg_nft_jail(const char *table, const seg_plan *plan, const seg_plan_jail *jail, bool up,
		 seg_error **err);
/* Adds or removes one flow element. */
int seg_nft_flow(const char *table, uint32_t from_addr, uint32_t to_addr, uint8_t proto,
		 uint16_t port, bool allow, seg_error **err);
/* Deletes our table (only ours); 0 if it did not exist. */
int seg_nft_flush(const char *table, seg_error **err);
/* Differences between the kernel and the plan, one line each, appended to
 * *report (may be NULL); returns the count (>= 0) or -errno. */
int seg_nft_check(const char *table, const seg_plan *plan, char **report, seg_error **err);

#endif
