/*
 * A pod's link stacked on a master link (macvlan, ipvlan): the shared config keys, finding the
 * master, creating the link straight into the pod's netns, its IPs, DEL, CHECK and STATUS.
 */
#ifndef STACKED_STACKED_H
#define STACKED_STACKED_H

#include <jansson.h>
#include <stdbool.h>

#include "cni/err.h"
#include "cni/result.h"
#include "cni/skel.h"
#include "nl/nl.h"
#include "undo/undo.h"

/* The keys both plugins share. */
struct stacked_config {
	char master[NL_IFNAMSIZ]; /* "": the default route's interface */
	int mtu;		  /* 0: the master's; checked against it by stacked_find_master */
	bool link_in_container;	  /* the master lives in the pod's netns */
	bool has_ipam;		  /* an "ipam" object with a non-empty "type" */
};

/* master, mtu, linkInContainer and the ipam type, with Go's key and type rules (code 7). */
int stacked_config_parse(const struct cni_request *req, struct stacked_config *c,
			 struct cni_err *err);
/* Only the ipam type: what DEL, GC and STATUS need, so they work with any other key broken. */
bool stacked_has_ipam(const struct cni_request *req);

/* The namespaces of one invocation. */
struct stacked_run {
	const struct cni_request *req;
	int ns_fd;		/* the pod's netns, -1 when none */
	struct nl_handle *host; /* the netns the plugin runs in */
	struct nl_handle *ctr;	/* the pod's, NULL when none */
};

/* Open the node's handle and, when req->netns is set, the pod's netns and handle. */
int stacked_open(struct stacked_run *run, const struct cni_request *req, struct cni_err *err);
void stacked_close(struct stacked_run *run);

/*
 * The master link (the default route's interface when c->master is empty), looked up in the
 * pod's netns with linkInContainer; c->mtu must lie in [0, its MTU]. Code 7 when it is missing.
 */
int stacked_find_master(struct stacked_run *run, const struct stacked_config *c,
			struct nl_link_info *master, struct cni_err *err);

/*
 * Create spec (kind, options, mtu, mac; name and namespace are set here) on master, inside the
 * pod's netns and named req->ifname; *out is the link as the pod sees it. The inverse is pushed
 * on undo.
 */
int stacked_link_create(struct stacked_run *run, struct undo_stack *undo,
			const struct stacked_config *c, const struct nl_link_info *master,
			struct nl_link_spec *spec, struct nl_link_info *out, struct cni_err *err);

/* DEL's part: remove req->ifname from the pod's netns; no netns, a gone one, no link: success. */
int stacked_link_delete(const struct cni_request *req, struct cni_err *err);

/*
 * Run IPAM (its release pushed on undo), move its IPs and routes into result for interface 0 and
 * configure the pod's link with them. Fails when IPAM returned no IP.
 */
int stacked_ipam_add(struct stacked_run *run, struct undo_stack *undo, struct cni_result *result,
		     struct cni_err *err);
/* Chained mode: copy prev's IPs (pointed at interface 0) and routes into result and configure. */
int stacked_prev_result_add(struct stacked_run *run, const struct cni_result *prev,
			    struct cni_result *result, struct cni_err *err);
/* The reference reports the config's dns, whatever IPAM said. */
int stacked_result_set_dns(struct cni_result *result, const struct cni_request *req,
			   struct cni_err *err);

/*
 * CHECK's shared part: the prevResult's interface named req->ifname in req->netns, a link of
 * kind_name there with the prevResult's MAC, on master when master is not NULL. *link: the link.
 */
int stacked_check_link(struct stacked_run *run, const char *kind_name,
		       const struct nl_link_info *master, struct nl_link_info *link,
		       struct cni_err *err);
/* CHECK's IPs and routes: every one of req's prevResult is in the pod's netns. */
int stacked_check_ip(struct stacked_run *run, struct cni_err *err);

/*
 * STATUS: IPAM's status, then (unless linkInContainer, or no master and need_master false) that
 * the master can be found in this netns: code 50 when it cannot.
 */
int stacked_status(const struct cni_request *req, bool need_master, struct cni_err *err);

#endif
