/* The config keys macvlan and ipvlan share: master, mtu, linkInContainer, the ipam type. */
#include <string.h>

#include "cni/conf_field.h"
#include "stacked/stacked.h"

bool stacked_has_ipam(const struct cni_request *req)
{
	const json_t *type = cni_conf_get(req->ipam, "type");

	return json_is_string(type) && json_string_length(type) > 0;
}

int stacked_config_parse(const struct cni_request *req, struct stacked_config *c,
			 struct cni_err *err)
{
	const char *master = NULL;

	memset(c, 0, sizeof(*c));
	if (cni_conf_string(req->config, "master", &master, err) < 0 ||
	    cni_conf_int(req->config, "mtu", &c->mtu, NULL, err) < 0 ||
	    cni_conf_bool(req->config, "linkInContainer", &c->link_in_container, err) < 0)
		return -1;
	if (master && strlen(master) >= sizeof(c->master))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "master name \"%s\" is too long",
				master);
	if (master)
		strcpy(c->master, master);
	c->has_ipam = stacked_has_ipam(req);
	return 0;
}
