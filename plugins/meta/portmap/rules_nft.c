/* portmap on nftables: tables ip/ip6 cni_hostport, one rule per mapping, tagged with its
 * attachment. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "fw/fw.h"
#include "cni/sha512.h"
#include "portmap.h"

#define TABLE	    "cni_hostport"
#define CHAIN_PORTS "hostports"
/* No longer written (hostIP rules go to hostports), still read and cleaned, as the reference. */
#define CHAIN_HOSTIP "hostip_hostports"
#define CHAIN_ALL    "hostports_all"
#define CHAIN_MASQ   "masquerading"
#define PRIO_DSTNAT  (-100)
#define PRIO_SRCNAT  100

/* nft keeps at most 127 bytes of a rule comment (NFTNL_UDATA_COMMENT_MAXLEN with its NUL). */
#define TAG_MAX 128

/*
 * The comment of an attachment's rules: the reference's text (the container ID), then the
 * network, so that DEL and GC on one network leave the same container's rules on another network
 * alone (the reference's rules carry the ID only, and its GC takes every network's). A network
 * name too long to fit is replaced by a hash of it.
 */
static void nft_tag(const char *id, const char *net, char out[TAG_MAX])
{
	uint8_t sum[64];

	if (strlen(id) + strlen(" net:") + strlen(net) < TAG_MAX) {
		snprintf(out, TAG_MAX, "%s net:%s", id, net);
		return;
	}
	cni_sha512(net, strlen(net), sum);
	snprintf(out, TAG_MAX, "%s net#%02x%02x%02x%02x%02x%02x%02x%02x", id, sum[0], sum[1],
		 sum[2], sum[3], sum[4], sum[5], sum[6], sum[7]);
}

/* The container ID of a comment tagged for network net, or false when not net's. */
static bool nft_tag_id(const char *comment, const char *net, char id[TAG_MAX])
{
	char suffix[TAG_MAX];
	size_t n = strlen(comment), ns;

	nft_tag("", net, suffix);
	ns = strlen(suffix);
	if (n <= ns || n >= TAG_MAX || strcmp(comment + n - ns, suffix) != 0)
		return false;
	memcpy(id, comment, n - ns);
	id[n - ns] = '\0';
	return true;
}

static int ensure_layout(struct fw_tx *tx, const struct portmap_config *c, int family,
			 struct cni_err *err)
{
	const char **cond = family == AF_INET ? c->conditions_v4 : c->conditions_v6;
	size_t n_cond = family == AF_INET ? c->n_conditions_v4 : c->n_conditions_v6;
	static const struct {
		const char *name;
		enum fw_hook hook;
	} entries[] = {{"prerouting", FW_HOOK_PREROUTING}, {"output", FW_HOOK_OUTPUT}};

	if (fw_tx_ensure_table(tx, "CNI portmap plugin", err) < 0 ||
	    fw_tx_ensure_chain(tx, &(struct fw_chain){.name = CHAIN_PORTS}, err) < 0 ||
	    fw_tx_ensure_chain(tx, &(struct fw_chain){.name = CHAIN_HOSTIP}, err) < 0 ||
	    fw_tx_ensure_chain(tx, &(struct fw_chain){.name = CHAIN_ALL}, err) < 0)
		return -1;
	const struct fw_rule jumps[] = {
		{.chain = CHAIN_ALL,
		 .family = family,
		 .verdict = FW_VERDICT_JUMP,
		 .target = CHAIN_HOSTIP},
		{.chain = CHAIN_ALL,
		 .family = family,
		 .verdict = FW_VERDICT_JUMP,
		 .target = CHAIN_PORTS},
	};
	if (fw_tx_set_chain_rules(tx, CHAIN_ALL, jumps, 2, err) < 0)
		return -1;
	for (size_t i = 0; i < 2; i++) {
		struct fw_chain ch = {
			.name = entries[i].name, .hook = entries[i].hook, .priority = PRIO_DSTNAT};
		struct fw_rule r = {.chain = ch.name,
				    .family = family,
				    .conditions = cond,
				    .n_conditions = n_cond,
				    .daddr_local = true,
				    .verdict = FW_VERDICT_JUMP,
				    .target = CHAIN_ALL};

		if (fw_tx_ensure_chain(tx, &ch, err) < 0 ||
		    fw_tx_set_chain_rules(tx, ch.name, &r, 1, err) < 0)
			return -1;
	}
	if (c->snat) {
		struct fw_chain masq = {
			.name = CHAIN_MASQ, .hook = FW_HOOK_POSTROUTING, .priority = PRIO_SRCNAT};

		if (fw_tx_ensure_chain(tx, &masq, err) < 0)
			return -1;
	}
	return 0;
}

