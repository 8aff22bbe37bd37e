/* libiptc/libip6tc access for the iptables backend on a legacy node. */
#ifndef FW_IPT_LEGACY_H
#define FW_IPT_LEGACY_H

#include "fw/internal.h"

int fw_ipt_legacy4_read(struct fw_tx *tx, struct cni_err *err);
int fw_ipt_legacy4_commit(struct fw_tx *tx, struct cni_err *err);
int fw_ipt_legacy6_read(struct fw_tx *tx, struct cni_err *err);
int fw_ipt_legacy6_commit(struct fw_tx *tx, struct cni_err *err);

#endif
