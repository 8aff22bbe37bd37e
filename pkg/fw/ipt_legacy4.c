/* libiptc (IPv4) read and commit for the iptables backend on a legacy node. */
#include <libiptc/libiptc.h>

#include "cni/fault.h"
#include "fw/ipt_legacy.h"

#define TC(name) iptc_##name
#define ENTRY	 struct ipt_entry
#define FN(name) fw_ipt_legacy4_##name
#include "fw/ipt_legacy_body.h"
