/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
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

/* One source jail's probes, run on a thread of its own. */
typedef struct job {
	const char *name;
	int nsfd;
	size_t first, n;
	seg_probe_target *t;
	unsigned timeout_ms;
	int r;
	seg_error *e;
	pthread_t thread;
	bool started;
} job;

static void *job_run(void *p)
{
	job *j = p;

	j->r = seg_probe_run(j->nsfd, j->t, j->n, j->timeout_ms, &j->e);
	return NULL;
}

static void jobs_free(job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].started)
			pthread_join(jobs[i].thread, NULL);
		if (jobs[i].nsfd >= 0)
			close(jobs[i].nsfd);
		free(jobs[i].t);
		seg_error_free(jobs[i].e);
	}
	free(jobs);
}

int seg_reach_measure(const seg_ctx *ctx, const char *topology, const seg_reach_opts *o,
		      seg_reach **ret, seg_error **err)
{
	_cleanup_(seg_reach_freep) seg_reach *r = calloc(1, sizeof(*r));
	static const seg_reach_opts none = {};
	job *jobs = NULL;
	size_t n_jobs = 0;
	int ret_val = 0;

	if (!o)
		o = &none;
	if (!r)
		return seg_error_set(err, ENOMEM, "out of memory");
	if ((ret_val = seg_net_plan_load(ctx, topology, &r->plan, err)) < 0)
		return ret_val;
	if (!(r->running = calloc(r->plan->n_jails ? r->plan->n_jails : 1, sizeof(bool))) ||
	    !(jobs = calloc(r->plan->n_jails ? r->plan->n_jails : 1, sizeof(*jobs))))
		return seg_error_set(err, ENOMEM, "out of memory");

	/* every running jail's probes and namespace first... */
	for (size_t j = 0; j < r->plan->n_jails && ret_val == 0; j++) {
		job *jb = &jobs[n_jobs];
		char state[16], path[64];
		pid_t pid = 0;

		if (seg_lxc_status(ctx, r->plan->jails[j].name, state, &pid, NULL) < 0 || pid <= 0)
			continue; /* not running: nothing to probe from */
		*jb = (job){ .name = r->plan->jails[j].name, .nsfd = -1, .first = r->n,
			     .timeout_ms = o->timeout_ms ? o->timeout_ms : 400 };
		n_jobs++;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		if ((jb->nsfd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			ret_val = seg_error_set(err, errno, "jail '%s': opening %s: %m", jb->name, path);
			break;
		}
		r->running[j] = true;
		if (plan_probes(r, j, o) < 0 ||
		    !(jb->t = calloc((jb->n = r->n - jb->first) ? jb->n : 1, sizeof(*jb->t)))) {
			ret_val = seg_error_set(err, ENOMEM, "out of memory");
			break;
		}
		for (size_t i = 0; i < jb->n; i++)
			jb->t[i] = (seg_probe_target){ .addr = r->probes[jb->first + i].addr,
						       .port = r->probes[jb->first + i].port,
						       .proto = r->probes[jb->first + i].proto };
	}
	/* ...then all jails at once: the wait is one timeout, not one per jail */
	for (size_t i = 0; i < n_jobs && ret_val == 0; i++) {
		int e = pthread_create(&jobs[i].thread, NULL, job_run, &jobs[i]);
		if (e != 0)
			ret_val = seg_error_set(err, e, "probe thread: %s", strerror(e));
		else
			jobs[i].started = true;
	}
	for (size_t i = 0; i < n_jobs; i++)
		if (jobs[i].started) {
			pthread_join(jobs[i].thread, NULL);
			jobs[i].started = false;
		}
	for (size_t i = 0; i < n_jobs && ret_val == 0; i++) {
		job *jb = &jobs[i];

		if (jb->r < 0) {
			if (err && !*err)
				*err = TAKE_PTR(jb->e);
			ret_val = seg_error_wrap(err, jb->r, "probing from jail '%s'", jb->name);
			break;
		}
		for (size_t k = 0; k < jb->n; k++) {
			seg_reach_probe *p = &r->probes[jb->first + k];
			bool reached = seg_probe_reachable(jb->t[k].result);

			p->result = jb->t[k].result;
			p->verified = reached || !(p->declared && p->proto == IPPROTO_UDP);
			p->differs = p->verified && reached != p->declared;
			r->n_differ += p->differs;
		}
	}
	jobs_free(jobs, n_jobs);
	if (ret_val < 0)
		return ret_val;
	*ret = TAKE_PTR(r);
	return 0;
}
