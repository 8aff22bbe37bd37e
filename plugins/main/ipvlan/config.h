/* The ipvlan plugin's configuration, parsed once from the stdin JSON into a typed struct. */
#ifndef IPVLAN_CONFIG_H
#define IPVLAN_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "cni/err.h"
#include "cni/skel.h"
#include "nl/child_link.h"
#include "stacked/stacked.h"

struct ipvlan_config {
	struct stacked_config base; /* master, mtu, linkInContainer, ipam */
	uint16_t mode;		    /* enum nl_ipvlan_mode */
	/* No ipam type and a prevResult with IPs: the pod's IPs come from the previous plugin. */
	bool chained;
};

/*
 * Every key of the reference's NetConf. For ADD (with_prev_master), an empty master is taken
 * from the prevResult's single interface, as the reference's chained mode. Errors are code 7.
 */
int ipvlan_config_parse(const struct cni_request *req, bool with_prev_master,
			struct ipvlan_config *c, struct cni_err *err);
const char *ipvlan_mode_name(uint16_t mode);

#endif
