/* Parse and validate the sriov plugin's keys (sriov-cni's NetConf and its checks). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cni/conf_field.h"
#include "sriov.h"

static int parse_device_id(const struct cni_request *req, struct sriov_config *c,
			   struct cni_err *err)
{
	const char *id = NULL, *from_runtime = NULL;

	if (cni_conf_string(req->config, "deviceID", &id, err) < 0 ||
	    cni_conf_string(req->runtime_config, "deviceID", &from_runtime, err) < 0)
		return -1;
	/* The device plugin's allocation, passed as the deviceID capability, is the truth. */
	if (from_runtime && from_runtime[0])
		id = from_runtime;
	if (!id || !id[0])
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "VF pci addr is required");
	if (strlen(id) >= sizeof(c->device_id) || strchr(id, '/'))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid deviceID \"%s\"", id);
	snprintf(c->device_id, sizeof(c->device_id), "%s", id);
	return 0;
}

static int parse_vlan(const json_t *conf, struct sriov_config *c, struct cni_err *err)
{
	int vlan = 0, qos = 0;
	bool has_vlan = false, has_qos = false;
	const char *proto = NULL;

	if (cni_conf_int(conf, "vlan", &vlan, &has_vlan, err) < 0 ||
	    cni_conf_int(conf, "vlanQoS", &qos, &has_qos, err) < 0 ||
	    cni_conf_string(conf, "vlanProto", &proto, err) < 0)
		return -1;
	if (!has_vlan && !has_qos && !proto)
		return 0;
	if (vlan < 0 || vlan > 4094)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"vlan id %d invalid: value must be in the range 0-4094", vlan);
	if (qos < 0 || qos > 7)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"vlan QoS %d invalid: value must be in the range 0-7", qos);
	if (qos && !vlan)
		return cni_errf(
			err, CNI_ERR_INVALID_CONFIG, 0,
			"non-zero vlan id must be configured to set vlan QoS to a non-zero value");
	c->vf.vlan_proto = NL_VF_PROTO_8021Q;
	if (proto && proto[0]) {
		if (strcasecmp(proto, "802.1ad") == 0)
			c->vf.vlan_proto = NL_VF_PROTO_8021AD;
		else if (strcasecmp(proto, "802.1q") != 0)
			return cni_errf(
				err, CNI_ERR_INVALID_CONFIG, 0,
				"vlan Proto %s invalid: value must be '802.1Q' or '802.1ad'",
				proto);
	}
	if (c->vf.vlan_proto != NL_VF_PROTO_8021Q && !vlan)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"non-zero vlan id must be configured to set vlan proto 802.1ad");
	c->vf.vlan = (uint16_t)vlan;
	c->vf.qos = (uint8_t)qos;
	c->vf.has |= NL_VF_HAS_VLAN;
	return 0;
}

/* "on"/"off", as sriov-cni's spoofchk and trust. */
static int parse_on_off(const json_t *conf, const char *key, unsigned bit, bool *out,
			struct sriov_config *c, struct cni_err *err)
{
	const char *v = NULL;

	if (cni_conf_string(conf, key, &v, err) < 0)
		return -1;
	if (!v || !v[0])
		return 0;
	if (strcasecmp(v, "on") == 0)
		*out = true;
	else if (strcasecmp(v, "off") == 0)
		*out = false;
	else
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"invalid %s value \"%s\": must be \"on\" or \"off\"", key, v);
	c->vf.has |= bit;
	return 0;
}

static int parse_link_state(const json_t *conf, struct sriov_config *c, struct cni_err *err)
{
	static const char *const names[] = {"auto", "enable", "disable"};
	const char *v = NULL;

	if (cni_conf_string(conf, "link_state", &v, err) < 0)
		return -1;
	if (!v || !v[0])
		return 0;
	for (unsigned i = 0; i < 3; i++) {
		if (strcasecmp(v, names[i]) == 0) {
			c->vf.link_state = i; /* NL_VF_LINK_STATE_* in this order */
			c->vf.has |= NL_VF_HAS_LINK_STATE;
			return 0;
		}
	}
	return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
			"invalid link_state value: %s (must be auto, enable or disable)", v);
}

