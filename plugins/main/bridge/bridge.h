/* The bridge plugin's state of one request, shared by its files (main and CHECK). */
#ifndef BRIDGE_BRIDGE_H
#define BRIDGE_BRIDGE_H

#include "attach/attach.h"
#include "cni/err.h"
#include "cni/result.h"
#include "cni/skel.h"
#include "config.h"
#include "nl/nl.h"
#include "undo/undo.h"

/* One ADD/DEL/CHECK: the config, both namespaces' handles and what ADD made so far. */
struct bridge_run {
	const struct cni_request *req;
	struct bridge_config conf;
	int ns_fd;		     /* the container's netns */
	struct nl_handle *host;	     /* the namespace the plugin runs in */
	struct nl_handle *ctr;	     /* the container's netns */
	struct attach_bridge bridge; /* .host = host; .undo: ADD only; .link: the bridge */
	struct nl_link_info host_veth, ctr_veth;
};

/* check.c */
int bridge_check_state(struct bridge_run *run, const struct cni_result *prev, struct cni_err *err);

#endif
