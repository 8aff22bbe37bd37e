/* Waiting for the kernel: subscribe first, look at the state, then sleep on events to a deadline.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "cni/cleanup.h"
#include "netns/netns.h"
#include "nl/internal.h"

int nl_event_socket_open(struct nl_handle *h, const unsigned *groups, size_t n_groups,
			 struct cni_err *err)
{
	struct sockaddr_nl local = {.nl_family = AF_NETLINK};
	_cleanup_close_ int fd = ns_socket(nl_handle_enter_fd(h), AF_NETLINK,
					   SOCK_RAW | SOCK_NONBLOCK, NETLINK_ROUTE, err);

	if (fd < 0)
		return cni_err_wrap(err, "netlink event socket");
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		return cni_errf(err, CNI_ERR_INTERNAL, errno, "bind netlink event socket");
	for (size_t i = 0; i < n_groups; i++)
		if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i],
			       sizeof(groups[i])) < 0)
			return cni_errf(err, CNI_ERR_INTERNAL, errno, "netlink group %u",
					groups[i]);
	return TAKE_FD(fd);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep until the socket has events or the deadline passes; drain what arrived. 0 on timeout. */
static int wait_events(int fd, long long deadline, struct cni_err *err)
{
	char buf[8192];
	struct pollfd p = {.fd = fd, .events = POLLIN};
	long long left = deadline - now_ms();
	int rc;

	if (left <= 0)
		return 0;
	rc = poll(&p, 1, (int)left);
	if (rc < 0 && errno != EINTR)
		return cni_errf(err, CNI_ERR_INTERNAL, errno, "poll netlink events");
	/* The content does not matter: every wake-up re-reads the state (ENOBUFS included). */
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0 || errno == ENOBUFS)
		;
	return 1;
}

typedef int (*state_fn)(struct nl_handle *h, int ifindex, bool *done, struct cni_err *err);

/*
 * The state is usually reached already: check once before subscribing. Otherwise subscribe, then
 * check again (nothing that happens after the subscription can be missed), and wait.
 */
static int wait_for(struct nl_handle *h, int ifindex, unsigned group, state_fn check,
		    int timeout_ms, struct cni_err *err)
{
	_cleanup_close_ int fd = -1;
	long long deadline = now_ms() + timeout_ms;
	bool done = false;

	if (check(h, ifindex, &done, err) < 0)
		return -1;
	if (done)
		return 0;
	fd = nl_event_socket_open(h, &group, 1, err);
	if (fd < 0)
		return -1;
	for (;;) {
		int rc;

		if (check(h, ifindex, &done, err) < 0)
			return -1;
		if (done)
			return 0;
		rc = wait_events(fd, deadline, err);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return cni_errf(err, CNI_ERR_TRY_AGAIN, ETIMEDOUT, "timed out after %d ms",
					timeout_ms);
	}
}

static int link_is_up(struct nl_handle *h, int ifindex, bool *done, struct cni_err *err)
{
	struct nl_link_info info;

	if (nl_link_get_by_index(h, ifindex, &info, err) < 0)
		return -1;
	*done = info.operstate == IF_OPER_UP;
	return 0;
}

int nl_wait_link_oper_up(struct nl_handle *h, int ifindex, int timeout_ms, struct cni_err *err)
{
	if (wait_for(h, ifindex, RTNLGRP_LINK, link_is_up, timeout_ms, err) < 0)
		return cni_err_wrap(err, "waiting for link %d to be up", ifindex);
	return 0;
}

static int ipv6_is_settled(struct nl_handle *h, int ifindex, bool *done, struct cni_err *err)
{
	_cleanup_free_ struct nl_address *addrs = NULL;
	size_t n = 0;

	if (nl_address_list(h, ifindex, AF_INET6, &addrs, &n, err) < 0)
		return -1;
	*done = true;
	for (size_t i = 0; i < n; i++) {
		if (addrs[i].flags & IFA_F_DADFAILED)
			return cni_errf(err, CNI_ERR_INTERNAL, EADDRINUSE,
					"duplicate address detection failed");
		if (addrs[i].flags & IFA_F_TENTATIVE)
			*done = false;
	}
	return 0;
}

int nl_wait_ipv6_settled(struct nl_handle *h, int ifindex, int timeout_ms, struct cni_err *err)
{
	if (wait_for(h, ifindex, RTNLGRP_IPV6_IFADDR, ipv6_is_settled, timeout_ms, err) < 0)
		return cni_err_wrap(err, "waiting for IPv6 addresses of link %d", ifindex);
	return 0;
}