static bool host_ip_applies(const struct portmap_mapping *m, int family, bool *use_host_ip)
{
	static const uint8_t zero[16];

	*use_host_ip = false;
	if (!m->host_ip.family)
		return true;
	if (m->host_ip.family != family)
		return false;
	*use_host_ip = memcmp(m->host_ip.addr, zero, cni_ip_bytes(&m->host_ip)) != 0;
	return true;
}

static int add_masq(struct fw_tx *tx, const char *tag, const struct cni_prefix *cont,
		    const struct cni_prefix *src, struct cni_err *err)
{
	struct fw_rule r = {
		.chain = CHAIN_MASQ,
		.family = cont->ip.family,
		.saddr = {.set = true, .prefix = *src},
		.daddr = {.set = true,
			  .prefix = {.ip = cont->ip, .len = cni_ip_bytes(&cont->ip) * 8}},
		.verdict = FW_VERDICT_MASQUERADE,
		.comment = tag};

	return fw_tx_add_rule(tx, &r, false, err);
}

static int nft_forward(const struct portmap_config *c, const struct cni_prefix *cont,
		       struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	int family = cont->ip.family, full = cni_ip_bytes(&cont->ip) * 8;
	char tag[TAG_MAX];

	nft_tag(c->container_id, c->name, tag);
	if (fw_tx_open(FW_BACKEND_NFTABLES, family, TABLE, &tx, err) < 0 ||
	    ensure_layout(tx, c, family, err) < 0)
		return -1;
	/* A repeated ADD replaces this attachment's rules instead of doubling them. */
	if (fw_tx_delete_by_comment(tx, CHAIN_PORTS, tag, false, err) < 0 ||
	    fw_tx_delete_by_comment(tx, CHAIN_MASQ, tag, false, err) < 0)
		return -1;
	for (size_t i = 0; i < c->n_mappings; i++) {
		const struct portmap_mapping *m = &c->mappings[i];
		bool use_host_ip;
		struct fw_rule r = {.chain = CHAIN_PORTS,
				    .family = family,
				    .l4proto = m->protocol,
				    .dports = {m->host_port},
				    .n_dports = 1,
				    .verdict = FW_VERDICT_DNAT,
				    .dnat_ip = cont->ip,
				    .dnat_port = m->container_port,
				    .comment = tag};

		if (!host_ip_applies(m, family, &use_host_ip))
			continue;
		if (use_host_ip)
			r.daddr = (struct fw_addr_match){.set = true,
							 .prefix = {.ip = m->host_ip, .len = full}};
		if (fw_tx_add_rule(tx, &r, false, err) < 0)
			return -1;
	}
	if (c->snat) {
		struct cni_prefix src = {.ip = cont->ip, .len = full};

		if (c->masq_all)
			src = (struct cni_prefix){.ip = {.family = family}, .len = 0};
		if (add_masq(tx, tag, cont, &src, err) < 0)
			return -1;
		if (family == AF_INET && !c->masq_all) {
			struct cni_prefix lo = {.ip = {.family = AF_INET, .addr = {127, 0, 0, 1}},
						.len = 32};

			if (add_masq(tx, tag, cont, &lo, err) < 0)
				return -1;
		}
	}
	if (fw_tx_commit(tx, err) < 0)
		return cni_err_wrap(err, "unable to set up nftables rules for port mappings");
	return 0;
}

