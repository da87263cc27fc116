/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nftables batches: BEGIN (+ generation), messages, END in one buffer,
 * committed with one sendmsg().  See nft-nl.c for the why.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>

#include "nft.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct nftnl_set *, nftnl_set_free)

/* elements per NEWSETELEM message: keeps each message well below 64 KiB */
#define ELEMS_PER_MSG 512

typedef struct msg_info {
	uint32_t seq;
	uint16_t type;
	char what[48];
} msg_info;

struct seg_nft_batch {
	char *buf;
	size_t len, cap;
	msg_info *msgs;
	size_t n_msgs, cap_msgs;
	uint32_t genid;
	uint32_t seq;
	bool oom;
};

static bool reserve(seg_nft_batch *b, size_t more)
{
	if (b->len + more <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 65536;
	while (cap < b->len + more)
		cap *= 2;
	char *p = realloc(b->buf, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	/* nlmsg builders expect zeroed room for padding */
	memset(p + b->cap, 0, cap - b->cap);
	b->buf = p;
	b->cap = cap;
	return true;
}

/* Starts a message of at most `room` bytes; commit it with msg_end(). */
static struct nlmsghdr *msg_begin(seg_nft_batch *b, uint16_t type, uint16_t family,
				  uint16_t flags, size_t room)
{
	if (!reserve(b, room))
		return NULL;
	return nftnl_nlmsg_build_hdr(b->buf + b->len, type, family, flags, ++b->seq);
}

static void msg_end(seg_nft_batch *b, struct nlmsghdr *nlh, const char *what)
{
	msg_info *m;

	b->len += MNL_ALIGN(nlh->nlmsg_len);
	if (b->n_msgs == b->cap_msgs) {
		size_t cap = b->cap_msgs ? 2 * b->cap_msgs : 32;
		msg_info *v = realloc(b->msgs, cap * sizeof(*v));

		if (!v) {
			b->oom = true;
			return;
		}
		b->msgs = v;
		b->cap_msgs = cap;
	}
	m = &b->msgs[b->n_msgs++];
	m->seq = nlh->nlmsg_seq;
	m->type = (uint16_t)(nlh->nlmsg_type & 0xff);
	snprintf(m->what, sizeof(m->what), "%s", what);
}

int seg_nft_batch_new(uint32_t genid, seg_nft_batch **ret, seg_error **err)
{
	seg_nft_batch *b = calloc(1, sizeof(*b));
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;

	if (!b)
		return seg_error_set(err, ENOMEM, "out of memory");
	b->genid = genid;
	b->seq = (uint32_t)time(NULL) << 8;
	if (!reserve(b, 256)) {
		seg_nft_batch_free(b);
		return seg_error_set(err, ENOMEM, "out of memory");
	}
	nlh = mnl_nlmsg_put_header(b->buf);
	nlh->nlmsg_type = NFNL_MSG_BATCH_BEGIN;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++b->seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(NFNL_SUBSYS_NFTABLES);
	if (genid)
		mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, htonl(genid));
	b->len = MNL_ALIGN(nlh->nlmsg_len);
	*ret = b;
	return 0;
}

seg_nft_batch *seg_nft_batch_free(seg_nft_batch *b)
{
	if (!b)
		return NULL;
	free(b->buf);
	free(b->msgs);
	free(b);
	return NULL;
}

size_t seg_nft_batch_count(const seg_nft_batch *b)
{
	return b->n_msgs;
}

int seg_nft_batch_del_table(seg_nft_batch *b, const char *table, bool if_exists)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t)
		return -ENOMEM;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	nlh = msg_begin(b, if_exists ? NFT_MSG_DESTROYTABLE : NFT_MSG_DELTABLE, NFPROTO_INET,
			NLM_F_ACK, 512);
	if (nlh) {
		nftnl_table_nlmsg_build_payload(nlh, t);
		msg_end(b, nlh, "delete table");
	}
	nftnl_table_free(t);
	return b->oom ? -ENOMEM : 0;
}

