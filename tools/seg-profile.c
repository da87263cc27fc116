/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seg-profile: renders hardened LXC configs and seccomp policies from role profiles. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "context-internal.h"
#include "plan.h"
#include "render.h"
#include "spec.h"
#include "syscalls.h"
#include "tool.h"

static void help(void)
{
	printf(_("Usage: %s [OPTION]... --role ROLE NAME\n"
		 "  or:  %s [OPTION]... --topology FILE --jail NAME\n"
		 "  or:  %s --list-roles | --list-groups\n"
		 "Render the hardened LXC configuration (default) or seccomp policy of a jail.\n"
		 "\n"
		 "  -r, --role=ROLE        render jail NAME with role ROLE and defaults\n"
		 "  -t, --topology=FILE    render a jail of the topology FILE\n"
		 "  -j, --jail=NAME        the jail to render from the topology\n"
		 "  -s, --seccomp          print the seccomp policy instead of the config\n"
		 "  -e, --explain          print every grant with its reason, and the counts\n"
		 "      --json             machine-readable --explain, --list-roles, --list-groups\n"
		 "  -o, --output=DIR       write DIR/config and DIR/seccomp (atomically)\n"
		 "      --list-roles       list the roles of the profile directory\n"
		 "      --list-groups      list the syscall groups\n"
		 "      --profile-dir=DIR  roles from DIR/roles (env SEGREGATE_PROFILE_DIR)\n"
		 "      --lxcpath=DIR      the jails' LXC path used in paths (env SEGREGATE_LXCPATH)\n"
		 "      --state-dir=DIR    state directory (env SEGREGATE_STATE_DIR)\n"
		 "  -h, --help             show this help and exit\n"
		 "  -V, --version          show the version and exit\n"
		 "\n"
		 "Exit status: 0 success, 1 failure (invalid profile or topology, cannot write),\n"
		 "2 usage error.\n"),
	       tool_name(), tool_name(), tool_name());
}

static int write_atomic(const char *dir, const char *name, const char *text)
{
	_cleanup_free_ char *path = NULL, *tmp = NULL;
	size_t len = strlen(text), off = 0;
	int fd;

	if (asprintf(&path, "%s/%s", dir, name) < 0 || asprintf(&tmp, "%s/.%s.XXXXXX", dir, name) < 0)
		return -ENOMEM;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return -errno;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = -errno;
			close(fd);
			unlink(tmp);
			return r;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		int r = -errno;
		unlink(tmp);
		return r;
	}
	return 0;
}

static int list_roles(seg_ctx *ctx, bool json)
{
	seg_error *e = NULL;
	char **names = NULL;

	if (seg_role_list(ctx, &names, &e) < 0) {
		tool_error(e, NULL);
		return SEG_EXIT_FAILURE;
	}
	if (json)
		printf("[");
	for (size_t i = 0; names[i]; i++) {
		seg_role *r = NULL;
		const char *desc = "";

		if (seg_role_load(ctx, names[i], &r, NULL) == 0 && r->description)
			desc = r->description;
		if (json)
			printf("%s{\"name\": \"%s\", \"description\": \"%s\"}", i ? ", " : "", names[i],
			       strchr(desc, '"') ? "" : desc);
		else
			printf("%-10s %s\n", names[i], desc);
		seg_role_free(r);
	}
	if (json)
		printf("]\n");
	strv_free(names);
	return SEG_EXIT_OK;
}

static int list_groups(bool json)
{
	if (json)
		printf("[");
	for (const seg_syscall_group *g = seg_syscall_groups; g->name; g++) {
		if (json)
			printf("%s{\"name\": \"%s\", \"syscalls\": [", g == seg_syscall_groups ? "" : ", ",
			       g->name);
		else
			printf("%s: %s\n ", g->name, g->description);
		for (const char *const *s = g->syscalls; *s; s++)
			printf(json ? "%s\"%s\"" : "%s%s", json && s != g->syscalls ? ", " : " ", *s);
		printf(json ? "]}" : "\n");
	}
	if (json)
		printf("]\n");
	return SEG_EXIT_OK;
}

