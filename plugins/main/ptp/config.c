/* Parse and validate the ptp plugin's keys (the reference's NetConf). */
#include "config.h"

#include <string.h>

#include "cni/conf_field.h"

static int parse_ipam(const struct cni_request *req, struct cni_err *err)
{
	const char *type = NULL;

	if (!json_is_object(req->ipam))
		return cni_errf(
			err, CNI_ERR_INVALID_CONFIG, 0,
			"ptp requires an \"ipam\" section (IPAM config missing 'ipam' key)");
	if (cni_conf_string(req->ipam, "type", &type, err) < 0)
		return cni_err_wrap(err, "ipam");
	if (!type || !*type)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "ipam: missing \"type\"");
	return 0;
}

/* Type-checked only: the backend matters once ipMasq is supported. */
int ptp_config_parse(const struct cni_request *req, struct ptp_config *c, struct cni_err *err)
{
	int mtu = 0;

	memset(c, 0, sizeof(*c));
	if (cni_conf_int(req->config, "mtu", &mtu, NULL, err) < 0 ||
	    fw_ipmasq_config_parse(req->config, &c->masq, err) < 0)
		return -1;
	if (mtu < 0 || mtu > 65535)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid MTU %d", mtu);
	c->mtu = (unsigned)mtu;
	return parse_ipam(req, err);
}
