/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rendering: byte-identical golden files for every shipped role and every
 * jail of the example topology (SEG_UPDATE_GOLDEN=1 rewrites them), and
 * liblxc itself loading each rendered config and reading key items back.
 */
#include <lxc/lxccontainer.h>
#include <sys/stat.h>

#include "plan.h"
#include "render.h"
#include "spec.h"
#include "tap.h"
#include "test-profile-util.h"

static const char *const roles[] = { "base", "waf", "proxy", "web", "db", "syslog", "dns", "hids" };

static void golden(const char *name, const char *got)
{
	char path[1024];
	_cleanup_free_ char *want = NULL;

	snprintf(path, sizeof(path), "%s/golden/%s", getenv("SEG_TESTS_DIR"), name);
	if (getenv("SEG_UPDATE_GOLDEN")) {
		write_file(path, got);
		ok(true, "golden %s rewritten", name);
		return;
	}
	want = read_file(path);
	if (!ok(want && strcmp(want, got) == 0, "%s is byte-identical to its golden file", name)) {
		const char *a = want ? want : "", *b = got;
		unsigned line = 1;
		while (*a && *a == *b) {
			line += *a == '\n';
			a++, b++;
		}
		tap_diag("first difference at line %u (%s)", line, want ? "content" : "golden missing");
	}
}

static void render_all(seg_ctx *ctx, const seg_topology *t, const char *jail, const char *prefix)
{
	_cleanup_free_ char *config = NULL, *policy = NULL, *explain = NULL;
	char name[256];
	seg_error *e = NULL;

	if (seg_profile_render(ctx, t, jail, SEG_RENDER_LXC_CONFIG, &config, &e) < 0 ||
	    seg_profile_render(ctx, t, jail, SEG_RENDER_SECCOMP, &policy, &e) < 0 ||
	    seg_profile_render(ctx, t, jail, SEG_RENDER_EXPLAIN_JSON, &explain, &e) < 0) {
		ok(false, "%s%s renders: %s", prefix, jail, e ? seg_error_message(e) : "?");
		seg_error_free(e);
		return;
	}
	snprintf(name, sizeof(name), "%s%s.config", prefix, jail);
	golden(name, config);
	snprintf(name, sizeof(name), "%s%s.seccomp", prefix, jail);
	golden(name, policy);
	snprintf(name, sizeof(name), "%s%s.explain.json", prefix, jail);
	golden(name, explain);
}

static void test_golden(void)
{
	_cleanup_(seg_ctx_freep) seg_ctx *ctx = test_ctx(NULL, "/var/lib/segregate/jails");
	_cleanup_(seg_topology_freep) seg_topology *topo = NULL;
	char path[1024];
	seg_error *e = NULL;

	for (size_t i = 0; i < ELEMENTSOF(roles); i++) {
		_cleanup_(seg_topology_freep) seg_topology *t = NULL;
		if (seg_topology_new_single(ctx, roles[i], roles[i], &t, &e) < 0) {
			ok(false, "role %s: %s", roles[i], seg_error_message(e));
			continue;
		}
		render_all(ctx, t, roles[i], "role-");
	}
	snprintf(path, sizeof(path), "%s/examples/webplatform.yaml", getenv("SEGREGATE_PROFILE_DIR"));
	if (seg_topology_load(ctx, path, &topo, &e) < 0) {
		ok(false, "example topology: %s", seg_error_message(e));
		return;
	}
	for (size_t i = 0; i < topo->n_jails; i++)
		render_all(ctx, topo, topo->jails[i].name, "webplatform-");
	{
		_cleanup_(seg_topology_freep) seg_topology *t = NULL;
		_cleanup_free_ char *text = NULL;
		if (seg_topology_new_single(ctx, "web", "web", &t, NULL) == 0 &&
		    seg_profile_render(ctx, t, "web", SEG_RENDER_EXPLAIN, &text, NULL) == 0)
			golden("role-web.explain", text);
	}
}

