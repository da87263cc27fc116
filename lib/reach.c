/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>

#include "error-internal.h"
#include "jail-lxc.h"
#include "net.h"
#include "reach.h"

seg_reach *seg_reach_free(seg_reach *r)
{
	if (!r)
		return NULL;
	seg_plan_free(r->plan);
	free(r->running);
	free(r->probes);
	free(r);
	return NULL;
}

static bool flow_declared(const seg_plan *p, size_t from, size_t to, uint8_t proto, uint16_t port)
{
	for (size_t i = 0; i < p->n_flows; i++)
		if (p->flows[i].from == from && p->flows[i].to == to &&
		    p->flows[i].proto == proto && p->flows[i].port == port)
			return true;
	return false;
}

static bool egress_declared(const seg_plan *p, size_t from, uint8_t proto, uint16_t port)
{
	for (size_t i = 0; i < p->n_egress; i++)
		if (p->egress[i].from == from && p->egress[i].proto == proto &&
		    (p->egress[i].port == 0 || p->egress[i].port == port))
			return true;
	return false;
}

static bool hostsvc_declared(const seg_plan *p, size_t from, uint8_t proto, uint16_t port)
{
	for (size_t i = 0; i < p->n_host_services; i++)
		if ((p->host_services[i].from == SEG_PLAN_ANY || p->host_services[i].from == from) &&
		    p->host_services[i].proto == proto && p->host_services[i].port == port)
			return true;
	return false;
}

/* A growable list of (proto, port) without duplicates. */
typedef struct portset {
	struct {
		uint8_t proto;
		uint16_t port;
	} *v;
	size_t n;
} portset;

static int portset_add(portset *s, uint8_t proto, uint16_t port)
{
	void *v;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].proto == proto && s->v[i].port == port)
			return 0;
	if (!(v = reallocarray(s->v, s->n + 1, sizeof(*s->v))))
		return -ENOMEM;
	s->v = v;
	s->v[s->n].proto = proto;
	s->v[s->n++].port = port;
	return 0;
}

