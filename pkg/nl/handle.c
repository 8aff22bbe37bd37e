/* A rtnetlink handle bound to one network namespace: the socket is made inside it once. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/socket.h>

#include "cni/cleanup.h"
#include "netns/netns.h"
#include "nl/internal.h"

/* Kernel error strings and a short ACK: ask once per socket. */
static void nl_socket_options(int fd)
{
	int one = 1;

	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

static int nl_socket_open_in(int ns_fd, struct cni_err *err)
{
	struct sockaddr_nl local = {.nl_family = AF_NETLINK};
	_cleanup_close_ int fd = ns_socket(ns_fd, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, err);

	if (fd < 0)
		return cni_err_wrap(err, "netlink socket");
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		return cni_errf(err, CNI_ERR_INTERNAL, errno, "bind netlink socket");
	nl_socket_options(fd);
	return TAKE_FD(fd);
}

int nl_handle_open(int ns_fd, struct nl_handle **out, struct cni_err *err)
{
	_cleanup_free_ struct nl_handle *h = calloc(1, sizeof(*h));
	_cleanup_close_ int sock_fd = -1;

	if (!h)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "netlink handle");
	h->ns_fd = ns_fd >= 0 ? fcntl(ns_fd, F_DUPFD_CLOEXEC, 3) : ns_open_current(err);
	if (h->ns_fd < 0)
		return ns_fd >= 0 ? cni_errf(err, CNI_ERR_INTERNAL, errno, "dup netns fd") : -1;
	h->here = ns_fd < 0;
	sock_fd = nl_socket_open_in(nl_handle_enter_fd(h), err);
	if (sock_fd < 0)
		goto out_close_ns;
	h->sock = nl_socket_alloc();
	if (!h->sock) {
		cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "netlink socket");
		goto out_close_ns;
	}
	/* We read ACKs and dumps ourselves (nl_transact) to get the extended ACK message. */
	nl_socket_disable_auto_ack(h->sock);
	nl_socket_set_msg_buf_size(h->sock, NL_RECV_BUF_SIZE);
	if (nl_socket_set_fd(h->sock, NETLINK_ROUTE, sock_fd) < 0) {
		cni_errf(err, CNI_ERR_INTERNAL, 0, "netlink socket setup");
		goto out_free_sock;
	}
	TAKE_FD(sock_fd);
	*out = TAKE_PTR(h);
	return 0;

out_free_sock:
	nl_socket_free(h->sock);
out_close_ns:
	close(h->ns_fd);
	return -1;
}

void nl_handle_close(struct nl_handle *h)
{
	/* nl_socket_free closes the fd handed over by nl_socket_set_fd. */
	nl_socket_free(h->sock);
	close(h->ns_fd);
	free(h);
}

int nl_handle_ns_fd(const struct nl_handle *h)
{
	return h->ns_fd;
}
