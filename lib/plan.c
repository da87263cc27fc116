/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The plan: indexes, addresses, uid ranges and veth names (see lib/plan.h). */
#include <arpa/inet.h>
#include <string.h>

#include "context-internal.h"
#include "spec.h"

#define SEG_UID_LIMIT 0xFFFF0000u

bool seg_jail_name_valid(const char *name)
{
	size_t n;

	if (!name || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9')))
		return false;
	n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-");
	return n == strlen(name) && n <= SEG_NAME_MAX;
}

uint32_t seg_plan_max_index(uint8_t prefix, uint32_t uid_base)
{
	uint64_t by_pool, by_uid;

	if (prefix < 1 || prefix > 32)
		return 0;
	by_pool = (1ULL << (32 - prefix)) - 2;
	if (uid_base >= SEG_UID_LIMIT)
		return 0;
	by_uid = (SEG_UID_LIMIT - (uint64_t)uid_base) / SEG_IDS_PER_JAIL;
	by_uid = by_uid ? by_uid - 1 : 0;
	return (uint32_t)(by_pool < by_uid ? by_pool : by_uid);
}

seg_plan *seg_plan_free(seg_plan *plan)
{
	if (!plan)
		return NULL;
	for (size_t i = 0; i < plan->n_jails; i++) {
		seg_role_free((seg_role *)plan->jails[i].role);
		free(plan->jails[i].base);
		free(plan->jails[i].pkgdir);
	}
	free(plan->jails);
	free(plan->flows);
	free(plan->ingress);
	free(plan->egress);
	free(plan->host_services);
	free(plan);
	return NULL;
}

const seg_plan_jail *seg_plan_find_jail(const seg_plan *plan, const char *name)
{
	if (!plan || !name)
		return NULL;
	for (size_t i = 0; i < plan->n_jails; i++)
		if (strcmp(plan->jails[i].name, name) == 0)
			return &plan->jails[i];
	return NULL;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static bool veth_taken(const seg_plan *p, const char *veth)
{
	for (size_t i = 0; i < p->n_jails; i++)
		if (strcmp(p->jails[i].veth, veth) == 0)
			return true;
	return false;
}

static void veth_name(const seg_plan *p, seg_plan_jail *j)
{
	uint32_t h;

	if (strlen(j->name) <= 11) {
		snprintf(j->veth, sizeof(j->veth), "seg-%s", j->name);
		if (!veth_taken(p, j->veth))
			return;
	}
	h = fnv1a(j->name);
	h = (h ^ (h >> 16)) & 0xffff;
	for (unsigned k = 0; k < 0x10000; k++) {
		snprintf(j->veth, sizeof(j->veth), "seg-%.6s-%04x", j->name, (h + k) & 0xffff);
		if (!veth_taken(p, j->veth))
			return;
	}
}

static int cmp_index(const void *a, const void *b)
{
	const seg_plan_jail *x = a, *y = b;
	return x->index < y->index ? -1 : x->index > y->index;
}

static const seg_alloc *alloc_find(const seg_alloc *allocs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(allocs[i].name, name) == 0)
			return &allocs[i];
	return NULL;
}

static bool index_used(const seg_alloc *allocs, size_t n, const seg_plan *p, uint32_t idx)
{
	for (size_t i = 0; i < n; i++)
		if (allocs[i].index == idx)
			return true;
	for (size_t i = 0; i < p->n_jails; i++)
		if (p->jails[i].index == idx)
			return true;
	return false;
}

static int check_allocs(const seg_alloc *allocs, size_t n, uint32_t max, seg_error **err)
{
	for (size_t i = 0; i < n; i++) {
		if (!seg_jail_name_valid(allocs[i].name))
			return seg_error_set(err, EINVAL, "registry holds an invalid jail name '%.*s'",
					     SEG_NAME_MAX, allocs[i].name);
		if (allocs[i].index < SEG_FIRST_INDEX || allocs[i].index > max)
			return seg_error_set(err, EINVAL,
					     "registry gives jail '%s' index %u, outside %u..%u "
					     "for this pool and uid base",
					     allocs[i].name, allocs[i].index, SEG_FIRST_INDEX, max);
		for (size_t k = 0; k < i; k++) {
			if (strcmp(allocs[k].name, allocs[i].name) == 0)
				return seg_error_set(err, EINVAL,
						     "registry lists jail '%s' twice", allocs[i].name);
			if (allocs[k].index == allocs[i].index)
				return seg_error_set(err, EINVAL,
						     "registry gives index %u to both '%s' and '%s'",
						     allocs[i].index, allocs[k].name, allocs[i].name);
		}
	}
	return 0;
}

static int fill_jail(const seg_topology *topo, const seg_topo_jail *tj, uint32_t idx,
		     seg_plan_jail *j)
{
	seg_role *role = NULL;

	memset(j, 0, sizeof(*j));
	snprintf(j->name, sizeof(j->name), "%s", tj->name);
	snprintf(j->role_name, sizeof(j->role_name), "%s", tj->role_name);
	j->index = idx;
	j->addr = topo->pool + idx;
	j->uid_base = topo->uid_base + idx * SEG_IDS_PER_JAIL;
	j->uid_count = SEG_IDS_PER_JAIL;
	j->egress = tj->egress;
	if (seg_role_dup(tj->role, &role) < 0)
		return -ENOMEM;
	j->role = role;
	if (!(j->base = strdup(tj->base)) || (tj->pkgdir && !(j->pkgdir = strdup(tj->pkgdir))))
		return -ENOMEM;
	return 0;
}

static size_t plan_pos(const seg_plan *p, const seg_topology *topo, size_t topo_idx)
{
	if (topo_idx == SEG_PLAN_ANY)
		return SEG_PLAN_ANY;
	for (size_t i = 0; i < p->n_jails; i++)
		if (strcmp(p->jails[i].name, topo->jails[topo_idx].name) == 0)
			return i;
	return SEG_PLAN_ANY; /* unreachable: every topology jail is planned */
}

int seg_plan_build(const seg_ctx *ctx, const seg_topology *topo, const seg_alloc *allocs,
		   size_t n_allocs, seg_plan **ret, seg_error **err)
{
	_cleanup_(seg_plan_freep) seg_plan *p = NULL;
	uint32_t max, next = SEG_FIRST_INDEX;
	int r;

	if (!topo || !ret || (n_allocs && !allocs))
		return seg_error_set(err, EINVAL, "seg_plan_build: missing argument");
	max = seg_plan_max_index(topo->prefix, topo->uid_base);
	if ((r = check_allocs(allocs, n_allocs, max, err)) < 0)
		return r;
	if (!(p = calloc(1, sizeof(*p))) ||
	    !(p->jails = calloc(topo->n_jails ? topo->n_jails : 1, sizeof(*p->jails))))
		return seg_error_set(err, ENOMEM, "out of memory");
	p->pool = topo->pool;
	p->prefix = topo->prefix;
	p->gateway = topo->pool + 1;
	p->uid_base = topo->uid_base;

	/* Two passes: jails the registry knows first (their veth names win any
	 * collision, so they never change), then new ones at the lowest free
	 * index. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < topo->n_jails; i++) {
			const seg_topo_jail *tj = &topo->jails[i];
			const seg_alloc *a = alloc_find(allocs, n_allocs, tj->name);
			uint32_t idx;

			if ((pass == 0) != (a != NULL))
				continue;
			if (a)
				idx = a->index;
			else {
				while (next <= max && index_used(allocs, n_allocs, p, next))
					next++;
				if (next > max)
					return seg_error_set(
						err, ENOSPC,
						"no room for jail '%s': the pool %u.%u.%u.%u/%u and "
						"uid base %u leave indexes %u..%u, all taken",
						tj->name, topo->pool >> 24, (topo->pool >> 16) & 255,
						(topo->pool >> 8) & 255, topo->pool & 255, topo->prefix,
						topo->uid_base, SEG_FIRST_INDEX, max);
				idx = next;
			}
			if (fill_jail(topo, tj, idx, &p->jails[p->n_jails]) < 0) {
				p->n_jails++; /* freed with the plan */
				return seg_error_set(err, ENOMEM, "out of memory");
			}
			veth_name(p, &p->jails[p->n_jails]);
			p->n_jails++;
		}
	qsort(p->jails, p->n_jails, sizeof(*p->jails), cmp_index);

	/* "*" sources expand to every other jail of the plan */
	for (size_t i = 0; i < topo->n_flows; i++) {
		const seg_topo_flow *tf = &topo->flows[i];
		size_t to = plan_pos(p, topo, tf->to);
		size_t n = tf->from == SEG_PLAN_ANY ? p->n_jails - 1 : 1;
		seg_plan_flow *v = realloc(p->flows, (p->n_flows + n) * sizeof(*v));

		if (!v)
			return seg_error_set(err, ENOMEM, "out of memory");
		p->flows = v;
		for (size_t k = 0; k < p->n_jails; k++) {
			size_t from = tf->from == SEG_PLAN_ANY ? k : plan_pos(p, topo, tf->from);
			if (from == to)
				continue;
			p->flows[p->n_flows++] = (seg_plan_flow){ from, to, tf->proto, tf->port };
			if (tf->from != SEG_PLAN_ANY)
				break;
		}
	}
	if (topo->n_ingress && !(p->ingress = calloc(topo->n_ingress, sizeof(*p->ingress))))
		return seg_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < topo->n_ingress; i++) {
		p->ingress[i] = topo->ingress[i];
		p->ingress[i].to = plan_pos(p, topo, topo->ingress[i].to);
		p->n_ingress++;
	}
	if (topo->n_egress && !(p->egress = calloc(topo->n_egress, sizeof(*p->egress))))
		return seg_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < topo->n_egress; i++) {
		p->egress[i] = topo->egress[i];
		p->egress[i].from = plan_pos(p, topo, topo->egress[i].from);
		p->n_egress++;
	}
	if (topo->n_host_services &&
	    !(p->host_services = calloc(topo->n_host_services, sizeof(*p->host_services))))
		return seg_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < topo->n_host_services; i++) {
		p->host_services[i] = topo->host_services[i];
		p->host_services[i].from = plan_pos(p, topo, topo->host_services[i].from);
		p->n_host_services++;
	}
	seg_debug(ctx, "planned %zu jails, %zu flows", p->n_jails, p->n_flows);
	*ret = TAKE_PTR(p);
	return 0;
}

const char *seg_addr_to_string(uint32_t addr, char buf[static 16])
{
	struct in_addr a = { .s_addr = htonl(addr) };

	return inet_ntop(AF_INET, &a, buf, 16);
}
