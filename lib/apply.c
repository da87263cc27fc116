/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * seg_apply: a topology file in, the host made to match it.  Decides every
 * step first (pure: plan + registry + files on disk), then acts, all under
 * the registry's exclusive lock.  Jail steps are the jail module's own
 * transactions; the network is one nftables batch of element changes.
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include <segregate/apply.h>

#include "error-internal.h"
#include "fs-util.h"
#include "jail-internal.h"
#include "jail-lxc.h"
#include "net.h"
#include "nft.h"
#include "render.h"
#include "spec.h"

#define JAIL_FILE_MAX (4u << 20) /* a config or policy; far more than either needs */

typedef struct step {
	seg_apply_step what;
	const seg_plan_jail *pj; /* declared jails */
	char name[SEG_NAME_MAX + 1];
	char *config, *seccomp;
	char *detail;
	bool start;              /* start after create/recreate, or a stopped jail */
} step;

typedef struct run {
	const seg_ctx *ctx;
	seg_apply_progress_fn progress;
	void *userdata;
	step *steps;
	size_t n;
	unsigned changes;
} run;

static void run_done(run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->steps[i].config);
		free(r->steps[i].seccomp);
		free(r->steps[i].detail);
	}
	free(r->steps);
}

static void report(run *r, const char *jail, seg_apply_step what, const char *detail)
{
	if (r->progress)
		r->progress(r->userdata, jail, what, detail);
}