static int parse_rates(const json_t *conf, struct sriov_config *c, struct cni_err *err)
{
	int min = 0, max = 0;

	if (cni_conf_int(conf, "min_tx_rate", &min, &c->has_min_tx_rate, err) < 0 ||
	    cni_conf_int(conf, "max_tx_rate", &max, &c->has_max_tx_rate, err) < 0)
		return -1;
	if (min < 0 || max < 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"min_tx_rate and max_tx_rate must not be negative");
	if (c->has_min_tx_rate && c->has_max_tx_rate && max && min > max)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"min_tx_rate %d greater than max_tx_rate %d", min, max);
	c->vf.min_tx_rate = (uint32_t)min;
	c->vf.max_tx_rate = (uint32_t)max;
	if (c->has_min_tx_rate || c->has_max_tx_rate)
		c->vf.has |= NL_VF_HAS_RATE;
	return 0;
}

/* "mac", overridden by runtimeConfig.mac (the "mac" capability). */
static int parse_mac(const struct cni_request *req, struct sriov_config *c, struct cni_err *err)
{
	const char *mac = NULL, *from_runtime = NULL;

	if (cni_conf_string(req->config, "mac", &mac, err) < 0 ||
	    cni_conf_string(req->runtime_config, "mac", &from_runtime, err) < 0)
		return -1;
	if (from_runtime && from_runtime[0])
		mac = from_runtime;
	if (!mac || !mac[0])
		return 0;
	if (!nl_mac_parse(mac, c->vf.mac))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid MAC address %s", mac);
	c->vf.has |= NL_VF_HAS_MAC;
	return 0;
}

static int parse_paths(const json_t *conf, struct sriov_config *c, struct cni_err *err)
{
	const char *dir = NULL, *sock = NULL;

	if (cni_conf_string(conf, "dataDir", &dir, err) < 0 ||
	    cni_conf_bool(conf, "fastpath", &c->fastpath, err) < 0 ||
	    cni_conf_string(conf, "fastpathSocket", &sock, err) < 0)
		return -1;
	snprintf(c->data_dir, sizeof(c->data_dir), "%s",
		 dir && dir[0] ? dir : SRIOV_DEFAULT_DATA_DIR);
	if (!sock || !sock[0])
		sock = FP_DEFAULT_SOCKET;
	if (strlen(sock) >= sizeof(c->fastpath_socket))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"fastpathSocket \"%s\" longer than a Unix socket path allows",
				sock);
	snprintf(c->fastpath_socket, sizeof(c->fastpath_socket), "%s", sock);
	return 0;
}

int sriov_config_parse(const struct cni_request *req, struct sriov_config *c, struct cni_err *err)
{
	const json_t *conf = req->config;
	const char *ipam_type = NULL;

	memset(c, 0, sizeof(*c));
	if (parse_device_id(req, c, err) < 0 || parse_vlan(conf, c, err) < 0 ||
	    parse_on_off(conf, "spoofchk", NL_VF_HAS_SPOOFCHK, &c->vf.spoofchk, c, err) < 0 ||
	    parse_on_off(conf, "trust", NL_VF_HAS_TRUST, &c->vf.trust, c, err) < 0 ||
	    parse_link_state(conf, c, err) < 0 || parse_rates(conf, c, err) < 0 ||
	    parse_mac(req, c, err) < 0 || parse_paths(conf, c, err) < 0 ||
	    cni_conf_int(conf, "mtu", &c->mtu, NULL, err) < 0 ||
	    cni_conf_string(req->ipam, "type", &ipam_type, err) < 0)
		return -1;
	if (c->mtu < 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid mtu %d", c->mtu);
	c->has_ipam = ipam_type && ipam_type[0];
	return 0;
}

void sriov_config_data_dir(const struct cni_request *req, char *out, size_t len)
{
	const char *dir = NULL;
	struct cni_err ignored = {0};

	if (cni_conf_string(req->config, "dataDir", &dir, &ignored) < 0 || !dir || !dir[0])
		dir = SRIOV_DEFAULT_DATA_DIR;
	snprintf(out, len, "%s", dir);
}
