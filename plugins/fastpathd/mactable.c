/* The MAC table on rte_hash: lock-free lookups for workers, writes only from the main lcore,
 * deleted key slots reclaimed after an RCU grace period (the hash's own QSBR defer queue). */
#include "mactable.h"

#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "fastpathd.h"

#define FPD_MAC_ENTRIES 65536

struct fpd_mactable {
	struct rte_hash *hash;
	/* Last time each key position was seen, written by workers, read by the aging pass.
	 * A torn or stale value only makes an entry live or age one pass early or late. */
	uint32_t *seen;
};

uint32_t fpd_now(void)
{
	return rte_get_tsc_cycles() / rte_get_tsc_hz();
}

static inline void *mac_data(uint16_t slot, uint32_t gen, bool is_static)
{
	return (void *)(uintptr_t)((uint64_t)slot | (uint64_t)gen << 16 |
				   (is_static ? FPD_MAC_STATIC : 0));
}

int fpd_mac_create(struct fpd_mactable **out, struct rte_rcu_qsbr *qsbr, struct cni_err *err)
{
	struct rte_hash_parameters p = {
		.name = "fpd_macs",
		.entries = FPD_MAC_ENTRIES,
		.key_len = sizeof(struct fpd_mac_key),
		.hash_func = rte_jhash,
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct rte_hash_rcu_config rcu = {.v = qsbr, .mode = RTE_HASH_QSBR_MODE_DQ};
	struct fpd_mactable *t = calloc(1, sizeof(*t));

	if (!t)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "MAC table");
	t->hash = rte_hash_create(&p);
	t->seen = rte_zmalloc("fpd_mac_seen", sizeof(uint32_t) * (FPD_MAC_ENTRIES + 64), 0);
	if (!t->hash || !t->seen || rte_hash_rcu_qsbr_add(t->hash, &rcu) != 0) {
		fpd_mac_destroy(t);
		return cni_errf(err, CNI_ERR_INTERNAL, rte_errno, "create the MAC table");
	}
	*out = t;
	return 0;
}

void fpd_mac_destroy(struct fpd_mactable *t)
{
	if (!t)
		return;
	rte_hash_free(t->hash);
	rte_free(t->seen);
	free(t);
}

uint64_t fpd_mac_lookup_bulk(struct fpd_mactable *t, const struct fpd_mac_key **keys, unsigned n,
			     void **data)
{
	uint64_t hits = 0;

	if (n == 0 || rte_hash_lookup_bulk_data(t->hash, (const void **)keys, n, &hits, data) < 0)
		return 0;
	return hits;
}

bool fpd_mac_touch(struct fpd_mactable *t, const struct fpd_mac_key *key, uint16_t slot,
		   uint32_t gen, uint32_t now)
{
	void *d;
	int pos = rte_hash_lookup_data(t->hash, key, &d);

	if (pos < 0 || FPD_MAC_SLOT(d) != slot || FPD_MAC_GEN(d) != gen)
		return false;
	/* Write only when it changes: the cache line is shared with the main lcore. */
	if ((unsigned)pos < FPD_MAC_ENTRIES && t->seen[pos] != now)
		t->seen[pos] = now;
	return true;
}

bool fpd_mac_exists(struct fpd_mactable *t, const struct fpd_mac_key *key)
{
	return rte_hash_lookup(t->hash, key) >= 0;
}

int fpd_mac_add_static(struct fpd_mactable *t, const struct fpd_mac_key *key, uint16_t slot,
		       uint32_t gen, struct cni_err *err)
{
	int pos = rte_hash_add_key_data(t->hash, key, mac_data(slot, gen, true));

	if (pos < 0)
		return cni_errf(err, CNI_ERR_INTERNAL, -pos, "add MAC table entry");
	return 0;
}

void fpd_mac_learn(struct fpd_mactable *t, const struct fpd_learn *l, const struct fpd_table *tbl,
		   uint32_t now)
{
	struct fpd_mac_key key;
	const struct fpd_port *p;
	void *d;
	int pos;

	if (l->slot >= FPD_MAX_PORTS || !(p = tbl->ports[l->slot]) || p->gen != l->gen)
		return; /* the port left since the worker saw the frame */
	memcpy(key.mac, l->mac, 6);
	key.vlan = l->vlan;
	if (rte_hash_lookup_data(t->hash, &key, &d) >= 0 && ((uintptr_t)d & FPD_MAC_STATIC))
		return; /* a pod's own MAC never moves to the uplink */
	pos = rte_hash_add_key_data(t->hash, &key, mac_data(l->slot, l->gen, false));
	if (pos >= 0 && pos < FPD_MAC_ENTRIES)
		t->seen[pos] = now;
}

void fpd_mac_flush_slot(struct fpd_mactable *t, uint16_t slot)
{
	const void *key;
	void *d;
	uint32_t next = 0;

	while (rte_hash_iterate(t->hash, &key, &d, &next) >= 0)
		if (FPD_MAC_SLOT(d) == slot)
			rte_hash_del_key(t->hash, key);
}

void fpd_mac_age(struct fpd_mactable *t, uint32_t now, uint32_t aging)
{
	const void *key;
	void *d;
	uint32_t next = 0;
	int pos;

	while ((pos = rte_hash_iterate(t->hash, &key, &d, &next)) >= 0)
		if (!((uintptr_t)d & FPD_MAC_STATIC) && pos < FPD_MAC_ENTRIES &&
		    now - t->seen[pos] > aging)
			rte_hash_del_key(t->hash, key);
}

unsigned fpd_mac_count(struct fpd_mactable *t)
{
	int n = rte_hash_count(t->hash);

	return n > 0 ? (unsigned)n : 0;
}

void fpd_mac_walk(struct fpd_mactable *t, uint32_t now, fpd_mac_visit_fn cb, void *arg)
{
	const void *key;
	void *d;
	uint32_t next = 0;
	int pos;

	while ((pos = rte_hash_iterate(t->hash, &key, &d, &next)) >= 0) {
		bool is_static = (uintptr_t)d & FPD_MAC_STATIC;

		cb(key, FPD_MAC_SLOT(d), FPD_MAC_GEN(d), is_static,
		   is_static || pos >= FPD_MAC_ENTRIES ? 0 : now - t->seen[pos], arg);
	}
}
