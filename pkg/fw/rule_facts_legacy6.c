/* libip6tc (IPv6) rule facts for rule_facts.c on a legacy node. */
#include <libiptc/libip6tc.h>

#define TC(name)   ip6tc_##name
#define ENTRY	   struct ip6t_entry
#define IPHDR	   ipv6
#define ADDR_BYTES 16
#define INV_SRC	   IP6T_INV_SRCIP
#define INV_DST	   IP6T_INV_DSTIP
#define INV_IN	   IP6T_INV_VIA_IN
#define INV_OUT	   IP6T_INV_VIA_OUT
#define FN(name)   fw_legacy6_##name
#include "fw/rule_facts_legacy_body.h"