static int add_probe(seg_reach *r, const seg_reach_probe *p)
{
	seg_reach_probe *v = reallocarray(r->probes, r->n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	r->probes = v;
	r->probes[r->n++] = *p;
	return 0;
}

/* Every probe from jail `from`, its declared verdict filled in. */
static int plan_probes(seg_reach *r, size_t from, const seg_reach_opts *o)
{
	const seg_plan *p = r->plan;
	portset host = {}, out = {};
	int ret = 0;

	for (size_t to = 0; to < p->n_jails && ret == 0; to++) {
		portset ports = {};

		if (to == from)
			continue;
		/* the ports anybody may use on `to`, so each is tried from everywhere */
		for (size_t i = 0; i < p->n_flows && ret == 0; i++)
			if (p->flows[i].to == to)
				ret = portset_add(&ports, p->flows[i].proto, p->flows[i].port);
		for (size_t i = 0; i < p->n_ingress && ret == 0; i++)
			if (p->ingress[i].to == to)
				ret = portset_add(&ports, p->ingress[i].proto, p->ingress[i].port);
		if (ret == 0)
			ret = portset_add(&ports, IPPROTO_TCP, SEG_REACH_CANARY_PORT);
		for (size_t i = 0; i < ports.n && ret == 0; i++)
			ret = add_probe(r, &(seg_reach_probe){
						   .from = from, .kind = SEG_REACH_JAIL, .to = to,
						   .addr = p->jails[to].addr, .proto = ports.v[i].proto,
						   .port = ports.v[i].port,
						   .declared = flow_declared(p, from, to, ports.v[i].proto,
									     ports.v[i].port) });
		free(ports.v);
	}
	for (size_t i = 0; i < p->n_host_services && ret == 0; i++)
		ret = portset_add(&host, p->host_services[i].proto, p->host_services[i].port);
	for (size_t i = 0; i < o->n_host_ports && ret == 0; i++)
		ret = portset_add(&host, IPPROTO_TCP, o->host_ports[i]);
	for (size_t i = 0; i < host.n && ret == 0; i++)
		ret = add_probe(r, &(seg_reach_probe){
					   .from = from, .kind = SEG_REACH_HOST, .addr = p->gateway,
					   .proto = host.v[i].proto, .port = host.v[i].port,
					   .declared = hostsvc_declared(p, from, host.v[i].proto,
									host.v[i].port) });
	if (o->outside) {
		for (size_t i = 0; i < p->n_egress && ret == 0; i++)
			if (p->egress[i].port)
				ret = portset_add(&out, p->egress[i].proto, p->egress[i].port);
		if (ret == 0)
			ret = portset_add(&out, IPPROTO_TCP, 80);
		if (ret == 0)
			ret = portset_add(&out, IPPROTO_TCP, SEG_REACH_CANARY_PORT);
		for (size_t i = 0; i < out.n && ret == 0; i++)
			ret = add_probe(r, &(seg_reach_probe){
						   .from = from, .kind = SEG_REACH_OUTSIDE, .addr = o->outside,
						   .proto = out.v[i].proto, .port = out.v[i].port,
						   .declared = egress_declared(p, from, out.v[i].proto,
									       out.v[i].port) });
	}
	free(host.v);
	free(out.v);
	return ret;
}

int seg_reach_measure(const seg_ctx *ctx, const char *topology, const seg_reach_opts *o,
		      seg_reach **ret, seg_error **err)
{
	_cleanup_(seg_reach_freep) seg_reach *r = calloc(1, sizeof(*r));
	static const seg_reach_opts none = {};
	int ret_val;

	if (!o)
		o = &none;
	if (!r)
		return seg_error_set(err, ENOMEM, "out of memory");
	if ((ret_val = seg_net_plan_load(ctx, topology, &r->plan, err)) < 0)
		return ret_val;
	if (!(r->running = calloc(r->plan->n_jails ? r->plan->n_jails : 1, sizeof(bool))))
		return seg_error_set(err, ENOMEM, "out of memory");

	for (size_t j = 0; j < r->plan->n_jails; j++) {
		_cleanup_close_ int nsfd = -1;
		char state[16], path[64];
		pid_t pid = 0;
		size_t first = r->n;

		if (seg_lxc_status(ctx, r->plan->jails[j].name, state, &pid, NULL) < 0 || pid <= 0)
			continue; /* not running: nothing to probe from */
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		if ((nsfd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return seg_error_set(err, errno, "jail '%s': opening %s: %m",
					     r->plan->jails[j].name, path);
		r->running[j] = true;
		if (plan_probes(r, j, o) < 0)
			return seg_error_set(err, ENOMEM, "out of memory");
		{
			size_t n = r->n - first;
			_cleanup_free_ seg_probe_target *t = calloc(n ? n : 1, sizeof(*t));

			if (!t)
				return seg_error_set(err, ENOMEM, "out of memory");
			for (size_t i = 0; i < n; i++)
				t[i] = (seg_probe_target){ .addr = r->probes[first + i].addr,
							   .port = r->probes[first + i].port,
							   .proto = r->probes[first + i].proto };
			if ((ret_val = seg_probe_run(nsfd, t, n, o->timeout_ms ? o->timeout_ms : 400,
						     err)) < 0)
				return seg_error_wrap(err, ret_val, "probing from jail '%s'",
						      r->plan->jails[j].name);
			for (size_t i = 0; i < n; i++) {
				seg_reach_probe *p = &r->probes[first + i];
				bool reached = seg_probe_reachable(t[i].result);

				p->result = t[i].result;
				p->verified = reached || !(p->declared && p->proto == IPPROTO_UDP);
				p->differs = p->verified && reached != p->declared;
				r->n_differ += p->differs;
			}
		}
	}
	*ret = TAKE_PTR(r);
	return 0;
}
