/* libiptc (IPv4) rule facts for rule_facts.c on a legacy node. */
#include <libiptc/libiptc.h>

#define TC(name)   iptc_##name
#define ENTRY	   struct ipt_entry
#define IPHDR	   ip
#define ADDR_BYTES 4
#define INV_SRC	   IPT_INV_SRCIP
#define INV_DST	   IPT_INV_DSTIP
#define INV_IN	   IPT_INV_VIA_IN
#define INV_OUT	   IPT_INV_VIA_OUT
#define FN(name)   fw_legacy4_##name
#include "fw/rule_facts_legacy_body.h"
