/* MAC spoof checking on a bridge port: nftables bridge-family rules laid out as the reference's. */
#ifndef FW_MACSPOOFCHK_H
#define FW_MACSPOOFCHK_H

#include <stdbool.h>
#include <stddef.h>

#include "cni/err.h"

/*
 * Layout (table bridge nat, as containernetworking/plugins pkg/link/spoofcheck.go):
 *   chain PREROUTING { type filter hook prerouting priority -300; policy accept; }
 *     iifname "<port>" jump cni-br-iface-<ref_id>      comment "macspoofchk-<ref_id>"
 *   chain cni-br-iface-<ref_id>
 *     jump cni-br-iface-<ref_id>-mac                   comment "macspoofchk-<ref_id>"
 *   chain cni-br-iface-<ref_id>-mac
 *     ether saddr <mac> return                         comment "macspoofchk-<ref_id>"
 *     drop                                             comment "macspoofchk-<ref_id>"
 * ref_id is "<containerID>-<ifname>". Each call is one nf_tables batch (all or nothing).
 */

/* Install (or replace) the checks for port, letting only mac (6 bytes) through. */
int fw_macspoofchk_setup(const char *port, const unsigned char mac[6], const char *ref_id,
			 struct cni_err *err);
/* Remove the jump and both chains of ref_id; whatever is already gone is no error. */
int fw_macspoofchk_teardown(const char *ref_id, struct cni_err *err);
/* True when the jump and both chains of ref_id exist. */
int fw_macspoofchk_check(const char *ref_id, bool *present, struct cni_err *err);
/* Tear down every attachment whose ref_id keep() rejects. */
int fw_macspoofchk_gc(bool (*keep)(const char *ref_id, void *data), void *data,
		      struct cni_err *err);
/* "<containerID>-<ifname>" into buf. */
void fw_macspoofchk_ref_id(const char *container_id, const char *ifname, char *buf, size_t len);

#endif
