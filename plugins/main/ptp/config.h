/* The ptp plugin's configuration, parsed once from the stdin JSON into a typed struct. */
#ifndef PTP_CONFIG_H
#define PTP_CONFIG_H

#include <stdbool.h>

#include "cni/err.h"
#include "cni/skel.h"
#include "fw/ipmasq_plugin.h"

struct ptp_config {
	unsigned mtu;		      /* 0: kernel default */
	struct fw_ipmasq_config masq; /* ipMasq, ipMasqBackend */
};

/*
 * Read the plugin's keys from req->config. An "ipam" object with a "type" is required for every
 * verb, as the reference (which needs the IPAM plugin's name to do anything).
 */
int ptp_config_parse(const struct cni_request *req, struct ptp_config *c, struct cni_err *err);

#endif
