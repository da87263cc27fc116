/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The netlink side of the nftables module: one NETLINK_NETFILTER socket,
 * the ruleset generation, dumps of our table, and batches.
 *
 * A batch is one contiguous buffer BEGIN .. END sent with one sendmsg(): the
 * kernel applies all of it or none.  BEGIN carries the generation the batch
 * was computed against (NFNL_BATCH_GENID); if another tool committed in the
 * meantime the kernel refuses the whole batch with ERESTART, so we never
 * overwrite a change we did not see.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/gen.h>

#include "nft.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct nftnl_rule *, nftnl_rule_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nftnl_chain *, nftnl_chain_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nftnl_set *, nftnl_set_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nftnl_table *, nftnl_table_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nftnl_gen *, nftnl_gen_free)

struct seg_nft_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
};

int seg_nft_nl_open(seg_nft_nl **ret, seg_error **err)
{
	seg_nft_nl *nl = calloc(1, sizeof(*nl));

	if (!nl)
		return seg_error_set(err, ENOMEM, "out of memory");
	nl->sock = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = errno ? errno : EIO;

		seg_nft_nl_close(nl);
		return seg_error_set(err, r, "opening the nftables netlink socket: %s", strerror(r));
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	*ret = nl;
	return 0;
}

struct mnl_socket *seg_nft_nl_socket(seg_nft_nl *nl)
{
	return nl->sock;
}

seg_nft_nl *seg_nft_nl_close(seg_nft_nl *nl)
{
	if (!nl)
		return NULL;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl);
	return NULL;
}

/* Sends one request and runs cb over the answer(s); returns 0 or -errno. */
static int talk(seg_nft_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int r;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)n, seq, nl->portid, cb, data);
	} while (r > 0);
	return r < 0 ? -errno : 0;
}

static int gen_cb(const struct nlmsghdr *nlh, void *data)
{
	_cleanup_(nftnl_gen_freep) struct nftnl_gen *g = nftnl_gen_alloc();

	if (!g || nftnl_gen_nlmsg_parse(nlh, g) < 0)
		return MNL_CB_ERROR;
	*(uint32_t *)data = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
	return MNL_CB_OK;
}

int seg_nft_get_gen(seg_nft_nl *nl, uint32_t *ret, seg_error **err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint32_t gen = 0;
	int r;

	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK, ++nl->seq);
	if ((r = talk(nl, nlh, gen_cb, &gen)) < 0)
		return seg_error_set(err, -r, "reading the nftables generation: %s", strerror(-r));
	*ret = gen;
	return 0;
}

int seg_nft_table_exists(seg_nft_nl *nl, const char *table, bool *ret, seg_error **err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	_cleanup_(nftnl_table_freep) struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	int r;

	if (!t)
		return seg_error_set(err, ENOMEM, "out of memory");
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET, NLM_F_ACK, ++nl->seq);
	nftnl_table_nlmsg_build_payload(nlh, t);
	r = talk(nl, nlh, NULL, NULL);
	if (r == -ENOENT) {
		*ret = false;
		return 0;
	}
	if (r < 0)
		return seg_error_set(err, -r, "looking for table inet %s: %s", table, strerror(-r));
	*ret = true;
	return 0;
}

/* Skeleton texts: growing NULL-terminated string vector. */
typedef struct strv_b {
	char **v;
	size_t n;
	int err;
	const char *table; /* dumps keep only this inet table's objects */
} strv_b;

static bool ours(const strv_b *s, uint32_t family, const char *table)
{
	return !s->table || (family == NFPROTO_INET && streq_ptr(table, s->table));
}

static void strv_b_push(strv_b *s, char *str)
{
	char **v;

	if (!str) {
		s->err = -ENOMEM;
		return;
	}
	if (!(v = realloc(s->v, (s->n + 2) * sizeof(*v)))) {
		free(str);
		s->err = -ENOMEM;
		return;
	}
	s->v = v;
	v[s->n++] = str;
	v[s->n] = NULL;
}

int seg_nft_rule_text(const struct nftnl_rule *r, char **ret)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *e;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	if (!it)
		return -ENOMEM;
	if (!(f = open_memstream(&out, &len))) {
		nftnl_expr_iter_destroy(it);
		return -ENOMEM;
	}
	fprintf(f, "rule %s:", nftnl_rule_get_str(r, NFTNL_RULE_CHAIN));
	while ((e = nftnl_expr_iter_next(it))) {
		const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
		char buf[512];

		/* counter values change with traffic: not part of the rule */
		if (streq_ptr(name, "counter"))
			buf[0] = '\0';
		else
			nftnl_expr_snprintf(buf, sizeof(buf), e, NFTNL_OUTPUT_DEFAULT, 0);
		fprintf(f, " [ %s %s]", name, buf);
	}
	nftnl_expr_iter_destroy(it);
	if (fclose(f) != 0) {
		free(out);
		return -ENOMEM;
	}
	*ret = out;
	return 0;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	_cleanup_(nftnl_rule_freep) struct nftnl_rule *r = nftnl_rule_alloc();
	char *text = NULL;

	if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0)
		return MNL_CB_ERROR;
	if (!ours(data, nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY),
		  nftnl_rule_get_str(r, NFTNL_RULE_TABLE)))
		return MNL_CB_OK;
	if (seg_nft_rule_text(r, &text) < 0)
		return MNL_CB_ERROR;
	strv_b_push(data, text);
	return MNL_CB_OK;
}

