/* Parse and validate the vxlan-overlay keys, the peers list and the peers file. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "cni/conf_field.h"

#define BAD CNI_ERR_INVALID_CONFIG

static int parse_name(const json_t *conf, const char *key, const char *fallback, char *out,
		      struct cni_err *err)
{
	const char *s = NULL;

	if (cni_conf_string(conf, key, &s, err) < 0)
		return -1;
	if (!s || !*s)
		s = fallback;
	if (strlen(s) >= NL_IFNAMSIZ)
		return cni_errf(err, BAD, 0, "%s \"%s\" is longer than %d characters", key, s,
				NL_IFNAMSIZ - 1);
	strcpy(out, s);
	return 0;
}

static int parse_subnet(const json_t *obj, const char *key, int family, struct cni_prefix *out,
			struct cni_err *err)
{
	bool present = false;

	if (cni_conf_prefix(obj, key, out, &present, err) < 0)
		return -1;
	if (!present)
		return 0;
	if (out->ip.family != family)
		return cni_errf(err, BAD, 0, "%s must be an IPv%c subnet", key,
				family == AF_INET ? '4' : '6');
	/* The first address is the VTEP address, the second the gateway: room for a pod too. */
	if (out->len > (family == AF_INET ? 30 : 126))
		return cni_errf(err, BAD, 0, "%s is too small", key);
	*out = cni_prefix_network(out);
	return 0;
}

static int parse_peer(const json_t *item, struct vxo_peer *p, struct cni_err *err)
{
	if (!json_is_object(item))
		return cni_errf(err, BAD, 0, "a peer must be an object");
	memset(p, 0, sizeof(*p));
	if (cni_conf_ip(item, "nodeIP", &p->node_ip, err) < 0 ||
	    parse_subnet(item, "podSubnet", AF_INET, &p->pod_subnet, err) < 0 ||
	    parse_subnet(item, "podSubnet6", AF_INET6, &p->pod_subnet6, err) < 0)
		return -1;
	if (!cni_ip_is_set(&p->node_ip))
		return cni_errf(err, BAD, 0, "a peer has no nodeIP");
	if (!p->pod_subnet.ip.family && !p->pod_subnet6.ip.family)
		return cni_errf(err, BAD, 0, "a peer has neither podSubnet nor podSubnet6");
	return 0;
}

static int parse_peers(const json_t *arr, struct vxo_config *c, struct cni_err *err)
{
	size_t n = json_array_size(arr);
	json_t *item;
	size_t i;

	if (!json_is_array(arr))
		return cni_errf(err, BAD, 0, "peers must be a list");
	c->peers = calloc(n ? n : 1, sizeof(*c->peers));
	if (!c->peers)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "peers");
	json_array_foreach (arr, i, item) {
		if (parse_peer(item, &c->peers[i], err) < 0)
			return cni_err_wrap(err, "peer %zu", i);
		c->n_peers++;
	}
	c->peers_loaded = true;
	return 0;
}

/* The file is kept by an operator or an agent: unreadable is "try again", unparsable is bad. */
static int read_peers_file(struct vxo_config *c, struct cni_err *err)
{
	_cleanup_(json_decrefp) json_t *arr = NULL;
	json_error_t jerr;
	FILE *f = fopen(c->peers_file, "re");

	if (!f)
		return cni_errf(err, CNI_ERR_TRY_AGAIN, errno, "cannot read peersFile %s",
				c->peers_file);
	arr = json_loadf(f, 0, &jerr);
	fclose(f);
	if (!arr)
		return cni_errf(err, CNI_ERR_DECODE, 0, "peersFile %s: %s (line %d)", c->peers_file,
				jerr.text, jerr.line);
	if (parse_peers(arr, c, err) < 0) {
		err->code = CNI_ERR_DECODE;
		return cni_err_wrap(err, "peersFile %s", c->peers_file);
	}
	return 0;
}

