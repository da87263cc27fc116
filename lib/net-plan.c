/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The plan seg-net applies: the registry's jails (what exists) with the
 * topology's flows (what is declared).  Jails the topology declares but
 * nobody created yet get no elements; their flows wait for seg-start.
 */
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

int seg_net_plan_from_registry(const seg_ctx *ctx, const seg_registry *reg, const char *topology,
			       seg_plan **ret, seg_error **err)
{
	_cleanup_(seg_topology_freep) seg_topology *topo = NULL;
	_cleanup_(seg_plan_freep) seg_plan *p = NULL;
	_cleanup_free_ seg_alloc *allocs = NULL;
	size_t n_allocs = 0;
	int r;

	if ((r = seg_registry_allocs(reg, &allocs, &n_allocs, err)) < 0)
		return r;
	if (!topology)
		/* the topology the jails were created from, if they agree on one */
		for (size_t i = 0; i < seg_registry_count(reg); i++) {
			const char *t = seg_registry_get(reg, i)->topology;

			if (!t)
				continue;
			if (topology && strcmp(t, topology) != 0)
				return seg_error_set(err, EINVAL,
						     "jails come from topologies %s and %s: say "
						     "which one with --topology",
						     topology, t);
			topology = t;
		}
	if (!topology)
		r = seg_net_plan_addresses(reg, &p, err);
	else if ((r = seg_topology_load(ctx, topology, &topo, err)) >= 0 &&
		 (r = seg_plan_build(ctx, topo, allocs, n_allocs, &p, err)) >= 0 &&
		 (r = keep_registered(p, reg, err)) >= 0)
		r = add_unlisted(p, reg, err);
	if (r < 0)
		return topology ? seg_error_wrap(err, r, "topology %s", topology) : r;
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
