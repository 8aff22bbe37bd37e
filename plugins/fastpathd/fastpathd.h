/* fastpathd's shared types: ports, the port table snapshot the workers read, the daemon context. */
#ifndef FASTPATHD_H
#define FASTPATHD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <rte_common.h>
#include <rte_spinlock.h>

#include "fastpath/fastpath.h"
#include "config.h"

#define FPD_VERSION	"0.1.0"
#define FPD_MAX_PORTS	64
#define FPD_MAX_WORKERS 8
#define FPD_BURST	32
#define FPD_RING_SIZE	1024 /* descriptors per queue: a pod sharing a CPU needs depth */

struct rte_mempool;
struct rte_rcu_qsbr;
struct rte_ring;
struct fpd_mactable;

/* One worker's counters for one port; a worker only writes its own slot. */
struct fpd_counters {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_dropped;
	uint64_t rx_dropped;
	uint64_t flooded;
} __rte_cache_aligned;

/* A port. Workers reach it only through a table snapshot, so it is freed only after the
 * grace period that follows its removal from the table. */
struct fpd_port {
	struct fp_port_spec spec;
	uint16_t port_id;
	uint16_t slot;
	uint32_t gen; /* tells a reused slot from its previous occupant (MAC entries, learning) */
	uint16_t nb_txq;
	bool tx_shared; /* fewer tx queues than workers: transmit under tx_lock */
	bool from_config;
	rte_spinlock_t tx_lock;
	struct fpd_counters stats[FPD_MAX_WORKERS];
};

/* What workers read: immutable once published; replaced whole. */
struct fpd_table {
	struct fpd_port *ports[FPD_MAX_PORTS]; /* by slot; NULL is a free slot */
	uint16_t nb_slots;		       /* highest used slot + 1 */
	uint16_t nb_rx[FPD_MAX_WORKERS];
	uint16_t rx[FPD_MAX_WORKERS][FPD_MAX_PORTS]; /* the slots each worker polls */
};

/* A source MAC a worker saw on a learning port, sent to the main lcore (the only writer of
 * the MAC table). */
struct fpd_learn {
	uint8_t mac[6];
	uint16_t vlan;
	uint16_t slot;
	uint16_t pad;
	uint32_t gen;
};

struct fpd;

struct fpd_worker {
	struct fpd *d;
	unsigned idx; /* 0.. nb_workers-1: counter slot, RCU thread id, tx queue */
	unsigned lcore;
	struct rte_ring *ctl;	/* struct fpd_table * from main */
	struct rte_ring *learn; /* struct fpd_learn to main */
	struct fpd_table *table;
};

struct fpd {
	struct fpd_config cfg;
	struct rte_mempool *pool;
	struct rte_rcu_qsbr *qsbr;
	struct fpd_mactable *macs;
	unsigned nb_workers;
	struct fpd_worker workers[FPD_MAX_WORKERS];
	struct fpd_table *table; /* the current snapshot; main lcore only */
	atomic_bool running;
	time_t started;
	uint32_t next_gen;
	unsigned vdev_seq;
};

/* Whether a port carries frames of VLAN vlan. */
static inline bool fpd_port_carries(const struct fpd_port *p, uint16_t vlan)
{
	return p->spec.trunk || p->spec.vlan == vlan;
}

#endif
