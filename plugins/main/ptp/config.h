/* The ptp plugin's configuration, parsed once from the stdin JSON into a typed struct. */
#ifndef PTP_CONFIG_H
#define PTP_CONFIG_H

#include <stdbool.h>

#include "cni/err.h"
#include "cni/skel.h"

struct ptp_config {
	unsigned mtu; /* 0: kernel default */
	bool ip_masq;
};

/*
 * Read the plugin's keys from req->config. An "ipam" object with a "type" is required for every
 * verb, as the reference (which needs the IPAM plugin's name to do anything).
 */
int ptp_config_parse(const struct cni_request *req, struct ptp_config *c, struct cni_err *err);
/* ADD-only refusals: ipMasq waits for the packet filter. */
int ptp_config_check_add(const struct ptp_config *c, struct cni_err *err);

#endif
