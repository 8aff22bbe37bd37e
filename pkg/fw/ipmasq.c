/* ipMasq rules on nftables and iptables, named as the reference names them (see ipmasq.h). */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "fw/ipmasq.h"
#include "fw/names.h"

#define NFT_TABLE	"cni_plugins_masquerade"
#define NFT_CHAIN	"masq_checks"
#define NFT_COMMENT_MAX 128 /* knftables.CommentLengthMax */
#define PRIO_SRCNAT	100

/* ---- nftables ---------------------------------------------------------------------------- */

static void nft_network_hash(char out[17], const char *network)
{
	fw_hash_name(out, 16, "", network);
}

static void nft_instance_hash(char out[40], const struct fw_ipmasq_owner *o)
{
	char net[17], inst[17], text[512];

	nft_network_hash(net, o->network);
	snprintf(text, sizeof(text), "%s:%s", o->ifname, o->container_id);
	fw_hash_name(inst, 16, "", text);
	snprintf(out, 40, "%s-%s", net, inst);
}

/* strings.ReplaceAll(s, `"`, ``) */
static void strip_quotes(char *out, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++)
		if (*s != '"')
			out[n++] = *s;
	out[n] = '\0';
}

static void nft_comment(char out[NFT_COMMENT_MAX + 1], const struct fw_ipmasq_owner *o)
{
	char hash[40], net[256], ifn[64], id[256], full[700];

	nft_instance_hash(hash, o);
	strip_quotes(net, sizeof(net), o->network);
	strip_quotes(ifn, sizeof(ifn), o->ifname);
	strip_quotes(id, sizeof(id), o->container_id);
	snprintf(full, sizeof(full), "%s, net: %s, if: %s, id: %s", hash, net, ifn, id);
	snprintf(out, NFT_COMMENT_MAX + 1, "%s", full);
}

static int nft_ensure_layout(struct fw_tx *tx, struct cni_err *err)
{
	struct fw_chain checks = {
		.name = NFT_CHAIN,
		.comment = "Masquerade traffic from certain IPs to any (non-multicast) IP outside "
			   "their subnet"};
	struct fw_chain post = {
		.name = "postrouting", .hook = FW_HOOK_POSTROUTING, .priority = PRIO_SRCNAT};
	const struct fw_rule post_rules[] = {
		{.chain = "postrouting",
		 .family = AF_INET,
		 .daddr = {.set = true,
			   .prefix = {.ip = {.family = AF_INET, .addr = {224}}, .len = 4}},
		 .verdict = FW_VERDICT_RETURN},
		{.chain = "postrouting",
		 .family = AF_INET6,
		 .daddr = {.set = true,
			   .prefix = {.ip = {.family = AF_INET6, .addr = {0xff}}, .len = 8}},
		 .verdict = FW_VERDICT_RETURN},
		{.chain = "postrouting", .verdict = FW_VERDICT_GOTO, .target = NFT_CHAIN},
	};

	if (fw_tx_ensure_table(
		    tx, "Masquerading for plugins from github.com/containernetworking/plugins",
		    err) < 0 ||
	    fw_tx_ensure_chain(tx, &checks, err) < 0 || fw_tx_ensure_chain(tx, &post, err) < 0 ||
	    fw_tx_set_chain_rules(tx, "postrouting", post_rules, 3, err) < 0)
		return -1;
	return 0;
}

