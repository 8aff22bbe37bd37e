/* host-local's configuration as typed values: the reference's keys, sources of requested IPs,
 * checks. */
#ifndef IPAM_HOSTLOCAL_CONFIG_H
#define IPAM_HOSTLOCAL_CONFIG_H

#include <stddef.h>

#include "cni/err.h"
#include "cni/ip.h"
#include "cni/result.h"
#include "cni/skel.h"
#include "ipam/range.h"

struct ipam_hostlocal_config {
	const char *name;	 /* the network's name (borrowed from the request) */
	const char *data_dir;	 /* borrowed; NULL = /var/lib/cni/networks */
	const char *resolv_conf; /* borrowed; NULL = no DNS */
	/* runtimeConfig.ipRanges, then the legacy top-level range, then "ranges". */
	struct ipam_range_set *sets;
	size_t n_sets;
	struct cni_route *routes;
	size_t n_routes;
	/* CNI_ARGS IP, args.cni.ips, runtimeConfig.ips, in that order, without duplicates. */
	struct cni_ip *requested;
	size_t n_requested;
};

/*
 * Read req->ipam, req->runtime_config, req->args_object and req->cni_args the way the reference's
 * LoadIPAMConfig does, including its validation and messages. Config errors are code 7, CNI_ARGS
 * errors code 4.
 */
int ipam_hostlocal_config_parse(const struct cni_request *req, struct ipam_hostlocal_config *c,
				struct cni_err *err);
void ipam_hostlocal_config_free(struct ipam_hostlocal_config *c);

#endif
