/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "tool.h"

static const char *progname = "seg";

void tool_init(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	progname = slash ? slash + 1 : (argv0 ? argv0 : "seg");
	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, SEG_LOCALEDIR);
	textdomain(PACKAGE);
}

const char *tool_name(void)
{
	return progname;
}

void tool_warn(const char *format, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void tool_error(seg_error *e, const char *fallback)
{
	if (e)
		fprintf(stderr, "%s: %s\n", progname, seg_error_message(e));
	else
		fprintf(stderr, "%s: %s\n", progname, fallback ? fallback : _("unknown error"));
	seg_error_free(e);
}

int tool_usage_error(const char *format, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fprintf(stderr, _("Try '%s --help' for more information.\n"), progname);
	return SEG_EXIT_USAGE;
}

void tool_print_version(void)
{
	printf("%s (segregate) %s\n", progname, seg_version());
}

seg_ctx *tool_ctx_new(const char *state_dir, const char *lxcpath, const char *profile_dir)
{
	seg_error *e = NULL;
	seg_ctx *ctx = NULL;

	if (!state_dir)
		state_dir = getenv("SEGREGATE_STATE_DIR");
	if (!lxcpath)
		lxcpath = getenv("SEGREGATE_LXCPATH");
	if (!profile_dir)
		profile_dir = getenv("SEGREGATE_PROFILE_DIR");

	if (seg_ctx_new(&ctx, &e) < 0 ||
	    (state_dir && *state_dir && seg_ctx_set_state_dir(ctx, state_dir, &e) < 0) ||
	    (lxcpath && *lxcpath && seg_ctx_set_lxcpath(ctx, lxcpath, &e) < 0) ||
	    (profile_dir && *profile_dir && seg_ctx_set_profile_dir(ctx, profile_dir, &e) < 0)) {
		tool_error(e, _("cannot set up the context"));
		return seg_ctx_free(ctx);
	}
	return ctx;
}

void tool_print_common_options(void)
{
	printf(_("      --state-dir DIR      registry and jails below DIR\n"
		 "                           (default %s, or $SEGREGATE_STATE_DIR)\n"
		 "      --lxcpath DIR        LXC path of the jails (default STATE_DIR/jails)\n"
		 "      --profile-dir DIR    role profiles below DIR/roles\n"
		 "                           (default %s)\n"
		 "  -h, --help               show this help and exit\n"
		 "  -V, --version            show the version and exit\n"),
	       SEG_DEFAULT_STATE_DIR, SEG_DATADIR);
}

int tool_common_option(int c, const char *arg, tool_paths *paths, void (*help)(void))
{
	switch (c) {
	case TOOL_OPT_STATE_DIR:
		paths->state_dir = arg;
		return TOOL_CONTINUE;
	case TOOL_OPT_LXCPATH:
		paths->lxcpath = arg;
		return TOOL_CONTINUE;
	case TOOL_OPT_PROFILE_DIR:
		paths->profile_dir = arg;
		return TOOL_CONTINUE;
	case 'h':
		help();
		return SEG_EXIT_OK;
	case 'V':
		tool_print_version();
		return SEG_EXIT_OK;
	default:
		return tool_usage_error(_("unknown option"));
	}
}

int tool_one_name(int argc, char **argv, int optind, const char **ret_name)
{
	if (optind != argc - 1)
		return tool_usage_error(optind >= argc ? _("missing jail NAME")
						       : _("exactly one jail NAME expected"));
	*ret_name = argv[optind];
	return 0;
}
