/* Validation of the names the runtime hands us: container ID, network name, interface name. */
#ifndef CNI_NAMES_H
#define CNI_NAMES_H

#include "cni/err.h"

/* [a-zA-Z0-9][a-zA-Z0-9_.-]* as the reference; codes 3 (empty) and 4 as the reference. */
int cni_validate_container_id(const char *id, struct cni_err *err);
int cni_validate_network_name(const char *name, struct cni_err *err);
int cni_validate_ifname(const char *ifname, struct cni_err *err);

#endif
