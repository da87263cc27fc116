/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every seg-* tool shares: translation, messages, exit codes. */
#ifndef SEG_TOOL_H
#define SEG_TOOL_H

#include <getopt.h>
#include <libintl.h>
#include <stdbool.h>
#include <segregate/segregate.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Exit codes, the same for every tool (documented in each man page). */
enum {
	SEG_EXIT_OK = 0,
	SEG_EXIT_FAILURE = 1, /* the operation failed; nothing was left half-done */
	SEG_EXIT_USAGE = 2,   /* bad command line */
	SEG_EXIT_DRIFT = 3,   /* check found a difference (seg-net check, probes) */
};

/* Sets up locale and gettext, remembers the program name for messages. */
void tool_init(const char *argv0);
const char *tool_name(void);

/* "seg-x: message\n" on stderr. */
void tool_warn(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* Prints the library error (with its context chain) and frees it. */
void tool_error(seg_error *e, const char *fallback);
/* Prints "Try 'seg-x --help'." and returns SEG_EXIT_USAGE. */
int tool_usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));
void tool_print_version(void);

/* The options every jail tool shares: put TOOL_COMMON_OPTIONS at the end
 * of the getopt_long table (before {}) and "hV" in the short options, and
 * hand every option the tool does not handle itself to tool_common_option. */
enum {
	TOOL_OPT_STATE_DIR = 0x1000,
	TOOL_OPT_LXCPATH,
	TOOL_OPT_PROFILE_DIR,
};
#define TOOL_COMMON_OPTIONS                                                                        \
	{ "state-dir", required_argument, NULL, TOOL_OPT_STATE_DIR },                              \
	{ "lxcpath", required_argument, NULL, TOOL_OPT_LXCPATH },                                  \
	{ "profile-dir", required_argument, NULL, TOOL_OPT_PROFILE_DIR },                          \
	{ "help", no_argument, NULL, 'h' },                                                        \
	{ "version", no_argument, NULL, 'V' }

typedef struct tool_paths {
	const char *state_dir, *lxcpath, *profile_dir;
} tool_paths;

/* The one jail NAME left after the options: 0 and *ret_name, or
 * SEG_EXIT_USAGE after saying what is wrong (none, or more than one). */
int tool_one_name(int argc, char **argv, int optind, const char **ret_name);

/* The --help lines of TOOL_COMMON_OPTIONS, printed after a tool's own. */
void tool_print_common_options(void);

#define TOOL_CONTINUE (-1)
/*
 * Handles a shared option (paths, --help, --version) or an unknown one.
 * Returns TOOL_CONTINUE to go on parsing, else the exit status to return at
 * once: 0 after --help/--version, SEG_EXIT_USAGE for an unknown option.
 */
int tool_common_option(int c, const char *arg, tool_paths *paths, void (*help)(void));

/*
 * Creates the context every tool works in: --state-dir / --lxcpath /
 * --profile-dir values if given (may be NULL), else SEGREGATE_STATE_DIR,
 * SEGREGATE_LXCPATH, SEGREGATE_PROFILE_DIR from the environment, else the
 * library defaults.  Prints the error and returns NULL on failure.
 */
seg_ctx *tool_ctx_new(const char *state_dir, const char *lxcpath, const char *profile_dir);
static inline seg_ctx *tool_ctx_new_paths(const tool_paths *p)
{
	return tool_ctx_new(p->state_dir, p->lxcpath, p->profile_dir);
}

#endif
