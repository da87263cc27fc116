/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "error-internal.h"
#include "probe.h"

const char *seg_probe_result_name(seg_probe_result r)
{
	switch (r) {
	case SEG_PROBE_OPEN:
		return "open";
	case SEG_PROBE_REFUSED:
		return "refused";
	case SEG_PROBE_BLOCKED:
		return "blocked";
	default:
		return "unknown";
	}
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void classify(seg_probe_target *t, int error)
{
	t->error = error;
	if (error == 0)
		t->result = SEG_PROBE_OPEN;
	else if (error == ECONNREFUSED)
		t->result = SEG_PROBE_REFUSED;
	else
		t->result = SEG_PROBE_BLOCKED;
}

/* Runs in the child: starts every connect, then polls them together. */
static void probe_all(seg_probe_target *t, size_t n, unsigned timeout_ms)
{
	struct pollfd *pfd = calloc(n ? n : 1, sizeof(*pfd));
	long deadline = now_ms() + timeout_ms;
	size_t pending = 0;

	if (!pfd)
		_exit(ENOMEM);
	for (size_t i = 0; i < n; i++) {
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_port = htons(t[i].port),
					  .sin_addr.s_addr = htonl(t[i].addr) };
		int type = t[i].proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
		int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		pfd[i].fd = -1;
		if (fd < 0) {
			classify(&t[i], errno);
			continue;
		}
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
			classify(&t[i], errno);
			close(fd);
			continue;
		}
		if (type == SOCK_DGRAM) {
			/* a datagram out; an ICMP port unreachable back shows as ECONNREFUSED */
			if (send(fd, "segregate-probe\n", 16, 0) < 0 && errno != EAGAIN) {
				classify(&t[i], errno);
				close(fd);
				continue;
			}
			pfd[i].events = POLLIN;
		} else {
			pfd[i].events = POLLOUT;
		}
		pfd[i].fd = fd;
		pending++;
	}

	while (pending > 0) {
		long left = deadline - now_ms();
		int r;

		if (left <= 0)
			break;
		r = poll(pfd, n, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		for (size_t i = 0; i < n; i++) {
			int error = 0;
			socklen_t len = sizeof(error);

			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (t[i].proto == IPPROTO_UDP) {
				char buf[64];
				error = recv(pfd[i].fd, buf, sizeof(buf), 0) < 0 ? errno : 0;
				if (error == EAGAIN)
					continue;
			} else if (getsockopt(pfd[i].fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) {
				error = errno;
			}
			classify(&t[i], error);
			close(pfd[i].fd);
			pfd[i].fd = -1;
			pending--;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (pfd[i].fd >= 0) {
			classify(&t[i], ETIMEDOUT);
			close(pfd[i].fd);
		}
	free(pfd);
}

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t r = read(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EPIPE;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

int seg_probe_run(int netns_fd, seg_probe_target *targets, size_t n, unsigned timeout_ms,
		  seg_error **err)
{
	_cleanup_close_ int rfd = -1;
	int pipefd[2], status, r;
	pid_t pid;

	if (n == 0)
		return 0;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return seg_error_set(err, errno, "probe: pipe: %m");
	pid = fork();
	if (pid < 0) {
		r = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return seg_error_set(err, r, "probe: fork: %m");
	}
	if (pid == 0) {
		const char *p = (const char *)targets;
		size_t left = n * sizeof(*targets);

		close(pipefd[0]);
		if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) < 0)
			_exit(errno);
		probe_all(targets, n, timeout_ms);
		while (left > 0) {
			ssize_t w = write(pipefd[1], p, left);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				_exit(EPIPE);
			p += w;
			left -= (size_t)w;
		}
		_exit(0);
	}
	close(pipefd[1]);
	rfd = pipefd[0];
	r = read_full(rfd, targets, n * sizeof(*targets));
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return seg_error_set(err, WEXITSTATUS(status), "probe: entering the jail's network namespace: %s",
				     strerror(WEXITSTATUS(status)));
	if (r < 0)
		return seg_error_set(err, -r, "probe: reading results from the probe process: %s",
				     strerror(-r));
	return 0;
}
