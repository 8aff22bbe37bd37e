/* libip6tc (IPv6) read and commit for the iptables backend on a legacy node. */
#include <libiptc/libip6tc.h>

#include "cni/fault.h"
#include "fw/ipt_legacy.h"

#define TC(name) ip6tc_##name
#define ENTRY	 struct ip6t_entry
#define FN(name) fw_ipt_legacy6_##name
#include "fw/ipt_legacy_body.h"
