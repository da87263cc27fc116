/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --explain: every grant of a jail with its reason, and the counts the
 * project holds itself to (web: <= 3 capabilities, <= 200 x86_64 syscalls;
 * Docker's default keeps 14 and allows 286, systemd's @system-service 297).
 * Also the public one-call renderer, seg_profile_render().
 */
#include <string.h>

#include "context-internal.h"
#include "render.h"
#include "syscalls.h"

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_grants(FILE *f, const char *key, const seg_grants *g, bool last)
{
	fprintf(f, "  \"%s\": [", key);
	for (size_t i = 0; i < g->n; i++) {
		fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
		json_str(f, g->v[i].name);
		fprintf(f, ", \"reason\": ");
		json_str(f, g->v[i].reason);
		fprintf(f, ", \"from\": ");
		json_str(f, g->v[i].origin);
		fprintf(f, "}");
	}
	fprintf(f, "%s]%s\n", g->n ? "\n  " : "", last ? "" : ",");
}

static void text_grants(FILE *f, const char *title, const seg_grants *g, bool groups)
{
	fprintf(f, "%s (%zu):\n", title, g->n);
	if (g->n == 0)
		fprintf(f, "  (none)\n");
	for (size_t i = 0; i < g->n; i++) {
		if (groups) {
			const seg_syscall_group *sg = seg_syscall_group_find(g->v[i].name);
			size_t n = 0;
			for (const char *const *s = sg->syscalls; *s; s++)
				n++;
			fprintf(f, "  %-18s %3zu calls  [%s] %s\n", g->v[i].name, n, g->v[i].origin,
				g->v[i].reason);
		} else
			fprintf(f, "  %-28s [%s] %s%s\n", g->v[i].name, g->v[i].origin,
				g->v[i].reason,
				seg_syscall_normally_denied(g->v[i].name) ? " (normally denied)" : "");
	}
}

