/* One vxlan-overlay invocation: config, handles, the node's objects and the pod's veth. */
#ifndef VXO_RUN_H
#define VXO_RUN_H

#include "attach/attach.h"
#include "cni/err.h"
#include "cni/result.h"
#include "cni/skel.h"
#include "config.h"
#include "overlay.h"

struct vxo_run {
	const struct cni_request *req;
	struct vxo_config conf;
	/* req with "ipam" replaced by the host-local config of the node's pod subnets */
	struct cni_request ipam_req;
	json_t *ipam;
	int ns_fd;		/* the pod's netns, -1: none */
	struct nl_handle *host; /* the node's namespace (the plugin's own) */
	struct nl_handle *ctr;	/* the pod's namespace */
	struct vxo_node node;
	struct attach_bridge bridge;
	struct nl_link_info host_veth, ctr_veth;
};

/* pod.c: CHECK of the pod's parts (its veth, the host end on the bridge, the MTU). */
int vxo_pod_check(struct vxo_run *run, struct cni_err *err);

#endif
