/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * liblxc glue.  Only this file includes <lxc/lxccontainer.h>, so the rest of
 * the library does not depend on LXC's struct layout.  Destruction is not
 * done through c->destroy(): for a container with lxc.idmap, liblxc removes
 * the rootfs from inside a user namespace where host root (the owner of our
 * idmapped tree) is unmapped; lib/tree.c removes it instead, without
 * following symlinks.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <lxc/lxccontainer.h>

#include "error-internal.h"
#include "jail-lxc.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct lxc_container *, lxc_container_put)

static int open_container(const seg_ctx *ctx, const char *name, struct lxc_container **ret,
			  seg_error **err)
{
	const char *lxcpath = seg_ctx_get_lxcpath(ctx);
	struct lxc_container *c;

	if (!lxcpath)
		return seg_error_set(err, ENOMEM, "out of memory");
	c = lxc_container_new(name, lxcpath);
	if (!c)
		return seg_error_set(err, EINVAL,
				     "liblxc cannot load container '%s' from %s (invalid config?)",
				     name, lxcpath);
	if (!c->is_defined(c)) {
		lxc_container_put(c);
		return seg_error_set(err, ENOENT, "container '%s' is not defined in %s", name,
				     lxcpath);
	}
	*ret = c;
	return 0;
}

static const char *lxc_why(struct lxc_container *c)
{
	return c->error_string && *c->error_string ? c->error_string : "see the container's log";
}

/* LXC's own errors go to LXCPATH/NAME/lxc.log (outside the jail's tree). */
static char *log_path(const seg_ctx *ctx, const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s/lxc.log", seg_ctx_get_lxcpath(ctx), name) < 0)
		return NULL;
	return p;
}

/* The first ERROR LXC logged since offset, without its prefix; NULL if none. */
static char *first_log_error(const char *path, long offset)
{
	_cleanup_fclose_ FILE *f = path ? fopen(path, "re") : NULL;
	char line[1024];

	if (!f || fseek(f, offset, SEEK_SET) < 0)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char *msg;
		if (!strstr(line, " ERROR "))
			continue;
		msg = strstr(line, " - ");
		msg = msg ? strstr(msg + 3, " - ") : NULL; /* "file:func:line - message" */
		msg = msg ? msg + 3 : line;
		msg[strcspn(msg, "\n")] = '\0';
		return strdup(msg);
	}
	return NULL;
}

static long file_size(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 ? (long)st.st_size : 0;
}

int seg_lxc_define(const seg_ctx *ctx, const char *name, seg_error **err)
{
	_cleanup_(lxc_container_putp) struct lxc_container *c = NULL;
	char uts[64] = "";
	int r;

	if ((r = open_container(ctx, name, &c, err)) < 0)
		return r;
	/* lxc_container_new() already parsed the config; a bad key fails there */
	if (!c->lxc_conf)
		return seg_error_set(err, EINVAL, "liblxc could not load the config of '%s'", name);
	if (c->get_config_item(c, "lxc.uts.name", uts, sizeof(uts)) < 0 || strcmp(uts, name) != 0)
		return seg_error_set(err, EINVAL,
				     "config of '%s' names the host '%s'; expected the jail's name",
				     name, uts);
	seg_debug(ctx, "liblxc knows container %s", name);
	return 0;
}

/*
 * Runs fn in a forked child, so whatever it sets up (a seccomp filter, the
 * liblxc state of an attach) never touches the caller.  fn returns the
 * child's exit status (>= 0), or -errno with an error that travels back
 * through a pipe.  Stores the exit status (128 + signal when killed).
 */
typedef int (*child_fn)(const seg_ctx *ctx, const char *name, void *userdata, seg_error **err);