int seg_nft_batch_add_skel(seg_nft_batch *b, const seg_nft_skel *s)
{
	struct nlmsghdr *nlh;
	char what[48];

	nlh = msg_begin(b, NFT_MSG_NEWTABLE, NFPROTO_INET, NLM_F_CREATE | NLM_F_ACK, 512);
	if (nlh) {
		nftnl_table_nlmsg_build_payload(nlh, s->table);
		msg_end(b, nlh, "table");
	}
	for (int i = 0; i < SEG_NFT_SET_MAX && !b->oom; i++) {
		nlh = msg_begin(b, NFT_MSG_NEWSET, NFPROTO_INET, NLM_F_CREATE | NLM_F_ACK, 1024);
		if (!nlh)
			break;
		nftnl_set_nlmsg_build_payload(nlh, s->sets[i]);
		snprintf(what, sizeof(what), "set %s", seg_nft_set_name(i));
		msg_end(b, nlh, what);
	}
	for (int i = 0; i < SEG_NFT_CHAIN_MAX && !b->oom; i++) {
		nlh = msg_begin(b, NFT_MSG_NEWCHAIN, NFPROTO_INET, NLM_F_CREATE | NLM_F_ACK, 1024);
		if (!nlh)
			break;
		nftnl_chain_nlmsg_build_payload(nlh, s->chains[i]);
		snprintf(what, sizeof(what), "chain %s", seg_nft_chain_name(i));
		msg_end(b, nlh, what);
	}
	for (size_t i = 0; i < s->n_rules && !b->oom; i++) {
		nlh = msg_begin(b, NFT_MSG_NEWRULE, NFPROTO_INET,
				NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, 4096);
		if (!nlh)
			break;
		nftnl_rule_nlmsg_build_payload(nlh, s->rules[i]);
		snprintf(what, sizeof(what), "rule #%zu of chain %s", i,
			 nftnl_rule_get_str(s->rules[i], NFTNL_RULE_CHAIN));
		msg_end(b, nlh, what);
	}
	return b->oom ? -ENOMEM : 0;
}

int seg_nft_batch_add_set_msg(seg_nft_batch *b, int type, struct nftnl_set *s, bool elems)
{
	struct nlmsghdr *nlh;

	nlh = msg_begin(b, (uint16_t)type, NFPROTO_INET, NLM_F_CREATE | NLM_F_ACK,
			4096 + ELEMS_PER_MSG * 128);
	if (!nlh)
		return -ENOMEM;
	if (elems)
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
	else
		nftnl_set_nlmsg_build_payload(nlh, s);
	msg_end(b, nlh, nftnl_set_get_str(s, NFTNL_SET_NAME));
	return b->oom ? -ENOMEM : 0;
}

int seg_nft_batch_add_elems(seg_nft_batch *b, const char *table, const seg_nft_elems *e, int type)
{
	size_t i = 0;

	while (i < e->n) {
		_cleanup_(nftnl_set_freep) struct nftnl_set *s = nftnl_set_alloc();
		uint8_t set = e->v[i].set;
		size_t n = 0;
		char what[48];
		int r;

		if (!s)
			return -ENOMEM;
		nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
		nftnl_set_set_str(s, NFTNL_SET_TABLE, table);
		nftnl_set_set_str(s, NFTNL_SET_NAME, seg_nft_set_name(set));
		for (; i < e->n && e->v[i].set == set && n < ELEMS_PER_MSG; i++, n++) {
			struct nftnl_set_elem *x = nftnl_set_elem_alloc();

			if (!x)
				return -ENOMEM;
			nftnl_set_elem_set(x, NFTNL_SET_ELEM_KEY, e->v[i].key, e->v[i].key_len);
			if (e->v[i].data_len && type != NFT_MSG_DESTROYSETELEM &&
			    type != NFT_MSG_DELSETELEM)
				nftnl_set_elem_set(x, NFTNL_SET_ELEM_DATA, e->v[i].data,
						   e->v[i].data_len);
			nftnl_set_elem_add(s, x);
		}
		if ((r = seg_nft_batch_add_set_msg(b, type, s, true)) < 0)
			return r;
		snprintf(what, sizeof(what), "%zu element%s of set %s", n, n == 1 ? "" : "s",
			 seg_nft_set_name(set));
		snprintf(b->msgs[b->n_msgs - 1].what, sizeof(what), "%s", what);
	}
	return 0;
}

