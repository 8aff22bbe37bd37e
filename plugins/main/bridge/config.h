/* The bridge plugin's configuration, parsed once from the stdin JSON into a typed struct. */
#ifndef BRIDGE_CONFIG_H
#define BRIDGE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "attach/attach.h"
#include "cni/err.h"
#include "cni/skel.h"
#include "fw/ipmasq_plugin.h"
#include "nl/nl.h"

#define BRIDGE_DEFAULT_NAME "cni0"
#define BRIDGE_VLAN_MAX	    ATTACH_VLAN_MAX

struct bridge_config {
	char bridge[NL_IFNAMSIZ];
	bool is_gateway;
	bool is_default_gateway;
	bool force_address;
	struct fw_ipmasq_config masq; /* ipMasq, ipMasqBackend */
	bool hairpin_mode;
	bool promisc_mode;
	bool preserve_default_vlan;
	bool macspoofchk;
	bool enable_dad;
	bool disable_container_interface;
	bool port_isolation;
	unsigned mtu;
	uint16_t vlan;	/* 0: none */
	bool has_trunk; /* vlanTrunk given and not empty */
	bool trunk[BRIDGE_VLAN_MAX + 1];
	bool has_mac; /* runtimeConfig.mac, args.cni.mac or CNI_ARGS MAC */
	uint8_t mac[NL_MAC_LEN];
	bool has_ipam; /* an "ipam" object with a non-empty "type": layer 3 */
};

/*
 * Read the plugin's keys from req->config (and MAC from CNI_ARGS). ADD-only refusals (macspoofchk,
 * ipam with disableContainerInterface) are left to bridge_config_check_add.
 */
int bridge_config_parse(const struct cni_request *req, struct bridge_config *c,
			struct cni_err *err);
int bridge_config_check_add(struct bridge_config *c, struct cni_err *err);

#endif
