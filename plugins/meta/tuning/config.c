/* Parse the tuning plugin's keys (the reference's TuningConf, IPAMArgs and MacEnvArgs). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cni/conf_field.h"

static int load_error(struct cni_err *err)
{
	return cni_err_wrap(err, "failed to load netconf");
}

/* Set key to value, replacing an equal key (args.cni.sysctl overrides the top-level map). */
static int sysctl_set(struct tuning_config *c, const char *key, const char *value,
		      struct cni_err *err)
{
	struct tuning_sysctl *grown;

	for (size_t i = 0; i < c->n_sysctls; i++) {
		if (!strcmp(c->sysctls[i].key, key)) {
			c->sysctls[i].value = value;
			return 0;
		}
	}
	grown = realloc(c->sysctls, (c->n_sysctls + 1) * sizeof(*grown));
	if (!grown)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "sysctl list");
	c->sysctls = grown;
	c->sysctls[c->n_sysctls++] = (struct tuning_sysctl){.key = key, .value = value};
	return 0;
}

/* A map of strings to strings, as Go's map[string]string. */
static int parse_sysctl_map(const json_t *obj, const char *key, struct tuning_config *c,
			    struct cni_err *err)
{
	json_t *map, *v;
	const char *k;

	if (cni_conf_object(obj, key, &map, err) < 0)
		return -1;
	json_object_foreach (map, k, v) {
		if (!json_is_string(v))
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"\"%s\" values must be strings (\"%s\" is not)", key, k);
		if (sysctl_set(c, k, json_string_value(v), err) < 0)
			return -1;
	}
	return 0;
}

static int to_unsigned(const char *key, int v, unsigned *out, struct cni_err *err)
{
	if (v < 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid %s %d", key, v);
	*out = (unsigned)v;
	return 0;
}

/* The keys that appear both at the top level and in args.cni (pointers there: present wins). */
static int parse_link_keys(const json_t *obj, struct tuning_config *c, bool is_args,
			   struct cni_err *err)
{
	const char *mac = NULL;
	bool present;
	int v = 0;

	if (cni_conf_string(obj, "mac", &mac, err) < 0)
		return -1;
	/* Top level "" means unset; args.cni.mac "" clears it, as the reference's *string. */
	if (mac && (is_args || mac[0]))
		c->mac = mac;
	if (cni_conf_get(obj, "promisc") && cni_conf_bool(obj, "promisc", &c->promisc, err) < 0)
		return -1;
	if (cni_conf_int(obj, "mtu", &v, &present, err) < 0)
		return -1;
	if (present && to_unsigned("MTU", v, &c->mtu, err) < 0)
		return -1;
	if (cni_conf_int(obj, "txQLen", &v, &present, err) < 0)
		return -1;
	if (present) {
		if (to_unsigned("txQLen", v, &c->txqlen, err) < 0)
			return -1;
		c->has_txqlen = true;
	}
	if (cni_conf_get(obj, "allmulti")) {
		if (cni_conf_bool(obj, "allmulti", &c->allmulti, err) < 0)
			return -1;
		c->has_allmulti = true;
	}
	return 0;
}

static int parse_args_cni(const struct cni_request *req, struct tuning_config *c,
			  struct cni_err *err)
{
	json_t *cni;

	if (!req->args_object)
		return 0;
	if (cni_conf_object(req->args_object, "cni", &cni, err) < 0)
		return -1;
	if (!cni)
		return 0;
	if (parse_sysctl_map(cni, "sysctl", c, err) < 0)
		return -1;
	return parse_link_keys(cni, c, true, err);
}

int tuning_config_parse(const struct cni_request *req, struct tuning_config *c, struct cni_err *err)
{
	const char *env_mac = cni_request_arg(req, "MAC");
	const char *rc_mac = NULL;

	memset(c, 0, sizeof(*c));
	if (cni_conf_string(req->config, "dataDir", &c->data_dir, err) < 0 ||
	    parse_sysctl_map(req->config, "sysctl", c, err) < 0 ||
	    parse_link_keys(req->config, c, false, err) < 0)
		return load_error(err);
	if (!c->data_dir || !c->data_dir[0])
		c->data_dir = TUNING_DEFAULT_DATA_DIR;
	if (env_mac && env_mac[0])
		c->mac = env_mac;
	if (req->runtime_config && cni_conf_string(req->runtime_config, "mac", &rc_mac, err) < 0)
		return load_error(err);
	if (rc_mac && rc_mac[0])
		c->mac = rc_mac;
	if (parse_args_cni(req, c, err) < 0)
		return load_error(err);
	return 0;
}

void tuning_config_free(struct tuning_config *c)
{
	free(c->sysctls);
	c->sysctls = NULL;
	c->n_sysctls = 0;
}

bool tuning_config_changes_link(const struct tuning_config *c)
{
	return (c->mac && c->mac[0]) || c->mtu || c->promisc || c->has_allmulti || c->has_txqlen;
}

/* "0000.5e00.5301": three groups of four hex digits. */
static bool parse_dotted(const char *s, uint8_t mac[NL_MAC_LEN])
{
	char hex[13];
	size_t n = 0;

	if (strlen(s) != 14 || s[4] != '.' || s[9] != '.')
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == '.')
			continue;
		if (!isxdigit((unsigned char)*p))
			return false;
		hex[n++] = *p;
	}
	hex[n] = '\0';
	for (int i = 0; i < NL_MAC_LEN; i++) {
		char byte[3] = {hex[2 * i], hex[2 * i + 1], '\0'};

		mac[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
	return true;
}

static bool parse_separated(const char *s, uint8_t mac[NL_MAC_LEN])
{
	/* nl_mac_parse's sscanf also takes one-digit groups; Go wants exactly two. */
	for (int i = 0; i < NL_MAC_LEN; i++)
		if (!isxdigit((unsigned char)s[3 * i]) || !isxdigit((unsigned char)s[3 * i + 1]))
			return false;
	return nl_mac_parse(s, mac);
}

int tuning_mac_parse(const char *s, uint8_t mac[NL_MAC_LEN], struct cni_err *err)
{
	if ((strlen(s) == 17 && parse_separated(s, mac)) || parse_dotted(s, mac))
		return 0;
	return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
			"invalid args %s for MAC addr: address %s: invalid MAC address", s, s);
}