static int in_child(const seg_ctx *ctx, const char *name, const char *what, child_fn fn,
		    void *userdata, int *ret_status, seg_error **err)
{
	char msg[1024];
	int fds[2], status, errnum = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return seg_error_set(err, errno, "pipe: %m");
	pid = fork();
	if (pid < 0) {
		int saved = errno;
		close(fds[0]);
		close(fds[1]);
		return seg_error_set(err, saved, "fork: %s", strerror(saved));
	}
	if (pid == 0) {
		seg_error *e = NULL;
		int r;

		close(fds[0]);
		r = fn(ctx, name, userdata, &e);
		if (r >= 0)
			_exit(r);
		errnum = -r;
		msg[0] = '\0';
		snprintf(msg, sizeof(msg), "%s", e ? seg_error_message(e) : "failed");
		if (write(fds[1], &errnum, sizeof(errnum)) < 0 || write(fds[1], msg, strlen(msg)) < 0)
			_exit(255);
		_exit(255);
	}
	close(fds[1]);
	n = read(fds[0], &errnum, sizeof(errnum));
	if (n == sizeof(errnum)) {
		n = read(fds[0], msg, sizeof(msg) - 1);
		msg[n > 0 ? n : 0] = '\0';
	} else {
		errnum = 0;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return seg_error_set(err, errno, "waiting for the %s of '%s': %m", what, name);
	if (errnum > 0)
		return seg_error_set(err, errnum, "%s", msg);
	*ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}

/* In the child of seg_lxc_start: prepare, then start daemonized. */
static int start_child(const seg_ctx *ctx, const char *name, void *userdata, seg_error **e)
{
	_cleanup_(lxc_container_putp) struct lxc_container *c = NULL;
	_cleanup_free_ char *log = log_path(ctx, name), *why = NULL;
	seg_lxc_prepare_fn prepare = *(seg_lxc_prepare_fn *)userdata;
	long offset = file_size(log);
	int r;

	if ((prepare && (r = prepare(e)) < 0) || (r = open_container(ctx, name, &c, e)) < 0)
		return r;
	/* LXC skips its own policy when the starter is already confined (our
	 * compat layer): nesting makes it stack its filter on top of ours */
	if (prepare && !c->set_config_item(c, "lxc.seccomp.allow_nesting", "1"))
		return seg_error_set(e, EINVAL, "liblxc refused lxc.seccomp.allow_nesting");
	if (log && (!c->set_config_item(c, "lxc.log.file", log) ||
		    !c->set_config_item(c, "lxc.log.level", "ERROR")))
		seg_debug(ctx, "could not send LXC's log of %s to %s", name, log);
	c->want_daemonize(c, true);
	/* the monitor must not inherit our registry lock or the caller's pipes */
	c->want_close_all_fds(c, true);
	if (!c->start(c, 0, NULL)) {
		why = first_log_error(log, offset);
		return seg_error_set(e, EIO, "liblxc failed to start '%s': %s (%s)", name,
				     why ? why : lxc_why(c), log ? log : "no log");
	}
	return 0;
}

int seg_lxc_start(const seg_ctx *ctx, const char *name, seg_lxc_prepare_fn prepare,
		  seg_error **err)
{
	_cleanup_(lxc_container_putp) struct lxc_container *c = NULL;
	int r, status;

	if ((r = open_container(ctx, name, &c, err)) < 0)
		return r;
	if (c->is_running(c))
		return seg_error_set(err, EALREADY, "jail '%s' is already running", name);
	if ((r = in_child(ctx, name, "start", start_child, &prepare, &status, err)) < 0)
		return r;
	if (status != 0)
		return seg_error_set(err, EIO, "the start of '%s' died (status %d)", name, status);
	return 0;
}

int seg_lxc_wait(const seg_ctx *ctx, const char *name, const char *state, int timeout,
		 seg_error **err)
{
	_cleanup_(lxc_container_putp) struct lxc_container *c = NULL;
	bool want_running = strcmp(state, "RUNNING") == 0;
	int r;

	if ((r = open_container(ctx, name, &c, err)) < 0)
		return r;
	/* polled, not c->wait(): a jail whose init dies at once must not cost the timeout */
	for (int ms = 0; ms <= timeout * 1000; ms += 20) {
		const char *now = c->state(c);
		if (now && strcmp(now, state) == 0)
			return 0;
		if (want_running && now && strcmp(now, "STOPPED") == 0 && ms > 0)
			return seg_error_set(err, ECHILD,
					     "jail '%s' stopped right after starting: its init "
					     "exited (see %s/%s/console.log)",
					     name, seg_ctx_get_lxcpath(ctx), name);
		usleep(20 * 1000);
	}
	return seg_error_set(err, ETIMEDOUT, "jail '%s' did not reach %s within %d s (now %s)", name,
			     state, timeout, c->state(c));
}

int seg_lxc_stop(const seg_ctx *ctx, const char *name, int timeout, seg_error **err)
{
	_cleanup_(lxc_container_putp) struct lxc_container *c = NULL;
	int r;

	if ((r = open_container(ctx, name, &c, err)) < 0)
		return r;
	if (!c->is_running(c))
		return 0;
	/* shutdown sends SIGPWR to init; an init without a handler ignores it */
	if (timeout > 0 && c->shutdown(c, timeout)) {
		seg_debug(ctx, "jail %s shut down cleanly", name);
		return 0;
	}
	if (!c->stop(c) && c->is_running(c))
		return seg_error_set(err, EIO, "liblxc failed to stop '%s': %s", name, lxc_why(c));
	if (!c->wait(c, "STOPPED", 10))
		return seg_error_set(err, ETIMEDOUT, "jail '%s' still %s after being killed", name,
				     c->state(c));
	return 0;
}

int seg_lxc_status(const seg_ctx *ctx, const char *name, char state[static 16], pid_t *ret_pid,
		   seg_error **err)
{
	_cleanup_(lxc_container_putp) struct lxc_container *c = NULL;
	const char *s;
	pid_t pid;
	int r;

	if ((r = open_container(ctx, name, &c, err)) < 0)
		return r;
	s = c->state(c);
	snprintf(state, 16, "%s", s ? s : "UNKNOWN");
	pid = c->is_running(c) ? c->init_pid(c) : 0;
	if (ret_pid)
		*ret_pid = pid > 0 ? pid : 0;
	return 0;
}

struct exec_args {
	char *const *argv;
	seg_lxc_prepare_fn prepare;
};

/* In the child of seg_lxc_exec: prepare, attach, run; returns its status. */
static int exec_child(const seg_ctx *ctx, const char *name, void *userdata, seg_error **e)
{
	_cleanup_(lxc_container_putp) struct lxc_container *c = NULL;
	const struct exec_args *a = userdata;
	lxc_attach_options_t opts = LXC_ATTACH_OPTIONS_DEFAULT;
	char *env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"HOME=/root", NULL };
	int r, status;

	if ((a->prepare && (r = a->prepare(e)) < 0) || (r = open_container(ctx, name, &c, e)) < 0)
		return r;
	/* as at start: LXC stacks its policy on the compat layer we loaded */
	if (a->prepare && !c->set_config_item(c, "lxc.seccomp.allow_nesting", "1"))
		return seg_error_set(e, EINVAL, "liblxc refused lxc.seccomp.allow_nesting");
	if (!c->is_running(c))
		return seg_error_set(e, ESRCH, "jail '%s' is not running", name);
	/* nothing of the caller's environment crosses into the jail */
	opts.env_policy = LXC_ATTACH_CLEAR_ENV;
	opts.extra_env_vars = env;
	status = c->attach_run_wait(c, &opts, a->argv[0], (const char *const *)a->argv);
	if (status < 0)
		return seg_error_set(e, EIO, "liblxc could not attach to '%s'", name);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int seg_lxc_exec(const seg_ctx *ctx, const char *name, char *const argv[],
		 seg_lxc_prepare_fn prepare, int *ret_status, seg_error **err)
{
	struct exec_args a = { .argv = argv, .prepare = prepare };

	if (!argv || !argv[0])
		return seg_error_set(err, EINVAL, "no command to run in jail '%s'", name);
	return in_child(ctx, name, "command", exec_child, &a, ret_status, err);
}
