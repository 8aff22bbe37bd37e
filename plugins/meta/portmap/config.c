/* Parse and validate the portmap plugin's keys (the reference's PortMapConf and parseConfig). */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cni/conf_field.h"
#include "fw/nft_cond.h"

static int parse_strings(const json_t *conf, const char *key, const char ***out, size_t *n,
			 struct cni_err *err)
{
	json_t *arr, *item;
	size_t i;

	if (cni_conf_array(conf, key, &arr, err) < 0)
		return -1;
	*n = json_array_size(arr);
	if (!*n)
		return 0;
	*out = calloc(*n, sizeof(**out));
	if (!*out)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "config");
	json_array_foreach (arr, i, item) {
		if (!json_is_string(item))
			return cni_errf(
				err, CNI_ERR_INVALID_CONFIG, 0,
				"failed to parse network configuration: %s must hold strings", key);
		(*out)[i] = json_string_value(item);
	}
	return 0;
}

/* The reference tells the backend of conditions by their first character. */
static const char *conditions_backend(const char **cond, size_t n)
{
	if (!n || !cond[0][0])
		return NULL;
	return cond[0][0] == '-' || cond[0][0] == '!' ? "iptables" : "nftables";
}

static int parse_mapping(const json_t *item, struct portmap_mapping *m, struct cni_err *err)
{
	int host = 0, cont = 0;
	bool has;
	const char *proto = NULL;

	if (!json_is_object(item))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "bad portMappings entry");
	if (cni_conf_int(item, "hostPort", &host, &has, err) < 0 ||
	    cni_conf_int(item, "containerPort", &cont, &has, err) < 0 ||
	    cni_conf_string(item, "protocol", &proto, err) < 0 ||
	    cni_conf_ip(item, "hostIP", &m->host_ip, err) < 0)
		return -1;
	if (cont <= 0 || cont > 65535)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "Invalid container port number: %d",
				cont);
	if (host <= 0 || host > 65535)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "Invalid host port number: %d",
				host);
	m->host_port = (uint16_t)host;
	m->container_port = (uint16_t)cont;
	if (!proto)
		proto = "";
	if (strcasecmp(proto, "tcp") == 0)
		m->protocol = IPPROTO_TCP;
	else if (strcasecmp(proto, "udp") == 0)
		m->protocol = IPPROTO_UDP;
	else if (strcasecmp(proto, "sctp") == 0)
		m->protocol = IPPROTO_SCTP;
	else
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "unknown protocol \"%s\"", proto);
	snprintf(m->protocol_name, sizeof(m->protocol_name), "%s",
		 m->protocol == IPPROTO_TCP   ? "tcp"
		 : m->protocol == IPPROTO_UDP ? "udp"
					      : "sctp");
	return 0;
}

static int parse_mappings(const struct cni_request *req, struct portmap_config *c,
			  struct cni_err *err)
{
	json_t *arr, *item;
	size_t i;

	if (cni_conf_array(req->runtime_config, "portMappings", &arr, err) < 0)
		return -1;
	c->n_mappings = json_array_size(arr);
	if (!c->n_mappings)
		return 0;
	c->mappings = calloc(c->n_mappings, sizeof(*c->mappings));
	if (!c->mappings)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "config");
	json_array_foreach (arr, i, item) {
		if (parse_mapping(item, &c->mappings[i], err) < 0)
			return -1;
	}
	return 0;
}

/* The first IPv4 and IPv6 address of the prevResult that belongs to CNI_IFNAME in a sandbox. */
static void pick_addresses(const struct cni_request *req, struct portmap_config *c)
{
	const struct cni_result *r = &req->prev_result;

	if (!req->has_prev_result)
		return;
	for (size_t i = 0; i < r->n_ips; i++) {
		const struct cni_ip_config *ip = &r->ips[i];
		struct cni_prefix *slot =
			ip->address.ip.family == AF_INET ? &c->cont_v4 : &c->cont_v6;

		if (slot->ip.family)
			continue;
		if (ip->interface >= 0 && (size_t)ip->interface < r->n_interfaces) {
			const struct cni_interface *itf = &r->interfaces[ip->interface];

			if (!itf->sandbox || !itf->sandbox[0] || !req->ifname ||
			    strcmp(itf->name, req->ifname) != 0)
				continue;
		}
		*slot = ip->address;
	}
}

