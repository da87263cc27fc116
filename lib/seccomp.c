/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Seccomp: a role -> LXC's seccomp v2 policy text, and that text -> a
 * libseccomp filter (for BPF export, tests and benchmarks).
 *
 * The policy is an allowlist whose default action is ENOSYS (errno 38):
 * syscalls segregate does not know (newer than its tables) fail the way
 * glibc expects and falls back from.  Every syscall segregate knows (listed
 * in some group, lib/syscalls.c) and the role does not allow gets an
 * explicit "errno 1" (EPERM), except the ones glibc probes (clone3,
 * faccessat2, statx, ...) which get an explicit "errno 38".  Argument
 * filters: clone only without namespace flags (mask 0x7E020000; each flag
 * EPERM), personality only PER_LINUX/PER_LINUX32/UNAME26 and the query
 * 0xffffffff, socket only for the families the role grants (AF_NETLINK by
 * protocol; AF_ALG and AF_VSOCK EPERM), socketpair only AF_UNIX.
 *
 * Compat ABIs.  LXC 5.0.2 (src/lxc/seccomp.c, parse_config_v2) builds, on
 * an x86_64 host, contexts for x86_64, i386 and x32 and adds EVERY rule to
 * all three whatever the [arch] section says: the section only decides
 * whether a line is skipped.  So an allowlist in LXC's format also allows
 * the same syscall names through `int 0x80` (i386) and x32; the format
 * cannot say otherwise.  Two consequences, both checked by tests:
 *  - what LXC applies (seg_seccomp_compile(..., lxc_semantics=true)) never
 *    lets an i386 call reach a syscall the x86_64 policy denies, and the
 *    argument filters hold on i386 too (socketcall, which would hide the
 *    socket family in memory, is not an x86_64 name, so i386 gets ENOSYS);
 *  - the exact policy (no compat syscall at all) needs a second filter,
 *    seg_seccomp_compat_block(), stacked by the process that execs in the
 *    jail (seccomp filters stack; the strictest answer wins).  This kernel
 *    has no x32 (CONFIG_X86_X32_ABI unset) but the filter covers it anyway.
 * The sections are written as [all] because that is what LXC does with them.
 */
#include <inttypes.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <string.h>
#include <sys/socket.h>

#include "render.h"
#include "syscalls.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(scmp_filter_ctx, seccomp_release)

#define CLONE_NS_MASK 0x7E020000u /* CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET */

static const struct {
	const char *name;
	int domain;
	int protocol; /* -1: any */
} families[] = {
	{ "unix", AF_UNIX, -1 },
	{ "inet", AF_INET, -1 },
	{ "inet6", AF_INET6, -1 },
	{ "netlink-route", AF_NETLINK, 0 /* NETLINK_ROUTE */ },
	{ "netlink-audit", AF_NETLINK, 9 /* NETLINK_AUDIT */ },
	{ "packet", AF_PACKET, -1 },
};

bool seg_socket_family_lookup(const char *name, int *ret_domain, int *ret_protocol)
{
	for (size_t i = 0; i < ELEMENTSOF(families); i++)
		if (strcmp(families[i].name, name) == 0) {
			if (ret_domain)
				*ret_domain = families[i].domain;
			if (ret_protocol)
				*ret_protocol = families[i].protocol;
			return true;
		}
	return false;
}

bool seg_role_allows_syscall(const seg_role *role, const char *name)
{
	if (seg_role_has_grant(&role->syscalls, name))
		return true;
	for (size_t i = 0; i < role->groups.n; i++) {
		const seg_syscall_group *g = seg_syscall_group_find(role->groups.v[i].name);
		for (const char *const *s = g ? g->syscalls : NULL; s && *s; s++)
			if (strcmp(*s, name) == 0)
				return true;
	}
	return false;
}

/* A growing text buffer; the first allocation failure sticks. */
typedef struct sbuf {
	FILE *f;
	char *buf;
	size_t len;
} sbuf;