int main(int argc, char **argv)
{
	enum { ARG_JSON = 0x100, ARG_LIST_ROLES, ARG_LIST_GROUPS, ARG_PROFILE_DIR, ARG_LXCPATH,
	       ARG_STATE_DIR };
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "role", required_argument, NULL, 'r' },
		{ "topology", required_argument, NULL, 't' },
		{ "jail", required_argument, NULL, 'j' },
		{ "seccomp", no_argument, NULL, 's' },
		{ "explain", no_argument, NULL, 'e' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, ARG_JSON },
		{ "list-roles", no_argument, NULL, ARG_LIST_ROLES },
		{ "list-groups", no_argument, NULL, ARG_LIST_GROUPS },
		{ "profile-dir", required_argument, NULL, ARG_PROFILE_DIR },
		{ "lxcpath", required_argument, NULL, ARG_LXCPATH },
		{ "state-dir", required_argument, NULL, ARG_STATE_DIR },
		{}
	};
	const char *role = NULL, *topo_path = NULL, *jail = NULL, *outdir = NULL;
	const char *profile_dir = NULL, *lxcpath = NULL, *state_dir = NULL;
	bool seccomp = false, explain = false, json = false, lroles = false, lgroups = false;
	_cleanup_(seg_topology_freep) seg_topology *topo = NULL;
	_cleanup_ctx_ seg_ctx *ctx = NULL;
	seg_error *e = NULL;
	int c;

	tool_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hVr:t:j:seo:", opts, NULL)) >= 0) {
		switch (c) {
		case 'h':
			help();
			return SEG_EXIT_OK;
		case 'V':
			tool_print_version();
			return SEG_EXIT_OK;
		case 'r': role = optarg; break;
		case 't': topo_path = optarg; break;
		case 'j': jail = optarg; break;
		case 's': seccomp = true; break;
		case 'e': explain = true; break;
		case 'o': outdir = optarg; break;
		case ARG_JSON: json = true; break;
		case ARG_LIST_ROLES: lroles = true; break;
		case ARG_LIST_GROUPS: lgroups = true; break;
		case ARG_PROFILE_DIR: profile_dir = optarg; break;
		case ARG_LXCPATH: lxcpath = optarg; break;
		case ARG_STATE_DIR: state_dir = optarg; break;
		default:
			return tool_usage_error(_("unknown option"));
		}
	}
	if (lgroups)
		return list_groups(json);
	if (!(ctx = tool_ctx_new(state_dir, lxcpath, profile_dir)))
		return SEG_EXIT_FAILURE;
	if (lroles)
		return list_roles(ctx, json);
	if (role && topo_path)
		return tool_usage_error(_("--role and --topology exclude each other"));
	if (seccomp && explain)
		return tool_usage_error(_("--seccomp and --explain exclude each other"));
	if (outdir && (seccomp || explain))
		return tool_usage_error(_("--output writes both files; drop --seccomp/--explain"));
	if (role) {
		if (optind + 1 != argc)
			return tool_usage_error(_("--role needs exactly one jail NAME"));
		jail = argv[optind];
		if (seg_topology_new_single(ctx, jail, role, &topo, &e) < 0) {
			tool_error(e, NULL);
			return SEG_EXIT_FAILURE;
		}
	} else if (topo_path) {
		if (optind != argc)
			return tool_usage_error(_("unexpected argument '%s'"), argv[optind]);
		if (!jail)
			return tool_usage_error(_("--topology needs --jail NAME"));
		if (seg_topology_load(ctx, topo_path, &topo, &e) < 0) {
			tool_error(e, NULL);
			return SEG_EXIT_FAILURE;
		}
	} else
		return tool_usage_error(_("missing --role ROLE NAME or --topology FILE --jail NAME"));

	if (outdir) {
		_cleanup_free_ char *config = NULL, *policy = NULL;
		int r;

		if (seg_profile_render(ctx, topo, jail, SEG_RENDER_LXC_CONFIG, &config, &e) < 0 ||
		    seg_profile_render(ctx, topo, jail, SEG_RENDER_SECCOMP, &policy, &e) < 0) {
			tool_error(e, NULL);
			return SEG_EXIT_FAILURE;
		}
		if ((r = write_atomic(outdir, "seccomp", policy)) < 0 ||
		    (r = write_atomic(outdir, "config", config)) < 0) {
			tool_warn(_("cannot write to %s: %s"), outdir, strerror(-r));
			return SEG_EXIT_FAILURE;
		}
		return SEG_EXIT_OK;
	} else {
		_cleanup_free_ char *out = NULL;
		seg_render_kind kind = seccomp ? SEG_RENDER_SECCOMP
				       : explain ? (json ? SEG_RENDER_EXPLAIN_JSON : SEG_RENDER_EXPLAIN)
						 : SEG_RENDER_LXC_CONFIG;

		if (json && !explain)
			return tool_usage_error(_("--json goes with --explain, --list-roles or --list-groups"));
		if (seg_profile_render(ctx, topo, jail, kind, &out, &e) < 0) {
			tool_error(e, NULL);
			return SEG_EXIT_FAILURE;
		}
		fputs(out, stdout);
	}
	return fflush(stdout) == 0 ? SEG_EXIT_OK : SEG_EXIT_FAILURE;
}