/* nftables conditions are refused here, before any rule is written, rather than at commit. */
static int check_nft_conditions(const struct portmap_config *c, struct cni_err *err)
{
	struct fw_nft_cond *conds = NULL;
	size_t n;

	if (fw_nft_cond_parse(c->conditions_v4, c->n_conditions_v4, AF_INET, &conds, &n, err) < 0)
		return cni_err_wrap(err, "conditionsV4");
	free(conds);
	if (fw_nft_cond_parse(c->conditions_v6, c->n_conditions_v6, AF_INET6, &conds, &n, err) < 0)
		return cni_err_wrap(err, "conditionsV6");
	free(conds);
	return 0;
}

static int parse_backend(const json_t *conf, struct portmap_config *c, struct cni_err *err)
{
	const char *backend = NULL, *v4 = conditions_backend(c->conditions_v4, c->n_conditions_v4),
		   *v6 = conditions_backend(c->conditions_v6, c->n_conditions_v6);
	const char *wrong;

	if (cni_conf_string(conf, "backend", &backend, err) < 0)
		return -1;
	if (backend) {
		if (fw_backend_parse("backend", backend, &c->backend, err) < 0)
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"unrecognized backend \"%s\"", backend);
	} else if (c->external_set_mark_chain || (v4 && strcmp(v4, "iptables") == 0) ||
		   (v6 && strcmp(v6, "iptables") == 0)) {
		/* Options that only iptables understands choose it, rather than fail. */
		c->backend = FW_BACKEND_IPTABLES;
	} else {
		c->backend = fw_backend_default();
	}
	wrong = c->backend == FW_BACKEND_IPTABLES ? "nftables" : "iptables";
	if (c->backend == FW_BACKEND_NFTABLES && c->external_set_mark_chain)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"nftables backend was requested but configuration contains "
				"iptables-specific options [externalSetMarkChain]");
	if ((v4 && strcmp(v4, wrong) == 0) || (v6 && strcmp(v6, wrong) == 0))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"%s backend was requested but configuration contains %s-specific "
				"options [%s]",
				fw_backend_name(c->backend), wrong,
				v4 && strcmp(v4, wrong) == 0 ? "conditionsV4" : "conditionsV6");
	if (c->backend == FW_BACKEND_NFTABLES)
		return check_nft_conditions(c, err);
	return 0;
}

int portmap_config_parse(const struct cni_request *req, struct portmap_config *c,
			 struct cni_err *err)
{
	const json_t *conf = req->config;
	bool has_bit = false, snat_set;

	*c = (struct portmap_config){.name = req->name,
				     .container_id = req->container_id,
				     .snat = true,
				     .mark_masq_bit = PORTMAP_DEFAULT_MARK_BIT};
	snat_set = cni_conf_get(conf, "snat") != NULL;
	if (snat_set && cni_conf_bool(conf, "snat", &c->snat, err) < 0)
		return -1;
	if (cni_conf_bool(conf, "masqAll", &c->masq_all, err) < 0 ||
	    cni_conf_int(conf, "markMasqBit", &c->mark_masq_bit, &has_bit, err) < 0 ||
	    cni_conf_string(conf, "externalSetMarkChain", &c->external_set_mark_chain, err) < 0 ||
	    parse_strings(conf, "conditionsV4", &c->conditions_v4, &c->n_conditions_v4, err) < 0 ||
	    parse_strings(conf, "conditionsV6", &c->conditions_v6, &c->n_conditions_v6, err) < 0)
		return -1;
	if (has_bit && c->external_set_mark_chain)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"Cannot specify externalSetMarkChain and markMasqBit");
	if (c->mark_masq_bit < 0 || c->mark_masq_bit > 31)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"MasqMarkBit must be between 0 and 31");
	if (parse_backend(conf, c, err) < 0 || parse_mappings(req, c, err) < 0)
		return -1;
	pick_addresses(req, c);
	return 0;
}

void portmap_config_free(struct portmap_config *c)
{
	free(c->conditions_v4);
	free(c->conditions_v6);
	free(c->mappings);
}
