/* The macvlan plugin's configuration, parsed once from the stdin JSON into a typed struct. */
#ifndef MACVLAN_CONFIG_H
#define MACVLAN_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "cni/err.h"
#include "cni/skel.h"
#include "nl/child_link.h"
#include "stacked/stacked.h"

struct macvlan_config {
	struct stacked_config base; /* master, mtu, linkInContainer, ipam */
	uint32_t mode;		    /* enum nl_macvlan_mode */
	uint32_t bc_queue_len;	    /* bcqueuelen, 0: the kernel's default */
	bool has_mac;		    /* mac, CNI_ARGS MAC or runtimeConfig.mac */
	uint8_t mac[NL_MAC_LEN];
};

/* Every key of the reference's NetConf, with its precedence for the MAC. Errors are code 7. */
int macvlan_config_parse(const struct cni_request *req, struct macvlan_config *c,
			 struct cni_err *err);
const char *macvlan_mode_name(uint32_t mode);

#endif
