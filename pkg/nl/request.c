/* One request, its replies and its ACK, with the kernel's extended ACK message kept for the user.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/socket.h>

#include "cni/fault.h"
#include "nl/internal.h"

struct nl_msg *nl_message_new(int type, int flags, const void *hdr, size_t hdr_len,
			      struct cni_err *err)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

	if (!msg) {
		cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "netlink message");
		return NULL;
	}
	if (hdr_len && nlmsg_append(msg, (void *)hdr, hdr_len, NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "netlink message");
		return NULL;
	}
	return msg;
}

int nl_err_msg_full(struct cni_err *err)
{
	return cni_errf(err, CNI_ERR_INTERNAL, EMSGSIZE, "netlink message too large");
}

/* The extended ACK's NLMSGERR_ATTR_MSG, or NULL. The request was capped (NETLINK_CAP_ACK). */
static const char *nl_ack_message(const struct nlmsghdr *hdr)
{
	const struct nlmsgerr *e = nlmsg_data(hdr);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);
	const char *attrs;
	int len;

	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = nlmsg_datalen(hdr) - (int)off;
	if (len <= 0)
		return NULL;
	attrs = (const char *)e + off;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)attrs, len, NULL) < 0)
		return NULL;
	if (!tb[NLMSGERR_ATTR_MSG])
		return NULL;
	return nla_get_string(tb[NLMSGERR_ATTR_MSG]);
}

static int nl_kernel_error(const struct nlmsghdr *hdr, int error, struct cni_err *err)
{
	const char *kmsg = nl_ack_message(hdr);

	/* Just the errno text: callers wrap it with their own context. */
	cni_errf(err, NL_ERR_CODE, 0, "%s", strerror(-error));
	err->errnum = -error;
	if (kmsg)
		cni_err_details(err, "%s", kmsg);
	return -1;
}

/* Returns 1 when the request is finished, 0 to keep reading, -1 on error. */
static int nl_handle_reply(const struct nlmsghdr *hdr, nl_reply_fn on_reply, void *arg,
			   struct cni_err *err)
{
	if (hdr->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = nlmsg_data(hdr);

		if (nlmsg_datalen(hdr) < (int)sizeof(*e))
			return cni_errf(err, NL_ERR_CODE, EBADMSG, "truncated netlink error");
		return e->error ? nl_kernel_error(hdr, e->error, err) : 1;
	}
	if (hdr->nlmsg_type == NLMSG_DONE) {
		int error = 0;

		if (nlmsg_datalen(hdr) >= (int)sizeof(int))
			memcpy(&error, nlmsg_data(hdr), sizeof(error));
		return error < 0 ? nl_kernel_error(hdr, error, err) : 1;
	}
	if (on_reply && on_reply(hdr, arg, err) < 0)
		return -1;
	/* A get without NLM_F_ACK would end on its only reply; we always ask for the ACK. */
	return 0;
}

static int transact(struct nl_handle *h, struct nl_msg *msg, nl_reply_fn on_reply, void *arg,
		    bool large, const char *name, struct cni_err *err)
{
	struct nlmsghdr *req = nlmsg_hdr(msg);
	bool dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	int rc = 0;
	uint32_t seq;

	if (!dump)
		req->nlmsg_flags |= NLM_F_ACK;
	if (dump || large)
		nl_socket_enable_msg_peek(h->sock);
	else
		nl_socket_disable_msg_peek(h->sock);
	nl_complete_msg(h->sock, msg);
	seq = req->nlmsg_seq;
	if (cni_fault_at("netlink", name) < 0 || nl_send(h->sock, msg) < 0)
		return cni_errf(err, NL_ERR_CODE, errno ? errno : EIO, "netlink send");

	while (rc == 0) {
		struct sockaddr_nl peer;
		unsigned char *buf = NULL;
		struct nlmsghdr *hdr;
		int n = nl_recv(h->sock, &peer, &buf, NULL);

		if (n <= 0) {
			free(buf);
			return cni_errf(err, NL_ERR_CODE, EIO, "netlink receive");
		}
		for (hdr = (struct nlmsghdr *)buf; nlmsg_ok(hdr, n); hdr = nlmsg_next(hdr, &n)) {
			/* Late replies to an earlier request of this socket are not ours. */
			if (hdr->nlmsg_seq != seq)
				continue;
			rc = nl_handle_reply(hdr, on_reply, arg, err);
			if (rc != 0)
				break;
		}
		free(buf);
	}
	return rc < 0 ? -1 : 0;
}

int nl_transact(struct nl_handle *h, struct nl_msg *msg, nl_reply_fn on_reply, void *arg,
		struct cni_err *err)
{
	return transact(h, msg, on_reply, arg, false, NULL, err);
}

int nl_transact_named(struct nl_handle *h, struct nl_msg *msg, nl_reply_fn on_reply, void *arg,
		      const char *name, struct cni_err *err)
{
	return transact(h, msg, on_reply, arg, false, name, err);
}

int nl_transact_large(struct nl_handle *h, struct nl_msg *msg, nl_reply_fn on_reply, void *arg,
		      struct cni_err *err)
{
	return transact(h, msg, on_reply, arg, true, NULL, err);
}
