/* static's verbs: ADD reports the configured addresses, CHECK compares them with prevResult. */
#include "ipam/static.h"

#include <string.h>

#include "cni/cleanup.h"

static void config_freep(struct ipam_static_config *c)
{
	ipam_static_config_free(c);
}

int ipam_static_add(const struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	_cleanup_(config_freep) struct ipam_static_config c = {0};

	if (ipam_static_config_parse(req, &c, err) < 0)
		return -1;
	for (size_t i = 0; i < c.n_addresses; i++) {
		struct cni_ip_config ip = {.interface = -1,
					   .address = c.addresses[i].address,
					   .gateway = c.addresses[i].gateway};

		if (cni_result_add_ip(result, &ip, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < c.n_routes; i++)
		if (cni_result_add_route(result, &c.routes[i], err) < 0)
			return -1;
	cni_dns_free(&result->dns);
	memcpy(&result->dns, &c.dns, sizeof(c.dns));
	memset(&c.dns, 0, sizeof(c.dns));
	return 0;
}

int ipam_static_del(const struct cni_request *req, struct cni_err *err)
{
	/* The reference's DEL does not even read the config: nothing was allocated. */
	return 0;
}

static int check_address(const struct cni_request *req, const struct ipam_static_address *a,
			 struct cni_err *err)
{
	const struct cni_result *prev = &req->prev_result;
	char s[CNI_IP_STRLEN];

	for (size_t i = 0; i < prev->n_ips; i++) {
		if (!cni_ip_equal(&prev->ips[i].address.ip, &a->address.ip))
			continue;
		if (!cni_ip_is_set(&a->gateway) || cni_ip_equal(&a->gateway, &prev->ips[i].gateway))
			return 0;
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"static: Failed to match addr %s on interface %s",
				cni_ip_str(&a->address.ip, s), req->ifname ? req->ifname : "");
	}
	/* The reference lets an address missing from prevResult pass. */
	return 0;
}

int ipam_static_check(const struct cni_request *req, struct cni_err *err)
{
	_cleanup_(config_freep) struct ipam_static_config c = {0};

	if (ipam_static_config_parse(req, &c, err) < 0)
		return -1;
	if (!req->has_prev_result)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "Required prevResult missing");
	for (size_t i = 0; i < c.n_addresses; i++)
		if (check_address(req, &c.addresses[i], err) < 0)
			return -1;
	return 0;
}

int ipam_static_gc(const struct cni_request *req, struct cni_err *err)
{
	return 0;
}

int ipam_static_status(const struct cni_request *req, struct cni_err *err)
{
	return 0;
}
