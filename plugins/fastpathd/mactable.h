/* The MAC table: (MAC, VLAN) -> port. Lock-free readers (workers), one writer (main lcore). */
#ifndef FASTPATHD_MACTABLE_H
#define FASTPATHD_MACTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "cni/err.h"

struct rte_rcu_qsbr;
struct fpd_table;
struct fpd_learn;

struct fpd_mac_key {
	uint8_t mac[6];
	uint16_t vlan;
};

/* Entry data packed in the hash's void * so nothing needs freeing: slot, generation, static. */
#define FPD_MAC_STATIC	(1ull << 63)
#define FPD_MAC_SLOT(d) ((uint16_t)((uintptr_t)(d)&0xffff))
#define FPD_MAC_GEN(d)	((uint32_t)(((uintptr_t)(d) >> 16) & 0xffffffff))

struct fpd_mactable;

int fpd_mac_create(struct fpd_mactable **out, struct rte_rcu_qsbr *qsbr, struct cni_err *err);
void fpd_mac_destroy(struct fpd_mactable *t);

/* Worker side. Lookup of a burst of keys; data[i] is valid where bit i of the result is set. */
uint64_t fpd_mac_lookup_bulk(struct fpd_mactable *t, const struct fpd_mac_key **keys, unsigned n,
			     void **data);
/* Whether src is known on (slot, gen); refreshes its age when it is. */
bool fpd_mac_touch(struct fpd_mactable *t, const struct fpd_mac_key *key, uint16_t slot,
		   uint32_t gen, uint32_t now);

/* Main lcore side. */
int fpd_mac_add_static(struct fpd_mactable *t, const struct fpd_mac_key *key, uint16_t slot,
		       uint32_t gen, struct cni_err *err);
bool fpd_mac_exists(struct fpd_mactable *t, const struct fpd_mac_key *key);
void fpd_mac_learn(struct fpd_mactable *t, const struct fpd_learn *l, const struct fpd_table *tbl,
		   uint32_t now);
/* Drop every entry of a slot (its port is going away). */
void fpd_mac_flush_slot(struct fpd_mactable *t, uint16_t slot);
/* Drop learned entries not seen for aging seconds. */
void fpd_mac_age(struct fpd_mactable *t, uint32_t now, uint32_t aging);
unsigned fpd_mac_count(struct fpd_mactable *t);

/* Visit every entry: cb(key, slot, gen, is_static, age_sec, arg). */
typedef void (*fpd_mac_visit_fn)(const struct fpd_mac_key *key, uint16_t slot, uint32_t gen,
				 bool is_static, uint32_t age, void *arg);
void fpd_mac_walk(struct fpd_mactable *t, uint32_t now, fpd_mac_visit_fn cb, void *arg);

/* Seconds since start, coarse: what ages are counted in. */
uint32_t fpd_now(void);

#endif
