/* The vxlan-overlay plugin's configuration and peer list, parsed once into typed structs. */
#ifndef VXO_CONFIG_H
#define VXO_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cni/err.h"
#include "cni/ip.h"
#include "cni/skel.h"
#include "nl/nl.h"

#define VXO_DEFAULT_PORT   4789
#define VXO_DEFAULT_VNI	   1
#define VXO_DEFAULT_BRIDGE "vxbr0"
#define VXO_VNI_MAX	   16777215

/* One node of the overlay: where its VTEP is and which pod subnets live behind it. */
struct vxo_peer {
	struct cni_ip node_ip;	       /* the peer's underlay address */
	struct cni_prefix pod_subnet;  /* family 0: none */
	struct cni_prefix pod_subnet6; /* family 0: none */
};

struct vxo_config {
	uint32_t vni;
	uint16_t port;
	char vxlan_name[NL_IFNAMSIZ]; /* default "vxlan.<vni>" */
	char bridge[NL_IFNAMSIZ];
	struct cni_ip local_ip;	       /* family 0: from underlayInterface or the default route */
	char underlay[NL_IFNAMSIZ];    /* "": none given */
	struct cni_prefix pod_subnet;  /* this node's IPv4 pod subnet (required) */
	struct cni_prefix pod_subnet6; /* this node's IPv6 pod subnet, family 0: IPv4 only */
	unsigned mtu;		       /* 0: automatic (underlay MTU - 50, - 70 on IPv6) */
	const char *data_dir;	       /* host-local's dataDir, NULL: its default */
	const char *peers_file;	       /* NULL: peers come from the config */
	struct vxo_peer *peers;	       /* malloc'd */
	size_t n_peers;
	bool peers_loaded; /* peers (from the config or the file) were read */
};

/*
 * Read the plugin's keys from req->config. with_peers: also read the peers (from "peers", or
 * "peersFile" re-read now); DEL leaves them unread so it works whatever the file holds.
 */
int vxo_config_parse(const struct cni_request *req, bool with_peers, struct vxo_config *c,
		     struct cni_err *err);
void vxo_config_free(struct vxo_config *c);

/* The host-local IPAM config of the node's pod subnet(s) (a new reference). */
json_t *vxo_config_ipam(const struct vxo_config *c, struct cni_err *err);

#endif
