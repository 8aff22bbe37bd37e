/* Parse the dpdk-vhost plugin's keys once, and derive an attachment's paths and port name. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cni/conf_field.h"
#include "dpdk_vhost.h"

static int parse_path(const json_t *conf, const char *key, const char *def, char *out, size_t len,
		      struct cni_err *err)
{
	const char *v = NULL;

	if (cni_conf_string(conf, key, &v, err) < 0)
		return -1;
	if (!v || !v[0])
		v = def;
	if (v[0] != '/')
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"%s \"%s\" must be an absolute path", key, v);
	if (strlen(v) >= len)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"%s \"%s\" is longer than %zu bytes", key, v, len - 1);
	snprintf(out, len, "%s", v);
	/* "/run/x/" and "/run/x" name the same directory: compare prefixes without the slash. */
	for (size_t n = strlen(out); n > 1 && out[n - 1] == '/'; n--)
		out[n - 1] = '\0';
	return 0;
}

static int parse_mode(const json_t *conf, struct dv_config *c, struct cni_err *err)
{
	const char *mode = NULL;

	if (cni_conf_string(conf, "vhostMode", &mode, err) < 0)
		return -1;
	c->mode = FP_VHOST_CLIENT;
	if (!mode || !mode[0] || strcasecmp(mode, "client") == 0)
		return 0;
	if (strcasecmp(mode, "server") == 0) {
		c->mode = FP_VHOST_SERVER;
		return 0;
	}
	return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
			"vhostMode \"%s\" invalid: must be \"client\" or \"server\"", mode);
}

/* Lowest priority first, as the reference plugins: "mac", CNI_ARGS MAC, runtimeConfig.mac. */
static int parse_mac(const struct cni_request *req, struct dv_config *c, struct cni_err *err)
{
	const char *sources[3] = {NULL, cni_request_arg(req, "MAC"), NULL};

	if (cni_conf_string(req->config, "mac", &sources[0], err) < 0 ||
	    cni_conf_string(req->runtime_config, "mac", &sources[2], err) < 0)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		if (!sources[i] || !sources[i][0])
			continue;
		if (!fp_parse_mac(sources[i], c->mac))
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid MAC address %s",
					sources[i]);
		c->has_mac = true;
	}
	if (c->has_mac && (c->mac[0] & 1))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"MAC address must be unicast, not multicast");
	return 0;
}

int dv_config_parse(const struct cni_request *req, struct dv_config *c, struct cni_err *err)
{
	const char *ipam_type = NULL;
	bool has_vlan = false;
	int vlan = 0;

	memset(c, 0, sizeof(*c));
	if (parse_path(req->config, "controlSocket", FP_DEFAULT_SOCKET, c->control_socket,
		       sizeof(c->control_socket), err) < 0 ||
	    parse_path(req->config, "socketDir", DV_DEFAULT_SOCKET_DIR, c->socket_dir,
		       sizeof(c->socket_dir), err) < 0 ||
	    parse_mode(req->config, c, err) < 0 || parse_mac(req, c, err) < 0 ||
	    cni_conf_int(req->config, "vlan", &vlan, &has_vlan, err) < 0 ||
	    cni_conf_string(req->ipam, "type", &ipam_type, err) < 0)
		return -1;
	if (vlan < 0 || vlan > FP_VLAN_MAX)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"vlan %d invalid: must be in the range 0-%d", vlan, FP_VLAN_MAX);
	c->vlan = (uint16_t)vlan;
	c->has_ipam = ipam_type && ipam_type[0];
	return 0;
}

static uint64_t attachment_hash(const char *container_id, const char *ifname)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	const char *parts[] = {container_id, "/", ifname};

	for (size_t i = 0; i < 3; i++)
		for (const unsigned char *s = (const unsigned char *)parts[i]; *s; s++)
			h = (h ^ *s) * 0x100000001b3ULL;
	return h;
}

void dv_default_mac(const char *container_id, const char *ifname, uint8_t mac[6])
{
	uint64_t h = attachment_hash(container_id, ifname);

	mac[0] = 0x02; /* locally administered, unicast */
	for (int i = 1; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * (i - 1)));
}

int dv_paths_make(const struct dv_config *c, const char *container_id, const char *ifname,
		  struct dv_paths *p, struct cni_err *err)
{
	size_t need;

	memset(p, 0, sizeof(*p));
	/* Checked up front: a socket path past sun_path's 108 bytes fails late and obscurely. */
	need = strlen(c->socket_dir) + 1 + strlen(container_id) + 1 + strlen(ifname) + 1 +
	       strlen(DV_SOCKET_NAME);
	if (need >= FP_SOCK_PATH_MAX) {
		/* The path goes to details: msg keeps the reason whatever the path's length. */
		cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
			 "vhost-user socket path is %zu bytes, over the %d-byte limit of a Unix "
			 "socket path (sun_path is 108 bytes with its terminator): shorten "
			 "socketDir",
			 need, FP_SOCK_PATH_MAX - 1);
		return cni_err_details(err, "%s/%s-%s/%s", c->socket_dir, container_id, ifname,
				       DV_SOCKET_NAME);
	}
	snprintf(p->dir, sizeof(p->dir), "%s/%s-%s", c->socket_dir, container_id, ifname);
	snprintf(p->socket, sizeof(p->socket), "%s/%s", p->dir, DV_SOCKET_NAME);
	snprintf(p->info, sizeof(p->info), "%s/%s", p->dir, DV_INFO_NAME);
	snprintf(p->port, sizeof(p->port), DV_PORT_PREFIX "%016llx",
		 (unsigned long long)attachment_hash(container_id, ifname));
	return 0;
}
