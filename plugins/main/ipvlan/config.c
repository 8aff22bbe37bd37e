/* Parse and validate the ipvlan plugin's keys (the reference's NetConf and loadConf). */
#include "config.h"

#include <string.h>

#include "cni/conf_field.h"

static const struct {
	const char *name;
	uint16_t mode;
} modes[] = {
	{"l2", NL_IPVLAN_MODE_L2},
	{"l3", NL_IPVLAN_MODE_L3},
	{"l3s", NL_IPVLAN_MODE_L3S},
};

const char *ipvlan_mode_name(uint16_t mode)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (modes[i].mode == mode)
			return modes[i].name;
	return "unknown";
}

static int parse_mode(const json_t *conf, struct ipvlan_config *c, struct cni_err *err)
{
	const char *mode = NULL;

	if (cni_conf_string(conf, "mode", &mode, err) < 0)
		return -1;
	if (!mode || !mode[0])
		mode = "l2";
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(mode, modes[i].name) == 0) {
			c->mode = modes[i].mode;
			return 0;
		}
	}
	return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "unknown ipvlan mode: \"%s\"", mode);
}

static int master_from_prev(const struct cni_result *prev, struct ipvlan_config *c,
			    struct cni_err *err)
{
	const char *name = prev->n_interfaces == 1 ? prev->interfaces[0].name : NULL;

	if (!name || !name[0])
		return cni_errf(
			err, CNI_ERR_INVALID_CONFIG, 0,
			"chained master failure. PrevResult lacks a single named interface");
	if (strlen(name) >= sizeof(c->base.master))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "master name \"%s\" is too long",
				name);
	strcpy(c->base.master, name);
	return 0;
}

int ipvlan_config_parse(const struct cni_request *req, bool with_prev_master,
			struct ipvlan_config *c, struct cni_err *err)
{
	memset(c, 0, sizeof(*c));
	if (stacked_config_parse(req, &c->base, err) < 0 || parse_mode(req->config, c, err) < 0)
		return -1;
	c->chained = !c->base.has_ipam && req->has_prev_result && req->prev_result.n_ips > 0;
	if (with_prev_master && !c->base.master[0] && req->has_prev_result)
		return master_from_prev(&req->prev_result, c, err);
	return 0;
}
