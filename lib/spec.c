/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Topologies: YAML -> seg_topology, validated: jail names, roles, bases,
 * flows and ingress/egress referring to declared jails, ports, the address
 * pool and the uid base.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "context-internal.h"
#include "spec.h"

static const char *const topo_keys[] = {
	"pool", "uid-base", "base", "pkgdir", "jails", "ingress", "flows", "egress",
	"host-services", NULL,
};

static const char *const jail_keys[] = {
	"name", "role", "base", "pkgdir", "init", "capabilities", "syscall-groups", "syscalls",
	"socket-families", "limits", "mounts", "sysctls", NULL,
};

SEG_PUBLIC seg_topology *seg_topology_free(seg_topology *t)
{
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->n_jails; i++) {
		free(t->jails[i].name);
		free(t->jails[i].role_name);
		seg_role_free(t->jails[i].role);
		free(t->jails[i].base);
		free(t->jails[i].pkgdir);
	}
	free(t->jails);
	free(t->flows);
	free(t->ingress);
	free(t->egress);
	free(t->host_services);
	free(t->file);
	free(t);
	return NULL;
}

static seg_topology *topology_new(const char *file)
{
	seg_topology *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->pool = SEG_DEFAULT_POOL;
	t->prefix = SEG_DEFAULT_POOL_PREFIX;
	t->uid_base = SEG_DEFAULT_UID_BASE;
	if (!(t->file = strdup(file)))
		return seg_topology_free(t);
	return t;
}

/* Largest index a topology can give a jail, from its pool and uid base. */
static uint64_t topology_capacity(const seg_topology *t)
{
	uint32_t max = seg_plan_max_index(t->prefix, t->uid_base);
	return max >= SEG_FIRST_INDEX ? max - SEG_FIRST_INDEX + 1 : 0;
}

static int parse_pool(const seg_ydoc *d, const seg_ynode *n, seg_topology *t, seg_error **err)
{
	char addr[32];
	const char *slash;
	struct in_addr in;
	unsigned long prefix;
	char *end;
	uint32_t a, mask;
	int r;

	if ((r = seg_ynode_expect(d, n, SEG_YNODE_SCALAR, "pool", err)) < 0)
		return r;
	slash = strchr(n->value, '/');
	if (!slash || (size_t)(slash - n->value) >= sizeof(addr))
		goto bad;
	memcpy(addr, n->value, (size_t)(slash - n->value));
	addr[slash - n->value] = '\0';
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (inet_pton(AF_INET, addr, &in) != 1 || *end || slash[1] < '0' || slash[1] > '9' ||
	    errno)
		goto bad;
	a = ntohl(in.s_addr);
	if (prefix < 8 || prefix > 30)
		return seg_yerr(err, d, n, EINVAL,
				"pool '%s': prefix must be from /8 to /30 (e.g. 127.200.0.0/16)",
				n->value);
	mask = prefix == 0 ? 0 : ~0u << (32 - prefix);
	if ((a & mask) != a)
		return seg_yerr(err, d, n, EINVAL,
				"pool '%s' is not aligned to its prefix (host bits must be zero)",
				n->value);
	if ((a >> 24) != 127)
		return seg_yerr(err, d, n, EINVAL,
				"pool '%s' is outside 127.0.0.0/8: jails live on loopback-range "
				"addresses only",
				n->value);
	if ((0x7f000001u & mask) == a)
		return seg_yerr(err, d, n, EINVAL,
				"pool '%s' overlaps the host's own 127.0.0.1; use e.g. 127.200.0.0/16",
				n->value);
	t->pool = a;
	t->prefix = (uint8_t)prefix;
	return 0;
bad:
	return seg_yerr(err, d, n, EINVAL,
			"pool '%s' is not an IPv4 network in CIDR form (e.g. 127.200.0.0/16)",
			n->value);
}

static int find_jail(const seg_topology *t, const char *name, size_t *ret)
{
	for (size_t i = 0; i < t->n_jails; i++)
		if (strcmp(t->jails[i].name, name) == 0) {
			*ret = i;
			return 0;
		}
	return -ENOENT;
}