static int sbuf_open(sbuf *b)
{
	b->buf = NULL;
	b->len = 0;
	b->f = open_memstream(&b->buf, &b->len);
	return b->f ? 0 : -ENOMEM;
}

static int sbuf_close(sbuf *b, char **ret)
{
	int bad = ferror(b->f);

	if (fclose(b->f) != 0 || bad) {
		free(b->buf);
		return -ENOMEM;
	}
	*ret = b->buf;
	return 0;
}

static void emit_filtered(FILE *f, const seg_role *role, const char *name)
{
	if (strcmp(name, "clone") == 0) {
		fprintf(f, "# clone: only without namespace flags (mask 0x%08X)\n", CLONE_NS_MASK);
		fprintf(f, "clone allow [0,0,SCMP_CMP_MASKED_EQ,0x%08X]\n", CLONE_NS_MASK);
		for (unsigned bit = 0; bit < 32; bit++)
			if (CLONE_NS_MASK & (1u << bit))
				fprintf(f, "clone errno 1 [0,0x%08X,SCMP_CMP_MASKED_EQ,0x%08X]\n",
					1u << bit, 1u << bit);
	} else if (strcmp(name, "personality") == 0) {
		static const char *const ok[] = { "0", "0x8", "0x20000", "0x20008", "0xffffffff" };
		fprintf(f, "# personality: PER_LINUX, PER_LINUX32, UNAME26 and the query only\n");
		for (size_t i = 0; i < ELEMENTSOF(ok); i++)
			fprintf(f, "personality allow [0,%s,SCMP_CMP_EQ]\n", ok[i]);
	} else if (strcmp(name, "socket") == 0) {
		fprintf(f, "# socket: the families the role grants; AF_ALG and AF_VSOCK never\n");
		for (size_t i = 0; i < ELEMENTSOF(families); i++) {
			if (!seg_role_has_grant(&role->families, families[i].name))
				continue;
			if (families[i].protocol >= 0)
				fprintf(f, "socket allow [0,%d,SCMP_CMP_EQ][2,%d,SCMP_CMP_EQ]\n",
					families[i].domain, families[i].protocol);
			else
				fprintf(f, "socket allow [0,%d,SCMP_CMP_EQ]\n", families[i].domain);
		}
		fprintf(f, "socket errno 1 [0,%d,SCMP_CMP_EQ]\n", AF_ALG);
		fprintf(f, "socket errno 1 [0,%d,SCMP_CMP_EQ]\n", AF_VSOCK);
	} else if (strcmp(name, "socketpair") == 0) {
		fprintf(f, "# socketpair: AF_UNIX only\n");
		if (seg_role_has_grant(&role->families, "unix"))
			fprintf(f, "socketpair allow [0,%d,SCMP_CMP_EQ]\n", AF_UNIX);
	}
}

static bool is_filtered(const char *name)
{
	return strcmp(name, "clone") == 0 || strcmp(name, "personality") == 0 ||
	       strcmp(name, "socket") == 0 || strcmp(name, "socketpair") == 0;
}

/* socket/socketpair count as allowed only when some family makes them usable */
static bool effectively_allowed(const seg_role *role, const char *name)
{
	if (!seg_role_allows_syscall(role, name))
		return false;
	if (strcmp(name, "socket") == 0)
		return role->families.n > 0;
	if (strcmp(name, "socketpair") == 0)
		return seg_role_has_grant(&role->families, "unix");
	return true;
}

/* Has NAME already been written in group order before group GI / item? */
static bool emitted_before(const seg_role *role, size_t gi, const char *name)
{
	for (size_t k = 0; k < gi; k++) {
		const seg_syscall_group *g = seg_syscall_group_find(role->groups.v[k].name);
		for (const char *const *s = g->syscalls; *s; s++)
			if (strcmp(*s, name) == 0)
				return true;
	}
	return false;
}

