/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The plan seg-net applies: the registry's jails (what exists) with the
 * flows of every topology they were made from (what is declared).  Jails a
 * topology declares but nobody created yet get no elements; their flows
 * wait for seg-start.  Jails made with --role get addresses, no flows.
 */
#include <netinet/in.h>
#include <string.h>

#include "net.h"
#include "registry.h"
#include "spec.h"


/* Drops jails not in the registry and everything that refers to them. */
static int keep_registered(seg_plan *p, const seg_registry *reg, seg_error **err)
{
	size_t *map = calloc(p->n_jails ? p->n_jails : 1, sizeof(*map)), w = 0;

	if (!map)
		return seg_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < p->n_jails; i++) {
		const seg_registry_entry *e = seg_registry_find(reg, p->jails[i].name);

		if (!e) {
			map[i] = SEG_PLAN_ANY;
			seg_role_free((seg_role *)p->jails[i].role);
			free(p->jails[i].base);
			free(p->jails[i].pkgdir);
			continue;
		}
		if (e->addr != p->jails[i].addr || strcmp(e->veth, p->jails[i].veth) != 0) {
			free(map);
			return seg_error_set(err, EINVAL,
					     "jail '%s': the registry holds veth %s, the plan %s: "
					     "registry and topology disagree",
					     e->name, e->veth, p->jails[i].veth);
		}
		map[i] = w;
		if (w != i)
			p->jails[w] = p->jails[i];
		w++;
	}
	p->n_jails = w;
#define FILTER(arr, n, keep, fix)                                                                  \
	do {                                                                                       \
		size_t k_ = 0;                                                                     \
		for (size_t i = 0; i < (n); i++) {                                                 \
			__typeof__(*(arr)) x = (arr)[i];                                           \
			if (!(keep))                                                               \
				continue;                                                          \
			fix;                                                                       \
			(arr)[k_++] = x;                                                           \
		}                                                                                  \
		(n) = k_;                                                                          \
	} while (0)
	FILTER(p->flows, p->n_flows, map[x.from] != SEG_PLAN_ANY && map[x.to] != SEG_PLAN_ANY,
	       (x.from = map[x.from], x.to = map[x.to]));
	FILTER(p->ingress, p->n_ingress, map[x.to] != SEG_PLAN_ANY, x.to = map[x.to]);
	FILTER(p->egress, p->n_egress, map[x.from] != SEG_PLAN_ANY, x.from = map[x.from]);
	FILTER(p->host_services, p->n_host_services,
	       x.from == SEG_PLAN_ANY || map[x.from] != SEG_PLAN_ANY,
	       x.from = x.from == SEG_PLAN_ANY ? SEG_PLAN_ANY : map[x.from]);
#undef FILTER
	free(map);
	return 0;
}

/*
 * Registry jails the plan does not name (made with --role, or from another
 * topology): their addresses, bindings and veths, no flows.  Without them
 * a topology's apply would drop their anti-spoofing bindings, and their
 * traffic with it.  They are appended: flows keep their indexes.
 */
static int add_unlisted(seg_plan *p, const seg_registry *reg, seg_error **err)
{
	size_t n = seg_registry_count(reg), extra = 0;
	seg_plan_jail *v;

	for (size_t i = 0; i < n; i++)
		extra += !seg_plan_find_jail(p, seg_registry_get(reg, i)->name);
	if (extra == 0)
		return 0;
	if (!(v = reallocarray(p->jails, p->n_jails + extra, sizeof(*v))))
		return seg_error_set(err, ENOMEM, "out of memory");
	p->jails = v;
	for (size_t i = 0; i < n; i++) {
		const seg_registry_entry *e = seg_registry_get(reg, i);
		seg_plan_jail *j;

		if (seg_plan_find_jail(p, e->name))
			continue;
		j = &p->jails[p->n_jails++];
		*j = (seg_plan_jail){ .index = e->index, .addr = e->addr, .uid_base = e->uid_base,
				      .uid_count = e->uid_count };
		memcpy(j->name, e->name, sizeof(j->name));
		memcpy(j->role_name, e->role, sizeof(j->role_name));
		memcpy(j->veth, e->veth, sizeof(j->veth));
	}
	return 0;
}

int seg_net_plan_addresses(const seg_registry *reg, seg_plan **ret, seg_error **err)
{
	_cleanup_(seg_plan_freep) seg_plan *p = calloc(1, sizeof(seg_plan));
	int r;

	if (!p)
		return seg_error_set(err, ENOMEM, "out of memory");
	p->pool = SEG_DEFAULT_POOL;
	p->prefix = SEG_DEFAULT_POOL_PREFIX;
	p->gateway = SEG_DEFAULT_POOL + 1;
	p->uid_base = SEG_DEFAULT_UID_BASE;
	if ((r = add_unlisted(p, reg, err)) < 0)
		return r;
	*ret = TAKE_PTR(p);
	return 0;
}

/* Appends v[0..n) to *arr (n_arr elements), remapping jail indexes with map. */
#define APPEND(arr, n_arr, v, n, fix)                                                              \
	do {                                                                                       \
		__typeof__(arr) a_ = reallocarray((arr), (n_arr) + (n) + 1, sizeof(*(arr)));       \
		if (!a_)                                                                           \
			return seg_error_set(err, ENOMEM, "out of memory");                        \
		(arr) = a_;                                                                        \
		for (size_t i = 0; i < (n); i++) {                                                 \
			__typeof__(*(arr)) x = (v)[i];                                             \
			fix;                                                                       \
			(arr)[(n_arr)++] = x;                                                      \
		}                                                                                  \
	} while (0)

