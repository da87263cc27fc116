/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Probes classify open, refused and blocked paths, from the namespace asked.
 * Privileged: runs under segt-run, in the test's own network namespace. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "probe.h"
#include "tap.h"

#define LO 0x7f000001u

static int listen_on(int type, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(LO) };
	int one = 1, fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	if (type == SOCK_STREAM && listen(fd, 16) < 0)
		return -1;
	return fd;
}

int main(void)
{
	seg_probe_target t[] = {
		{ .addr = LO, .port = 40001, .proto = IPPROTO_TCP }, /* listener */
		{ .addr = LO, .port = 40002, .proto = IPPROTO_TCP }, /* nothing */
		{ .addr = LO, .port = 40003, .proto = IPPROTO_TCP }, /* dropped by nft */
		{ .addr = LO, .port = 40004, .proto = IPPROTO_UDP }, /* nothing: ICMP back */
		{ .addr = LO, .port = 40005, .proto = IPPROTO_UDP }, /* echo service */
		{ .addr = LO, .port = 40006, .proto = IPPROTO_UDP }, /* dropped by nft */
	};
	seg_error *e = NULL;
	int tcp, udp, nsfd, r;
	pid_t echo, holder;

	if (getenv("SEGT_NETNS") == NULL)
		tap_skip_all("needs segt-run (own network namespace, root)");
	tcp = listen_on(SOCK_STREAM, 40001);
	udp = listen_on(SOCK_DGRAM, 40005);
	ok(tcp >= 0 && udp >= 0, "listeners up in the test namespace");
	echo = fork();
	if (echo == 0) {
		char buf[64];
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(udp, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
		if (n > 0)
			sendto(udp, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
		_exit(0);
	}
	r = system("nft -f - <<'X'\n"
		   "table inet segt_probe {\n chain out {\n  type filter hook output priority 0;\n"
		   "  tcp dport 40003 drop\n  udp dport 40006 drop\n }\n}\nX");
	ok(r == 0, "witness drop rules installed with nft");

	r = seg_probe_run(-1, t, sizeof(t) / sizeof(t[0]), 500, &e);
	is_int(r, 0, "probe ran");
	is_str(seg_probe_result_name(t[0].result), "open", "TCP with a listener: open");
	is_str(seg_probe_result_name(t[1].result), "refused", "TCP without a listener: refused (reachable)");
	is_str(seg_probe_result_name(t[2].result), "blocked", "TCP dropped: blocked");
	is_str(seg_probe_result_name(t[3].result), "refused", "UDP without a listener: refused (ICMP came back)");
	is_str(seg_probe_result_name(t[4].result), "open", "UDP echo: open");
	is_str(seg_probe_result_name(t[5].result), "blocked", "UDP dropped: blocked");
	ok(seg_probe_reachable(t[1].result) && !seg_probe_reachable(t[2].result), "reachable() tells them apart");

	/* Another namespace, its loopback down: the same target is unreachable there. */
	holder = fork();
	if (holder == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	{
		char path[64], mine[64] = "", theirs[64] = "";
		readlink("/proc/self/ns/net", mine, sizeof(mine) - 1);
		snprintf(path, sizeof(path), "/proc/%d/ns/net", holder);
		/* wait until the child sits in its own namespace */
		for (int i = 0; i < 200; i++) {
			memset(theirs, 0, sizeof(theirs));
			readlink(path, theirs, sizeof(theirs) - 1);
			if (*theirs && strcmp(mine, theirs) != 0)
				break;
			usleep(10000);
		}
		nsfd = open(path, O_RDONLY | O_CLOEXEC);
	}
	ok(nsfd >= 0, "opened a second namespace");
	t[1].result = SEG_PROBE_UNKNOWN;
	r = seg_probe_run(nsfd, &t[1], 1, 300, &e);
	is_int(r, 0, "probe ran in the other namespace");
	is_str(seg_probe_result_name(t[1].result), "blocked", "probed from the namespace given, not the caller's");
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);

	r = seg_probe_run(12345, &t[1], 1, 100, &e);
	ok(r < 0 && e, "a bad namespace fd is an error, not a result");
	if (e)
		tap_diag("%s", seg_error_message(e));
	seg_error_free(e);
	kill(echo, SIGKILL);
	waitpid(echo, NULL, 0);
	system("nft delete table inet segt_probe");
	return tap_done();
}
