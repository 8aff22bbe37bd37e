/* Parse and validate the macvlan plugin's keys (the reference's NetConf and loadConf). */
#include "config.h"

#include <string.h>

#include "cni/conf_field.h"

static const struct {
	const char *name;
	uint32_t mode;
} modes[] = {
	{"bridge", NL_MACVLAN_MODE_BRIDGE},
	{"private", NL_MACVLAN_MODE_PRIVATE},
	{"vepa", NL_MACVLAN_MODE_VEPA},
	{"passthru", NL_MACVLAN_MODE_PASSTHRU},
};

const char *macvlan_mode_name(uint32_t mode)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (modes[i].mode == mode)
			return modes[i].name;
	return "unknown";
}

static int parse_mode(const json_t *conf, struct macvlan_config *c, struct cni_err *err)
{
	const char *mode = NULL;

	if (cni_conf_string(conf, "mode", &mode, err) < 0)
		return -1;
	if (!mode || !mode[0])
		mode = "bridge";
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(mode, modes[i].name) == 0) {
			c->mode = modes[i].mode;
			return 0;
		}
	}
	return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "unknown macvlan mode: \"%s\"", mode);
}

static const char *non_empty_string(const json_t *obj, const char *key)
{
	const json_t *v = cni_conf_get(obj, key);

	return json_is_string(v) && json_string_length(v) ? json_string_value(v) : NULL;
}

/* Lowest priority first, as the reference: the "mac" key, CNI_ARGS MAC, runtimeConfig.mac. */
static int parse_mac(const struct cni_request *req, struct macvlan_config *c, struct cni_err *err)
{
	const char *mac = NULL, *from_args = cni_request_arg(req, "MAC");
	const char *from_runtime = non_empty_string(req->runtime_config, "mac");

	if (cni_conf_string(req->config, "mac", &mac, err) < 0)
		return -1;
	if (from_args && from_args[0])
		mac = from_args;
	if (from_runtime)
		mac = from_runtime;
	if (!mac || !mac[0])
		return 0;
	if (!nl_mac_parse(mac, c->mac))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid args %s for MAC addr",
				mac);
	c->has_mac = true;
	return 0;
}

int macvlan_config_parse(const struct cni_request *req, struct macvlan_config *c,
			 struct cni_err *err)
{
	int bc_queue_len = 0;

	memset(c, 0, sizeof(*c));
	if (stacked_config_parse(req, &c->base, err) < 0 || parse_mode(req->config, c, err) < 0 ||
	    cni_conf_int(req->config, "bcqueuelen", &bc_queue_len, NULL, err) < 0)
		return -1;
	if (bc_queue_len < 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid bcqueuelen %d",
				bc_queue_len);
	c->bc_queue_len = (uint32_t)bc_queue_len;
	return parse_mac(req, c, err);
}