static int parse_numbers(const json_t *conf, struct vxo_config *c, struct cni_err *err)
{
	int vni = VXO_DEFAULT_VNI, port = VXO_DEFAULT_PORT, mtu = 0;
	bool present;

	if (cni_conf_int(conf, "vni", &vni, &present, err) < 0 ||
	    cni_conf_int(conf, "port", &port, &present, err) < 0 ||
	    cni_conf_int(conf, "mtu", &mtu, &present, err) < 0)
		return -1;
	if (vni < 1 || vni > VXO_VNI_MAX)
		return cni_errf(err, BAD, 0, "vni %d out of range 1-%d", vni, VXO_VNI_MAX);
	if (port < 1 || port > 65535)
		return cni_errf(err, BAD, 0, "port %d out of range 1-65535", port);
	if (mtu != 0 && (mtu < 68 || mtu > 65535))
		return cni_errf(err, BAD, 0, "mtu %d out of range 68-65535", mtu);
	c->vni = (uint32_t)vni;
	c->port = (uint16_t)port;
	c->mtu = (unsigned)mtu;
	return 0;
}

int vxo_config_parse(const struct cni_request *req, bool with_peers, struct vxo_config *c,
		     struct cni_err *err)
{
	const json_t *conf = req->config;
	char vxlan_default[NL_IFNAMSIZ];
	json_t *peers = NULL;

	memset(c, 0, sizeof(*c));
	if (parse_numbers(conf, c, err) < 0)
		return -1;
	snprintf(vxlan_default, sizeof(vxlan_default), "vxlan.%u", c->vni);
	if (parse_name(conf, "vxlanName", vxlan_default, c->vxlan_name, err) < 0 ||
	    parse_name(conf, "bridge", VXO_DEFAULT_BRIDGE, c->bridge, err) < 0 ||
	    parse_name(conf, "underlayInterface", "", c->underlay, err) < 0 ||
	    cni_conf_ip(conf, "localIP", &c->local_ip, err) < 0 ||
	    parse_subnet(conf, "podSubnet", AF_INET, &c->pod_subnet, err) < 0 ||
	    parse_subnet(conf, "podSubnet6", AF_INET6, &c->pod_subnet6, err) < 0 ||
	    cni_conf_string(conf, "dataDir", &c->data_dir, err) < 0 ||
	    cni_conf_string(conf, "peersFile", &c->peers_file, err) < 0 ||
	    cni_conf_array(conf, "peers", &peers, err) < 0)
		return -1;
	if (!c->pod_subnet.ip.family)
		return cni_errf(err, BAD, 0, "podSubnet (this node's IPv4 pod subnet) is required");
	if (!strcmp(c->vxlan_name, c->bridge))
		return cni_errf(err, BAD, 0, "vxlanName and bridge must differ");
	if (c->peers_file && !*c->peers_file)
		c->peers_file = NULL;
	if (c->peers_file && peers)
		return cni_errf(err, BAD, 0, "peers and peersFile are exclusive");
	if (!with_peers)
		return 0;
	if (c->peers_file)
		return read_peers_file(c, err);
	if (peers)
		return parse_peers(peers, c, err);
	c->peers_loaded = true;
	return 0;
}

void vxo_config_free(struct vxo_config *c)
{
	free(c->peers);
	c->peers = NULL;
	c->n_peers = 0;
}

static int add_range(json_t *ranges, const struct cni_prefix *subnet)
{
	char text[CNI_IP_STRLEN];

	cni_prefix_str(subnet, text);
	return json_array_append_new(ranges, json_pack("[{s:s}]", "subnet", text));
}

json_t *vxo_config_ipam(const struct vxo_config *c, struct cni_err *err)
{
	json_t *ipam = json_pack("{s:s, s:[]}", "type", "host-local", "ranges");
	json_t *ranges = ipam ? json_object_get(ipam, "ranges") : NULL;

	if (!ranges || add_range(ranges, &c->pod_subnet) < 0 ||
	    (c->pod_subnet6.ip.family && add_range(ranges, &c->pod_subnet6) < 0) ||
	    (c->data_dir && json_object_set_new(ipam, "dataDir", json_string(c->data_dir)) < 0)) {
		json_decref(ipam);
		cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "ipam config");
		return NULL;
	}
	return ipam;
}
