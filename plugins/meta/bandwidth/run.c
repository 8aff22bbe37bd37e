/* One invocation's setup: config, handles in both namespaces, and the links to shape. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bandwidth.h"
#include "netns/netns.h"
#include "tc/tc.h"
#include "nl/pod_handles.h"

int bw_run_open(struct bw_run *run, const struct cni_request *req, struct cni_err *err)
{
	memset(run, 0, sizeof(*run));
	run->req = req;
	run->ns_fd = -1;
	if (bandwidth_config_parse(req, &run->conf, err) < 0)
		return -1;
	if (req->container_id) {
		tc_ifb_name(req->name, req->container_id, run->ifb);
		snprintf(run->alias, sizeof(run->alias), BW_ALIAS_PREFIX "%s %s", req->name,
			 req->container_id);
	}
	return nl_pod_handles_open(req->netns, &run->host, &run->ns_fd, &run->ctr, err);
}

void bw_run_close(struct bw_run *run)
{
	nl_pod_handles_close(run->host, run->ns_fd, run->ctr);
}

static bool lists_host_interface(const struct cni_result *prev, const char *name)
{
	for (size_t i = 0; i < prev->n_interfaces; i++) {
		const struct cni_interface *in = &prev->interfaces[i];

		if ((!in->sandbox || !*in->sandbox) && in->name && strcmp(in->name, name) == 0)
			return true;
	}
	return false;
}

int bw_find_interfaces(struct bw_run *run, const struct cni_result *prev, struct cni_err *err)
{
	const char *ifname = run->req->ifname;

	if (!prev->n_interfaces)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "no interfaces provided");
	if (nl_link_get_by_name(run->ctr, ifname, &run->ctr_if, err) < 0)
		return cni_err_wrap(err, "container interface");
	run->veth = strcmp(run->ctr_if.kind, "veth") == 0;
	if (!run->veth)
		return 0; /* macvlan, ipvlan...: shaped inside the container */
	if (nl_link_get_by_index(run->host, run->ctr_if.link, &run->host_if, err) < 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"veth peer with index %d is not in host ns", run->ctr_if.link);
	if (!lists_host_interface(prev, run->host_if.name))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"no veth peer of container interface found in host ns");
	return 0;
}
