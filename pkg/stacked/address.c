/* The pod link's IPs: from IPAM (released again on a failed ADD) or, chained, from prevResult. */
#include <stdio.h>

#include "cni/cleanup.h"
#include "cni/log.h"
#include "ipam/apply.h"
#include "ipam/ipam.h"
#include "stacked/stacked.h"

/* Announce the new addresses (best effort, as the reference), then configure the link. */
static int configure(struct stacked_run *run, const struct cni_result *result, struct cni_err *err)
{
	const char *ifname = run->req->ifname;
	struct cni_err ignored = {0};
	char key[128];

	snprintf(key, sizeof(key), "net/ipv4/conf/%s/arp_notify", ifname);
	nl_sysctl_write(run->ctr, key, "1", &ignored);
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/ndisc_notify", ifname);
	nl_sysctl_write(run->ctr, key, "1", &ignored);
	/* The link is on a real L2 with other hosts: keep duplicate address detection. */
	return ipam_apply(run->ctr, ifname, result, 0, err);
}

int stacked_ipam_add(struct stacked_run *run, struct undo_stack *undo, struct cni_result *result,
		     struct cni_err *err)
{
	const struct cni_request *req = run->req;
	_cleanup_(cni_result_free) struct cni_result ipam = {0};

	if (ipam_add_undoable(req, &ipam, undo, err) < 0)
		return -1;
	if (cni_result_merge_ipam(result, &ipam, 0, err) < 0)
		return -1;
	return configure(run, result, err);
}

int stacked_prev_result_add(struct stacked_run *run, const struct cni_result *prev,
			    struct cni_result *result, struct cni_err *err)
{
	for (size_t i = 0; i < prev->n_ips; i++) {
		struct cni_ip_config ip = prev->ips[i];

		ip.interface = 0;
		if (cni_result_add_ip(result, &ip, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < prev->n_routes; i++)
		if (cni_result_add_route(result, &prev->routes[i], err) < 0)
			return -1;
	return configure(run, result, err);
}

int stacked_result_set_dns(struct cni_result *result, const struct cni_request *req,
			   struct cni_err *err)
{
	cni_dns_free(&result->dns);
	if (cni_dns_copy(&result->dns, &req->dns) < 0)
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "out of memory");
	return 0;
}