/*
 * Moves src's jails (those dst does not have yet) and everything declared
 * between them into dst, so one table serves several topologies.  Two
 * files may not DNAT the same host port, nor use different pools.
 */
static int merge(seg_plan *dst, seg_plan *src, const char *file, seg_error **err)
{
	_cleanup_free_ size_t *map = calloc(src->n_jails ? src->n_jails : 1, sizeof(*map));
	seg_plan_jail *v;

	if (!map)
		return seg_error_set(err, ENOMEM, "out of memory");
	if (src->pool != dst->pool || src->prefix != dst->prefix)
		return seg_error_set(err, EINVAL,
				     "topology %s uses another address pool than the other "
				     "jails on this host; one host has one pool",
				     file);
	for (size_t i = 0; i < src->n_ingress; i++)
		for (size_t k = 0; k < dst->n_ingress; k++)
			if (dst->ingress[k].host_port == src->ingress[i].host_port &&
			    dst->ingress[k].proto == src->ingress[i].proto)
				return seg_error_set(err, EEXIST,
						     "topology %s forwards host port %u/%s, which "
						     "another topology on this host forwards too",
						     file, src->ingress[i].host_port,
						     src->ingress[i].proto == IPPROTO_UDP ? "udp" : "tcp");
	if (!(v = reallocarray(dst->jails, dst->n_jails + src->n_jails + 1, sizeof(*v))))
		return seg_error_set(err, ENOMEM, "out of memory");
	dst->jails = v;
	for (size_t i = 0; i < src->n_jails; i++) {
		const seg_plan_jail *d = seg_plan_find_jail(dst, src->jails[i].name);

		if (d) {
			map[i] = (size_t)(d - dst->jails);
			continue;
		}
		map[i] = dst->n_jails;
		dst->jails[dst->n_jails++] = src->jails[i];
		/* moved: dst frees them now */
		src->jails[i].role = NULL;
		src->jails[i].base = NULL;
		src->jails[i].pkgdir = NULL;
	}
	APPEND(dst->flows, dst->n_flows, src->flows, src->n_flows,
	       (x.from = map[x.from], x.to = map[x.to]));
	APPEND(dst->ingress, dst->n_ingress, src->ingress, src->n_ingress, x.to = map[x.to]);
	APPEND(dst->egress, dst->n_egress, src->egress, src->n_egress, x.from = map[x.from]);
	APPEND(dst->host_services, dst->n_host_services, src->host_services,
	       src->n_host_services, x.from = x.from == SEG_PLAN_ANY ? SEG_PLAN_ANY : map[x.from]);
	return 0;
}
#undef APPEND

/* TOPOLOGY's plan with only the jails the registry holds. */
static int topology_plan(const seg_ctx *ctx, const seg_registry *reg, const char *topology,
			 const seg_alloc *allocs, size_t n_allocs, seg_plan **ret, seg_error **err)
{
	_cleanup_(seg_topology_freep) seg_topology *topo = NULL;
	_cleanup_(seg_plan_freep) seg_plan *p = NULL;
	int r;

	if ((r = seg_topology_load(ctx, topology, &topo, err)) < 0 ||
	    (r = seg_plan_build(ctx, topo, allocs, n_allocs, &p, err)) < 0 ||
	    (r = keep_registered(p, reg, err)) < 0)
		return seg_error_wrap(err, r, "topology %s", topology);
	*ret = TAKE_PTR(p);
	return 0;
}

int seg_net_plan_from_registry(const seg_ctx *ctx, const seg_registry *reg, const char *topology,
			       seg_plan **ret, seg_error **err)
{
	_cleanup_(seg_plan_freep) seg_plan *p = NULL;
	_cleanup_free_ seg_alloc *allocs = NULL;
	size_t n_allocs = 0, n = seg_registry_count(reg);
	int r;

	if ((r = seg_registry_allocs(reg, &allocs, &n_allocs, err)) < 0)
		return r;
	/* the topology asked for first (its pool sets the table's), then every
	 * other file the registry's jails were made from, each once */
	if (topology && (r = topology_plan(ctx, reg, topology, allocs, n_allocs, &p, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		_cleanup_(seg_plan_freep) seg_plan *q = NULL;
		const char *t = seg_registry_get(reg, i)->topology;
		bool seen = !t || streq_ptr(t, topology);

		for (size_t k = 0; k < i && !seen; k++)
			seen = streq_ptr(seg_registry_get(reg, k)->topology, t);
		if (seen)
			continue;
		if ((r = topology_plan(ctx, reg, t, allocs, n_allocs, &q, err)) < 0)
			return r;
		if (!p)
			p = TAKE_PTR(q);
		else if ((r = merge(p, q, t, err)) < 0)
			return r;
	}
	if (!p)
		return seg_net_plan_addresses(reg, ret, err);
	if ((r = add_unlisted(p, reg, err)) < 0)
		return r;
	*ret = TAKE_PTR(p);
	return 0;
}

int seg_net_plan_load(const seg_ctx *ctx, const char *topology, seg_plan **ret, seg_error **err)
{
	_cleanup_(seg_registry_freep) seg_registry *reg = NULL;
	int r;

	if ((r = seg_registry_open(ctx, SEG_REGISTRY_SHARED, &reg, err)) < 0)
		return r;
	return seg_net_plan_from_registry(ctx, reg, topology, ret, err);
}
