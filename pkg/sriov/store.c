/* The sriov plugin's files under dataDir: saved attachment state, per-VF lock and owner record. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "fsys/fsys.h"
#include "sriov/store.h"

static int saved_path(char *out, size_t len, const char *dir, const char *container_id,
		      const char *ifname, struct cni_err *err)
{
	if (strchr(container_id, '/') || strchr(ifname, '/'))
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0, "'/' in container ID or ifname");
	if ((size_t)snprintf(out, len, "%s/%s-%s.json", dir, container_id, ifname) >= len)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, ENAMETOOLONG, "dataDir path too long");
	return 0;
}

static void put_mac(json_t *o, const char *key, const uint8_t mac[NL_MAC_LEN])
{
	char buf[NL_MAC_STRLEN];

	json_object_set_new(o, key, json_string(nl_mac_str(mac, buf)));
}

static json_t *vf_state_to_json(const struct nl_vf_state *v)
{
	json_t *o = json_object();

	if (v->has & NL_VF_HAS_MAC)
		put_mac(o, "mac", v->mac);
	if (v->has & NL_VF_HAS_VLAN) {
		json_object_set_new(o, "vlan", json_integer(v->vlan));
		json_object_set_new(o, "vlanQoS", json_integer(v->qos));
		json_object_set_new(o, "vlanProto", json_integer(v->vlan_proto));
	}
	if (v->has & NL_VF_HAS_SPOOFCHK)
		json_object_set_new(o, "spoofchk", json_boolean(v->spoofchk));
	if (v->has & NL_VF_HAS_TRUST)
		json_object_set_new(o, "trust", json_boolean(v->trust));
	if (v->has & NL_VF_HAS_LINK_STATE)
		json_object_set_new(o, "linkState", json_integer(v->link_state));
	if (v->has & NL_VF_HAS_RATE) {
		json_object_set_new(o, "minTxRate", json_integer(v->min_tx_rate));
		json_object_set_new(o, "maxTxRate", json_integer(v->max_tx_rate));
	}
	return o;
}

int sriov_saved_write(const char *dir, const char *container_id, const char *ifname,
		      const struct sriov_saved *s, struct cni_err *err)
{
	char path[PATH_MAX];
	_cleanup_json_ json_t *o = NULL;
	_cleanup_free_ char *text = NULL;

	if (saved_path(path, sizeof(path), dir, container_id, ifname, err) < 0 ||
	    fs_mkdir_all(dir, 0700, err) < 0)
		return -1;
	o = json_pack("{s:s, s:s, s:i, s:b, s:s, s:i, s:o, s:s, s:s}", "deviceID", s->pci_id,
		      "pfName", s->pf_name, "vfIndex", (int)s->vf_index, "dpdk", s->dpdk,
		      "hostIfName", s->host_ifname, "hostIfMTU", (int)s->host_mtu, "origVf",
		      vf_state_to_json(&s->orig), "fastpathPort", s->fastpath_port,
		      "fastpathSocket", s->fastpath_socket);
	if (!o)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "build saved state");
	put_mac(o, "hostIfMAC", s->host_mac);
	text = json_dumps(o, JSON_COMPACT);
	if (!text)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "encode saved state");
	if (fs_write_atomic(path, text, strlen(text), 0600, err) < 0)
		return cni_err_wrap(err, "save VF state");
	return 0;
}

static void get_string(const json_t *o, const char *key, char *out, size_t len)
{
	const char *v = json_string_value(json_object_get(o, key));

	snprintf(out, len, "%s", v ? v : "");
}

static bool get_mac(const json_t *o, const char *key, uint8_t mac[NL_MAC_LEN])
{
	const char *v = json_string_value(json_object_get(o, key));

	return v && nl_mac_parse(v, mac);
}

static unsigned get_uint(const json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));

	return v < 0 ? 0 : (unsigned)v;
}

static void vf_state_from_json(const json_t *o, struct nl_vf_state *v)
{
	memset(v, 0, sizeof(*v));
	if (get_mac(o, "mac", v->mac))
		v->has |= NL_VF_HAS_MAC;
	if (json_object_get(o, "vlan")) {
		v->has |= NL_VF_HAS_VLAN;
		v->vlan = (uint16_t)get_uint(o, "vlan");
		v->qos = (uint8_t)get_uint(o, "vlanQoS");
		v->vlan_proto = (uint16_t)get_uint(o, "vlanProto");
	}
	if (json_is_boolean(json_object_get(o, "spoofchk"))) {
		v->has |= NL_VF_HAS_SPOOFCHK;
		v->spoofchk = json_is_true(json_object_get(o, "spoofchk"));
	}
	if (json_is_boolean(json_object_get(o, "trust"))) {
		v->has |= NL_VF_HAS_TRUST;
		v->trust = json_is_true(json_object_get(o, "trust"));
	}
	if (json_object_get(o, "linkState")) {
		v->has |= NL_VF_HAS_LINK_STATE;
		v->link_state = get_uint(o, "linkState");
	}
	if (json_object_get(o, "maxTxRate")) {
		v->has |= NL_VF_HAS_RATE;
		v->min_tx_rate = get_uint(o, "minTxRate");
		v->max_tx_rate = get_uint(o, "maxTxRate");
	}
}

int sriov_saved_read(const char *dir, const char *container_id, const char *ifname,
		     struct sriov_saved *s, bool *found, struct cni_err *err)
{
	char path[PATH_MAX];
	json_error_t jerr;
	_cleanup_json_ json_t *o = NULL;

	*found = false;
	memset(s, 0, sizeof(*s));
	if (saved_path(path, sizeof(path), dir, container_id, ifname, err) < 0)
		return -1;
	o = json_load_file(path, 0, &jerr);
	if (!o) {
		if (access(path, F_OK) < 0 && errno == ENOENT)
			return 0;
		return cni_errf(err, CNI_ERR_DECODE, 0, "read %s: %s", path, jerr.text);
	}
	get_string(o, "deviceID", s->pci_id, sizeof(s->pci_id));
	get_string(o, "pfName", s->pf_name, sizeof(s->pf_name));
	s->vf_index = get_uint(o, "vfIndex");
	s->dpdk = json_is_true(json_object_get(o, "dpdk"));
	get_string(o, "hostIfName", s->host_ifname, sizeof(s->host_ifname));
	get_mac(o, "hostIfMAC", s->host_mac);
	s->host_mtu = get_uint(o, "hostIfMTU");
	vf_state_from_json(json_object_get(o, "origVf"), &s->orig);
	get_string(o, "fastpathPort", s->fastpath_port, sizeof(s->fastpath_port));
	get_string(o, "fastpathSocket", s->fastpath_socket, sizeof(s->fastpath_socket));
	if (!s->pci_id[0] || !s->pf_name[0])
		return cni_errf(err, CNI_ERR_DECODE, 0, "%s: no deviceID or pfName", path);
	*found = true;
	return 0;
}

int sriov_saved_remove(const char *dir, const char *container_id, const char *ifname,
		       struct cni_err *err)
{
	char path[PATH_MAX];

	if (saved_path(path, sizeof(path), dir, container_id, ifname, err) < 0)
		return -1;
	if (unlink(path) < 0 && errno != ENOENT)
		return cni_errf(err, CNI_ERR_IO, errno, "remove %s", path);
	return 0;
}

static int vf_path(char *out, size_t len, const char *dir, const char *pci_id, const char *suffix,
		   struct cni_err *err)
{
	char vf_dir[PATH_MAX];

	if ((size_t)snprintf(vf_dir, sizeof(vf_dir), "%s/vf", dir) >= sizeof(vf_dir) ||
	    (size_t)snprintf(out, len, "%s/%s%s", vf_dir, pci_id, suffix) >= len)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, ENAMETOOLONG, "dataDir path too long");
	return fs_mkdir_all(vf_dir, 0700, err);
}

int sriov_vf_lock(const char *dir, const char *pci_id, struct cni_err *err)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;

	if (vf_path(path, sizeof(path), dir, pci_id, ".lock", err) < 0)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "open %s", path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return cni_errf(err, CNI_ERR_IO, errno, "lock %s", path);
	int ret = fd;

	fd = -1;
	return ret;
}

int sriov_owner_write(const char *dir, const char *pci_id, const char *container_id,
		      const char *ifname, struct cni_err *err)
{
	char path[PATH_MAX], text[2 * SRIOV_ID_MAX + 4];
	int n;

	if (vf_path(path, sizeof(path), dir, pci_id, "", err) < 0)
		return -1;
	n = snprintf(text, sizeof(text), "%s\r\n%s", container_id, ifname);
	if (n < 0 || (size_t)n >= sizeof(text))
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0, "container ID too long");
	return fs_write_atomic(path, text, (size_t)n, 0600, err);
}

int sriov_owner_read(const char *dir, const char *pci_id, char *container_id, char *ifname,
		     bool *found, struct cni_err *err)
{
	char path[PATH_MAX], text[2 * SRIOV_ID_MAX + 4], *sep;
	_cleanup_fclose_ FILE *f = NULL;
	size_t n;

	*found = false;
	container_id[0] = ifname[0] = '\0';
	if (vf_path(path, sizeof(path), dir, pci_id, "", err) < 0)
		return -1;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : cni_errf(err, CNI_ERR_IO, errno, "open %s", path);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	sep = strstr(text, "\r\n");
	if (!sep)
		return cni_errf(err, CNI_ERR_DECODE, 0, "%s: malformed owner record", path);
	*sep = '\0';
	snprintf(container_id, SRIOV_ID_MAX, "%s", text);
	snprintf(ifname, SRIOV_ID_MAX, "%s", sep + 2);
	*found = true;
	return 0;
}

int sriov_owner_remove(const char *dir, const char *pci_id, struct cni_err *err)
{
	char path[PATH_MAX];

	if (vf_path(path, sizeof(path), dir, pci_id, "", err) < 0)
		return -1;
	if (unlink(path) < 0 && errno != ENOENT)
		return cni_errf(err, CNI_ERR_IO, errno, "remove %s", path);
	return 0;
}
