/* Shared by the pkg/nl sources only: the handle's layout and the request/reply machinery. */
#ifndef NL_INTERNAL_H
#define NL_INTERNAL_H

#include <linux/netlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "nl/nl.h"

/* Every kernel refusal is reported with this CNI code; context comes from the caller. */
#define NL_ERR_CODE CNI_ERR_IO

struct nl_handle {
	struct nl_sock *sock;
	int ns_fd; /* owned dup of the namespace the socket lives in */
	bool here; /* that namespace is the plugin's own: nothing to enter */
};

/* The namespace fd for ns_socket()/ns_run(): -1 when the handle's namespace is the current one. */
static inline int nl_handle_enter_fd(const struct nl_handle *h)
{
	return h->here ? -1 : h->ns_fd;
}

static inline void nl_msg_freep(struct nl_msg **m)
{
	if (*m)
		nlmsg_free(*m);
}
#define _cleanup_nl_msg_ __attribute__((cleanup(nl_msg_freep)))

/* A request of type with flags and a fixed header of hdr_len bytes copied from hdr. */
struct nl_msg *nl_message_new(int type, int flags, const void *hdr, size_t hdr_len,
			      struct cni_err *err);

/* Called for each reply message of a dump or a get; a negative return stops the request. */
typedef int (*nl_reply_fn)(const struct nlmsghdr *hdr, void *arg, struct cni_err *err);

/*
 * Send msg and read replies until the kernel's ACK (or NLMSG_DONE of a dump). Kernel errors fill
 * err with errnum and the extended ACK message in details. on_reply may be NULL.
 */
int nl_transact(struct nl_handle *h, struct nl_msg *msg, nl_reply_fn on_reply, void *arg,
		struct cni_err *err);
/*
 * The same for a get whose one reply may exceed NL_RECV_BUF_SIZE (a PF's VF list): each read is
 * sized by a peek first. Dumps always are.
 */
int nl_transact_large(struct nl_handle *h, struct nl_msg *msg, nl_reply_fn on_reply, void *arg,
		      struct cni_err *err);

/*
 * nl_transact for a best-effort step, named for fault injection: its site is "netlink:<name>", so
 * a test can tell it from the requests whose failure fails the verb.
 */
int nl_transact_named(struct nl_handle *h, struct nl_msg *msg, nl_reply_fn on_reply, void *arg,
		      const char *name, struct cni_err *err);

/* One read of a reply; replies to plain requests fit, so they take one recvmsg, not two. */
#define NL_RECV_BUF_SIZE 65536

/* A failed nla_put/nest: the message buffer was too small. */
int nl_err_msg_full(struct cni_err *err);

/* IFLA_IFNAME, IFLA_MTU, IFLA_ADDRESS, IFLA_NET_NS_FD, IFLA_MASTER of spec. */
int nl_put_link_attrs(struct nl_msg *msg, const struct nl_link_spec *spec, struct cni_err *err);

/* Fill info from an RTM_NEWLINK message. */
int nl_parse_link(const struct nlmsghdr *hdr, struct nl_link_info *info);

/* A netlink socket in the handle's namespace subscribed to the given RTNLGRP_* groups. */
int nl_event_socket_open(struct nl_handle *h, const unsigned *groups, size_t n_groups,
			 struct cni_err *err);

#endif
