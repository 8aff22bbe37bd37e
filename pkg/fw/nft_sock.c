/* A nfnetlink socket for nf_tables: dumps and all-or-nothing batches, over libmnl. */
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "fw/nft_sock.h"

#include "cni/fault.h"

/* A kernel that never answers must not hang the plugin. */
#define FW_NFT_RECV_TIMEOUT_S 10

int fw_nft_sock_open(struct fw_nft_sock *s, struct cni_err *err)
{
	struct timeval tv = {.tv_sec = FW_NFT_RECV_TIMEOUT_S};

	s->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!s->nl)
		return cni_errf(err, CNI_ERR_IO, errno, "open nfnetlink socket");
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(s->nl);
		s->nl = NULL;
		return cni_errf(err, CNI_ERR_IO, e, "bind nfnetlink socket");
	}
	setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* Extended ACK gives the kernel's reason with the errno. */
	int one = 1;
	setsockopt(mnl_socket_get_fd(s->nl), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = (uint32_t)time(NULL);
	return 0;
}

void fw_nft_sock_close(struct fw_nft_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	s->nl = NULL;
}

int fw_nft_dump(struct fw_nft_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
		struct cni_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "nf_tables dump request");
	for (;;) {
		n = mnl_socket_recvfrom(s->nl, buf, sizeof(buf));
		if (n < 0)
			return cni_errf(err, CNI_ERR_IO, errno, "nf_tables dump");
		ret = mnl_cb_run(buf, n, seq, s->portid, cb, data);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret < 0) {
			if (errno == ENOENT)
				return 0;
			return cni_errf(err, CNI_ERR_IO, errno, "nf_tables dump");
		}
	}
}

/* The kernel's extended-ACK message of an NLMSG_ERROR, or NULL. */
static const char *extack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	mnl_attr_for_each(attr, nlh, off)
	{
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
			return mnl_attr_get_str(attr);
	}
	return NULL;
}

int fw_nft_batch_send(struct fw_nft_sock *s, struct mnl_nlmsg_batch *b, unsigned n_msgs,
		      struct cni_err *err)
{
	char buf[FW_NFT_MSG_BYTES] = {0}; /* zeroed: see nft_sock.h */
	unsigned answered = 0;
	int first_error = 0;
	char reason[128] = "";

	if (cni_fault("nft") < 0 ||
	    mnl_socket_sendto(s->nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b)) < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "send nf_tables batch");
	/*
	 * nfnetlink handles the batch inside sendmsg, so every answer (one per message: each
	 * carries NLM_F_ACK) is queued by now: read until the queue is empty.
	 */
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(s->nl), buf, sizeof(buf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh;
		int len;

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0)
			return cni_errf(err, CNI_ERR_IO, errno, "nf_tables batch answer");
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;
			const char *why;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			answered++;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error == 0 || first_error)
				continue;
			first_error = -e->error;
			why = extack_msg(nlh);
			if (why)
				snprintf(reason, sizeof(reason), "%s", why);
		}
	}
	if (!first_error && answered < n_msgs)
		return cni_errf(err, CNI_ERR_IO, 0,
				"nf_tables transaction: %u of %u messages answered", answered,
				n_msgs);
	if (first_error) {
		cni_errf(err, CNI_ERR_IO, first_error, "nf_tables transaction");
		if (reason[0])
			cni_err_details(err, "%s", reason);
		return -1;
	}
	return 0;
}