static step *add_step(run *r, const char *name, seg_apply_step what, seg_error **err)
{
	step *s = reallocarray(r->steps, r->n + 1, sizeof(*s));

	if (!s) {
		seg_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	r->steps = s;
	s = &r->steps[r->n++];
	*s = (step){ .what = what };
	snprintf(s->name, sizeof(s->name), "%s", name);
	return s;
}

/* LXCPATH/NAME/FILE, never through a symlink; NULL if absent or unreadable. */
static char *read_jail_file(const seg_ctx *ctx, const char *name, const char *file)
{
	_cleanup_close_ int lxc = -1, dir = -1;
	char *text = NULL;

	if ((lxc = open(seg_ctx_get_lxcpath(ctx), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (dir = openat(lxc, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    seg_read_file_at(dir, file, file, JAIL_FILE_MAX, &text, NULL) < 0)
		return NULL;
	return text;
}

/* Does LXCPATH/NAME/FILE hold exactly prefix (may be NULL) + want? */
static bool same_file(const seg_ctx *ctx, const char *name, const char *file, const char *prefix,
		      const char *want)
{
	_cleanup_free_ char *have = read_jail_file(ctx, name, file);
	size_t n = prefix ? strlen(prefix) : 0;

	return have && strncmp(have, prefix ? prefix : "", n) == 0 && strcmp(have + n, want) == 0;
}

static bool is_running(const seg_ctx *ctx, const char *name)
{
	char state[16];

	return seg_lxc_status(ctx, name, state, NULL, NULL) == 0 && strcmp(state, "RUNNING") == 0;
}

/* Phase 1: what has to happen, from the plan, the registry and the files. */
static int decide(run *r, const seg_plan *plan, const seg_registry *reg, const char *path,
		  unsigned flags, seg_error **err)
{
	const seg_ctx *ctx = r->ctx;
	char addr[16];
	step *s;
	int ret;

	for (size_t i = 0; i < plan->n_jails; i++) {
		const seg_plan_jail *pj = &plan->jails[i];
		const seg_registry_entry *e = seg_registry_find(reg, pj->name);
		_cleanup_free_ char *config = NULL, *seccomp = NULL;
		char marker[SEG_NAME_MAX + 32];

		if (e && !streq_ptr(e->topology, path))
			return seg_error_set(err, EEXIST,
					     "jail '%s' already exists and was made %s%s; seg-apply "
					     "manages only the jails of %s",
					     pj->name, e->topology ? "from " : "by seg-create --role ",
					     e->topology ? e->topology : e->role, path);
		if (flags & SEG_APPLY_DOWN) {
			if (e && !add_step(r, pj->name, SEG_APPLY_STEP_DESTROY, err))
				return -ENOMEM;
			continue;
		}
		/* what seg_jail_install writes first: the ownership marker */
		snprintf(marker, sizeof(marker), SEG_JAIL_MARKER "%s\n", pj->name);
		if ((ret = seg_render_lxc_config(ctx, plan, pj, &config, err)) < 0 ||
		    (ret = seg_render_seccomp(ctx, pj, &seccomp, err)) < 0)
			return seg_error_wrap(err, ret, "jail '%s'", pj->name);
		if (!e) {
			if (!(s = add_step(r, pj->name, SEG_APPLY_STEP_CREATE, err)))
				return -ENOMEM;
			s->start = !(flags & SEG_APPLY_NO_START);
			if (asprintf(&s->detail, "role %s, %s, uids %u-%u, veth %s", pj->role_name,
				     seg_addr_to_string(pj->addr, addr), pj->uid_base,
				     pj->uid_base + pj->uid_count - 1, pj->veth) < 0)
				s->detail = NULL;
		} else if (!same_file(ctx, pj->name, "config", marker, config) ||
			   !same_file(ctx, pj->name, "seccomp", NULL, seccomp)) {
			bool re = flags & SEG_APPLY_RECREATE;
			if (!(s = add_step(r, pj->name,
					   re ? SEG_APPLY_STEP_RECREATE : SEG_APPLY_STEP_CHANGED, err)))
				return -ENOMEM;
			s->start = re && !(flags & SEG_APPLY_NO_START);
			s->detail = strdup(re ? "its rendered config or policy changed"
					      : "its rendered config or policy changed; "
						"--recreate applies it");
		} else if (!is_running(ctx, pj->name) && !(flags & SEG_APPLY_NO_START)) {
			if (!(s = add_step(r, pj->name, SEG_APPLY_STEP_START, err)))
				return -ENOMEM;
			s->start = true;
		} else if (!(s = add_step(r, pj->name, SEG_APPLY_STEP_UNCHANGED, err))) {
			return -ENOMEM;
		}
		s->pj = pj;
		s->config = TAKE_PTR(config);
		s->seccomp = TAKE_PTR(seccomp);
	}
	/* jails this file made earlier that it no longer declares */
	for (size_t i = 0; i < seg_registry_count(reg); i++) {
		const seg_registry_entry *e = seg_registry_get(reg, i);
		bool gone = (flags & (SEG_APPLY_DOWN | SEG_APPLY_PRUNE)) != 0;

		if (!streq_ptr(e->topology, path) || seg_plan_find_jail(plan, e->name))
			continue;
		if (!(s = add_step(r, e->name, gone ? SEG_APPLY_STEP_DESTROY : SEG_APPLY_STEP_UNDECLARED,
				   err)))
			return -ENOMEM;
		if (!gone)
			s->detail = strdup("no longer declared; --prune removes it");
	}
	return 0;
}

/* A host port another topology on this host already forwards is refused
 * before anything is made (the network plan would refuse it at start). */
static int check_ingress(const seg_ctx *ctx, const seg_registry *reg, const seg_plan *plan,
			 const char *path, seg_error **err)
{
	_cleanup_(seg_plan_freep) seg_plan *host = NULL;
	int r;

	if (plan->n_ingress == 0)
		return 0;
	if ((r = seg_net_plan_from_registry(ctx, reg, NULL, &host, err)) < 0)
		return r;
	for (size_t i = 0; i < plan->n_ingress; i++)
		for (size_t k = 0; k < host->n_ingress; k++) {
			const seg_plan_ingress *a = &plan->ingress[i], *b = &host->ingress[k];
			const char *owner = host->jails[b->to].name;

			if (a->host_port == b->host_port && a->proto == b->proto &&
			    !seg_plan_find_jail(plan, owner))
				return seg_error_set(err, EEXIST,
						     "host port %u/%s is already forwarded to jail "
						     "'%s' of another topology",
						     a->host_port,
						     a->proto == IPPROTO_UDP ? "udp" : "tcp", owner);
		}
	return 0;
}

static bool is_change(seg_apply_step what)
{
	return what == SEG_APPLY_STEP_CREATE || what == SEG_APPLY_STEP_START ||
	       what == SEG_APPLY_STEP_DESTROY || what == SEG_APPLY_STEP_RECREATE;
}

/* Phase 2: one jail's step, a transaction of the jail module. */
static int act(run *r, seg_registry *reg, const char *path, step *s, seg_error **err)
{
	const seg_ctx *ctx = r->ctx;
	int ret = 0;

	if (s->what == SEG_APPLY_STEP_DESTROY || s->what == SEG_APPLY_STEP_RECREATE)
		ret = seg_jail_destroy_locked(ctx, reg, s->name, SEG_JAIL_DESTROY_FORCE, err);
	if (ret == 0 && (s->what == SEG_APPLY_STEP_CREATE || s->what == SEG_APPLY_STEP_RECREATE))
		ret = seg_jail_install(ctx, reg, s->pj, path, s->config, s->seccomp, err);
	if (ret == 0 && s->start) {
		ret = seg_jail_start_locked(ctx, reg, s->name, err);
		/* as seg-create --start: a new jail that cannot start is not kept */
		if (ret < 0 && s->what != SEG_APPLY_STEP_START &&
		    seg_jail_remove_locked(ctx, reg, s->name, NULL) < 0)
			seg_warn(ctx, "could not remove %s after its start failed", s->name);
	}
	return ret;
}

/* The registry's jails of this file with its flows, element changes only. */
static int sync_network(run *r, const seg_registry *reg, const char *path, const seg_plan *plan,
			bool dry_run, bool down, seg_error **err)
{
	_cleanup_(seg_plan_freep) seg_plan *now = NULL;
	const char *table = seg_ctx_get_nft_table(r->ctx);
	char detail[64];
	size_t changes = 0;
	bool mine = false;
	int ret;

	for (size_t i = 0; i < seg_registry_count(reg); i++)
		mine |= streq_ptr(seg_registry_get(reg, i)->topology, path);
	if (dry_run) {
		/* after the run every declared jail exists with the plan's allocations */
		if (!down && (ret = seg_nft_sync(table, plan, false, &changes, err)) < 0)
			return ret;
	} else if (seg_registry_count(reg) == 0) {
		/* nothing left to protect: the table goes (seg-net flush) */
		if ((ret = seg_net_flush(r->ctx, err)) < 0)
			return ret;
		changes = 0;
	} else if (mine) {
		if ((ret = seg_net_plan_from_registry(r->ctx, reg, path, &now, err)) < 0 ||
		    (ret = seg_nft_sync(table, now, true, &changes, err)) < 0)
			return ret;
	}
	if (changes > 0) {
		snprintf(detail, sizeof(detail), "%zu element change%s", changes,
			 changes == 1 ? "" : "s");
		report(r, NULL, SEG_APPLY_STEP_NETWORK, detail);
		r->changes += (unsigned)changes;
	}
	return 0;
}

SEG_PUBLIC int seg_apply(const seg_ctx *ctx, const char *topology, unsigned flags,
			 seg_apply_progress_fn progress, void *userdata, unsigned *ret_changes,
			 seg_error **err)
{
	_cleanup_(seg_registry_freep) seg_registry *reg = NULL;
	_cleanup_(seg_topology_freep) seg_topology *topo = NULL;
	_cleanup_(seg_plan_freep) seg_plan *plan = NULL;
	_cleanup_free_ seg_alloc *allocs = NULL;
	_cleanup_free_ char *path = NULL;
	_cleanup_(run_done) run r = { .ctx = ctx, .progress = progress, .userdata = userdata };
	bool dry = flags & SEG_APPLY_DRY_RUN;
	size_t n_allocs = 0;
	int ret;

	if (!ctx || !topology)
		return seg_error_set(err, EINVAL, "seg_apply: ctx and topology are required");
	if ((flags & SEG_APPLY_DOWN) && (flags & (SEG_APPLY_PRUNE | SEG_APPLY_RECREATE)))
		return seg_error_set(err, EINVAL, "--down removes everything: it takes neither "
						  "--prune nor --recreate");
	/* the registry records absolute paths: jails are matched to their file */
	if (!(path = realpath(topology, NULL)))
		return seg_error_set(err, errno, "topology %s: %m", topology);
	if ((ret = seg_topology_load(ctx, path, &topo, err)) < 0)
		return ret;
	if ((ret = seg_registry_open(ctx,
				     dry ? SEG_REGISTRY_SHARED
					 : SEG_REGISTRY_EXCLUSIVE | SEG_REGISTRY_CREATE,
				     &reg, err)) < 0 ||
	    (ret = seg_registry_allocs(reg, &allocs, &n_allocs, err)) < 0 ||
	    (ret = seg_plan_build(ctx, topo, allocs, n_allocs, &plan, err)) < 0 ||
	    (!(flags & SEG_APPLY_DOWN) && (ret = check_ingress(ctx, reg, plan, path, err)) < 0) ||
	    (ret = decide(&r, plan, reg, path, flags, err)) < 0)
		return seg_error_wrap(err, ret, "applying %s", path);

	for (size_t i = 0; i < r.n; i++) {
		step *s = &r.steps[i];

		if (!dry && is_change(s->what) && (ret = act(&r, reg, path, s, err)) < 0) {
			report(&r, s->name, SEG_APPLY_STEP_FAILED, err && *err ? seg_error_message(*err) : NULL);
			return seg_error_wrap(err, ret, "applying %s", path);
		}
		report(&r, s->name, s->what, s->detail);
		if (s->start && s->what != SEG_APPLY_STEP_START)
			report(&r, s->name, SEG_APPLY_STEP_START, NULL);
		r.changes += is_change(s->what);
	}
	if ((ret = sync_network(&r, reg, path, plan, dry, flags & SEG_APPLY_DOWN, err)) < 0)
		return seg_error_wrap(err, ret, "applying %s: network", path);
	if (ret_changes)
		*ret_changes = r.changes;
	return 0;
}