static int nft_setup(const struct cni_prefix *addrs, size_t n, const struct fw_ipmasq_owner *o,
		     struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	char hash[40], comment[NFT_COMMENT_MAX + 1];

	nft_instance_hash(hash, o);
	nft_comment(comment, o);
	if (fw_tx_open(FW_BACKEND_NFTABLES, AF_UNSPEC, NFT_TABLE, &tx, err) < 0 ||
	    nft_ensure_layout(tx, err) < 0 ||
	    fw_tx_delete_by_comment(tx, NFT_CHAIN, hash, true, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct fw_rule r = {.chain = NFT_CHAIN,
				    .family = addrs[i].ip.family,
				    .saddr = {.set = true,
					      .prefix = {.ip = addrs[i].ip,
							 .len = cni_ip_bytes(&addrs[i].ip) * 8}},
				    .daddr = {.set = true,
					      .negate = true,
					      .prefix = cni_prefix_network(&addrs[i])},
				    .verdict = FW_VERDICT_MASQUERADE,
				    .comment = comment};

		if (fw_tx_add_rule(tx, &r, false, err) < 0)
			return -1;
	}
	return fw_tx_commit(tx, err);
}

static int nft_teardown(const struct fw_ipmasq_owner *o, struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	char hash[40];

	nft_instance_hash(hash, o);
	if (fw_tx_open(FW_BACKEND_NFTABLES, AF_UNSPEC, NFT_TABLE, &tx, err) < 0 ||
	    fw_tx_delete_by_comment(tx, NFT_CHAIN, hash, true, err) < 0)
		return -1;
	return fw_tx_commit(tx, err);
}

static bool nft_comment_is_valid(const char *comment, const char *network,
				 const struct cni_attachment *valid, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct fw_ipmasq_owner o = {network, valid[i].ifname, valid[i].container_id};
		char want[NFT_COMMENT_MAX + 1];

		nft_comment(want, &o);
		if (strcmp(want, comment) == 0)
			return true;
	}
	return false;
}