/* A jail name, a list of jail names, or (when allowed) "*". */
static int parse_jail_refs(const seg_ydoc *d, const seg_topology *t, const seg_ynode *n,
			   const char *what, bool star_ok, size_t *ret, size_t *ret_n,
			   seg_error **err)
{
	size_t cnt = n->type == SEG_YNODE_SEQ ? n->n : 1;

	if (n->type == SEG_YNODE_MAP || cnt == 0 || cnt > 256)
		return seg_yerr(err, d, n, EINVAL, "%s must be a jail name or a list of 1 to 256 "
				"jail names", what);
	for (size_t i = 0; i < cnt; i++) {
		const seg_ynode *e = n->type == SEG_YNODE_SEQ ? n->items[i] : n;
		int r;

		if ((r = seg_ynode_expect(d, e, SEG_YNODE_SCALAR, what, err)) < 0)
			return r;
		if (strcmp(e->value, "*") == 0) {
			if (!star_ok)
				return seg_yerr(err, d, e, EINVAL,
						"'*' is only allowed as the source of a flow");
			ret[i] = SEG_PLAN_ANY;
			continue;
		}
		if (find_jail(t, e->value, &ret[i]) < 0)
			return seg_yerr(err, d, e, EINVAL,
					"%s names unknown jail '%s' (declare it under 'jails')", what,
					e->value);
	}
	*ret_n = cnt;
	return 0;
}

static int parse_port(const seg_ydoc *d, const seg_ynode *map, const char *key, bool any_ok,
		      uint16_t *ret, seg_error **err)
{
	const seg_ynode *n = seg_ynode_get(map, key);
	uint64_t v;
	int r;

	if (!n)
		return seg_yerr(err, d, map, EINVAL, "missing '%s' (a port from 1 to 65535%s)", key,
				any_ok ? " or 'any'" : "");
	if (any_ok && n->type == SEG_YNODE_SCALAR && strcmp(n->value, "any") == 0) {
		*ret = 0;
		return 0;
	}
	if ((r = seg_ynode_expect(d, n, SEG_YNODE_SCALAR, key, err)) < 0)
		return r;
	if (seg_ynode_uint(d, n, key, 65535, &v, NULL) < 0 || v == 0)
		return seg_yerr(err, d, n, ERANGE, "port '%s' is out of range (1 to 65535%s)",
				n->value, any_ok ? " or 'any'" : "");
	*ret = (uint16_t)v;
	return 0;
}

static int parse_proto(const seg_ydoc *d, const seg_ynode *map, uint8_t *ret, seg_error **err)
{
	const seg_ynode *n = seg_ynode_get(map, "proto");
	int r;

	*ret = IPPROTO_TCP;
	if (!n)
		return 0;
	if ((r = seg_ynode_expect(d, n, SEG_YNODE_SCALAR, "proto", err)) < 0)
		return r;
	if (strcmp(n->value, "tcp") == 0)
		*ret = IPPROTO_TCP;
	else if (strcmp(n->value, "udp") == 0)
		*ret = IPPROTO_UDP;
	else
		return seg_yerr(err, d, n, EINVAL, "proto '%s' must be tcp or udp", n->value);
	return 0;
}

