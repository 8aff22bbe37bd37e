/* Parse and validate the bridge plugin's keys (the reference's NetConf and loadNetConf). */
#include "config.h"

#include "cni/conf_field.h"

#include <stddef.h>
#include <string.h>

static const struct {
	const char *key;
	size_t offset;
} bool_keys[] = {
	{"isGateway", offsetof(struct bridge_config, is_gateway)},
	{"isDefaultGateway", offsetof(struct bridge_config, is_default_gateway)},
	{"forceAddress", offsetof(struct bridge_config, force_address)},
	{"hairpinMode", offsetof(struct bridge_config, hairpin_mode)},
	{"promiscMode", offsetof(struct bridge_config, promisc_mode)},
	{"preserveDefaultVlan", offsetof(struct bridge_config, preserve_default_vlan)},
	{"macspoofchk", offsetof(struct bridge_config, macspoofchk)},
	{"enabledad", offsetof(struct bridge_config, enable_dad)},
	{"disableContainerInterface", offsetof(struct bridge_config, disable_container_interface)},
	{"portIsolation", offsetof(struct bridge_config, port_isolation)},
};

static int parse_trunk_item(const json_t *item, struct bridge_config *c, struct cni_err *err)
{
	int min = 0, max = 0, id = 0;
	bool has_min, has_max, has_id;

	if (!json_is_object(item))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"failed to load netconf: bad vlanTrunk entry");
	if (cni_conf_int(item, "minID", &min, &has_min, err) < 0 ||
	    cni_conf_int(item, "maxID", &max, &has_max, err) < 0 ||
	    cni_conf_int(item, "id", &id, &has_id, err) < 0)
		return -1;
	if (has_min && has_max) {
		if (min <= 0 || min > BRIDGE_VLAN_MAX)
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"incorrect trunk minID parameter");
		if (max <= 0 || max > BRIDGE_VLAN_MAX)
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"incorrect trunk maxID parameter");
		if (max < min)
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"minID is greater than maxID in trunk parameter");
		for (int v = min; v <= max; v++)
			c->trunk[v] = true;
		c->has_trunk = true;
	} else if (has_max) {
		return cni_errf(
			err, CNI_ERR_INVALID_CONFIG, 0,
			"minID and maxID should be configured simultaneously, minID is missing");
	} else if (has_min) {
		return cni_errf(
			err, CNI_ERR_INVALID_CONFIG, 0,
			"minID and maxID should be configured simultaneously, maxID is missing");
	}
	if (has_id) {
		if (id <= 0 || id > BRIDGE_VLAN_MAX)
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"incorrect trunk id parameter");
		c->trunk[id] = true;
		c->has_trunk = true;
	}
	return 0;
}

static int parse_trunk(const json_t *conf, struct bridge_config *c, struct cni_err *err)
{
	json_t *trunk, *item;
	size_t i;

	if (cni_conf_array(conf, "vlanTrunk", &trunk, err) < 0)
		return -1;
	json_array_foreach (trunk, i, item) {
		if (parse_trunk_item(item, c, err) < 0)
			return -1;
	}
	return 0;
}

static int set_mac(struct bridge_config *c, const char *mac, struct cni_err *err)
{
	if (!nl_mac_parse(mac, c->mac))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid args %s for MAC addr",
				mac);
	c->has_mac = true;
	return 0;
}

static const char *string_at(const json_t *obj, const char *k1, const char *k2)
{
	const json_t *v = cni_conf_get(obj, k1);

	if (v && k2)
		v = cni_conf_get(v, k2);
	return json_is_string(v) && json_string_length(v) ? json_string_value(v) : NULL;
}

/* Priority, lowest first as the reference: CNI_ARGS MAC, args.cni.mac, runtimeConfig.mac. */
static int parse_mac(const struct cni_request *req, struct bridge_config *c, struct cni_err *err)
{
	const char *sources[] = {
		cni_request_arg(req, "MAC"),
		req->args_object ? string_at(req->args_object, "cni", "mac") : NULL,
		req->runtime_config ? string_at(req->runtime_config, "mac", NULL) : NULL,
	};

	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (sources[i] && *sources[i] && set_mac(c, sources[i], err) < 0)
			return -1;
	return 0;
}

static int parse_bridge_name(const json_t *conf, struct bridge_config *c, struct cni_err *err)
{
	const char *name = NULL;

	if (cni_conf_string(conf, "bridge", &name, err) < 0)
		return -1;
	if (!name || !name[0])
		name = BRIDGE_DEFAULT_NAME;
	if (strlen(name) >= sizeof(c->bridge) || strchr(name, '/') || strchr(name, ' '))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid bridge name \"%s\"", name);
	strcpy(c->bridge, name);
	return 0;
}

int bridge_config_parse(const struct cni_request *req, struct bridge_config *c, struct cni_err *err)
{
	int mtu = 0, vlan = 0;

	memset(c, 0, sizeof(*c));
	if (parse_bridge_name(req->config, c, err) < 0 ||
	    fw_ipmasq_config_parse(req->config, &c->masq, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(bool_keys) / sizeof(bool_keys[0]); i++)
		if (cni_conf_bool(req->config, bool_keys[i].key,
				  (bool *)((char *)c + bool_keys[i].offset), err) < 0)
			return -1;
	if (cni_conf_int(req->config, "mtu", &mtu, NULL, err) < 0 ||
	    cni_conf_int(req->config, "vlan", &vlan, NULL, err) < 0)
		return -1;
	if (mtu < 0 || mtu > 65535)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid MTU %d", mtu);
	c->mtu = (unsigned)mtu;
	if (vlan < 0 || vlan > BRIDGE_VLAN_MAX)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"invalid VLAN ID %d (must be between 0 and 4094)", vlan);
	c->vlan = (uint16_t)vlan;
	if (parse_trunk(req->config, c, err) < 0 || parse_mac(req, c, err) < 0)
		return -1;
	c->has_ipam = req->ipam && string_at(req->ipam, "type", NULL);
	/* A default gateway is a gateway. */
	if (c->is_default_gateway)
		c->is_gateway = true;
	return 0;
}

int bridge_config_check_add(struct bridge_config *c, struct cni_err *err)
{
	if (c->has_ipam && c->disable_container_interface)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"cannot use IPAM when DisableContainerInterface flag is set");
	if (c->hairpin_mode && c->promisc_mode)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"cannot set hairpin mode and promiscuous mode at the same time");
	return 0;
}