static int render_role(const seg_role *role, const char *jail, char **ret)
{
	sbuf b;

	if (sbuf_open(&b) < 0)
		return -ENOMEM;
	fprintf(b.f, "2\nallowlist errno 38\n");
	fprintf(b.f, "# segregate seccomp policy for jail %s (role %s), LXC v2 format.\n", jail,
		role->name);
	fprintf(b.f, "# Unknown syscalls: ENOSYS (default); known but not granted: EPERM;\n"
		     "# syscalls glibc probes and falls back from: ENOSYS.\n"
		     "# LXC adds every rule to x86_64, i386 and x32 alike: see segregate's\n"
		     "# lib/seccomp.c for how compat ABIs are kept out.\n[all]\n");
	for (size_t gi = 0; gi < role->groups.n; gi++) {
		const seg_grant *gr = &role->groups.v[gi];
		const seg_syscall_group *g = seg_syscall_group_find(gr->name);

		fprintf(b.f, "# %s (%s): %s\n", gr->name, gr->origin, gr->reason);
		for (const char *const *s = g->syscalls; *s; s++) {
			if (emitted_before(role, gi, *s))
				continue;
			if (is_filtered(*s))
				emit_filtered(b.f, role, *s);
			else
				fprintf(b.f, "%s\n", *s);
		}
	}
	for (size_t i = 0; i < role->syscalls.n; i++) {
		const seg_grant *gr = &role->syscalls.v[i];
		if (emitted_before(role, role->groups.n, gr->name))
			continue;
		fprintf(b.f, "# %s (%s): %s\n", gr->name, gr->origin, gr->reason);
		if (is_filtered(gr->name))
			emit_filtered(b.f, role, gr->name);
		else
			fprintf(b.f, "%s\n", gr->name);
	}
	fprintf(b.f, "# known, not granted: EPERM\n");
	for (const seg_syscall_group *g = seg_syscall_groups; g->name; g++)
		for (const char *const *s = g->syscalls; *s; s++)
			if (!seg_role_allows_syscall(role, *s) && !seg_syscall_wants_enosys(*s))
				fprintf(b.f, "%s errno 1\n", *s);
	/* libseccomp refuses a rule whose action is the default one (EACCES),
	 * so these are left to the default and only named here */
	fprintf(b.f, "# not granted, left to the default ENOSYS so callers fall back:\n#");
	for (const seg_syscall_group *g = seg_syscall_groups; g->name; g++)
		for (const char *const *s = g->syscalls; *s; s++)
			if (!seg_role_allows_syscall(role, *s) && seg_syscall_wants_enosys(*s))
				fprintf(b.f, " %s", *s);
	fprintf(b.f, "\n");
	return sbuf_close(&b, ret);
}

int seg_render_seccomp(const seg_ctx *ctx, const seg_plan_jail *jail, char **ret,
		       seg_error **err)
{
	if (!jail || !jail->role || !ret)
		return seg_error_set(err, EINVAL, "seg_render_seccomp: missing argument");
	if (render_role(jail->role, jail->name, ret) < 0)
		return seg_error_set(err, ENOMEM, "out of memory");
	return 0;
}

int seg_seccomp_stats_for(const seg_role *role, seg_seccomp_stats *ret, seg_error **err)
{
	seg_seccomp_stats st = { .caps = role->caps.n };

	/* x86_64 numbers run from 0 to about 460; 1024 leaves room */
	for (int nr = 0; nr < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
		if (!name)
			continue;
		st.total++;
		if (effectively_allowed(role, name)) {
			st.allowed++;
			if (is_filtered(name))
				st.filtered++;
		} else if (seg_syscall_known(name) && !seg_syscall_wants_enosys(name))
			st.eperm++;
		else
			st.enosys++;
		free(name);
	}
	*ret = st;
	return 0;
}

/* ---- compiling LXC v2 text with libseccomp ---- */

