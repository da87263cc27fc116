/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Role profiles: YAML -> seg_role, with `extends` resolved.  A role body
 * (what a role grants) is also what a topology jail may add as overrides,
 * so both go through seg_role_parse_body().
 */
#include <dirent.h>
#include <string.h>

#include "caps.h"
#include "context-internal.h"
#include "render.h"
#include "spec.h"
#include "syscalls.h"

#define SEG_REASON_MAX 200
#define SEG_EXTENDS_MAX 8

const char *const seg_role_body_keys[] = {
	"description", "shared", "init", "capabilities", "syscall-groups", "syscalls",
	"socket-families", "limits", "mounts", "sysctls", NULL,
};

static const char *const role_file_keys[] = {
	"name", "extends", "description", "shared", "init", "capabilities", "syscall-groups",
	"syscalls", "socket-families", "limits", "mounts", "sysctls", NULL,
};

static void grants_done(seg_grants *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].name);
		free(g->v[i].reason);
		free(g->v[i].origin);
	}
	free(g->v);
	g->v = NULL;
	g->n = 0;
}

void seg_role_done(seg_role *r)
{
	free(r->name);
	free(r->description);
	free(r->extends);
	free(r->init);
	grants_done(&r->caps);
	grants_done(&r->groups);
	grants_done(&r->syscalls);
	grants_done(&r->families);
	for (size_t i = 0; i < r->n_mounts; i++) {
		free(r->mounts[i].source);
		free(r->mounts[i].target);
		free(r->mounts[i].reason);
		free(r->mounts[i].origin);
	}
	free(r->mounts);
	for (size_t i = 0; i < r->n_sysctls; i++) {
		free(r->sysctls[i].name);
		free(r->sysctls[i].value);
		free(r->sysctls[i].reason);
		free(r->sysctls[i].origin);
	}
	free(r->sysctls);
	memset(r, 0, sizeof(*r));
}

SEG_PUBLIC seg_role *seg_role_free(seg_role *r)
{
	if (!r)
		return NULL;
	seg_role_done(r);
	free(r);
	return NULL;
}

bool seg_role_has_grant(const seg_grants *g, const char *name)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->v[i].name, name) == 0)
			return true;
	return false;
}

static int grant_add(seg_grants *g, const char *name, const char *reason, const char *origin)
{
	seg_grant *v;

	if (seg_role_has_grant(g, name))
		return 0; /* first grant (the parent's) keeps its reason */
	if (!(v = realloc(g->v, (g->n + 1) * sizeof(*v))))
		return -ENOMEM;
	g->v = v;
	v = &g->v[g->n];
	v->name = strdup(name);
	v->reason = strdup(reason);
	v->origin = strdup(origin);
	if (!v->name || !v->reason || !v->origin) {
		free(v->name), free(v->reason), free(v->origin);
		return -ENOMEM;
	}
	g->n++;
	return 0;
}

