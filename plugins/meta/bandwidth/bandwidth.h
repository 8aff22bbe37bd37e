/* Shared by the bandwidth plugin's files: one invocation's handles and the links it shapes. */
#ifndef BANDWIDTH_H
#define BANDWIDTH_H

#include "cni/skel.h"
#include "config.h"
#include "nl/nl.h"
#include "undo/undo.h"

struct bw_run {
	const struct cni_request *req;
	struct bandwidth_config conf;
	int ns_fd;		      /* the container's netns, -1 when none or gone */
	struct nl_handle *host, *ctr; /* ctr NULL when there is no netns */
	struct nl_link_info ctr_if;   /* CNI_IFNAME in the container */
	bool veth;		      /* ctr_if is a veth whose peer is host_if */
	struct nl_link_info host_if;
	char ifb[NL_IFNAMSIZ]; /* the reference's IFB name */
	char alias[256];       /* the IFB's alias: "cni-bandwidth <network> <containerID>" */
};

/* Parse the config, open the host handle and, when the netns exists, the container's. */
int bw_run_open(struct bw_run *run, const struct cni_request *req, struct cni_err *err);
void bw_run_close(struct bw_run *run);

/*
 * Find CNI_IFNAME in the container and, when it is a veth, its peer in the host namespace, which
 * prev must list as a host interface (the reference's getHostInterface).
 */
int bw_find_interfaces(struct bw_run *run, const struct cni_result *prev, struct cni_err *err);

/*
 * Where each direction is shaped (plan.c). A veth: traffic into the container on the host end's
 * egress; traffic out of it through an IFB on the host (tbf, as the reference) or on the container
 * end's egress (edt). Any other link: out on its egress, in through an IFB in the container.
 */
int bw_plan_add(struct bw_run *run, struct cni_result *result, struct undo_stack *u,
		struct cni_err *err);
int bw_plan_check(struct bw_run *run, struct cni_err *err);
/* Remove whatever an ADD made, whatever the config says now; the netns may be gone. */
int bw_plan_remove(struct bw_run *run, struct cni_err *err);

#define BW_ALIAS_PREFIX "cni-bandwidth "

#endif
