/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the rest of libsegregate asks of nftables: make the table match a
 * plan, add or remove one jail's or one flow's elements, flush, check.
 * Every change is one batch computed against the generation read first.
 */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>

#include "nft.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct nftnl_set *, nftnl_set_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nftnl_rule *, nftnl_rule_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nftnl_chain *, nftnl_chain_free)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nftnl_table *, nftnl_table_free)

int seg_nft_skel_texts(const seg_nft_skel *s, char ***ret)
{
	size_t n = SEG_NFT_CHAIN_MAX + SEG_NFT_SET_MAX + s->n_rules, k = 0;
	char **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (int i = 0; i < SEG_NFT_CHAIN_MAX; i++)
		if (!(v[k++] = seg_nft_chain_text(s->chains[i])))
			goto oom;
	for (int i = 0; i < SEG_NFT_SET_MAX; i++)
		if (!(v[k++] = seg_nft_set_text(s->sets[i])))
			goto oom;
	for (size_t i = 0; i < s->n_rules; i++)
		if (seg_nft_rule_text(s->rules[i], &v[k++]) < 0)
			goto oom;
	*ret = v;
	return 0;
oom:
	strv_free(v);
	return -ENOMEM;
}

static size_t strv_len(char **v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static bool strv_contains(char **v, const char *s)
{
	for (; v && *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

static void report_line(FILE *f, unsigned *count, const char *label, const char *what)
{
	if (f)
		fprintf(f, "%s%s\n", label, what);
	(*count)++;
}

/* Number of differences between two skeleton texts; lines to f. */
static unsigned skel_diff(char **want, char **have, FILE *f)
{
	unsigned n = 0;

	for (char **w = want; *w; w++)
		if (!strv_contains(have, *w))
			report_line(f, &n, "missing: ", *w);
	for (char **h = have; *h; h++)
		if (!strv_contains(want, *h))
			report_line(f, &n, "unexpected: ", *h);
	if (n == 0 && strv_len(want) != strv_len(have))
		report_line(f, &n, "", "duplicate rules in the table");
	if (n == 0)
		for (size_t i = 0; want[i]; i++)
			if (strcmp(want[i], have[i]) != 0) {
				report_line(f, &n, "rule order differs at: ", want[i]);
				break;
			}
	return n;
}

typedef struct session {
	seg_nft_nl *nl;
	uint32_t gen;
	bool exists;
} session;

static void session_done(session *s)
{
	seg_nft_nl_close(s->nl);
}

static int session_open(session *s, const char *table, seg_error **err)
{
	int r;

	if ((r = seg_nft_nl_open(&s->nl, err)) < 0 || (r = seg_nft_get_gen(s->nl, &s->gen, err)) < 0 ||
	    (r = seg_nft_table_exists(s->nl, table, &s->exists, err)) < 0)
		return r;
	return 0;
}

/* Is the kernel's skeleton exactly ours? */
static int skel_current(session *s, const char *table, const seg_nft_skel *skel, bool *ret,
			seg_error **err)
{
	_cleanup_strv_free_ char **want = NULL, **have = NULL;
	int r;

	if (!s->exists) {
		*ret = false;
		return 0;
	}
	if (seg_nft_skel_texts(skel, &want) < 0)
		return seg_error_set(err, ENOMEM, "out of memory");
	if ((r = seg_nft_dump_skel(s->nl, table, &have, err)) < 0)
		return r;
	*ret = skel_diff(want, have, NULL) == 0;
	return 0;
}

int seg_nft_apply(const char *table, const seg_plan *plan, size_t *ret_changes, seg_error **err)
{
	return seg_nft_sync(table, plan, true, ret_changes, err);
}

int seg_nft_sync(const char *table, const seg_plan *plan, bool commit, size_t *ret_changes,
		 seg_error **err)
{
	_cleanup_(session_done) session s = {};
	_cleanup_(seg_nft_skel_freep) seg_nft_skel *skel = NULL;
	_cleanup_(seg_nft_batch_freep) seg_nft_batch *b = NULL;
	_cleanup_elems_ seg_nft_elems want = {}, have = {}, add = {}, del = {};
	bool current = false;
	int r;

	if ((r = seg_nft_skel_new(table, &skel, err)) < 0 ||
	    (r = seg_nft_elems_for_plan(plan, NULL, &want, err)) < 0 ||
	    (r = session_open(&s, table, err)) < 0 ||
	    (r = skel_current(&s, table, skel, &current, err)) < 0 ||
	    (r = seg_nft_batch_new(s.gen, &b, err)) < 0)
		return seg_error_wrap(err, r, "applying table inet %s", table);

	if (current) {
		if ((r = seg_nft_dump_elems(s.nl, table, &have, err)) < 0)
			return seg_error_wrap(err, r, "applying table inet %s", table);
		if (seg_nft_elems_diff(&want, &have, &add, &del) < 0)
			return seg_error_set(err, ENOMEM, "out of memory");
		if (add.n == 0 && del.n == 0) {
			if (ret_changes)
				*ret_changes = 0;
			return 0; /* nothing sent: the generation stays as it is */
		}
		/* removals first: a map key whose data changed is destroyed, then re-added */
		if ((r = seg_nft_batch_add_elems(b, table, &del, NFT_MSG_DESTROYSETELEM)) < 0 ||
		    (r = seg_nft_batch_add_elems(b, table, &add, NFT_MSG_NEWSETELEM)) < 0)
			return seg_error_set(err, ENOMEM, "out of memory");
	} else {
		/* missing or different skeleton: replace the whole table in the same
		 * transaction, so packets see the old table or the new one, never none */
		if ((s.exists && (r = seg_nft_batch_del_table(b, table, true)) < 0) ||
		    (r = seg_nft_batch_add_skel(b, skel)) < 0 ||
		    (r = seg_nft_batch_add_elems(b, table, &want, NFT_MSG_NEWSETELEM)) < 0)
			return seg_error_set(err, ENOMEM, "out of memory");
	}
	if (commit && (r = seg_nft_batch_commit(s.nl, b, err)) < 0)
		return seg_error_wrap(err, r, "applying table inet %s", table);
	if (ret_changes)
		*ret_changes = current ? add.n + del.n : seg_nft_batch_count(b);
	return 0;
}

int seg_nft_jail(const char *table, const seg_plan *plan, const seg_plan_jail *jail, bool up,
		 seg_error **err)
{
	_cleanup_(session_done) session s = {};
	_cleanup_(seg_nft_batch_freep) seg_nft_batch *b = NULL;
	_cleanup_elems_ seg_nft_elems e = {};
	int r;

	if ((r = seg_nft_elems_for_plan(plan, jail, &e, err)) < 0 ||
	    (r = session_open(&s, table, err)) < 0)
		goto fail;
	if (!s.exists) {
		if (!up)
			return 0;
		/* first jail: the whole table, this jail's elements included */
		session_done(&s);
		s.nl = NULL;
		return seg_nft_apply(table, plan, NULL, err);
	}
	if ((r = seg_nft_batch_new(s.gen, &b, err)) < 0)
		goto fail;
	if ((r = seg_nft_batch_add_elems(b, table, &e,
					 up ? NFT_MSG_NEWSETELEM : NFT_MSG_DESTROYSETELEM)) < 0) {
		r = seg_error_set(err, ENOMEM, "out of memory");
		goto fail;
	}
	if ((r = seg_nft_batch_commit(s.nl, b, err)) < 0)
		goto fail;
	return 0;
fail:
	return seg_error_wrap(err, r, "%s the nftables elements of jail %s", up ? "adding" : "removing",
			      jail->name);
}

int seg_nft_flow(const char *table, uint32_t from_addr, uint32_t to_addr, uint8_t proto,
		 uint16_t port, bool allow, seg_error **err)
{
	_cleanup_(session_done) session s = {};
	_cleanup_(seg_nft_batch_freep) seg_nft_batch *b = NULL;
	_cleanup_elems_ seg_nft_elems e = {};
	int r;

	if ((r = seg_nft_elems_add_flow(&e, from_addr, to_addr, proto, port, err)) < 0 ||
	    (r = session_open(&s, table, err)) < 0)
		return r;
	if (!s.exists)
		return seg_error_set(err, ENOENT,
				     "table inet %s does not exist: apply the topology first", table);
	if ((r = seg_nft_batch_new(s.gen, &b, err)) < 0)
		return r;
	if (seg_nft_batch_add_elems(b, table, &e,
				    allow ? NFT_MSG_NEWSETELEM : NFT_MSG_DESTROYSETELEM) < 0)
		return seg_error_set(err, ENOMEM, "out of memory");
	return seg_nft_batch_commit(s.nl, b, err);
}

int seg_nft_flush(const char *table, seg_error **err)
{
	_cleanup_(session_done) session s = {};
	_cleanup_(seg_nft_batch_freep) seg_nft_batch *b = NULL;
	int r;

	if ((r = session_open(&s, table, err)) < 0)
		return r;
	if (!s.exists)
		return 0;
	if ((r = seg_nft_batch_new(s.gen, &b, err)) < 0)
		return r;
	if (seg_nft_batch_del_table(b, table, true) < 0)
		return seg_error_set(err, ENOMEM, "out of memory");
	if ((r = seg_nft_batch_commit(s.nl, b, err)) < 0)
		return seg_error_wrap(err, r, "deleting table inet %s", table);
	return 0;
}

int seg_nft_check(const char *table, const seg_plan *plan, char **report, seg_error **err)
{
	_cleanup_(session_done) session s = {};
	_cleanup_(seg_nft_skel_freep) seg_nft_skel *skel = NULL;
	_cleanup_strv_free_ char **want_t = NULL, **have_t = NULL, **foreign = NULL;
	_cleanup_elems_ seg_nft_elems want = {}, have = {}, add = {}, del = {};
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	unsigned n = 0;
	FILE *f;
	int r;

	if ((r = seg_nft_skel_new(table, &skel, err)) < 0 ||
	    (r = seg_nft_elems_for_plan(plan, NULL, &want, err)) < 0 ||
	    (r = session_open(&s, table, err)) < 0 ||
	    (r = seg_nft_foreign_hooks(s.nl, table, &foreign, err)) < 0)
		return seg_error_wrap(err, r, "checking table inet %s", table);
	if (s.exists && ((r = seg_nft_dump_skel(s.nl, table, &have_t, err)) < 0 ||
			 (r = seg_nft_dump_elems(s.nl, table, &have, err)) < 0))
		return seg_error_wrap(err, r, "checking table inet %s", table);
	if (seg_nft_skel_texts(skel, &want_t) < 0 ||
	    seg_nft_elems_diff(&want, &have, &add, &del) < 0 || !(f = open_memstream(&text, &len)))
		return seg_error_set(err, ENOMEM, "out of memory");

	if (!s.exists) {
		fprintf(f, "missing: table inet %s\n", table);
		n++;
	} else {
		n += skel_diff(want_t, have_t, f);
	}
	for (size_t i = 0; i < add.n; i++) {
		char line[160];

		seg_nft_elem_format(&add.v[i], line, sizeof(line));
		fprintf(f, "missing: element %s\n", line);
		n++;
	}
	for (size_t i = 0; i < del.n; i++) {
		char line[160];

		seg_nft_elem_format(&del.v[i], line, sizeof(line));
		fprintf(f, "unexpected: element %s\n", line);
		n++;
	}
	/* another table's drop wins over our accept: say so, it is not drift */
	for (char **x = foreign; x && *x; x++)
		fprintf(f, "warning: %s also filters packets (its drop overrides our accept)\n", *x);
	if (fclose(f) != 0)
		return seg_error_set(err, ENOMEM, "out of memory");
	if (report)
		*report = TAKE_PTR(text);
	return (int)n;
}

/* Golden text: every object is turned into the netlink message the kernel
 * would receive and parsed back, then printed by libnftnl. */
int seg_nft_format(const seg_nft_skel *s, const seg_nft_elems *elems, char **ret, seg_error **err)
{
	_cleanup_free_ char *out = NULL,
			    *buf = calloc(1, 65536 + (elems ? elems->n : 0) * 128);
	struct nlmsghdr *nlh;
	char line[4096];
	size_t len = 0;
	FILE *f;

	if (!buf || !(f = open_memstream(&out, &len)))
		return seg_error_set(err, ENOMEM, "out of memory");
	{
		_cleanup_(nftnl_table_freep) struct nftnl_table *t = nftnl_table_alloc();

		nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWTABLE, NFPROTO_INET, 0, 1);
		nftnl_table_nlmsg_build_payload(nlh, s->table);
		if (!t || nftnl_table_nlmsg_parse(nlh, t) < 0)
			goto bad;
		nftnl_table_snprintf(line, sizeof(line), t, NFTNL_OUTPUT_DEFAULT, 0);
		fprintf(f, "%s\n", line);
	}
	for (int i = 0; i < SEG_NFT_CHAIN_MAX; i++) {
		_cleanup_(nftnl_chain_freep) struct nftnl_chain *c = nftnl_chain_alloc();

		nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWCHAIN, NFPROTO_INET, 0, 1);
		nftnl_chain_nlmsg_build_payload(nlh, s->chains[i]);
		if (!c || nftnl_chain_nlmsg_parse(nlh, c) < 0)
			goto bad;
		nftnl_chain_snprintf(line, sizeof(line), c, NFTNL_OUTPUT_DEFAULT, 0);
		fprintf(f, "%s\n", line);
	}
	for (int i = 0; i < SEG_NFT_SET_MAX; i++) {
		_cleanup_(nftnl_set_freep) struct nftnl_set *x = nftnl_set_alloc();

		nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWSET, NFPROTO_INET, 0, 1);
		nftnl_set_nlmsg_build_payload(nlh, s->sets[i]);
		if (!x || nftnl_set_nlmsg_parse(nlh, x) < 0)
			goto bad;
		fprintf(f, "%s\n", seg_nft_set_name(i));
		fprintf(f, "  key type %#x len %u flags %#x data type %#x len %u id %u\n",
			nftnl_set_get_u32(x, NFTNL_SET_KEY_TYPE), nftnl_set_get_u32(x, NFTNL_SET_KEY_LEN),
			nftnl_set_get_u32(x, NFTNL_SET_FLAGS), nftnl_set_get_u32(x, NFTNL_SET_DATA_TYPE),
			nftnl_set_get_u32(x, NFTNL_SET_DATA_LEN), nftnl_set_get_u32(x, NFTNL_SET_ID));
	}
	for (size_t i = 0; i < s->n_rules; i++) {
		_cleanup_(nftnl_rule_freep) struct nftnl_rule *r = nftnl_rule_alloc();

		nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, NFPROTO_INET, 0, 1);
		nftnl_rule_nlmsg_build_payload(nlh, s->rules[i]);
		if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0)
			goto bad;
		nftnl_rule_snprintf(line, sizeof(line), r, NFTNL_OUTPUT_DEFAULT, 0);
		fprintf(f, "%s\n", line);
	}
	/* elements: one NEWSETELEM message each, parsed back (libnftnl's parser
	 * only reads the first nest type of a multi-element message, which the
	 * kernel does not care about) */
	for (size_t i = 0; elems && i < elems->n; i++) {
		_cleanup_(nftnl_set_freep) struct nftnl_set *in = nftnl_set_alloc(),
							     *back = nftnl_set_alloc();
		struct nftnl_set_elem *x = nftnl_set_elem_alloc(), *e;
		struct nftnl_set_elems_iter *it;

		if (!in || !back || !x) {
			if (x)
				nftnl_set_elem_free(x);
			goto bad;
		}
		nftnl_set_set_str(in, NFTNL_SET_TABLE, nftnl_table_get_str(s->table, NFTNL_TABLE_NAME));
		nftnl_set_set_str(in, NFTNL_SET_NAME, seg_nft_set_name(elems->v[i].set));
		nftnl_set_elem_set(x, NFTNL_SET_ELEM_KEY, elems->v[i].key, elems->v[i].key_len);
		if (elems->v[i].data_len)
			nftnl_set_elem_set(x, NFTNL_SET_ELEM_DATA, elems->v[i].data, elems->v[i].data_len);
		nftnl_set_elem_add(in, x);
		nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWSETELEM, NFPROTO_INET, 0, 1);
		nftnl_set_elems_nlmsg_build_payload(nlh, in);
		if (nftnl_set_elems_nlmsg_parse(nlh, back) < 0 ||
		    !(it = nftnl_set_elems_iter_create(back)))
			goto bad;
		while ((e = nftnl_set_elems_iter_next(it))) {
			seg_nft_elem y = { .set = elems->v[i].set };
			uint32_t kl = 0, dl = 0;
			const void *k = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &kl);
			const void *d = nftnl_set_elem_get(e, NFTNL_SET_ELEM_DATA, &dl);

			if (k && kl <= SEG_NFT_KEY_MAX)
				memcpy(y.key, k, kl);
			if (d && dl <= SEG_NFT_DATA_MAX)
				memcpy(y.data, d, dl);
			seg_nft_elem_format(&y, line, sizeof(line));
			fprintf(f, "element %s\n", line);
		}
		nftnl_set_elems_iter_destroy(it);
	}
	if (fclose(f) != 0)
		return seg_error_set(err, ENOMEM, "out of memory");
	*ret = TAKE_PTR(out);
	return 0;
bad:
	fclose(f);
	return seg_error_set(err, EPROTO, "an nftables object did not survive its netlink round trip");
}