int seg_render_explain(const seg_ctx *ctx, const seg_plan_jail *jail, bool json, char **ret,
		       seg_error **err)
{
	_cleanup_free_ char *buf = NULL;
	const seg_role *role;
	seg_seccomp_stats st;
	size_t len = 0;
	FILE *f;
	int r;

	if (!jail || !jail->role || !ret)
		return seg_error_set(err, EINVAL, "seg_render_explain: missing argument");
	role = jail->role;
	if ((r = seg_seccomp_stats_for(role, &st, err)) < 0)
		return r;
	if (!(f = open_memstream(&buf, &len)))
		return seg_error_set(err, ENOMEM, "out of memory");
	if (json) {
		fprintf(f, "{\n  \"jail\": ");
		json_str(f, jail->name);
		fprintf(f, ",\n  \"role\": ");
		json_str(f, role->name);
		fprintf(f, ",\n  \"extends\": ");
		if (role->extends)
			json_str(f, role->extends);
		else
			fprintf(f, "null");
		fprintf(f, ",\n");
		json_grants(f, "capabilities", &role->caps, false);
		json_grants(f, "syscall_groups", &role->groups, false);
		json_grants(f, "syscalls", &role->syscalls, false);
		json_grants(f, "socket_families", &role->families, false);
		fprintf(f, "  \"mounts\": [");
		for (size_t i = 0; i < role->n_mounts; i++) {
			fprintf(f, "%s\n    {\"source\": ", i ? "," : "");
			json_str(f, role->mounts[i].source);
			fprintf(f, ", \"target\": ");
			json_str(f, role->mounts[i].target);
			fprintf(f, ", \"writable\": %s, \"reason\": ",
				role->mounts[i].writable ? "true" : "false");
			json_str(f, role->mounts[i].reason);
			fprintf(f, "}");
		}
		fprintf(f, "%s],\n", role->n_mounts ? "\n  " : "");
		fprintf(f, "  \"limits\": {\"memory\": %ju, \"pids\": %ju, \"nofile\": %ju, "
			   "\"cpu_weight\": %ju},\n",
			(uintmax_t)(role->limits.memory ? role->limits.memory : SEG_DEFAULT_MEMORY),
			(uintmax_t)(role->limits.pids ? role->limits.pids : SEG_DEFAULT_PIDS),
			(uintmax_t)(role->limits.nofile ? role->limits.nofile : SEG_DEFAULT_NOFILE),
			(uintmax_t)(role->limits.cpu_weight ? role->limits.cpu_weight
							    : SEG_DEFAULT_CPU_WEIGHT));
		fprintf(f, "  \"counts\": {\"capabilities\": %zu, \"syscalls_allowed\": %zu, "
			   "\"syscalls_filtered\": %zu, \"syscalls_eperm\": %zu, "
			   "\"syscalls_enosys\": %zu, \"syscalls_total\": %zu}\n}\n",
			st.caps, st.allowed, st.filtered, st.eperm, st.enosys, st.total);
	} else {
		fprintf(f, "jail %s: role %s%s%s\n", jail->name, role->name,
			role->extends ? ", extends " : "", role->extends ? role->extends : "");
		if (role->description)
			fprintf(f, "  %s\n", role->description);
		text_grants(f, "capabilities kept", &role->caps, false);
		text_grants(f, "syscall groups allowed", &role->groups, true);
		text_grants(f, "single syscalls allowed", &role->syscalls, false);
		text_grants(f, "socket families", &role->families, false);
		fprintf(f, "mounts (%zu):\n", role->n_mounts);
		for (size_t i = 0; i < role->n_mounts; i++)
			fprintf(f, "  %s -> %s %s [%s] %s\n", role->mounts[i].source,
				role->mounts[i].target, role->mounts[i].writable ? "rw" : "ro",
				role->mounts[i].origin, role->mounts[i].reason);
		fprintf(f, "sysctls (%zu):\n", role->n_sysctls);
		for (size_t i = 0; i < role->n_sysctls; i++)
			fprintf(f, "  %s = %s [%s] %s\n", role->sysctls[i].name,
				role->sysctls[i].value, role->sysctls[i].origin,
				role->sysctls[i].reason);
		fprintf(f, "counts:\n");
		fprintf(f, "  capabilities kept: %zu (Docker's default keeps 14)\n", st.caps);
		fprintf(f, "  x86_64 syscalls allowed: %zu of %zu, %zu of them only with argument "
			   "filters (Docker's default allows 286, systemd's @system-service 297)\n",
			st.allowed, st.total, st.filtered);
		fprintf(f, "  denied with EPERM: %zu; with ENOSYS: %zu\n", st.eperm, st.enosys);
	}
	if (ferror(f) | fclose(f))
		return seg_error_set(err, ENOMEM, "out of memory");
	*ret = TAKE_PTR(buf);
	return 0;
}

SEG_PUBLIC int seg_profile_render(const seg_ctx *ctx, const seg_topology *topo, const char *jail,
				  seg_render_kind kind, char **ret, seg_error **err)
{
	_cleanup_(seg_plan_freep) seg_plan *plan = NULL;
	const seg_plan_jail *j;
	int r;

	if (!ctx || !topo || !jail || !ret)
		return seg_error_set(err, EINVAL, "seg_profile_render: missing argument");
	if ((r = seg_plan_build(ctx, topo, NULL, 0, &plan, err)) < 0)
		return r;
	if (!(j = seg_plan_find_jail(plan, jail)))
		return seg_error_set(err, ENOENT, "no jail '%s' in %s", jail, topo->file);
	switch (kind) {
	case SEG_RENDER_LXC_CONFIG:
		return seg_render_lxc_config(ctx, plan, j, ret, err);
	case SEG_RENDER_SECCOMP:
		return seg_render_seccomp(ctx, j, ret, err);
	case SEG_RENDER_EXPLAIN:
	case SEG_RENDER_EXPLAIN_JSON:
		return seg_render_explain(ctx, j, kind == SEG_RENDER_EXPLAIN_JSON, ret, err);
	}
	return seg_error_set(err, EINVAL, "unknown render kind %d", (int)kind);
}