static int grow(void **v, size_t n, size_t add, size_t size)
{
	void *nv = realloc(*v, (n + add) * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	return 0;
}

static int parse_jails(const seg_ctx *ctx, const seg_ydoc *d, const seg_ynode *list,
		       const char *def_base, const char *def_pkgdir, seg_topology *t,
		       seg_error **err)
{
	int r;

	if ((r = seg_ynode_expect(d, list, SEG_YNODE_SEQ, "jails", err)) < 0)
		return r;
	if (list->n == 0)
		return seg_yerr(err, d, list, EINVAL, "a topology needs at least one jail");
	if (!(t->jails = calloc(list->n, sizeof(*t->jails))))
		return seg_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < list->n; i++) {
		const seg_ynode *item = list->items[i], *nn, *rn, *bn, *pn;
		seg_topo_jail *j = &t->jails[t->n_jails];
		_cleanup_(seg_role_freep) seg_role *over = NULL;
		size_t prev;

		if ((r = seg_ynode_check_keys(d, item, "a jail", jail_keys, err)) < 0)
			return r;
		if (!(nn = seg_ynode_get(item, "name")))
			return seg_yerr(err, d, item, EINVAL, "a jail needs a 'name'");
		if ((r = seg_ynode_expect(d, nn, SEG_YNODE_SCALAR, "jail name", err)) < 0)
			return r;
		if (!seg_jail_name_valid(nn->value))
			return seg_yerr(err, d, nn, EINVAL,
					"invalid jail name '%s' (valid: 1 to 31 of a-z, 0-9, '-', "
					"starting with a letter or digit)",
					nn->value);
		if (find_jail(t, nn->value, &prev) == 0)
			return seg_yerr(err, d, nn, EEXIST,
					"duplicate jail '%s' (first declared at line %u)", nn->value,
					t->jails[prev].line);
		if (!(rn = seg_ynode_get(item, "role")))
			return seg_yerr(err, d, item, EINVAL, "jail '%s' needs a 'role'", nn->value);
		if ((r = seg_ynode_expect(d, rn, SEG_YNODE_SCALAR, "role", err)) < 0)
			return r;
		j->line = nn->line;
		j->column = nn->column;
		if (!(j->name = strdup(nn->value)) || !(j->role_name = strdup(rn->value)))
			return seg_error_set(err, ENOMEM, "out of memory");
		t->n_jails++;
		if ((r = seg_role_load(ctx, rn->value, &j->role, err)) < 0)
			return seg_error_wrap(err, r, "%s:%u:%u: jail '%s'", d->file, rn->line,
					      rn->column, nn->value);
		if (!(over = calloc(1, sizeof(*over))))
			return seg_error_set(err, ENOMEM, "out of memory");
		if ((r = seg_role_parse_body(d, item, "topology", over, err)) < 0)
			return r;
		if (seg_role_merge(j->role, over) < 0)
			return seg_error_set(err, ENOMEM, "out of memory");
		bn = seg_ynode_get(item, "base");
		if (bn && ((r = seg_ynode_expect(d, bn, SEG_YNODE_SCALAR, "base", err)) < 0))
			return r;
		if (bn && !seg_base_valid(bn->value))
			return seg_yerr(err, d, bn, EINVAL,
					"base '%s' must be 'host' or 'dir:/absolute/path'", bn->value);
		pn = seg_ynode_get(item, "pkgdir");
		if (pn && ((r = seg_ynode_expect(d, pn, SEG_YNODE_SCALAR, "pkgdir", err)) < 0))
			return r;
		if (pn && !seg_path_valid(pn->value))
			return seg_yerr(err, d, pn, EINVAL,
					"pkgdir '%s' must be an absolute path without '..' or spaces",
					pn->value);
		if (!(j->base = strdup(bn ? bn->value : def_base)))
			return seg_error_set(err, ENOMEM, "out of memory");
		if ((pn || def_pkgdir) && !(j->pkgdir = strdup(pn ? pn->value : def_pkgdir)))
			return seg_error_set(err, ENOMEM, "out of memory");
	}
	if (t->n_jails > topology_capacity(t))
		return seg_yerr(err, d, list, ENOSPC,
				"%zu jails do not fit: pool /%u and uid base %u leave room for %ju",
				t->n_jails, t->prefix, t->uid_base, (uintmax_t)topology_capacity(t));
	return 0;
}

static int parse_flows(const seg_ydoc *d, const seg_ynode *list, seg_topology *t, seg_error **err)
{
	static const char *const keys[] = { "from", "to", "port", "proto", NULL };
	int r;

	if ((r = seg_ynode_expect(d, list, SEG_YNODE_SEQ, "flows", err)) < 0)
		return r;
	for (size_t i = 0; i < list->n; i++) {
		const seg_ynode *item = list->items[i], *fn, *tn;
		size_t from[256], to[256], nf, nt;
		uint16_t port;
		uint8_t proto;

		if ((r = seg_ynode_check_keys(d, item, "a flow", keys, err)) < 0)
			return r;
		if (!(fn = seg_ynode_get(item, "from")) || !(tn = seg_ynode_get(item, "to")))
			return seg_yerr(err, d, item, EINVAL, "a flow needs 'from' and 'to'");
		if ((r = parse_jail_refs(d, t, fn, "from", true, from, &nf, err)) < 0 ||
		    (r = parse_jail_refs(d, t, tn, "to", false, to, &nt, err)) < 0 ||
		    (r = parse_port(d, item, "port", false, &port, err)) < 0 ||
		    (r = parse_proto(d, item, &proto, err)) < 0)
			return r;
		for (size_t a = 0; a < nf; a++)
			for (size_t b = 0; b < nt; b++) {
				if (from[a] == SEG_PLAN_ANY && !t->jails[to[b]].role->shared)
					return seg_yerr(err, d, fn, EINVAL,
							"'*' as a source is only allowed towards "
							"shared services (roles with 'shared: true'); "
							"jail '%s' has role '%s'",
							t->jails[to[b]].name, t->jails[to[b]].role_name);
				if (from[a] == to[b])
					return seg_yerr(err, d, item, EINVAL,
							"flow from jail '%s' to itself",
							t->jails[to[b]].name);
				if (grow((void **)&t->flows, t->n_flows, 1, sizeof(*t->flows)) < 0)
					return seg_error_set(err, ENOMEM, "out of memory");
				t->flows[t->n_flows++] = (seg_topo_flow){ from[a], to[b], proto, port };
			}
	}
	return 0;
}