static int nft_check(const struct portmap_config *c, const struct cni_prefix *cont,
		     struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	int family = cont->ip.family;
	size_t ports = 0, masq = 0;
	char tag[TAG_MAX];

	nft_tag(c->container_id, c->name, tag);
	for (size_t i = 0; i < c->n_mappings; i++) {
		bool use_host_ip;

		if (host_ip_applies(&c->mappings[i], family, &use_host_ip))
			ports++;
	}
	if (c->snat)
		masq = family == AF_INET && !c->masq_all ? 2 : 1;
	if (fw_tx_open(FW_BACKEND_NFTABLES, family, TABLE, &tx, err) < 0)
		return -1;
	if (ports && fw_tx_count_rules(tx, CHAIN_PORTS, tag, false) < ports)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"missing hostport rules in \"%s\" chain", CHAIN_PORTS);
	if (masq && fw_tx_count_rules(tx, CHAIN_MASQ, tag, false) < masq)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"missing hostport rules in \"%s\" chain", CHAIN_MASQ);
	return 0;
}

/*
 * DEL (req NULL): delete the attachment's rules, and the rules the reference (or an older cni-c)
 * tagged with the bare container ID. GC: delete the rules tagged for this network whose container
 * is not in the valid list; untagged rules cannot be told apart by network and are left alone.
 */
static int queue_remove(struct fw_tx *tx, const struct portmap_config *c,
			const struct cni_request *req, struct cni_err *err)
{
	static const char *const chains[] = {CHAIN_PORTS, CHAIN_HOSTIP, CHAIN_MASQ};
	char tag[TAG_MAX], id[TAG_MAX];

	nft_tag(c->container_id ? c->container_id : "", c->name, tag);
	for (size_t i = 0; i < 3; i++) {
		char **comments = NULL;
		size_t n = 0;

		if (!req) {
			if (fw_tx_delete_by_comment(tx, chains[i], tag, false, err) < 0 ||
			    (c->container_id &&
			     fw_tx_delete_by_comment(tx, chains[i], c->container_id, false, err) <
				     0))
				return -1;
			continue;
		}
		if (fw_tx_comments(tx, chains[i], "", &comments, &n, err) < 0)
			return -1;
		for (size_t j = 0; j < n; j++)
			if (nft_tag_id(comments[j], c->name, id) &&
			    !portmap_container_is_valid(req, id) &&
			    fw_tx_delete_by_comment(tx, chains[i], comments[j], false, err) < 0)
				break;
		fw_strings_free(comments, n);
		if (cni_err_is_set(err))
			return -1;
	}
	return 0;
}

/* Both families' tables in one batch: one RCU grace period for what they remove (fw.h). */
static int nft_remove(const struct portmap_config *c, const struct cni_request *req,
		      struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx4 = NULL;
	_cleanup_fw_tx_ struct fw_tx *tx6 = NULL;

	if (fw_tx_open(FW_BACKEND_NFTABLES, AF_INET, TABLE, &tx4, err) < 0 ||
	    fw_tx_open(FW_BACKEND_NFTABLES, AF_INET6, TABLE, &tx6, err) < 0 ||
	    queue_remove(tx4, c, req, err) < 0 || queue_remove(tx6, c, req, err) < 0)
		return -1;
	if (fw_tx_commit_all((struct fw_tx *[]){tx4, tx6}, 2, err) < 0)
		return cni_err_wrap(err, "error deleting nftables rules");
	return 0;
}

static int nft_unforward(const struct portmap_config *c, struct cni_err *err)
{
	return nft_remove(c, NULL, err);
}

static int nft_gc(const struct portmap_config *c, const struct cni_request *req,
		  struct cni_err *err)
{
	return nft_remove(c, req, err);
}

const struct portmap_backend portmap_nftables = {
	.forward = nft_forward,
	.check = nft_check,
	.unforward = nft_unforward,
	.gc = nft_gc,
};
