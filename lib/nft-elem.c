/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The elements a plan puts into the sets of the skeleton (nft-build.c). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "nft.h"

void seg_nft_elems_clear(seg_nft_elems *e)
{
	if (!e)
		return;
	free(e->v);
	e->v = NULL;
	e->n = e->cap = 0;
}

static seg_nft_elem *elems_push(seg_nft_elems *e, enum seg_nft_set_id set)
{
	seg_nft_elem *x;

	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 64;
		seg_nft_elem *v = realloc(e->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		e->v = v;
		e->cap = cap;
	}
	x = &e->v[e->n++];
	memset(x, 0, sizeof(*x));
	x->set = (uint8_t)set;
	x->key_len = (uint8_t)seg_nft_set_key_len(set);
	x->data_len = (uint8_t)seg_nft_set_data_len(set);
	return x;
}

/* Fields of a concatenation, each padded to 4 bytes like the registers. */
static uint8_t *put_addr(uint8_t *p, uint32_t host_order)
{
	uint32_t be = htonl(host_order);

	memcpy(p, &be, 4);
	return p + 4;
}

static uint8_t *put_proto(uint8_t *p, uint8_t proto)
{
	p[0] = proto;
	return p + 4;
}

static uint8_t *put_port(uint8_t *p, uint16_t port)
{
	uint16_t be = htons(port);

	memcpy(p, &be, 2);
	return p + 4;
}

#define PUSH(set)                                                                                  \
	({                                                                                         \
		seg_nft_elem *x_ = elems_push(out, set);                                           \
		if (!x_)                                                                           \
			return seg_error_set(err, ENOMEM, "out of memory");                        \
		x_;                                                                                \
	})

int seg_nft_elems_add_flow(seg_nft_elems *out, uint32_t from_addr, uint32_t to_addr,
			   uint8_t proto, uint16_t port, seg_error **err)
{
	seg_nft_elem *x;
	uint8_t *p;

	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return seg_error_set(err, EINVAL, "flow protocol %u is not tcp (6) or udp (17)",
				     proto);
	if (port == 0)
		return seg_error_set(err, EINVAL, "a flow needs a port in 1..65535");
	x = PUSH(SEG_NFT_SET_FLOWS);
	p = put_addr(x->key, from_addr);
	p = put_addr(p, to_addr);
	p = put_proto(p, proto);
	put_port(p, port);
	return 0;
}

static int jail_ref(const seg_plan *plan, size_t i, const char *what, seg_error **err)
{
	if (i >= plan->n_jails)
		return seg_error_set(err, EINVAL, "%s refers to jail #%zu, the plan has %zu", what,
				     i, plan->n_jails);
	return 0;
}

static bool egress_jail(const seg_plan *plan, size_t j)
{
	if (plan->jails[j].egress)
		return true;
	for (size_t i = 0; i < plan->n_egress; i++)
		if (plan->egress[i].from == j)
			return true;
	return false;
}