static int parse_ingress(const seg_ydoc *d, const seg_ynode *list, seg_topology *t,
			 seg_error **err)
{
	static const char *const keys[] = { "host-port", "to", "port", "proto", NULL };
	int r;

	if ((r = seg_ynode_expect(d, list, SEG_YNODE_SEQ, "ingress", err)) < 0)
		return r;
	for (size_t i = 0; i < list->n; i++) {
		const seg_ynode *item = list->items[i], *tn;
		seg_plan_ingress in;
		size_t to, nt;

		if ((r = seg_ynode_check_keys(d, item, "an ingress", keys, err)) < 0)
			return r;
		if (!(tn = seg_ynode_get(item, "to")))
			return seg_yerr(err, d, item, EINVAL, "an ingress needs 'to' (one jail)");
		if ((r = seg_ynode_expect(d, tn, SEG_YNODE_SCALAR, "to", err)) < 0 ||
		    (r = parse_jail_refs(d, t, tn, "to", false, &to, &nt, err)) < 0 ||
		    (r = parse_port(d, item, "host-port", false, &in.host_port, err)) < 0 ||
		    (r = parse_port(d, item, "port", false, &in.port, err)) < 0 ||
		    (r = parse_proto(d, item, &in.proto, err)) < 0)
			return r;
		in.to = to;
		for (size_t k = 0; k < t->n_ingress; k++)
			if (t->ingress[k].host_port == in.host_port && t->ingress[k].proto == in.proto)
				return seg_yerr(err, d, seg_ynode_get(item, "host-port"), EEXIST,
						"host port %u/%s is already forwarded", in.host_port,
						in.proto == IPPROTO_TCP ? "tcp" : "udp");
		if (grow((void **)&t->ingress, t->n_ingress, 1, sizeof(in)) < 0)
			return seg_error_set(err, ENOMEM, "out of memory");
		t->ingress[t->n_ingress++] = in;
	}
	return 0;
}

/* egress and host-services: {from, port (or any), proto} */
static int parse_outbound(const seg_ydoc *d, const seg_ynode *list, const char *what,
			  bool host, seg_topology *t, seg_error **err)
{
	static const char *const keys[] = { "from", "port", "proto", NULL };
	int r;

	if ((r = seg_ynode_expect(d, list, SEG_YNODE_SEQ, what, err)) < 0)
		return r;
	for (size_t i = 0; i < list->n; i++) {
		const seg_ynode *item = list->items[i], *fn;
		size_t from[256], nf;
		uint16_t port;
		uint8_t proto;

		if ((r = seg_ynode_check_keys(d, item, what, keys, err)) < 0)
			return r;
		if (!(fn = seg_ynode_get(item, "from")))
			return seg_yerr(err, d, item, EINVAL, "%s needs 'from'", what);
		if ((r = parse_jail_refs(d, t, fn, "from", host, from, &nf, err)) < 0 ||
		    (r = parse_port(d, item, "port", !host, &port, err)) < 0 ||
		    (r = parse_proto(d, item, &proto, err)) < 0)
			return r;
		for (size_t a = 0; a < nf; a++) {
			if (host) {
				if (grow((void **)&t->host_services, t->n_host_services, 1,
					 sizeof(*t->host_services)) < 0)
					return seg_error_set(err, ENOMEM, "out of memory");
				t->host_services[t->n_host_services++] =
					(seg_plan_hostsvc){ from[a], proto, port };
			} else {
				if (grow((void **)&t->egress, t->n_egress, 1, sizeof(*t->egress)) < 0)
					return seg_error_set(err, ENOMEM, "out of memory");
				t->egress[t->n_egress++] = (seg_plan_egress){ from[a], proto, port };
				t->jails[from[a]].egress = true;
			}
		}
	}
	return 0;
}