static const char *msg_verb(uint16_t type)
{
	switch (type) {
	case NFT_MSG_NEWTABLE: return "creating";
	case NFT_MSG_DELTABLE:
	case NFT_MSG_DESTROYTABLE: return "deleting";
	case NFT_MSG_NEWSETELEM: return "adding";
	case NFT_MSG_DELSETELEM:
	case NFT_MSG_DESTROYSETELEM: return "removing";
	default: return "creating";
	}
}

int seg_nft_batch_commit(seg_nft_nl *nl, seg_nft_batch *b, seg_error **err)
{
	struct nlmsghdr *nlh;
	int first_err = 0, sndbuf;
	const msg_info *failed = NULL;
	bool begin_failed = false;
	char rbuf[MNL_SOCKET_BUFFER_SIZE * 4];
	struct pollfd pfd;

	if (b->oom || !reserve(b, 64))
		return seg_error_set(err, ENOMEM, "out of memory building the nftables batch");
	nlh = mnl_nlmsg_put_header(b->buf + b->len);
	nlh->nlmsg_type = NFNL_MSG_BATCH_END;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++b->seq;
	{
		struct nfgenmsg *nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));

		nfg->nfgen_family = AF_UNSPEC;
		nfg->version = NFNETLINK_V0;
		nfg->res_id = htons(NFNL_SUBSYS_NFTABLES);
	}
	b->len += MNL_ALIGN(nlh->nlmsg_len);

	/* one sendmsg for the whole batch: the socket must take it at once */
	sndbuf = (int)(b->len + 4096);
	if ((size_t)sndbuf > 212992)
		(void)setsockopt(mnl_socket_get_fd(seg_nft_nl_socket(nl)), SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
				 sizeof(sndbuf));
	if (mnl_socket_sendto(seg_nft_nl_socket(nl), b->buf, b->len) < 0) {
		int r = errno;

		b->len -= MNL_ALIGN(nlh->nlmsg_len);
		return seg_error_set(err, r, "sending the nftables batch (%zu bytes): %s", b->len,
				     strerror(r));
	}
	b->len -= MNL_ALIGN(nlh->nlmsg_len); /* END is re-added by a new commit */

	/* The kernel handles a batch synchronously: every answer is queued by
	 * the time sendmsg() returns. */
	pfd.fd = mnl_socket_get_fd(seg_nft_nl_socket(nl));
	pfd.events = POLLIN;
	while (poll(&pfd, 1, 0) > 0) {
		ssize_t n = recv(pfd.fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		const struct nlmsghdr *h = (const struct nlmsghdr *)rbuf;
		int len = (int)n;

		if (n <= 0)
			break;
		for (; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			const struct nlmsgerr *e;

			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(h);
			if (e->error == 0 || first_err)
				continue;
			first_err = -e->error;
			for (size_t i = 0; i < b->n_msgs; i++)
				if (b->msgs[i].seq == h->nlmsg_seq)
					failed = &b->msgs[i];
			if (!failed)
				begin_failed = true;
		}
	}
	if (!first_err)
		return 0;
	if (first_err == ERESTART && begin_failed)
		return seg_error_set(err, EAGAIN,
				     "the nftables ruleset changed since generation %u (another "
				     "tool committed meanwhile): nothing applied, retry",
				     b->genid);
	if (failed)
		return seg_error_set(err, first_err,
				     "nftables refused the batch at %s %s: %s; nothing applied",
				     msg_verb(failed->type), failed->what, strerror(first_err));
	return seg_error_set(err, first_err, "nftables refused the batch: %s; nothing applied",
			     strerror(first_err));
}