int seg_nft_elems_for_plan(const seg_plan *plan, const seg_plan_jail *only, seg_nft_elems *out,
			   seg_error **err)
{
	size_t o = only ? (size_t)(only - plan->jails) : SEG_PLAN_ANY;
	int r;

	if (only && o >= plan->n_jails)
		return seg_error_set(err, EINVAL, "jail '%s' is not part of the plan", only->name);

	for (size_t j = 0; j < plan->n_jails; j++) {
		const seg_plan_jail *J = &plan->jails[j];
		seg_nft_elem *x;
		size_t vl = strnlen(J->veth, sizeof(J->veth));

		if (only && j != o)
			continue;
		if (vl == 0 || vl > 15)
			return seg_error_set(err, EINVAL, "jail '%s': veth name '%.16s' is not 1..15 characters",
					     J->name, J->veth);
		x = PUSH(SEG_NFT_SET_JAIL_IFS);
		memcpy(x->key, J->veth, vl);
		x = PUSH(SEG_NFT_SET_BINDINGS);
		memcpy(x->key, J->veth, vl);
		put_addr(x->key + 16, J->addr);
		if (egress_jail(plan, j)) {
			x = PUSH(SEG_NFT_SET_EGRESS_JAILS);
			put_addr(x->key, J->addr);
		}
	}

	for (size_t i = 0; i < plan->n_flows; i++) {
		const seg_plan_flow *f = &plan->flows[i];

		if ((r = jail_ref(plan, f->from, "flow source", err)) < 0 ||
		    (r = jail_ref(plan, f->to, "flow destination", err)) < 0)
			return r;
		if (only && f->from != o && f->to != o)
			continue;
		if ((r = seg_nft_elems_add_flow(out, plan->jails[f->from].addr,
						plan->jails[f->to].addr, f->proto, f->port, err)) < 0)
			return r;
	}

	for (size_t i = 0; i < plan->n_ingress; i++) {
		const seg_plan_ingress *g = &plan->ingress[i];
		seg_nft_elem *x;
		uint8_t *p;

		if ((r = jail_ref(plan, g->to, "ingress", err)) < 0)
			return r;
		if (only && g->to != o)
			continue;
		if (g->host_port == 0 || g->port == 0)
			return seg_error_set(err, EINVAL, "ingress to '%s' needs ports in 1..65535",
					     plan->jails[g->to].name);
		x = PUSH(SEG_NFT_SET_INGRESS);
		p = put_proto(x->key, g->proto);
		put_port(p, g->host_port);
		p = put_addr(x->data, plan->jails[g->to].addr);
		put_port(p, g->port);
		x = PUSH(SEG_NFT_SET_INGRESS_DST);
		p = put_addr(x->key, plan->jails[g->to].addr);
		p = put_proto(p, g->proto);
		put_port(p, g->port);
	}

	for (size_t i = 0; i < plan->n_egress; i++) {
		const seg_plan_egress *g = &plan->egress[i];
		seg_nft_elem *x;
		uint8_t *p;

		if ((r = jail_ref(plan, g->from, "egress", err)) < 0)
			return r;
		if (only && g->from != o)
			continue;
		x = PUSH(g->port ? SEG_NFT_SET_EGRESS : SEG_NFT_SET_EGRESS_ANY);
		p = put_addr(x->key, plan->jails[g->from].addr);
		p = put_proto(p, g->proto);
		if (g->port)
			put_port(p, g->port);
	}

	for (size_t i = 0; i < plan->n_host_services; i++) {
		const seg_plan_hostsvc *h = &plan->host_services[i];
		seg_nft_elem *x;
		uint8_t *p;

		if (h->from == SEG_PLAN_ANY) {
			if (only)
				continue; /* shared by every jail: the full apply owns it */
			x = PUSH(SEG_NFT_SET_HOSTSVC_ANY);
			p = put_proto(x->key, h->proto);
			put_port(p, h->port);
			continue;
		}
		if ((r = jail_ref(plan, h->from, "host service", err)) < 0)
			return r;
		if (only && h->from != o)
			continue;
		x = PUSH(SEG_NFT_SET_HOSTSVC);
		p = put_addr(x->key, plan->jails[h->from].addr);
		p = put_proto(p, h->proto);
		put_port(p, h->port);
	}
	seg_nft_elems_sort(out);
	return 0;
}

int seg_nft_elem_cmp(const seg_nft_elem *a, const seg_nft_elem *b)
{
	int r;

	if (a->set != b->set)
		return a->set < b->set ? -1 : 1;
	if ((r = memcmp(a->key, b->key, SEG_NFT_KEY_MAX)))
		return r;
	return memcmp(a->data, b->data, SEG_NFT_DATA_MAX);
}

static int elem_qcmp(const void *a, const void *b)
{
	return seg_nft_elem_cmp(a, b);
}