SEG_PUBLIC int seg_topology_load(const seg_ctx *ctx, const char *path, seg_topology **ret,
				 seg_error **err)
{
	_cleanup_(seg_topology_freep) seg_topology *t = NULL;
	_cleanup_ydoc_ seg_ydoc *d = NULL;
	const seg_ynode *n, *jails;
	const char *base = "host", *pkgdir = NULL;
	uint64_t v;
	int r;

	if (!ctx || !path || !ret)
		return seg_error_set(err, EINVAL, "seg_topology_load: missing argument");
	if ((r = seg_ydoc_load(path, &d, err)) < 0)
		return r;
	if ((r = seg_ynode_check_keys(d, d->root, "a topology", topo_keys, err)) < 0)
		return r;
	if (!(t = topology_new(path)))
		return seg_error_set(err, ENOMEM, "out of memory");
	if ((n = seg_ynode_get(d->root, "pool")) && (r = parse_pool(d, n, t, err)) < 0)
		return r;
	if ((n = seg_ynode_get(d->root, "uid-base"))) {
		if ((r = seg_ynode_uint(d, n, "uid-base", UINT32_MAX, &v, err)) < 0)
			return r;
		if (v < SEG_IDS_PER_JAIL || v % SEG_IDS_PER_JAIL)
			return seg_yerr(err, d, n, EINVAL,
					"uid-base %s must be a multiple of 65536 above the host's "
					"own users (default 268435456)",
					n->value);
		t->uid_base = (uint32_t)v;
	}
	if ((n = seg_ynode_get(d->root, "base"))) {
		if ((r = seg_ynode_expect(d, n, SEG_YNODE_SCALAR, "base", err)) < 0)
			return r;
		if (!seg_base_valid(n->value))
			return seg_yerr(err, d, n, EINVAL,
					"base '%s' must be 'host' or 'dir:/absolute/path'", n->value);
		base = n->value;
	}
	if ((n = seg_ynode_get(d->root, "pkgdir"))) {
		if ((r = seg_ynode_expect(d, n, SEG_YNODE_SCALAR, "pkgdir", err)) < 0)
			return r;
		if (!seg_path_valid(n->value))
			return seg_yerr(err, d, n, EINVAL,
					"pkgdir '%s' must be an absolute path without '..' or spaces",
					n->value);
		pkgdir = n->value;
	}
	if (!(jails = seg_ynode_get(d->root, "jails")))
		return seg_yerr(err, d, d->root, EINVAL, "a topology needs a 'jails' list");
	if ((r = parse_jails(ctx, d, jails, base, pkgdir, t, err)) < 0)
		return r;
	if ((n = seg_ynode_get(d->root, "ingress")) && (r = parse_ingress(d, n, t, err)) < 0)
		return r;
	if ((n = seg_ynode_get(d->root, "flows")) && (r = parse_flows(d, n, t, err)) < 0)
		return r;
	if ((n = seg_ynode_get(d->root, "egress")) &&
	    (r = parse_outbound(d, n, "an egress", false, t, err)) < 0)
		return r;
	if ((n = seg_ynode_get(d->root, "host-services")) &&
	    (r = parse_outbound(d, n, "a host service", true, t, err)) < 0)
		return r;
	*ret = TAKE_PTR(t);
	return 0;
}

SEG_PUBLIC int seg_topology_new_single(const seg_ctx *ctx, const char *jail, const char *role,
				       seg_topology **ret, seg_error **err)
{
	_cleanup_(seg_topology_freep) seg_topology *t = NULL;
	seg_topo_jail *j;
	int r;

	if (!ctx || !jail || !role || !ret)
		return seg_error_set(err, EINVAL, "seg_topology_new_single: missing argument");
	if (!seg_jail_name_valid(jail))
		return seg_error_set(err, EINVAL,
				     "invalid jail name '%s' (valid: 1 to 31 of a-z, 0-9, '-', "
				     "starting with a letter or digit)",
				     jail);
	if (!(t = topology_new("(command line)")) || !(t->jails = calloc(1, sizeof(*t->jails))))
		return seg_error_set(err, ENOMEM, "out of memory");
	j = &t->jails[0];
	t->n_jails = 1;
	if (!(j->name = strdup(jail)) || !(j->role_name = strdup(role)) ||
	    !(j->base = strdup("host")))
		return seg_error_set(err, ENOMEM, "out of memory");
	if ((r = seg_role_load(ctx, role, &j->role, err)) < 0)
		return r;
	*ret = TAKE_PTR(t);
	return 0;
}
