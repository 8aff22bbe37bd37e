/* Choosing a firewall backend: the config's word, or nftables when the kernel has it. */
#include <errno.h>
#include <stdio.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "fw/fw.h"
#include "fw/nft_sock.h"

int fw_backend_parse(const char *key, const char *s, enum fw_backend *out, struct cni_err *err)
{
	if (strcmp(s, "nftables") == 0)
		*out = FW_BACKEND_NFTABLES;
	else if (strcmp(s, "iptables") == 0)
		*out = FW_BACKEND_IPTABLES;
	else
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "unknown %s \"%s\"", key, s);
	return 0;
}

const char *fw_backend_name(enum fw_backend b)
{
	return b == FW_BACKEND_NFTABLES ? "nftables" : "iptables";
}

static int gen_cb(const struct nlmsghdr *nlh, void *data)
{
	*(bool *)data = true;
	return MNL_CB_OK;
}

bool fw_nftables_available(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct fw_nft_sock s = {0};
	struct cni_err err = {0};
	struct nlmsghdr *nlh;
	bool answered = false;
	int ret;

	if (fw_nft_sock_open(&s, &err) < 0)
		return false;
	/* NFT_MSG_GETGEN is answered by any kernel with nf_tables, and costs nothing. */
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, NFPROTO_UNSPEC, NLM_F_ACK, ++s.seq);
	ret = fw_nft_dump(&s, nlh, gen_cb, &answered, &err);
	fw_nft_sock_close(&s);
	return ret == 0 && answered;
}

enum fw_backend fw_backend_default(void)
{
	return fw_nftables_available() ? FW_BACKEND_NFTABLES : FW_BACKEND_IPTABLES;
}