static int nft_gc(const char *network, const struct cni_attachment *valid, size_t n_valid,
		  struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	char net[17], **comments = NULL;
	size_t n = 0;

	nft_network_hash(net, network);
	if (fw_tx_open(FW_BACKEND_NFTABLES, AF_UNSPEC, NFT_TABLE, &tx, err) < 0 ||
	    fw_tx_comments(tx, NFT_CHAIN, net, &comments, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!nft_comment_is_valid(comments[i], network, valid, n_valid))
			fw_tx_delete_by_comment(tx, NFT_CHAIN, comments[i], false, err);
	fw_strings_free(comments, n);
	return fw_tx_commit(tx, err);
}

/* ---- iptables ---------------------------------------------------------------------------- */

static const int families[] = {AF_INET, AF_INET6};

static int ipt_remove(struct fw_tx *tx, const char *network, const char *id, struct cni_err *err)
{
	char chain[32];

	fw_chain_name(chain, network, id, "");
	if (fw_tx_delete_jumps(tx, "POSTROUTING", chain, NULL, err) < 0)
		return -1;
	return fw_tx_delete_chain(tx, chain, err);
}

static int ipt_setup_family(int family, const struct cni_prefix *addrs, size_t n,
			    const struct fw_ipmasq_owner *o, struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	char chain[32], comment[600];
	struct fw_rule masq = {.family = family,
			       .daddr = {.set = true, .negate = true},
			       .verdict = FW_VERDICT_MASQUERADE};
	bool any = false;

	for (size_t i = 0; i < n; i++)
		any = any || addrs[i].ip.family == family;
	if (!any)
		return 0;
	fw_chain_name(chain, o->network, o->container_id, "");
	fw_format_comment(comment, sizeof(comment), o->network, o->container_id);
	if (fw_tx_open(FW_BACKEND_IPTABLES, family, "nat", &tx, err) < 0 ||
	    fw_tx_delete_jumps(tx, "POSTROUTING", chain, NULL, err) < 0 ||
	    fw_tx_ensure_chain(tx, &(struct fw_chain){.name = chain}, err) < 0 ||
	    fw_tx_flush_chain(tx, chain, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct fw_rule accept = {.chain = chain,
					 .family = family,
					 .daddr = {.set = true, .prefix = addrs[i]},
					 .comment = comment,
					 .verdict = FW_VERDICT_ACCEPT};

		if (addrs[i].ip.family == family && fw_tx_add_rule(tx, &accept, false, err) < 0)
			return -1;
	}
	masq.chain = chain;
	masq.comment = comment;
	masq.daddr.prefix =
		family == AF_INET
			? (struct cni_prefix){.ip = {.family = AF_INET, .addr = {224}}, .len = 4}
			: (struct cni_prefix){.ip = {.family = AF_INET6, .addr = {0xff}}, .len = 8};
	if (fw_tx_add_rule(tx, &masq, false, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct fw_rule jump = {.chain = "POSTROUTING",
				       .family = family,
				       .saddr = {.set = true,
						 .prefix = {.ip = addrs[i].ip,
							    .len = cni_ip_bytes(&addrs[i].ip) * 8}},
				       .comment = comment,
				       .verdict = FW_VERDICT_JUMP,
				       .target = chain};

		if (addrs[i].ip.family == family && fw_tx_add_rule(tx, &jump, false, err) < 0)
			return -1;
	}
	return fw_tx_commit(tx, err);
}

static int ipt_teardown(const struct fw_ipmasq_owner *o, struct cni_err *err)
{
	for (size_t f = 0; f < 2; f++) {
		_cleanup_fw_tx_ struct fw_tx *tx = NULL;

		if (fw_tx_open(FW_BACKEND_IPTABLES, families[f], "nat", &tx, err) < 0 ||
		    ipt_remove(tx, o->network, o->container_id, err) < 0 ||
		    fw_tx_commit(tx, err) < 0)
			return -1;
	}
	return 0;
}

static bool id_is_valid(const char *id, const struct cni_attachment *valid, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(valid[i].container_id, id) == 0)
			return true;
	return false;
}

/* The reference has no iptables GC; the POSTROUTING comments name network and pod. */
static int ipt_gc(const char *network, const struct cni_attachment *valid, size_t n_valid,
		  struct cni_err *err)
{
	char prefix[300], quoted[260];

	fw_go_quote(quoted, sizeof(quoted), network);
	snprintf(prefix, sizeof(prefix), "name: %s id: \"", quoted);
	for (size_t f = 0; f < 2; f++) {
		_cleanup_fw_tx_ struct fw_tx *tx = NULL;
		char **comments = NULL;
		size_t n = 0;
		int ret = 0;

		if (fw_tx_open(FW_BACKEND_IPTABLES, families[f], "nat", &tx, err) < 0 ||
		    fw_tx_comments(tx, "POSTROUTING", prefix, &comments, &n, err) < 0)
			return -1;
		for (size_t i = 0; i < n && ret == 0; i++) {
			char *id = comments[i] + strlen(prefix), *end = strrchr(id, '"');

			if (!end)
				continue;
			*end = '\0';
			if (!id_is_valid(id, valid, n_valid))
				ret = ipt_remove(tx, network, id, err);
		}
		fw_strings_free(comments, n);
		if (ret < 0 || fw_tx_commit(tx, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- the API ----------------------------------------------------------------------------- */

int fw_ipmasq_setup(enum fw_backend backend, const struct cni_prefix *addrs, size_t n,
		    const struct fw_ipmasq_owner *owner, struct cni_err *err)
{
	int ret = 0;

	if (backend == FW_BACKEND_NFTABLES)
		ret = nft_setup(addrs, n, owner, err);
	for (size_t f = 0; f < 2 && backend == FW_BACKEND_IPTABLES && ret == 0; f++)
		ret = ipt_setup_family(families[f], addrs, n, owner, err);
	if (ret < 0)
		return cni_err_wrap(err, "failed to set up IP masquerade");
	return 0;
}

int fw_ipmasq_teardown(enum fw_backend backend, const struct cni_prefix *addrs, size_t n,
		       const struct fw_ipmasq_owner *owner, struct cni_err *err)
{
	int ret = backend == FW_BACKEND_NFTABLES ? nft_teardown(owner, err)
						 : ipt_teardown(owner, err);

	if (ret < 0)
		return cni_err_wrap(err, "failed to tear down IP masquerade");
	return 0;
}

int fw_ipmasq_gc(enum fw_backend backend, const char *network, const struct cni_attachment *valid,
		 size_t n_valid, struct cni_err *err)
{
	int ret = backend == FW_BACKEND_NFTABLES ? nft_gc(network, valid, n_valid, err)
						 : ipt_gc(network, valid, n_valid, err);

	if (ret < 0)
		return cni_err_wrap(err, "failed to garbage-collect IP masquerade rules");
	return 0;
}
