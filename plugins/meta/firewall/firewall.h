/* The firewall plugin's typed config and the interface its three backends implement. */
#ifndef FIREWALL_FIREWALL_H
#define FIREWALL_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>

#include "cni/err.h"
#include "cni/ip.h"
#include "cni/skel.h"

enum firewall_backend_kind {
	FIREWALL_IPTABLES,
	FIREWALL_FIREWALLD,
	FIREWALL_NFTABLES,
};

enum firewall_ingress {
	INGRESS_OPEN,
	INGRESS_SAME_BRIDGE,
	INGRESS_ISOLATED,
};

#define FIREWALL_MAX_IPS 16

struct firewall_config {
	enum firewall_backend_kind backend;
	const char *admin_chain; /* iptablesAdminChainName, default CNI-ADMIN */
	const char *zone;	 /* firewalldZone, default trusted */
	enum firewall_ingress ingress;
	const char *name, *container_id, *ifname;
	/* From the prevResult: every address (as the reference) and interfaces[0] (the bridge). */
	struct cni_prefix ips[FIREWALL_MAX_IPS];
	size_t n_ips;
	const char *bridge; /* NULL: no interface in the prevResult */
};

int firewall_config_parse(const struct cni_request *req, struct firewall_config *c,
			  struct cni_err *err);
/* True when c holds at least one address of family. */
bool firewall_has_family(const struct firewall_config *c, int family);

/* One backend. del and gc never need the netns; del works without a prevResult where it can. */
struct firewall_backend {
	int (*add)(const struct firewall_config *c, struct cni_err *err);
	int (*del)(const struct firewall_config *c, struct cni_err *err);
	int (*check)(const struct firewall_config *c, struct cni_err *err);
	int (*gc)(const struct firewall_config *c, const struct cni_request *req,
		  struct cni_err *err);
};

extern const struct firewall_backend firewall_iptables, firewall_nftables, firewall_firewalld;

/* The reference's names. */
#define FIREWALL_FORWARD_CHAIN	"CNI-FORWARD"
#define FIREWALL_RULES_COMMENT	"CNI firewall plugin rules"
#define FIREWALL_ADMIN_COMMENT	"CNI firewall plugin admin overrides"
#define FIREWALL_STAGE1		"CNI-ISOLATION-STAGE-1"
#define FIREWALL_STAGE2		"CNI-ISOLATION-STAGE-2"
#define FIREWALL_POLICY_DEFAULT "CNI firewall plugin rules (ingressPolicy: same-bridge|isolated)"
/* Ours: who owns an address's rules, so DEL without prevResult and GC can find them. */
#define FIREWALL_OWNER_PREFIX "CNI firewall plugin owner: "

/* "CNI firewall plugin rules (ingressPolicy: <same-bridge|isolated>)" */
const char *firewall_policy_comment(enum firewall_ingress p);
/* FIREWALL_OWNER_PREFIX "<network> <containerID> <ifname>" into buf. */
void firewall_owner_comment(const struct firewall_config *c, char *buf, size_t len);
/* The owner prefix of c's network: FIREWALL_OWNER_PREFIX "<network> ". */
void firewall_owner_network_prefix(const struct firewall_config *c, char *buf, size_t len);
/* Split an owner comment of c's network; false when it is not one. Writes into buf. */
bool firewall_owner_parse(const struct firewall_config *c, const char *comment, char *buf,
			  size_t len, const char **container_id, const char **ifname);
/* GC: is the owner comment's attachment in the valid list (or not ours to judge)? */
bool firewall_owner_is_valid(const struct firewall_config *c, const struct cni_request *req,
			     const char *comment);

/* firewalld.c: is org.fedoraproject.FirewallD1 on the system bus? */
bool firewall_firewalld_running(void);

/* isolation.c: the reference's CNI-ISOLATION-STAGE-1/2 rules in an iptables filter table. */
struct fw_tx;
int firewall_isolation_ipt(struct fw_tx *tx, const struct firewall_config *c, struct cni_err *err);
/* The same rules in their own transaction per family (for the firewalld backend). */
int firewall_isolation_ipt_apply(const struct firewall_config *c, struct cni_err *err);
int firewall_isolation_ipt_check(struct fw_tx *tx, const struct firewall_config *c,
				 struct cni_err *err);

#endif
