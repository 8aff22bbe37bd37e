/* A nfnetlink socket for nf_tables: dumps and all-or-nothing batches, over libmnl. */
#ifndef FW_NFT_SOCK_H
#define FW_NFT_SOCK_H

#include <libmnl/libmnl.h>
#include <stdint.h>

#include "cni/err.h"

/*
 * Every buffer a message is built in starts zeroed: libmnl 1.0.4 (Debian 12) leaves the padding
 * after an attribute as it was, and those bytes would go to the kernel uninitialised. One request
 * fits in FW_NFT_MSG_BYTES (libmnl's MNL_SOCKET_BUFFER_SIZE, which is not a constant).
 */
#define FW_NFT_MSG_BYTES 8192

struct fw_nft_sock {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
};

int fw_nft_sock_open(struct fw_nft_sock *s, struct cni_err *err);
void fw_nft_sock_close(struct fw_nft_sock *s);

/*
 * Send one dump request (nlh built in buf by the caller with s->seq) and call cb on each answer.
 * ENOENT (no such table/chain) is not an error: the dump is simply empty.
 */
int fw_nft_dump(struct fw_nft_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
		struct cni_err *err);

/*
 * Send a batch (begin, n_msgs messages each with NLM_F_ACK, end) and wait for every answer. The
 * kernel applies all of it or none; the first failing message's error comes back in err.
 */
int fw_nft_batch_send(struct fw_nft_sock *s, struct mnl_nlmsg_batch *b, unsigned n_msgs,
		      struct cni_err *err);

#endif