char *seg_nft_chain_text(const struct nftnl_chain *c)
{
	char *text = NULL;

	if (asprintf(&text, "chain %s type %s hook %u prio %d policy %u",
		     nftnl_chain_get_str(c, NFTNL_CHAIN_NAME),
		     nftnl_chain_is_set(c, NFTNL_CHAIN_TYPE) ? nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE)
							       : "-",
		     nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM),
		     nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO),
		     nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY)) < 0)
		return NULL;
	return text;
}

char *seg_nft_set_text(const struct nftnl_set *s)
{
	char *text = NULL;

	if (asprintf(&text, "set %s key %u/%u flags %u data %u/%u",
		     nftnl_set_get_str(s, NFTNL_SET_NAME), nftnl_set_get_u32(s, NFTNL_SET_KEY_TYPE),
		     nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN), nftnl_set_get_u32(s, NFTNL_SET_FLAGS),
		     nftnl_set_get_u32(s, NFTNL_SET_DATA_TYPE),
		     nftnl_set_get_u32(s, NFTNL_SET_DATA_LEN)) < 0)
		return NULL;
	return text;
}

static int chain_text_cb(const struct nlmsghdr *nlh, void *data)
{
	_cleanup_(nftnl_chain_freep) struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c || nftnl_chain_nlmsg_parse(nlh, c) < 0)
		return MNL_CB_ERROR;
	if (!ours(data, nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY),
		  nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE)))
		return MNL_CB_OK;
	strv_b_push(data, seg_nft_chain_text(c));
	return MNL_CB_OK;
}

static int set_text_cb(const struct nlmsghdr *nlh, void *data)
{
	_cleanup_(nftnl_set_freep) struct nftnl_set *s = nftnl_set_alloc();

	if (!s || nftnl_set_nlmsg_parse(nlh, s) < 0)
		return MNL_CB_ERROR;
	if (!ours(data, nftnl_set_get_u32(s, NFTNL_SET_FAMILY),
		  nftnl_set_get_str(s, NFTNL_SET_TABLE)))
		return MNL_CB_OK;
	strv_b_push(data, seg_nft_set_text(s));
	return MNL_CB_OK;
}

int seg_nft_dump_skel(seg_nft_nl *nl, const char *table, char ***ret, seg_error **err)
{
	static const struct {
		int type;
		mnl_cb_t cb;
	} dumps[] = {
		{ NFT_MSG_GETCHAIN, chain_text_cb },
		{ NFT_MSG_GETSET, set_text_cb },
		{ NFT_MSG_GETRULE, rule_cb },
	};
	strv_b s = { .table = table };

	for (size_t i = 0; i < ELEMENTSOF(dumps); i++) {
		char buf[MNL_SOCKET_BUFFER_SIZE];
		struct nlmsghdr *nlh;
		int r;

		nlh = nftnl_nlmsg_build_hdr(buf, (uint16_t)dumps[i].type, NFPROTO_INET,
					    NLM_F_DUMP, ++nl->seq);
		/* table-only filter: every object type starts with NFTA_*_TABLE */
		mnl_attr_put_strz(nlh, 1, table);
		r = talk(nl, nlh, dumps[i].cb, &s);
		if (r == 0 && s.err)
			r = s.err;
		if (r < 0) {
			strv_free(s.v);
			return seg_error_set(err, -r, "reading table inet %s: %s", table,
					     strerror(-r));
		}
	}
	if (!s.v)
		s.v = calloc(1, sizeof(char *));
	if (!s.v)
		return seg_error_set(err, ENOMEM, "out of memory");
	*ret = s.v;
	return 0;
}


typedef struct elem_dump {
	seg_nft_elems *out;
	enum seg_nft_set_id set;
	int err;
} elem_dump;

