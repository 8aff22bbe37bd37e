/* ipMasq: masquerade a pod's traffic leaving its subnet, as the reference's bridge and ptp do. */
#ifndef FW_IPMASQ_H
#define FW_IPMASQ_H

#include <stddef.h>

#include "cni/err.h"
#include "cni/ip.h"
#include "cni/skel.h"
#include "fw/fw.h"

/*
 * Who the rules belong to. The reference names them from these three:
 *   nftables: table inet cni_plugins_masquerade, chain masq_checks, one rule per address
 *             `ip saddr == IP ip daddr != SUBNET masquerade`, comment
 *             "<hash16(network)>-<hash16(ifname:id)>, net: N, if: I, id: C" (128 bytes max),
 *             and a postrouting base chain that skips multicast and goes to masq_checks;
 *   iptables: nat chain CNI-<hash(network+id)> with `-d SUBNET -j ACCEPT` and
 *             `! -d 224.0.0.0/4|ff00::/8 -j MASQUERADE`, jumped to from POSTROUTING by `-s IP`,
 *             every rule commented `name: "N" id: "C"`.
 */
struct fw_ipmasq_owner {
	const char *network;
	const char *ifname;
	const char *container_id;
};

/*
 * Install the rules for addrs (each an address with its prefix length, "10.1.0.5/24"), one
 * transaction per table touched. Repeating it replaces this owner's rules.
 */
int fw_ipmasq_setup(enum fw_backend backend, const struct cni_prefix *addrs, size_t n,
		    const struct fw_ipmasq_owner *owner, struct cni_err *err);

/*
 * Remove this owner's rules. addrs may be empty (no prevResult, netns gone): the rules are
 * found by name and comment, not by address, so nothing leaks (unlike the reference, #810).
 */
int fw_ipmasq_teardown(enum fw_backend backend, const struct cni_prefix *addrs, size_t n,
		       const struct fw_ipmasq_owner *owner, struct cni_err *err);

/* Remove the rules of network whose (container ID, ifname) is not in valid. */
int fw_ipmasq_gc(enum fw_backend backend, const char *network, const struct cni_attachment *valid,
		 size_t n_valid, struct cni_err *err);

#endif