static int mount_add(seg_role *r, const seg_mount *m)
{
	seg_mount *v = realloc(r->mounts, (r->n_mounts + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	r->mounts = v;
	v = &r->mounts[r->n_mounts];
	*v = (seg_mount){ .writable = m->writable };
	v->source = strdup(m->source);
	v->target = strdup(m->target);
	v->reason = strdup(m->reason);
	v->origin = strdup(m->origin);
	r->n_mounts++;
	return v->source && v->target && v->reason && v->origin ? 0 : -ENOMEM;
}

static int sysctl_add(seg_role *r, const seg_sysctl *s)
{
	seg_sysctl *v;

	for (size_t i = 0; i < r->n_sysctls; i++)
		if (strcmp(r->sysctls[i].name, s->name) == 0) {
			/* a later (child) value replaces the parent's */
			char *val = strdup(s->value), *why = strdup(s->reason), *o = strdup(s->origin);
			if (!val || !why || !o) {
				free(val), free(why), free(o);
				return -ENOMEM;
			}
			free(r->sysctls[i].value), free(r->sysctls[i].reason), free(r->sysctls[i].origin);
			r->sysctls[i].value = val, r->sysctls[i].reason = why, r->sysctls[i].origin = o;
			return 0;
		}
	if (!(v = realloc(r->sysctls, (r->n_sysctls + 1) * sizeof(*v))))
		return -ENOMEM;
	r->sysctls = v;
	v = &r->sysctls[r->n_sysctls];
	v->name = strdup(s->name);
	v->value = strdup(s->value);
	v->reason = strdup(s->reason);
	v->origin = strdup(s->origin);
	r->n_sysctls++;
	return v->name && v->value && v->reason && v->origin ? 0 : -ENOMEM;
}

static int grants_merge(seg_grants *dst, const seg_grants *src)
{
	for (size_t i = 0; i < src->n; i++) {
		int r = grant_add(dst, src->v[i].name, src->v[i].reason, src->v[i].origin);
		if (r < 0)
			return r;
	}
	return 0;
}

static int replace_str(char **dst, const char *src)
{
	char *c;

	if (!src)
		return 0;
	if (!(c = strdup(src)))
		return -ENOMEM;
	free(*dst);
	*dst = c;
	return 0;
}

int seg_role_merge(seg_role *dst, const seg_role *src)
{
	int r;

	if ((r = grants_merge(&dst->caps, &src->caps)) < 0 ||
	    (r = grants_merge(&dst->groups, &src->groups)) < 0 ||
	    (r = grants_merge(&dst->syscalls, &src->syscalls)) < 0 ||
	    (r = grants_merge(&dst->families, &src->families)) < 0)
		return r;
	for (size_t i = 0; i < src->n_mounts; i++)
		if ((r = mount_add(dst, &src->mounts[i])) < 0)
			return r;
	for (size_t i = 0; i < src->n_sysctls; i++)
		if ((r = sysctl_add(dst, &src->sysctls[i])) < 0)
			return r;
	if ((r = replace_str(&dst->init, src->init)) < 0 ||
	    (r = replace_str(&dst->description, src->description)) < 0)
		return r;
	if (src->shared)
		dst->shared = true;
	if (src->limits.memory)
		dst->limits.memory = src->limits.memory;
	if (src->limits.pids)
		dst->limits.pids = src->limits.pids;
	if (src->limits.nofile)
		dst->limits.nofile = src->limits.nofile;
	if (src->limits.cpu_weight)
		dst->limits.cpu_weight = src->limits.cpu_weight;
	return 0;
}

int seg_role_dup(const seg_role *src, seg_role **ret)
{
	_cleanup_(seg_role_freep) seg_role *r = calloc(1, sizeof(*r));

	if (!r || replace_str(&r->name, src->name) < 0 || replace_str(&r->extends, src->extends) < 0 ||
	    seg_role_merge(r, src) < 0)
		return -ENOMEM;
	*ret = TAKE_PTR(r);
	return 0;
}

bool seg_path_valid(const char *path)
{
	size_t n = path ? strlen(path) : 0;

	if (n < 1 || n > 255 || path[0] != '/')
		return false;
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '\\' || *p == '#')
			return false;
	if (strstr(path, "//") || strstr(path, "/./") || strstr(path, "/../"))
		return false;
	if (n >= 2 && strcmp(path + n - 2, "/.") == 0)
		return false;
	if (n >= 3 && strcmp(path + n - 3, "/..") == 0)
		return false;
	return true;
}

bool seg_base_valid(const char *base)
{
	if (!base)
		return false;
	if (strcmp(base, "host") == 0)
		return true;
	return strncmp(base, "dir:", 4) == 0 && seg_path_valid(base + 4) && strcmp(base + 4, "/");
}

static int get_str(const seg_ydoc *d, const seg_ynode *map, const char *key, const char *what,
		   const char **ret, seg_error **err)
{
	const seg_ynode *n = seg_ynode_get(map, key);
	int r;

	*ret = NULL;
	if (!n)
		return 0;
	if ((r = seg_ynode_expect(d, n, SEG_YNODE_SCALAR, what, err)) < 0)
		return r;
	if (strpbrk(n->value, "\n\r\t"))
		return seg_yerr(err, d, n, EINVAL, "%s must be a single line", what);
	*ret = n->value;
	return 0;
}

typedef int (*check_fn)(const seg_ydoc *d, const seg_ynode *n, char **ret_canon, seg_error **err);

static int check_cap(const seg_ydoc *d, const seg_ynode *n, char **ret, seg_error **err)
{
	const char *hint = NULL;
	int r = seg_cap_parse(n->value, ret, &hint);

	if (r >= 0)
		return 0;
	if (r == -ENOMEM)
		return seg_error_set(err, ENOMEM, "out of memory");
	if (hint)
		return seg_yerr(err, d, n, EINVAL, "unknown capability '%s'; did you mean '%s'?",
				n->value, hint);
	return seg_yerr(err, d, n, EINVAL,
			"unknown capability '%s' (capabilities are named as in capabilities(7), "
			"e.g. net_bind_service)",
			n->value);
}

static int check_group(const seg_ydoc *d, const seg_ynode *n, char **ret, seg_error **err)
{
	const char *hint;

	if (seg_syscall_group_find(n->value))
		return (*ret = strdup(n->value)) ? 0 : -ENOMEM;
	if ((hint = seg_syscall_group_closest(n->value)))
		return seg_yerr(err, d, n, EINVAL, "unknown syscall group '%s'; did you mean '%s'?",
				n->value, hint);
	return seg_yerr(err, d, n, EINVAL,
			"unknown syscall group '%s' (groups start with '@', see seg-profile "
			"--list-groups)",
			n->value);
}

static int check_syscall(const seg_ydoc *d, const seg_ynode *n, char **ret, seg_error **err)
{
	const char *hint;

	if (seg_syscall_known(n->value))
		return (*ret = strdup(n->value)) ? 0 : -ENOMEM;
	if ((hint = seg_syscall_closest(n->value)))
		return seg_yerr(err, d, n, EINVAL, "unknown syscall '%s'; did you mean '%s'?",
				n->value, hint);
	return seg_yerr(err, d, n, EINVAL, "unknown syscall '%s' (x86_64 names, e.g. sendfile)",
			n->value);
}

static int check_family(const seg_ydoc *d, const seg_ynode *n, char **ret, seg_error **err)
{
	if (seg_socket_family_lookup(n->value, NULL, NULL))
		return (*ret = strdup(n->value)) ? 0 : -ENOMEM;
	return seg_yerr(err, d, n, EINVAL, "unknown or forbidden socket family '%s' (valid: %s)",
			n->value, SEG_SOCKET_FAMILY_NAMES);
}

static int parse_reason(const seg_ydoc *d, const seg_ynode *item, const char *what,
			const char *name, const char **ret, seg_error **err)
{
	int r;

	if ((r = get_str(d, item, "reason", "reason", ret, err)) < 0)
		return r;
	if (!*ret || !**ret)
		return seg_yerr(err, d, item, EINVAL,
				"%s '%s' has no reason: every grant needs a short 'reason'", what,
				name);
	if (strlen(*ret) > SEG_REASON_MAX)
		return seg_yerr(err, d, seg_ynode_get(item, "reason"), EINVAL,
				"reason is too long (%zu characters, at most %d)", strlen(*ret),
				SEG_REASON_MAX);
	return 0;
}

/* A list of {KEY: name, reason: why} items. */
static int parse_grants(const seg_ydoc *d, const seg_ynode *list, const char *what,
			const char *key, check_fn check, const char *origin, seg_grants *out,
			seg_error **err)
{
	const char *const keys[] = { key, "reason", NULL };
	int r;

	if ((r = seg_ynode_expect(d, list, SEG_YNODE_SEQ, what, err)) < 0)
		return r;
	for (size_t i = 0; i < list->n; i++) {
		const seg_ynode *item = list->items[i], *nn;
		_cleanup_free_ char *canon = NULL;
		const char *reason;

		if ((r = seg_ynode_check_keys(d, item, what, keys, err)) < 0)
			return r;
		if (!(nn = seg_ynode_get(item, key)))
			return seg_yerr(err, d, item, EINVAL, "an item of %s has no '%s'", what, key);
		if ((r = seg_ynode_expect(d, nn, SEG_YNODE_SCALAR, key, err)) < 0 ||
		    (r = check(d, nn, &canon, err)) < 0 ||
		    (r = parse_reason(d, item, key, nn->value, &reason, err)) < 0)
			return r;
		if (grant_add(out, canon, reason, origin) < 0)
			return seg_error_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

static bool mount_target_reserved(const char *t)
{
	static const char *const reserved[] = { "/",   "/usr", "/proc", "/sys", "/dev", "/dev/shm",
						"/tmp", "/run", "/etc", "/bin", "/sbin", "/lib",
						"/lib64", "/var/cache/apt/archives", NULL };
	for (const char *const *r = reserved; *r; r++)
		if (strcmp(*r, t) == 0)
			return true;
	return strncmp(t, "/proc/", 6) == 0 || strncmp(t, "/sys/", 5) == 0 ||
	       strncmp(t, "/dev/", 5) == 0 || strncmp(t, "/usr/", 5) == 0;
}

static int parse_mounts(const seg_ydoc *d, const seg_ynode *list, const char *origin,
			seg_role *role, seg_error **err)
{
	static const char *const keys[] = { "source", "target", "writable", "reason", NULL };
	int r;

	if ((r = seg_ynode_expect(d, list, SEG_YNODE_SEQ, "mounts", err)) < 0)
		return r;
	for (size_t i = 0; i < list->n; i++) {
		const seg_ynode *item = list->items[i], *w;
		seg_mount m = { .origin = (char *)origin };
		const char *src, *dst, *reason;

		if ((r = seg_ynode_check_keys(d, item, "a mount", keys, err)) < 0 ||
		    (r = get_str(d, item, "source", "source", &src, err)) < 0 ||
		    (r = get_str(d, item, "target", "target", &dst, err)) < 0)
			return r;
		if (!src || !seg_path_valid(src))
			return seg_yerr(err, d, src ? seg_ynode_get(item, "source") : item, EINVAL,
					"mount source '%s' must be an absolute host path without "
					"'..', spaces or control characters",
					src ? src : "");
		if (!dst || !seg_path_valid(dst) || mount_target_reserved(dst))
			return seg_yerr(err, d, dst ? seg_ynode_get(item, "target") : item, EINVAL,
					"mount target '%s' must be an absolute path in the jail, "
					"outside /usr, /proc, /sys, /dev, /etc, /tmp, /run",
					dst ? dst : "");
		if ((w = seg_ynode_get(item, "writable")) &&
		    (r = seg_ynode_bool(d, w, "writable", &m.writable, err)) < 0)
			return r;
		if ((r = parse_reason(d, item, "mount", dst, &reason, err)) < 0)
			return r;
		m.source = (char *)src, m.target = (char *)dst, m.reason = (char *)reason;
		if (mount_add(role, &m) < 0)
			return seg_error_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

static bool sysctl_namespaced(const char *name)
{
	/* only sysctls that belong to the jail's own network or IPC namespace */
	return strncmp(name, "net.", 4) == 0 || strncmp(name, "kernel.shm", 10) == 0 ||
	       strncmp(name, "kernel.msg", 10) == 0 || strcmp(name, "kernel.sem") == 0 ||
	       strncmp(name, "fs.mqueue.", 10) == 0;
}

static int parse_sysctls(const seg_ydoc *d, const seg_ynode *list, const char *origin,
			 seg_role *role, seg_error **err)
{
	static const char *const keys[] = { "name", "value", "reason", NULL };
	int r;

	if ((r = seg_ynode_expect(d, list, SEG_YNODE_SEQ, "sysctls", err)) < 0)
		return r;
	for (size_t i = 0; i < list->n; i++) {
		const seg_ynode *item = list->items[i];
		const char *name, *value, *reason;
		seg_sysctl s;

		if ((r = seg_ynode_check_keys(d, item, "a sysctl", keys, err)) < 0 ||
		    (r = get_str(d, item, "name", "sysctl name", &name, err)) < 0 ||
		    (r = get_str(d, item, "value", "sysctl value", &value, err)) < 0)
			return r;
		if (!name || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_.") != strlen(name) ||
		    !sysctl_namespaced(name))
			return seg_yerr(err, d, name ? seg_ynode_get(item, "name") : item, EINVAL,
					"sysctl '%s' is not one a jail may set (only net.*, "
					"kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)",
					name ? name : "");
		if (!value || !*value ||
		    strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-") !=
			    strlen(value))
			return seg_yerr(err, d, value ? seg_ynode_get(item, "value") : item, EINVAL,
					"sysctl %s needs a 'value' of letters, digits, spaces, "
					"'.', '_' or '-'",
					name);
		if ((r = parse_reason(d, item, "sysctl", name, &reason, err)) < 0)
			return r;
		s = (seg_sysctl){ (char *)name, (char *)value, (char *)reason, (char *)origin };
		if (sysctl_add(role, &s) < 0)
			return seg_error_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

static int parse_limits(const seg_ydoc *d, const seg_ynode *map, seg_limits *l, seg_error **err)
{
	static const char *const keys[] = { "memory", "pids", "nofile", "cpu-weight", NULL };
	const seg_ynode *n;
	int r;

	if ((r = seg_ynode_check_keys(d, map, "limits", keys, err)) < 0)
		return r;
	if ((n = seg_ynode_get(map, "memory"))) {
		if ((r = seg_ynode_size(d, n, "memory", &l->memory, err)) < 0)
			return r;
		if (l->memory < (16ULL << 20) || l->memory > (1ULL << 40))
			return seg_yerr(err, d, n, ERANGE, "memory '%s' must be from 16M to 1024G",
					n->value);
	}
	if ((n = seg_ynode_get(map, "pids")) &&
	    ((r = seg_ynode_uint(d, n, "pids", 4194304, &l->pids, err)) < 0 ||
	     (l->pids < 8 && (r = seg_yerr(err, d, n, ERANGE, "pids must be at least 8")) < 0)))
		return r;
	if ((n = seg_ynode_get(map, "nofile")) &&
	    ((r = seg_ynode_uint(d, n, "nofile", 1048576, &l->nofile, err)) < 0 ||
	     (l->nofile < 16 && (r = seg_yerr(err, d, n, ERANGE, "nofile must be at least 16")) < 0)))
		return r;
	if ((n = seg_ynode_get(map, "cpu-weight")) &&
	    ((r = seg_ynode_uint(d, n, "cpu-weight", 10000, &l->cpu_weight, err)) < 0 ||
	     (l->cpu_weight < 1 &&
	      (r = seg_yerr(err, d, n, ERANGE, "cpu-weight must be from 1 to 10000")) < 0)))
		return r;
	return 0;
}

int seg_role_parse_body(const seg_ydoc *d, const seg_ynode *map, const char *origin,
			seg_role *role, seg_error **err)
{
	const seg_ynode *n;
	const char *s;
	int r;

	if ((r = get_str(d, map, "description", "description", &s, err)) < 0 ||
	    replace_str(&role->description, s) < 0)
		return r < 0 ? r : seg_error_set(err, ENOMEM, "out of memory");
	if ((n = seg_ynode_get(map, "shared")) &&
	    (r = seg_ynode_bool(d, n, "shared", &role->shared, err)) < 0)
		return r;
	if ((r = get_str(d, map, "init", "init", &s, err)) < 0)
		return r;
	if (s && (s[0] != '/' || strlen(s) > 255 || strpbrk(s, "\"'$`\\;|&<>")))
		return seg_yerr(err, d, seg_ynode_get(map, "init"), EINVAL,
				"init '%s' must be an absolute command path with plain arguments", s);
	if (replace_str(&role->init, s) < 0)
		return seg_error_set(err, ENOMEM, "out of memory");
	if ((n = seg_ynode_get(map, "capabilities")) &&
	    (r = parse_grants(d, n, "capabilities", "cap", check_cap, origin, &role->caps, err)) < 0)
		return r;
	if ((n = seg_ynode_get(map, "syscall-groups")) &&
	    (r = parse_grants(d, n, "syscall-groups", "group", check_group, origin, &role->groups,
			      err)) < 0)
		return r;
	if ((n = seg_ynode_get(map, "syscalls")) &&
	    (r = parse_grants(d, n, "syscalls", "syscall", check_syscall, origin, &role->syscalls,
			      err)) < 0)
		return r;
	if ((n = seg_ynode_get(map, "socket-families")) &&
	    (r = parse_grants(d, n, "socket-families", "family", check_family, origin,
			      &role->families, err)) < 0)
		return r;
	if ((n = seg_ynode_get(map, "limits")) && (r = parse_limits(d, n, &role->limits, err)) < 0)
		return r;
	if ((n = seg_ynode_get(map, "mounts")) && (r = parse_mounts(d, n, origin, role, err)) < 0)
		return r;
	if ((n = seg_ynode_get(map, "sysctls")) && (r = parse_sysctls(d, n, origin, role, err)) < 0)
		return r;
	return 0;
}

static int role_load_chain(const seg_ctx *ctx, const char *name, const char **chain, size_t depth,
			   seg_role **ret, seg_error **err)
{
	_cleanup_(seg_role_freep) seg_role *own = NULL, *res = NULL;
	_cleanup_free_ char *path = NULL;
	_cleanup_ydoc_ seg_ydoc *d = NULL;
	const char *parent = NULL, *fname = NULL;
	int r;

	if (!seg_jail_name_valid(name))
		return seg_error_set(err, EINVAL,
				     "invalid role name '%s' (valid: [a-z0-9][a-z0-9-]{0,30})", name);
	for (size_t i = 0; i < depth; i++)
		if (strcmp(chain[i], name) == 0) {
			char buf[512] = "";
			size_t len = 0;
			for (size_t j = 0; j < depth && len < sizeof(buf) - 40; j++)
				len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s -> ",
							chain[j]);
			return seg_error_set(err, ELOOP, "cycle in extends: %s%s", buf, name);
		}
	if (depth >= SEG_EXTENDS_MAX)
		return seg_error_set(err, ELOOP, "extends chain deeper than %d roles at '%s'",
				     SEG_EXTENDS_MAX, name);
	if (asprintf(&path, "%s/roles/%s.yaml", seg_ctx_get_profile_dir(ctx), name) < 0)
		return seg_error_set(err, ENOMEM, "out of memory");
	if (access(path, F_OK) < 0)
		return seg_error_set(err, ENOENT, "no role '%s' (no file %s; see --list-roles)",
				     name, path);
	if ((r = seg_ydoc_load(path, &d, err)) < 0)
		return r;
	if ((r = seg_ynode_check_keys(d, d->root, "a role", role_file_keys, err)) < 0 ||
	    (r = get_str(d, d->root, "name", "name", &fname, err)) < 0 ||
	    (r = get_str(d, d->root, "extends", "extends", &parent, err)) < 0)
		return r;
	if (fname && strcmp(fname, name) != 0)
		return seg_yerr(err, d, seg_ynode_get(d->root, "name"), EINVAL,
				"role name '%s' does not match its file name '%s.yaml'", fname, name);
	if (!(own = calloc(1, sizeof(*own))) || !(own->name = strdup(name)))
		return seg_error_set(err, ENOMEM, "out of memory");
	if ((r = seg_role_parse_body(d, d->root, name, own, err)) < 0)
		return r;
	if (parent) {
		chain[depth] = name;
		r = role_load_chain(ctx, parent, chain, depth + 1, &res, err);
		if (r < 0)
			return r == -ENOENT || r == -EINVAL || r == -ELOOP
				       ? seg_error_wrap(err, r, "%s:%u:%u: extends '%s'", d->file,
							seg_ynode_get(d->root, "extends")->line,
							seg_ynode_get(d->root, "extends")->column, parent)
				       : r;
		if (replace_str(&res->name, name) < 0 || replace_str(&res->extends, parent) < 0 ||
		    seg_role_merge(res, own) < 0)
			return seg_error_set(err, ENOMEM, "out of memory");
	} else
		res = TAKE_PTR(own);
	*ret = TAKE_PTR(res);
	return 0;
}

SEG_PUBLIC int seg_role_load(const seg_ctx *ctx, const char *name, seg_role **ret, seg_error **err)
{
	const char *chain[SEG_EXTENDS_MAX + 1];

	if (!ctx || !name || !ret)
		return seg_error_set(err, EINVAL, "seg_role_load: missing argument");
	return role_load_chain(ctx, name, chain, 0, ret, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

SEG_PUBLIC int seg_role_list(const seg_ctx *ctx, char ***ret, seg_error **err)
{
	_cleanup_free_ char *dir = NULL;
	_cleanup_strv_free_ char **v = NULL;
	DIR *dp;
	struct dirent *de;
	size_t n = 0;

	if (asprintf(&dir, "%s/roles", seg_ctx_get_profile_dir(ctx)) < 0)
		return seg_error_set(err, ENOMEM, "out of memory");
	if (!(dp = opendir(dir)))
		return seg_error_set(err, errno, "cannot open %s: %m", dir);
	if (!(v = calloc(1, sizeof(char *)))) {
		closedir(dp);
		return seg_error_set(err, ENOMEM, "out of memory");
	}
	while ((de = readdir(dp))) {
		size_t len = strlen(de->d_name);
		char **nv, *name;

		if (len <= 5 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		if (!(name = strndup(de->d_name, len - 5)) || !seg_jail_name_valid(name)) {
			free(name);
			continue;
		}
		if (!(nv = realloc(v, (n + 2) * sizeof(char *)))) {
			free(name);
			closedir(dp);
			return seg_error_set(err, ENOMEM, "out of memory");
		}
		v = nv;
		v[n++] = name;
		v[n] = NULL;
	}
	closedir(dp);
	qsort(v, n, sizeof(char *), cmp_str);
	*ret = TAKE_PTR(v);
	return 0;
}