static int elem_cb(const struct nlmsghdr *nlh, void *data)
{
	elem_dump *d = data;
	_cleanup_(nftnl_set_freep) struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;

	if (!s || nftnl_set_elems_nlmsg_parse(nlh, s) < 0)
		return MNL_CB_ERROR;
	if (!(it = nftnl_set_elems_iter_create(s)))
		return MNL_CB_ERROR;
	while ((e = nftnl_set_elems_iter_next(it))) {
		seg_nft_elem x = { .set = (uint8_t)d->set };
		uint32_t klen = 0, dlen = 0;
		const void *k = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &klen);
		const void *v = nftnl_set_elem_get(e, NFTNL_SET_ELEM_DATA, &dlen);

		if (!k || klen > SEG_NFT_KEY_MAX || dlen > SEG_NFT_DATA_MAX)
			continue;
		memcpy(x.key, k, klen);
		x.key_len = (uint8_t)seg_nft_set_key_len(d->set);
		x.data_len = (uint8_t)seg_nft_set_data_len(d->set);
		if (v && dlen)
			memcpy(x.data, v, dlen);
		if (seg_nft_elems_push_raw(d->out, &x) < 0)
			d->err = -ENOMEM;
	}
	nftnl_set_elems_iter_destroy(it);
	return MNL_CB_OK;
}

int seg_nft_dump_elems(seg_nft_nl *nl, const char *table, seg_nft_elems *out, seg_error **err)
{
	for (int i = 0; i < SEG_NFT_SET_MAX; i++) {
		_cleanup_(nftnl_set_freep) struct nftnl_set *s = nftnl_set_alloc();
		char buf[MNL_SOCKET_BUFFER_SIZE];
		elem_dump d = { .out = out, .set = (enum seg_nft_set_id)i };
		struct nlmsghdr *nlh;
		int r;

		if (!s)
			return seg_error_set(err, ENOMEM, "out of memory");
		nftnl_set_set_str(s, NFTNL_SET_TABLE, table);
		nftnl_set_set_str(s, NFTNL_SET_NAME, seg_nft_set_name(i));
		nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM, NFPROTO_INET, NLM_F_DUMP,
					    ++nl->seq);
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
		r = talk(nl, nlh, elem_cb, &d);
		if (r == -ENOENT)
			continue; /* a set of ours missing: the caller sees the skeleton differ */
		if (r == 0)
			r = d.err;
		if (r < 0)
			return seg_error_set(err, -r, "reading set %s of table inet %s: %s",
					     seg_nft_set_name(i), table, strerror(-r));
	}
	seg_nft_elems_sort(out);
	return 0;
}

static const char *family_name(uint32_t f)
{
	switch (f) {
	case NFPROTO_INET: return "inet";
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_IPV6: return "ip6";
	case NFPROTO_ARP: return "arp";
	case NFPROTO_BRIDGE: return "bridge";
	case NFPROTO_NETDEV: return "netdev";
	default: return "?";
	}
}

typedef struct foreign {
	strv_b s;
	const char *table;
} foreign;

static int foreign_cb(const struct nlmsghdr *nlh, void *data)
{
	static const char *const hooks[] = { "prerouting", "input", "forward", "output",
					     "postrouting" };
	_cleanup_(nftnl_chain_freep) struct nftnl_chain *c = nftnl_chain_alloc();
	foreign *f = data;
	uint32_t fam, hook;
	char *text = NULL;

	if (!c || nftnl_chain_nlmsg_parse(nlh, c) < 0)
		return MNL_CB_ERROR;
	if (!nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM))
		return MNL_CB_OK; /* regular chain: only base chains see packets */
	fam = nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
	hook = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
	if (fam == NFPROTO_INET && streq_ptr(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), f->table))
		return MNL_CB_OK;
	/* ours hook IPv4/IPv6 prerouting, input, forward, postrouting */
	if ((fam != NFPROTO_INET && fam != NFPROTO_IPV4 && fam != NFPROTO_IPV6) ||
	    hook > NF_INET_POST_ROUTING || hook == NF_INET_LOCAL_OUT)
		return MNL_CB_OK;
	if (asprintf(&text, "table %s %s chain %s hook %s priority %d policy %s",
		     family_name(fam), nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE),
		     nftnl_chain_get_str(c, NFTNL_CHAIN_NAME), hooks[hook],
		     nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO),
		     nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_DROP ? "drop" : "accept") < 0)
		text = NULL;
	strv_b_push(&f->s, text);
	return MNL_CB_OK;
}

int seg_nft_foreign_hooks(seg_nft_nl *nl, const char *table, char ***ret, seg_error **err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	foreign f = { .table = table };
	struct nlmsghdr *nlh;
	int r;

	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, NFPROTO_UNSPEC, NLM_F_DUMP, ++nl->seq);
	r = talk(nl, nlh, foreign_cb, &f);
	if (r == 0)
		r = f.s.err;
	if (r < 0) {
		strv_free(f.s.v);
		return seg_error_set(err, -r, "listing nftables chains: %s", strerror(-r));
	}
	if (!f.s.v && !(f.s.v = calloc(1, sizeof(char *))))
		return seg_error_set(err, ENOMEM, "out of memory");
	*ret = f.s.v;
	return 0;
}
