/* A struct fw_rule as an iptables-restore line, in the order iptables itself prints options. */
#ifndef FW_IPT_TEXT_H
#define FW_IPT_TEXT_H

#include <stdio.h>

#include "fw/fw.h"

/* Write "-A|-I chain [1] <options>\n" to f. */
int fw_ipt_rule_text(FILE *f, const struct fw_rule *rule, bool prepend, struct cni_err *err);

#endif