static int parse_action(const char *s, uint32_t *ret)
{
	int e;

	if (strncmp(s, "allow", 5) == 0)
		*ret = SCMP_ACT_ALLOW;
	else if (strncmp(s, "kill", 4) == 0)
		*ret = SCMP_ACT_KILL;
	else if (strncmp(s, "trap", 4) == 0)
		*ret = SCMP_ACT_TRAP;
	else if (strncmp(s, "errno", 5) == 0 && sscanf(s + 5, "%d", &e) == 1 && e >= 0 && e < 4096)
		*ret = SCMP_ACT_ERRNO((uint32_t)e);
	else
		return -EINVAL;
	return 0;
}

static int parse_op(const char *s, enum scmp_compare *ret)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	for (size_t i = 0; i < ELEMENTSOF(ops); i++)
		if (strcmp(ops[i].name, s) == 0) {
			*ret = ops[i].op;
			return 0;
		}
	return -EINVAL;
}

typedef struct rule {
	char name[64];
	uint32_t action;
	unsigned n_args;
	struct scmp_arg_cmp args[6];
} rule;

/* "name [action] [i,value,op(,mask)]..." as LXC reads it */
static int parse_rule(const char *line, uint32_t def, rule *r)
{
	const char *p = line, *sp;
	size_t n = strcspn(line, " \t");

	memset(r, 0, sizeof(*r));
	if (n == 0 || n >= sizeof(r->name))
		return -EINVAL;
	memcpy(r->name, line, n);
	r->action = def;
	p = line + n;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p && *p != '[' && *p != '#') {
		if (parse_action(p, &r->action) < 0)
			return -EINVAL;
	}
	for (sp = strchr(p, '['); sp; sp = strchr(sp + 1, '[')) {
		char buf[128], *fields[5], *save = NULL;
		const char *close = strchr(sp, ']');
		size_t nf = 0, len;
		enum scmp_compare cmp;
		uint64_t value, mask = 0;
		unsigned long idx;

		if (!close || r->n_args >= 6 || (len = (size_t)(close - sp - 1)) >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, sp + 1, len);
		buf[len] = '\0';
		for (char *t = strtok_r(buf, ",", &save); t && nf < 5; t = strtok_r(NULL, ",", &save))
			fields[nf++] = t;
		if (nf < 3 || nf > 4 || parse_op(fields[2], &cmp) < 0)
			return -EINVAL;
		idx = strtoul(fields[0], NULL, 10);
		value = strtoull(fields[1], NULL, 0);
		if (nf == 4)
			mask = strtoull(fields[3], NULL, 0);
		if (idx > 5)
			return -EINVAL;
		r->args[r->n_args++] = cmp == SCMP_CMP_MASKED_EQ
					       ? SCMP_CMP((unsigned)idx, cmp, mask, value)
					       : SCMP_CMP((unsigned)idx, cmp, value);
	}
	return 0;
}

static int add_rule(scmp_filter_ctx f, uint32_t arch, const rule *r)
{
	int nr = seccomp_syscall_resolve_name(r->name);

	if (nr == __NR_SCMP_ERROR || nr < 0)
		return 0; /* LXC skips names the host arch does not have */
	if (arch != SCMP_ARCH_NATIVE && seccomp_syscall_resolve_name_arch(arch, r->name) < 0)
		return 0;
	return seccomp_rule_add_exact_array(f, r->action, nr, r->n_args, r->args);
}

static scmp_filter_ctx compat_ctx(uint32_t def, uint32_t arch)
{
	scmp_filter_ctx c = seccomp_init(def);

	if (!c)
		return NULL;
	if (seccomp_arch_add(c, arch) < 0 || seccomp_arch_remove(c, SCMP_ARCH_NATIVE) < 0) {
		seccomp_release(c);
		return NULL;
	}
	return c;
}

