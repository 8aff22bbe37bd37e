/* Switching one received burst: classify by VLAN, learn, look up, deliver or flood. */
#ifndef FASTPATHD_FORWARD_H
#define FASTPATHD_FORWARD_H

#include <stdbool.h>
#include <stdint.h>

#include "fastpathd.h"

struct rte_mbuf;

/* Per-worker staging of frames by destination slot, flushed once per burst. */
struct fpd_txbuf {
	uint16_t n;
	bool dirty; /* listed in fpd_fwd.dirty */
	uint32_t bytes;
	struct rte_mbuf *pkts[FPD_BURST];
};

struct fpd_fwd {
	struct fpd_worker *w;
	struct fpd_table *table;
	uint32_t now;
	uint16_t nb_dirty;
	uint16_t dirty[FPD_MAX_PORTS];
	struct fpd_txbuf tx[FPD_MAX_PORTS];
};

/* Switch nb frames received on port in; they all end up sent, staged or freed. */
void fpd_forward_burst(struct fpd_fwd *f, struct fpd_port *in, struct rte_mbuf **pkts, uint16_t nb);
/* Transmit everything staged. */
void fpd_forward_flush(struct fpd_fwd *f);

#endif
