/* Link attributes nl.h does not cover: transmit queue length and the all-multicast flag. */
#ifndef NL_LINK_ATTRS_H
#define NL_LINK_ATTRS_H

#include <stdbool.h>

#include "cni/err.h"
#include "nl/nl.h"

/* IFLA_TXQLEN of ifindex. */
int nl_link_get_txqlen(struct nl_handle *h, int ifindex, unsigned *qlen, struct cni_err *err);
int nl_link_set_txqlen(struct nl_handle *h, int ifindex, unsigned qlen, struct cni_err *err);
/* IFF_ALLMULTI as a user setting (the kernel reports it in nl_link_info.flags). */
int nl_link_set_allmulti(struct nl_handle *h, int ifindex, bool on, struct cni_err *err);

#endif
