/* CHECK's shared part: the prevResult's pod interface is there, of the right kind, on the master.
 */
#include <string.h>
#include <strings.h>

#include "ipam/apply.h"
#include "stacked/stacked.h"

/* What the kernel shows differs from what ADD reported. */
#define MISMATCH CNI_ERR_UNKNOWN_CONTAINER

static const struct cni_interface *pod_interface(const struct cni_request *req)
{
	const struct cni_result *prev = &req->prev_result;

	for (size_t i = 0; i < prev->n_interfaces; i++) {
		const struct cni_interface *intf = &prev->interfaces[i];

		if (intf->name && strcmp(intf->name, req->ifname) == 0 && intf->sandbox &&
		    req->netns && strcmp(intf->sandbox, req->netns) == 0)
			return intf;
	}
	return NULL;
}

int stacked_check_link(struct stacked_run *run, const char *kind_name,
		       const struct nl_link_info *master, struct nl_link_info *link,
		       struct cni_err *err)
{
	const struct cni_request *req = run->req;
	const struct cni_interface *intf = pod_interface(req);

	if (!intf)
		return cni_errf(err, MISMATCH, 0,
				"Sandbox in prevResult doesn't match configured netns: %s",
				req->netns ? req->netns : "");
	if (!run->ctr || nl_link_get_by_name(run->ctr, intf->name, link, err) < 0)
		return cni_errf(err, MISMATCH, 0,
				"Container Interface name in prevResult: %s not found", intf->name);
	if (strcmp(link->kind, kind_name) != 0)
		return cni_errf(err, MISMATCH, 0, "Error: Container interface %s not of type %s",
				link->name, kind_name);
	/* A link whose master lives elsewhere reports the master's ifindex there (IFLA_LINK). */
	if (master && link->link != master->ifindex)
		return cni_errf(err, MISMATCH, 0, "Container interface %s is not on master %s",
				link->name, master->name);
	if (intf->mac && intf->mac[0] && strcasecmp(intf->mac, link->mac_str) != 0)
		return cni_errf(err, MISMATCH, 0,
				"Interface %s Mac %s doesn't match container Mac: %s", intf->name,
				intf->mac, link->mac_str);
	return 0;
}

int stacked_check_ip(struct stacked_run *run, struct cni_err *err)
{
	return ipam_apply_check(run->ctr, run->req->ifname, &run->req->prev_result, err);
}