static char *item(struct lxc_container *c, const char *key)
{
	char buf[4096];
	int n = c->get_config_item(c, key, buf, sizeof(buf));

	if (n < 0 || (size_t)n >= sizeof(buf))
		return strdup("(error)");
	/* multi-valued keys come back one per line */
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return strdup(buf);
}

static void check_item(struct lxc_container *c, const char *jail, const char *key, const char *want)
{
	_cleanup_free_ char *got = item(c, key);
	if (!ok(strcmp(got, want) == 0, "%s: liblxc reads %s back", jail, key))
		tap_diag("got '%s' want '%s'", got, want);
}

static void test_liblxc(void)
{
	char tmp[] = "/tmp/test-render-lxc-XXXXXX";
	_cleanup_(seg_ctx_freep) seg_ctx *ctx = NULL;
	_cleanup_(seg_topology_freep) seg_topology *topo = NULL;
	_cleanup_(seg_plan_freep) seg_plan *plan = NULL;
	char path[1024];
	seg_error *e = NULL;

	if (!mkdtemp(tmp)) {
		ok(false, "mkdtemp");
		return;
	}
	ctx = test_ctx(NULL, tmp);
	snprintf(path, sizeof(path), "%s/examples/webplatform.yaml", getenv("SEGREGATE_PROFILE_DIR"));
	if (seg_topology_load(ctx, path, &topo, &e) < 0 || seg_plan_build(ctx, topo, NULL, 0, &plan, &e) < 0) {
		ok(false, "plan: %s", seg_error_message(e));
		return;
	}
	for (size_t i = 0; i < plan->n_jails; i++) {
		const seg_plan_jail *j = &plan->jails[i];
		_cleanup_free_ char *config = NULL, *want = NULL;
		struct lxc_container *c;
		char dir[1200], cfg[1300];

		if (seg_render_lxc_config(ctx, plan, j, &config, &e) < 0) {
			ok(false, "%s renders", j->name);
			continue;
		}
		snprintf(dir, sizeof(dir), "%s/%s", tmp, j->name);
		mkdir(dir, 0755);
		snprintf(cfg, sizeof(cfg), "%s/config", dir);
		write_file(cfg, config);
		c = lxc_container_new(j->name, tmp);
		if (!ok(c != NULL, "%s: lxc_container_new", j->name))
			continue;
		c->clear_config(c);
		ok(c->load_config(c, cfg), "%s: liblxc loads the rendered config", j->name);
		check_item(c, j->name, "lxc.uts.name", j->name);
		check_item(c, j->name, "lxc.no_new_privs", "1");
		check_item(c, j->name, "lxc.net.0.veth.pair", j->veth);
		check_item(c, j->name, "lxc.net.0.link", "");
		check_item(c, j->name, "lxc.rootfs.options", "idmap=container");
		check_item(c, j->name, "lxc.autodev", "1");
		if (asprintf(&want, "%s/seccomp", dir) > 0)
			check_item(c, j->name, "lxc.seccomp.profile", want);
		free(want);
		if (asprintf(&want, "u 0 %u 65536\ng 0 %u 65536", j->uid_base, j->uid_base) > 0)
			check_item(c, j->name, "lxc.idmap", want);
		free(want);
		if (asprintf(&want, "%u.%u.%u.%u/32", j->addr >> 24, (j->addr >> 16) & 255,
			     (j->addr >> 8) & 255, j->addr & 255) > 0)
			check_item(c, j->name, "lxc.net.0.ipv4.address", want);
		{
			_cleanup_free_ char *caps = item(c, "lxc.cap.keep");
			for (char *q = caps; *q; q++)
				if (*q == '\n')
					*q = ' ';
			ok(strcmp(caps, "(error)") != 0 && strlen(caps) > 0, "%s: cap.keep '%s'",
			   j->name, caps);
		}
		lxc_container_put(c);
	}
	rm_rf(tmp);
}

int main(void)
{
	if (!getenv("SEG_TESTS_DIR"))
		tap_skip_all("SEG_TESTS_DIR unset (run through meson test)");
	test_golden();
	test_liblxc();
	return tap_done();
}
