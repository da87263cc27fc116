/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rtnetlink via libmnl and per-interface sysctls; see rtnl.h. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>

#include "rtnl.h"

struct seg_rtnl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
};

int seg_rtnl_open(seg_rtnl **ret, seg_error **err)
{
	seg_rtnl *rt = calloc(1, sizeof(*rt));

	if (!rt)
		return seg_error_set(err, ENOMEM, "out of memory");
	rt->sock = mnl_socket_open(NETLINK_ROUTE);
	if (!rt->sock || mnl_socket_bind(rt->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = errno ? errno : EIO;

		seg_rtnl_close(rt);
		return seg_error_set(err, r, "opening the rtnetlink socket: %s", strerror(r));
	}
	rt->portid = mnl_socket_get_portid(rt->sock);
	rt->seq = (uint32_t)time(NULL);
	*ret = rt;
	return 0;
}

seg_rtnl *seg_rtnl_close(seg_rtnl *rt)
{
	if (!rt)
		return NULL;
	if (rt->sock)
		mnl_socket_close(rt->sock);
	free(rt);
	return NULL;
}

static int talk(seg_rtnl *rt, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;
	int r;

	nlh->nlmsg_seq = ++rt->seq;
	if (mnl_socket_sendto(rt->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(rt->sock, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, rt->portid, cb, data);
	} while (r > 0);
	return r < 0 ? -errno : 0;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	*(int *)data = ifi->ifi_index;
	return MNL_CB_OK;
}

int seg_rtnl_link_index(seg_rtnl *rt, const char *ifname, int *ret, seg_error **err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	int index = 0, r;

	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ)
		return seg_error_set(err, EINVAL, "interface name '%s' is not 1..15 characters",
				     ifname ? ifname : "(null)");
	nlh->nlmsg_type = RTM_GETLINK;
	/* the ACK after the answer is what ends talk()'s loop */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	r = talk(rt, nlh, link_cb, &index);
	if (r == -ENODEV || (r == 0 && index <= 0))
		return seg_error_set(err, ENODEV, "no network interface named '%s'", ifname);
	if (r < 0)
		return seg_error_set(err, -r, "looking up interface %s: %s", ifname, strerror(-r));
	*ret = index;
	return 0;
}

int seg_rtnl_link_up(seg_rtnl *rt, int ifindex, seg_error **err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	int r;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	if ((r = talk(rt, nlh, NULL, NULL)) < 0)
		return seg_error_set(err, -r, "setting interface #%d up: %s", ifindex, strerror(-r));
	return 0;
}

int seg_rtnl_addr(seg_rtnl *rt, bool add, int ifindex, uint32_t addr, uint8_t prefix,
		  seg_error **err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], a[INET_ADDRSTRLEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	int r;

	nlh->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(addr));
	mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(addr));
	r = talk(rt, nlh, NULL, NULL);
	if (!add && (r == -EADDRNOTAVAIL || r == -ENODEV))
		r = 0;
	if (r < 0)
		return seg_error_set(err, -r, "%s address %s/%u on interface #%d: %s",
				     add ? "adding" : "removing", seg_addr_to_string(addr, a), prefix, ifindex,
				     strerror(-r));
	return 0;
}

int seg_rtnl_route_set(seg_rtnl *rt, bool add, const seg_rtnl_route *ro, seg_error **err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	int r;

	nlh->nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = ro->prefix;
	rtm->rtm_table = ro->table < 256 ? (unsigned char)ro->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = ro->gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (ro->onlink)
		rtm->rtm_flags |= RTNH_F_ONLINK;
	mnl_attr_put_u32(nlh, RTA_TABLE, ro->table);
	if (ro->prefix)
		mnl_attr_put_u32(nlh, RTA_DST, htonl(ro->dst));
	if (ro->gateway)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(ro->gateway));
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ro->ifindex);
	r = talk(rt, nlh, NULL, NULL);
	if (!add && (r == -ESRCH || r == -ENODEV))
		r = 0;
	if (r < 0)
		return seg_error_set(err, -r, "%s route %s/%u%s%s in table %u: %s",
				     add ? "adding" : "removing", seg_addr_to_string(ro->dst, a), ro->prefix,
				     ro->gateway ? " via " : "", ro->gateway ? seg_addr_to_string(ro->gateway, g) : "",
				     ro->table, strerror(-r));
	return 0;
}

int seg_rtnl_sysctl(const char *ifname, const char *key, int value, seg_error **err)
{
	char path[128], v[16];
	_cleanup_close_ int fd = -1;
	int n;

	/* both come from our own code, but a '/' or ".." must never widen the path */
	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ || strchr(ifname, '/') ||
	    ifname[0] == '.' || !key || strchr(key, '/') || key[0] == '.')
		return seg_error_set(err, EINVAL, "invalid sysctl %s/%s", ifname ? ifname : "",
				     key ? key : "");
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", ifname, key);
	n = snprintf(v, sizeof(v), "%d\n", value);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || write(fd, v, (size_t)n) != n)
		return seg_error_set(err, errno, "writing %d to %s: %s", value, path,
				     strerror(errno));
	return 0;
}

typedef struct netns_job {
	int nsfd;
	int (*fn)(void *userdata, seg_error **err);
	void *userdata;
	seg_error **err;
	int ret;
} netns_job;

static void *netns_thread(void *p)
{
	netns_job *j = p;

	if (setns(j->nsfd, CLONE_NEWNET) < 0)
		j->ret = seg_error_set(j->err, errno, "entering the network namespace: %s",
				       strerror(errno));
	else
		j->ret = j->fn(j->userdata, j->err);
	return NULL;
}

