/* Choosing a firewall backend: the config's word, or nftables when the kernel has it. */
#include <errno.h>
#include <stdio.h>
#include <libnftnl/chain.h>
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
	char buf[FW_NFT_MSG_BYTES] = {0}; /* zeroed: see nft_sock.h */
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

/* iptables-legacy's filter table is registered in this netns (anyone used it here). */
static bool legacy_filter_table(void)
{
	FILE *f = fopen("/proc/net/ip_tables_names", "re");
	char line[64];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strcmp(line, "filter\n") == 0;
	fclose(f);
	return found;
}

/* iptables-nft's FORWARD chain: chain FORWARD of table ip filter. */
static bool nft_compat_forward_chain(void)
{
	char buf[FW_NFT_MSG_BYTES] = {0}; /* zeroed: see nft_sock.h */
	struct fw_nft_sock s = {0};
	struct cni_err err = {0};
	struct nftnl_chain *c;
	struct nlmsghdr *nlh;
	bool answered = false;
	int ret;

	c = nftnl_chain_alloc();
	if (!c)
		return false;
	if (fw_nft_sock_open(&s, &err) < 0) {
		nftnl_chain_free(c);
		return false;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, "filter");
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, "FORWARD");
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, NFPROTO_IPV4, NLM_F_ACK, ++s.seq);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	ret = fw_nft_dump(&s, nlh, gen_cb, &answered, &err);
	fw_nft_sock_close(&s);
	return ret == 0 && answered;
}

bool fw_iptables_filters_forward(void)
{
	return legacy_filter_table() || nft_compat_forward_chain();
}

enum fw_backend fw_backend_default(void)
{
	return fw_nftables_available() ? FW_BACKEND_NFTABLES : FW_BACKEND_IPTABLES;
}
