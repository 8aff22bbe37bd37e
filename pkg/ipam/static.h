/* static IPAM: fixed addresses, routes and DNS from config, CNI_ARGS, args or runtimeConfig. */
#ifndef IPAM_STATIC_H
#define IPAM_STATIC_H

#include <stddef.h>

#include "cni/err.h"
#include "cni/ip.h"
#include "cni/result.h"
#include "cni/skel.h"

struct ipam_static_address {
	struct cni_prefix address; /* host bits kept: "10.0.0.5/24" */
	struct cni_ip gateway;	   /* family 0 when none */
};

struct ipam_static_config {
	struct ipam_static_address *addresses;
	size_t n_addresses;
	struct cni_route *routes;
	size_t n_routes;
	struct cni_dns dns;
};

/*
 * The reference's LoadIPAMConfig: "addresses", then CNI_ARGS IP (appended) and GATEWAY; a non-empty
 * args.cni.ips, then runtimeConfig.ips, replaces the list.
 */
int ipam_static_config_parse(const struct cni_request *req, struct ipam_static_config *c,
			     struct cni_err *err);
void ipam_static_config_free(struct ipam_static_config *c);

int ipam_static_add(const struct cni_request *req, struct cni_result *result, struct cni_err *err);
/* Nothing was allocated: DEL, GC and STATUS only validate nothing and succeed. */
int ipam_static_del(const struct cni_request *req, struct cni_err *err);
/* Each configured address found in prevResult must carry the configured gateway. */
int ipam_static_check(const struct cni_request *req, struct cni_err *err);
int ipam_static_gc(const struct cni_request *req, struct cni_err *err);
int ipam_static_status(const struct cni_request *req, struct cni_err *err);

#endif
