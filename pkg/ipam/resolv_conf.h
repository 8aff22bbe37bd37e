/* host-local's resolvConf: a resolv.conf file read into a result's dns. */
#ifndef IPAM_RESOLV_CONF_H
#define IPAM_RESOLV_CONF_H

#include "cni/err.h"
#include "cni/result.h"

/* nameserver, domain, search and options lines, as the reference's parseResolvConf reads them. */
int ipam_resolv_conf_parse(const char *path, struct cni_dns *dns, struct cni_err *err);

#endif