int seg_rtnl_in_netns(pid_t pid, int (*fn)(void *userdata, seg_error **err), void *userdata,
		      seg_error **err)
{
	_cleanup_close_ int fd = -1;
	char path[64];
	netns_job j = { .fn = fn, .userdata = userdata, .err = err };
	pthread_t t;
	int r;

	if (pid <= 0)
		return seg_error_set(err, EINVAL, "invalid process id %d", (int)pid);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return seg_error_set(err, errno, "opening %s: %s", path, strerror(errno));
	j.nsfd = fd;
	/* the thread, not this one, changes namespace: the caller stays put */
	if ((r = pthread_create(&t, NULL, netns_thread, &j)) != 0)
		return seg_error_set(err, r, "starting a thread: %s", strerror(r));
	pthread_join(t, NULL);
	return j.ret;
}

static int host_sysctls(const char *ifname, seg_error **err)
{
	int r;

	if ((r = seg_rtnl_sysctl(ifname, "route_localnet", 1, err)) < 0 ||
	    (r = seg_rtnl_sysctl(ifname, "forwarding", 1, err)) < 0)
		return r;
	/* the jail's source is checked by nftables (bindings), strictly per veth;
	 * rp_filter would only add a second, route-dependent opinion */
	return 0;
}

int seg_rtnl_host_jail(const seg_plan *plan, const seg_plan_jail *jail, bool up, seg_error **err)
{
	_cleanup_(seg_rtnl_closep) seg_rtnl *rt = NULL;
	seg_rtnl_route ro = { .dst = jail->addr, .prefix = 32, .table = RT_TABLE_LOCAL };
	int r;

	if ((r = seg_rtnl_open(&rt, err)) < 0)
		goto fail;
	if ((r = seg_rtnl_link_index(rt, jail->veth, &ro.ifindex, err)) < 0) {
		if (!up && r == -ENODEV)
			return 0; /* the veth, and with it its routes, is gone already */
		goto fail;
	}
	if (!up)
		return seg_rtnl_route_set(rt, false, &ro, err);
	if ((r = host_sysctls(jail->veth, err)) < 0 ||
	    (r = seg_rtnl_addr(rt, true, ro.ifindex, plan->gateway, 32, err)) < 0 ||
	    (r = seg_rtnl_link_up(rt, ro.ifindex, err)) < 0 ||
	    (r = seg_rtnl_route_set(rt, true, &ro, err)) < 0)
		goto fail;
	return 0;
fail:
	return seg_error_wrap(err, r, "%s the host side of jail %s (%s)",
			      up ? "setting up" : "tearing down", jail->name, jail->veth);
}

/* Egress needs a default route; so does a jail receiving ingress: its
 * replies go back to clients anywhere (established flows only, the
 * forward chain still refuses anything the jail starts). */
static bool needs_default_route(const seg_plan *plan, const seg_plan_jail *jail)
{
	size_t j = (size_t)(jail - plan->jails);

	if (jail->egress)
		return true;
	for (size_t i = 0; i < plan->n_egress; i++)
		if (plan->egress[i].from == j)
			return true;
	for (size_t i = 0; i < plan->n_ingress; i++)
		if (plan->ingress[i].to == j)
			return true;
	return false;
}

typedef struct jail_side {
	const seg_plan *plan;
	const seg_plan_jail *jail;
} jail_side;

static int jail_side_in_ns(void *userdata, seg_error **err)
{
	const jail_side *js = userdata;
	_cleanup_(seg_rtnl_closep) seg_rtnl *rt = NULL;
	seg_rtnl_route gw = { .dst = js->plan->gateway, .prefix = 32, .table = RT_TABLE_LOCAL };
	seg_rtnl_route pool = { .dst = js->plan->pool,
				.prefix = js->plan->prefix,
				.gateway = js->plan->gateway,
				.onlink = true,
				.table = RT_TABLE_LOCAL };
	seg_rtnl_route def = { .gateway = js->plan->gateway, .onlink = true, .table = RT_TABLE_MAIN };
	int r, lo;

	if ((r = seg_rtnl_open(&rt, err)) < 0 ||
	    (r = seg_rtnl_link_index(rt, "eth0", &gw.ifindex, err)) < 0 ||
	    (r = seg_rtnl_link_index(rt, "lo", &lo, err)) < 0 ||
	    (r = seg_rtnl_link_up(rt, lo, err)) < 0 ||
	    (r = seg_rtnl_sysctl("eth0", "route_localnet", 1, err)) < 0 ||
	    (r = seg_rtnl_addr(rt, true, gw.ifindex, js->jail->addr, 32, err)) < 0 ||
	    (r = seg_rtnl_link_up(rt, gw.ifindex, err)) < 0 ||
	    (r = seg_rtnl_route_set(rt, true, &gw, err)) < 0)
		return r;
	pool.ifindex = def.ifindex = gw.ifindex;
	if ((r = seg_rtnl_route_set(rt, true, &pool, err)) < 0)
		return r;
	return seg_rtnl_route_set(rt, needs_default_route(js->plan, js->jail), &def, err);
}

int seg_rtnl_jail_side(const seg_plan *plan, const seg_plan_jail *jail, pid_t init_pid,
		       seg_error **err)
{
	jail_side js = { plan, jail };
	int r = seg_rtnl_in_netns(init_pid, jail_side_in_ns, &js, err);

	if (r < 0)
		return seg_error_wrap(err, r, "setting up eth0 of jail %s (pid %d)", jail->name,
				      (int)init_pid);
	return 0;
}

int seg_rtnl_uplink(const char *ifname, seg_error **err)
{
	int r;

	if ((r = host_sysctls(ifname, err)) < 0)
		return seg_error_wrap(err, r, "preparing uplink %s", ifname);
	return 0;
}