void seg_nft_elems_sort(seg_nft_elems *e)
{
	size_t w = 0;

	if (e->n < 2)
		return;
	qsort(e->v, e->n, sizeof(*e->v), elem_qcmp);
	for (size_t i = 1; i < e->n; i++)
		if (seg_nft_elem_cmp(&e->v[w], &e->v[i]) != 0)
			e->v[++w] = e->v[i];
	e->n = w + 1;
}

int seg_nft_elems_push_raw(seg_nft_elems *e, const seg_nft_elem *x)
{
	seg_nft_elem *slot = elems_push(e, (enum seg_nft_set_id)x->set);

	if (!slot)
		return -ENOMEM;
	*slot = *x;
	return 0;
}

int seg_nft_elems_diff(const seg_nft_elems *a, const seg_nft_elems *b, seg_nft_elems *only_a,
		       seg_nft_elems *only_b)
{
	size_t i = 0, j = 0;

	while (i < a->n || j < b->n) {
		int c = i == a->n ? 1 : j == b->n ? -1 : seg_nft_elem_cmp(&a->v[i], &b->v[j]);

		if (c == 0) {
			i++, j++;
		} else if (c < 0) {
			if (only_a && seg_nft_elems_push_raw(only_a, &a->v[i]) < 0)
				return -ENOMEM;
			i++;
		} else {
			if (only_b && seg_nft_elems_push_raw(only_b, &b->v[j]) < 0)
				return -ENOMEM;
			j++;
		}
	}
	return 0;
}

static const char *proto_name(uint8_t p)
{
	return p == IPPROTO_TCP ? "tcp" : p == IPPROTO_UDP ? "udp" : "?";
}

void seg_nft_elem_format(const seg_nft_elem *e, char *buf, size_t size)
{
	static const char *const fields[SEG_NFT_SET_MAX] = {
		[SEG_NFT_SET_JAIL_IFS] = "i",	  [SEG_NFT_SET_BINDINGS] = "ia",
		[SEG_NFT_SET_FLOWS] = "aapP",	  [SEG_NFT_SET_INGRESS] = "pP:aP",
		[SEG_NFT_SET_INGRESS_DST] = "apP", [SEG_NFT_SET_EGRESS] = "apP",
		[SEG_NFT_SET_EGRESS_ANY] = "ap",  [SEG_NFT_SET_EGRESS_JAILS] = "a",
		[SEG_NFT_SET_HOSTSVC] = "apP",	  [SEG_NFT_SET_HOSTSVC_ANY] = "pP",
	};
	const uint8_t *p = e->key;
	size_t off;
	int n;

	n = snprintf(buf, size, "%s", e->set < SEG_NFT_SET_MAX ? seg_nft_set_name(e->set) : "?");
	off = n < 0 ? 0 : (size_t)n;
	for (const char *f = e->set < SEG_NFT_SET_MAX ? fields[e->set] : ""; *f && off < size;
	     f++) {
		const char *sep = f == fields[e->set] ? " " : f[-1] == ':' ? " " : " . ";
		char a[INET_ADDRSTRLEN];
		uint16_t port;

		switch (*f) {
		case ':':
			n = snprintf(buf + off, size - off, " :");
			p = e->data;
			break;
		case 'i':
			n = snprintf(buf + off, size - off, "%s\"%.16s\"", sep, (const char *)p);
			p += 16;
			break;
		case 'a':
			inet_ntop(AF_INET, p, a, sizeof(a));
			n = snprintf(buf + off, size - off, "%s%s", sep, a);
			p += 4;
			break;
		case 'p':
			n = snprintf(buf + off, size - off, "%s%s", sep, proto_name(p[0]));
			p += 4;
			break;
		default:
			memcpy(&port, p, 2);
			n = snprintf(buf + off, size - off, "%s%u", sep, ntohs(port));
			p += 4;
			break;
		}
		off += n < 0 ? 0 : (size_t)n;
	}
}
