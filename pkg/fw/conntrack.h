/* Flushing conntrack entries over ctnetlink (no exec of conntrack(8)). */
#ifndef FW_CONNTRACK_H
#define FW_CONNTRACK_H

#include <stdint.h>

#include "cni/err.h"

/*
 * Delete every entry of family (AF_INET/AF_INET6) in the current netns whose original tuple is
 * protocol l4proto to destination port dport: a stale UDP flow would otherwise keep reaching
 * the old destination after a hostPort's DNAT changes. Returns the count deleted via *n.
 */
int fw_conntrack_flush_dport(int family, uint8_t l4proto, uint16_t dport, unsigned *n,
			     struct cni_err *err);

#endif
