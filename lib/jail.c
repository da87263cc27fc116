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

/* The child of seg_lxc_start: prepare, start, report through fd. */
static _Noreturn void start_child(const seg_ctx *ctx, const char *name,
				  seg_lxc_prepare_fn prepare, int fd)
{
	_cleanup_(lxc_container_putp) struct lxc_container *c = NULL;
	seg_error *e = NULL;
	int r = prepare ? prepare(&e) : 0;

	if (r == 0 && (r = open_container(ctx, name, &c, &e)) == 0) {
		c->want_daemonize(c, true);
		/* the monitor must not inherit our registry lock or the caller's pipes */
		c->want_close_all_fds(c, true);
		if (!c->start(c, 0, NULL))
			r = seg_error_set(&e, EIO, "liblxc failed to start '%s': %s", name,
					  lxc_why(c));
	}
	if (r < 0) {
		const char *msg = e ? seg_error_message(e) : "failed";
		int errnum = -r;
		if (write(fd, &errnum, sizeof(errnum)) < 0 || write(fd, msg, strlen(msg)) < 0)
			_exit(2);
		_exit(1);
	}
	_exit(0);
}

int seg_lxc_start(const seg_ctx *ctx, const char *name, seg_lxc_prepare_fn prepare,
		  seg_error **err)
{
	_cleanup_(lxc_container_putp) struct lxc_container *c = NULL;
	char msg[1024];
	int fds[2], status, errnum = 0, r;
	ssize_t n;
	pid_t pid;

	if ((r = open_container(ctx, name, &c, err)) < 0)
		return r;
	if (c->is_running(c))
		return seg_error_set(err, EALREADY, "jail '%s' is already running", name);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return seg_error_set(err, errno, "pipe: %m");
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(fds[0]);
		close(fds[1]);
		return seg_error_set(err, -r, "fork: %s", strerror(-r));
	}
	if (pid == 0) {
		close(fds[0]);
		start_child(ctx, name, prepare, fds[1]);
	}
	close(fds[1]);
	n = read(fds[0], &errnum, sizeof(errnum));
	if (n == sizeof(errnum)) {
		n = read(fds[0], msg, sizeof(msg) - 1);
		msg[n > 0 ? n : 0] = '\0';
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return seg_error_set(err, errno, "waiting for the start of '%s': %m", name);
	if (errnum > 0)
		return seg_error_set(err, errnum, "%s", msg);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return seg_error_set(err, EIO, "the start of '%s' died (status 0x%x)", name, status);
	return 0;
}

int seg_lxc_wait(const seg_ctx *ctx, const char *name, const char *state, int timeout,
		 seg_error **err)
{
	_cleanup_(lxc_container_putp) struct lxc_container *c = NULL;
	int r;

	if ((r = open_container(ctx, name, &c, err)) < 0)
		return r;
	if (!c->wait(c, state, timeout))
		return seg_error_set(err, ETIMEDOUT, "jail '%s' did not reach %s within %d s (now %s)",
				     name, state, timeout, c->state(c));
	return 0;
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
