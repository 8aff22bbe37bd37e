/* Parse the firewall plugin's keys (the reference's FirewallNetConf) into struct firewall_config.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cni/conf_field.h"
#include "fw/fw.h"
#include "firewall.h"

/*
 * With no backend given: firewalld when it runs (as the reference); else iptables when the node
 * already filters forwarded traffic with iptables (a FORWARD chain, e.g. Docker's DROP policy,
 * can only be opened from there: an accept in a table of our own cannot override another
 * table's drop); else nftables when the kernel has it.
 */
static int parse_backend(const json_t *conf, struct firewall_config *c, struct cni_err *err)
{
	const char *s = NULL;

	if (cni_conf_string(conf, "backend", &s, err) < 0)
		return -1;
	if (s && strcmp(s, "iptables") == 0)
		c->backend = FIREWALL_IPTABLES;
	else if (s && strcmp(s, "firewalld") == 0)
		c->backend = FIREWALL_FIREWALLD;
	else if (s && strcmp(s, "nftables") == 0)
		c->backend = FIREWALL_NFTABLES;
	else if (s && s[0])
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"unknown backend \"%s\" (iptables, firewalld or nftables)", s);
	else if (firewall_firewalld_running())
		c->backend = FIREWALL_FIREWALLD;
	else if (fw_iptables_filters_forward() || !fw_nftables_available())
		c->backend = FIREWALL_IPTABLES;
	else
		c->backend = FIREWALL_NFTABLES;
	return 0;
}

static int parse_ingress(const json_t *conf, struct firewall_config *c, struct cni_err *err)
{
	const char *s = NULL;

	if (cni_conf_string(conf, "ingressPolicy", &s, err) < 0)
		return -1;
	if (!s || !s[0] || strcmp(s, "open") == 0)
		c->ingress = INGRESS_OPEN;
	else if (strcmp(s, "same-bridge") == 0)
		c->ingress = INGRESS_SAME_BRIDGE;
	else if (strcmp(s, "isolated") == 0)
		c->ingress = INGRESS_ISOLATED;
	else
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "unknown ingress policy: \"%s\"",
				s);
	return 0;
}

int firewall_config_parse(const struct cni_request *req, struct firewall_config *c,
			  struct cni_err *err)
{
	const struct cni_result *prev = &req->prev_result;

	*c = (struct firewall_config){
		.name = req->name, .container_id = req->container_id, .ifname = req->ifname};
	if (cni_conf_string(req->config, "iptablesAdminChainName", &c->admin_chain, err) < 0 ||
	    cni_conf_string(req->config, "firewalldZone", &c->zone, err) < 0 ||
	    parse_ingress(req->config, c, err) < 0 || parse_backend(req->config, c, err) < 0)
		return -1;
	if (!c->admin_chain || !c->admin_chain[0])
		c->admin_chain = "CNI-ADMIN";
	if (strlen(c->admin_chain) > 28)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"iptablesAdminChainName \"%s\" is longer than 28 characters",
				c->admin_chain);
	if (!c->zone || !c->zone[0])
		c->zone = "trusted";
	if (!req->has_prev_result)
		return 0;
	for (size_t i = 0; i < prev->n_ips && c->n_ips < FIREWALL_MAX_IPS; i++) {
		/* The rules match the one address: "10.88.0.2/32" as the reference's ipString. */
		c->ips[c->n_ips] = prev->ips[i].address;
		c->ips[c->n_ips].len = cni_ip_bytes(&prev->ips[i].address.ip) * 8;
		c->n_ips++;
	}
	if (prev->n_interfaces && prev->interfaces[0].name && prev->interfaces[0].name[0])
		c->bridge = prev->interfaces[0].name;
	return 0;
}

bool firewall_has_family(const struct firewall_config *c, int family)
{
	for (size_t i = 0; i < c->n_ips; i++)
		if (c->ips[i].ip.family == family)
			return true;
	return false;
}

const char *firewall_policy_comment(enum firewall_ingress p)
{
	return p == INGRESS_ISOLATED ? "CNI firewall plugin rules (ingressPolicy: isolated)"
				     : "CNI firewall plugin rules (ingressPolicy: same-bridge)";
}

void firewall_owner_comment(const struct firewall_config *c, char *buf, size_t len)
{
	snprintf(buf, len, FIREWALL_OWNER_PREFIX "%s %s %s", c->name ? c->name : "",
		 c->container_id ? c->container_id : "", c->ifname ? c->ifname : "");
}

void firewall_owner_network_prefix(const struct firewall_config *c, char *buf, size_t len)
{
	snprintf(buf, len, FIREWALL_OWNER_PREFIX "%s ", c->name ? c->name : "");
}

bool firewall_owner_parse(const struct firewall_config *c, const char *comment, char *buf,
			  size_t len, const char **container_id, const char **ifname)
{
	char prefix[256];
	char *space;

	firewall_owner_network_prefix(c, prefix, sizeof(prefix));
	if (!comment || strncmp(comment, prefix, strlen(prefix)) != 0)
		return false;
	snprintf(buf, len, "%s", comment + strlen(prefix));
	space = strrchr(buf, ' ');
	if (!space)
		return false;
	*space = '\0';
	*container_id = buf;
	*ifname = space + 1;
	return true;
}

bool firewall_owner_is_valid(const struct firewall_config *c, const struct cni_request *req,
			     const char *comment)
{
	const char *id, *ifname;
	char buf[256];

	if (!firewall_owner_parse(c, comment, buf, sizeof(buf), &id, &ifname))
		return true;
	return cni_request_attachment_is_valid(req, id, ifname);
}
