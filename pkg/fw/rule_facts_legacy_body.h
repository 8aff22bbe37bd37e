/*
 * libiptc facts reader written once for both families: rule_facts_legacy4.c / 6.c define TC,
 * ENTRY, IPHDR (the entry's ip/ipv6 member), ADDR_BYTES, INV_SRC/DST/IN/OUT and FN, then include
 * this file. Positions follow the same walk as ipt_legacy_body.h's read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fw/rule_facts_legacy.h"

static int prefix_len(const void *mask)
{
	const unsigned char *m = mask;
	int bits = 0;

	for (int i = 0; i < ADDR_BYTES; i++)
		bits += __builtin_popcount(m[i]);
	return bits;
}

/* The snapshot's index of the position-th rule of chain, or -1. */
static long index_of(const struct fw_tx *tx, const char *chain, unsigned position)
{
	for (size_t i = 0; i < tx->n_rules; i++)
		if (tx->rules[i].position == position && strcmp(tx->rules[i].chain, chain) == 0)
			return (long)i;
	return -1;
}

static void entry_facts(const ENTRY *e, struct fw_rule_facts *f)
{
	int family = ADDR_BYTES == 4 ? AF_INET : AF_INET6;

	if (prefix_len(&e->IPHDR.smsk)) {
		f->has_saddr = true;
		f->saddr =
			(struct cni_prefix){.ip.family = family, .len = prefix_len(&e->IPHDR.smsk)};
		memcpy(f->saddr.ip.addr, &e->IPHDR.src, ADDR_BYTES);
		f->saddr_negate = e->IPHDR.invflags & INV_SRC;
	}
	if (prefix_len(&e->IPHDR.dmsk)) {
		f->has_daddr = true;
		f->daddr =
			(struct cni_prefix){.ip.family = family, .len = prefix_len(&e->IPHDR.dmsk)};
		memcpy(f->daddr.ip.addr, &e->IPHDR.dst, ADDR_BYTES);
		f->daddr_negate = e->IPHDR.invflags & INV_DST;
	}
	memcpy(f->iniface, e->IPHDR.iniface, sizeof(f->iniface) - 1);
	memcpy(f->outiface, e->IPHDR.outiface, sizeof(f->outiface) - 1);
	f->iniface_negate = e->IPHDR.invflags & INV_IN;
	f->outiface_negate = e->IPHDR.invflags & INV_OUT;
}

int FN(facts)(struct fw_tx *tx, const char *chain, struct fw_rule_facts **out, size_t *n,
	      struct cni_err *err)
{
	struct xtc_handle *h = TC(init)(tx->table);
	struct fw_rule_facts *list = NULL;
	size_t count = 0;

	if (!h)
		return 0; /* no such table: no rules (as the read at open) */
	for (const char *c = TC(first_chain)(h); c; c = TC(next_chain)(h)) {
		unsigned position = 0;

		if (chain && strcmp(chain, c) != 0)
			continue;
		for (const ENTRY *e = TC(first_rule)(c, h); e; e = TC(next_rule)(e, h)) {
			long idx = index_of(tx, c, ++position);
			struct fw_rule_facts *grown;

			if (idx < 0)
				continue;
			grown = realloc(list, (count + 1) * sizeof(*grown));
			if (!grown) {
				free(list);
				TC(free)(h);
				return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "firewall rules");
			}
			list = grown;
			list[count] = (struct fw_rule_facts){.index = (size_t)idx};
			entry_facts(e, &list[count]);
			count++;
		}
	}
	TC(free)(h);
	*out = list;
	*n = count;
	return 0;
}
