/* A struct fw_rule as a libiptc entry (struct ipt_entry / ip6t_entry), built as iptables builds it.
 */
#ifndef FW_IPT_ENTRY_H
#define FW_IPT_ENTRY_H

#include <stdbool.h>

#include "fw/fw.h"

/*
 * True when fw_ipt_entry_build can express the rule: everything but user conditions beyond
 * "[!] -s|-d ADDR[/LEN]", "[!] -i|-o IFACE", "-m conntrack --ctstate STATES" and a last
 * "-j DROP" (those go through iptables-restore instead).
 */
bool fw_ipt_entry_supported(const struct fw_rule *r, int family);

/*
 * The entry for family, the table's (AF_INET: struct ipt_entry, AF_INET6: struct ip6t_entry;
 * rule->family is 0 or the same), malloc'd
 * into *out: the ip header part, then the matches in the order iptables-save prints them, then
 * the target. A jump target carries the chain's name: libiptc resolves it at commit.
 */
int fw_ipt_entry_build(const struct fw_rule *r, int family, void **out, struct cni_err *err);

#endif