int seg_seccomp_compile(const char *text, bool lxc_semantics, void **ret, seg_error **err)
{
	_cleanup_(seccomp_releasep) scmp_filter_ctx main_ctx = NULL, c32 = NULL, cx32 = NULL;
	_cleanup_free_ char *copy = NULL;
	uint32_t def = SCMP_ACT_KILL;
	char *line, *save = NULL;
	unsigned lineno = 0;
	int r;

	if (!text || !(copy = strdup(text)))
		return seg_error_set(err, ENOMEM, "out of memory");
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (lineno == 1) {
			if (strcmp(line, "2") != 0)
				return seg_error_set(err, EINVAL, "seccomp policy: version must be 2");
			continue;
		}
		if (lineno == 2) {
			if (strncmp(line, "allowlist", 9) != 0)
				return seg_error_set(err, EINVAL,
						     "seccomp policy: only allowlists are supported");
			if (line[9] == ' ' && parse_action(line + 10, &def) < 0)
				return seg_error_set(err, EINVAL,
						     "seccomp policy: bad default action '%s'",
						     line + 10);
			if (!(main_ctx = seccomp_init(def)) ||
			    !(c32 = compat_ctx(def, SCMP_ARCH_X86)) ||
			    !(cx32 = compat_ctx(def, SCMP_ARCH_X32)))
				return seg_error_set(err, ENOMEM, "cannot create seccomp filters");
			continue;
		}
		if (line[0] == '#' || line[0] == '[' || !line[0])
			continue;
		rule rl;
		if (parse_rule(line, SCMP_ACT_ALLOW, &rl) < 0)
			return seg_error_set(err, EINVAL, "seccomp policy line %u: cannot parse '%s'",
					     lineno, line);
		if ((r = add_rule(main_ctx, SCMP_ARCH_NATIVE, &rl)) < 0)
			return seg_error_set(err, -r, "seccomp policy line %u: libseccomp refuses '%s': %s",
					     lineno, line, strerror(-r));
		if (!lxc_semantics)
			continue;
		if ((r = add_rule(c32, SCMP_ARCH_X86, &rl)) < 0 ||
		    (r = add_rule(cx32, SCMP_ARCH_X32, &rl)) < 0)
			return seg_error_set(err, -r,
					     "seccomp policy line %u: libseccomp refuses '%s' "
					     "for a compat arch: %s",
					     lineno, line, strerror(-r));
	}
	if (!main_ctx)
		return seg_error_set(err, EINVAL, "seccomp policy: truncated header");
	if ((r = seccomp_merge(main_ctx, c32)) < 0)
		return seg_error_set(err, -r, "seccomp: cannot merge the i386 filter: %s",
				     strerror(-r));
	c32 = NULL;
	if ((r = seccomp_merge(main_ctx, cx32)) < 0)
		return seg_error_set(err, -r, "seccomp: cannot merge the x32 filter: %s",
				     strerror(-r));
	cx32 = NULL;
	*ret = TAKE_PTR(main_ctx);
	return 0;
}

int seg_seccomp_compat_block(void **ret, seg_error **err)
{
	_cleanup_(seccomp_releasep) scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!f)
		return seg_error_set(err, ENOMEM, "cannot create a seccomp filter");
	/* native x86_64 only: any other ABI (i386, x32) gets ENOSYS */
	if ((r = seccomp_attr_set(f, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS))) < 0)
		return seg_error_set(err, -r, "seccomp: cannot set the bad-arch action: %s",
				     strerror(-r));
	*ret = TAKE_PTR(f);
	return 0;
}

int seg_seccomp_apply_compat_block(seg_error **err)
{
	void *f = NULL;
	int r;

	if ((r = seg_seccomp_compat_block(&f, err)) < 0)
		return r;
	/* libseccomp sets no_new_privs itself (SCMP_FLTATR_CTL_NNP defaults on) */
	r = seccomp_load((scmp_filter_ctx)f);
	seccomp_release((scmp_filter_ctx)f);
	if (r < 0)
		return seg_error_set(err, -r, "seccomp: cannot load the compat-ABI filter: %s",
				     strerror(-r));
	return 0;
}

int seg_seccomp_export_bpf(void *filter, int fd, seg_error **err)
{
	int r = seccomp_export_bpf((scmp_filter_ctx)filter, fd);

	if (r < 0)
		return seg_error_set(err, -r, "seccomp: cannot export BPF: %s", strerror(-r));
	return 0;
}
