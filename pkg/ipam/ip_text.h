/* IP text exactly as Go's net.IP.String prints it: file names and messages shared with the
 * reference. */
#ifndef IPAM_IP_TEXT_H
#define IPAM_IP_TEXT_H

#include "cni/ip.h"

/*
 * Format ip into buf (at least CNI_IP_STRLEN) the way Go does. It differs from inet_ntop only for
 * IPv6 addresses in ::/96, which glibc prints as "::1.2.3.4" and Go as "::102:304"; host-local file
 * names must match byte for byte, so this is what the store uses.
 */
const char *ipam_ip_str(const struct cni_ip *ip, char *buf);
const char *ipam_prefix_str(const struct cni_prefix *p, char *buf);

#endif
