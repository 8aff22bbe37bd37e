/* The L2 switch's data path: per-port access VLANs and trunks, static and learned MACs, flooding
 * of broadcast, multicast and unknown unicast. Runs on a worker lcore; never blocks. */
#include "forward.h"

#include <string.h>

#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "mactable.h"

static void tx_port(struct fpd_fwd *f, uint16_t slot)
{
	struct fpd_txbuf *b = &f->tx[slot];
	struct fpd_port *p = f->table->ports[slot];
	struct fpd_counters *c = &p->stats[f->w->idx];
	uint16_t q = RTE_MIN(f->w->idx, (unsigned)p->nb_txq - 1);
	uint16_t sent;

	if (p->tx_shared)
		rte_spinlock_lock(&p->tx_lock);
	sent = rte_eth_tx_burst(p->port_id, q, b->pkts, b->n);
	if (p->tx_shared)
		rte_spinlock_unlock(&p->tx_lock);
	c->tx_packets += sent;
	if (sent < b->n) {
		for (uint16_t i = sent; i < b->n; i++)
			b->bytes -= rte_pktmbuf_pkt_len(b->pkts[i]);
		rte_pktmbuf_free_bulk(b->pkts + sent, b->n - sent);
		c->tx_dropped += b->n - sent;
	}
	c->tx_bytes += b->bytes;
	b->n = 0;
	b->bytes = 0;
}

void fpd_forward_flush(struct fpd_fwd *f)
{
	for (uint16_t i = 0; i < f->nb_dirty; i++) {
		f->tx[f->dirty[i]].dirty = false;
		if (f->tx[f->dirty[i]].n)
			tx_port(f, f->dirty[i]);
	}
	f->nb_dirty = 0;
}

/* Stage m for slot, tagging it when it leaves a trunk in a VLAN other than the native one. */
static void stage(struct fpd_fwd *f, uint16_t slot, struct rte_mbuf *m, uint16_t vlan)
{
	struct fpd_port *p = f->table->ports[slot];
	struct fpd_txbuf *b = &f->tx[slot];

	if (p->spec.trunk && vlan != p->spec.vlan) {
		m->vlan_tci = vlan;
		if (rte_vlan_insert(&m) != 0) {
			rte_pktmbuf_free(m);
			p->stats[f->w->idx].tx_dropped++;
			return;
		}
	}
	if (!b->dirty) {
		b->dirty = true;
		f->dirty[f->nb_dirty++] = slot;
	}
	b->bytes += rte_pktmbuf_pkt_len(m);
	b->pkts[b->n++] = m;
	if (b->n == FPD_BURST)
		tx_port(f, slot); /* stays dirty: flushing an empty buffer is a no-op */
}

static void flood(struct fpd_fwd *f, struct fpd_port *in, struct rte_mbuf *m, uint16_t vlan)
{
	struct fpd_table *t = f->table;
	int last = -1;

	for (uint16_t s = 0; s < t->nb_slots; s++) {
		struct fpd_port *p = t->ports[s];
		struct rte_mbuf *copy;

		if (!p || p == in || !fpd_port_carries(p, vlan))
			continue;
		if (last >= 0) {
			copy = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
			if (copy)
				stage(f, last, copy, vlan);
			else
				t->ports[last]->stats[f->w->idx].tx_dropped++;
		}
		last = s;
	}
	if (last < 0) {
		rte_pktmbuf_free(m);
		in->stats[f->w->idx].rx_dropped++;
		return;
	}
	in->stats[f->w->idx].flooded++;
	stage(f, last, m, vlan);
}

/* The frame's VLAN on this switch; strips the tag of a frame arriving tagged on a trunk. */
static uint16_t classify(const struct fpd_port *in, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	if (in->spec.trunk && eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN) &&
	    rte_vlan_strip(m) == 0) {
		m->ol_flags &= ~(RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED);
		return m->vlan_tci & 0xfff;
	}
	return in->spec.vlan;
}

static void learn(struct fpd_fwd *f, struct fpd_port *in, const struct rte_ether_hdr *eh,
		  uint16_t vlan)
{
	struct fpd_mac_key key;
	struct fpd_learn l;

	if (rte_is_multicast_ether_addr(&eh->src_addr))
		return;
	memcpy(key.mac, eh->src_addr.addr_bytes, 6);
	key.vlan = vlan;
	if (fpd_mac_touch(f->w->d->macs, &key, in->slot, in->gen, f->now))
		return;
	memcpy(l.mac, key.mac, 6);
	l.vlan = vlan;
	l.slot = in->slot;
	l.pad = 0;
	l.gen = in->gen;
	/* A full ring loses the hint; the next frame from that MAC sends it again. */
	rte_ring_enqueue_elem(f->w->learn, &l, sizeof(l));
}

static bool same_key(const struct fpd_mac_key *a, const struct fpd_mac_key *b)
{
	uint64_t x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return x == y;
}

/*
 * A burst mostly carries runs of frames with one destination (and one source): the MAC table is
 * asked once per run, not once per frame.
 */
void fpd_forward_burst(struct fpd_fwd *f, struct fpd_port *in, struct rte_mbuf **pkts, uint16_t nb)
{
	struct fpd_counters *c = &in->stats[f->w->idx];
	struct fpd_mac_key keys[FPD_BURST], src, last_src;
	const struct fpd_mac_key *kp[FPD_BURST]; /* distinct runs of keys */
	uint8_t run_of[FPD_BURST];
	uint16_t vlans[FPD_BURST];
	void *data[FPD_BURST];
	unsigned nb_runs = 0;
	bool have_src = false;
	uint64_t hits;
	uint16_t i;

	_Static_assert(sizeof(struct fpd_mac_key) == sizeof(uint64_t), "keys compare as one word");
	c->rx_packets += nb;
	for (i = 0; i < nb; i++) {
		struct rte_ether_hdr *eh;

		c->rx_bytes += rte_pktmbuf_pkt_len(pkts[i]);
		vlans[i] = classify(in, pkts[i]);
		eh = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);
		if (in->spec.learn) {
			memcpy(src.mac, eh->src_addr.addr_bytes, 6);
			src.vlan = vlans[i];
			if (!have_src || !same_key(&src, &last_src))
				learn(f, in, eh, vlans[i]);
			last_src = src;
			have_src = true;
		}
		memcpy(keys[i].mac, eh->dst_addr.addr_bytes, 6);
		keys[i].vlan = vlans[i];
		if (nb_runs == 0 || !same_key(&keys[i], kp[nb_runs - 1]))
			kp[nb_runs++] = &keys[i];
		run_of[i] = (uint8_t)(nb_runs - 1);
	}
	hits = fpd_mac_lookup_bulk(f->w->d->macs, kp, nb_runs, data);
	for (i = 0; i < nb; i++) {
		void *d = data[run_of[i]];
		struct fpd_port *out;
		uint16_t slot;

		if (!(hits & (1ull << run_of[i])) || (keys[i].mac[0] & 1)) {
			flood(f, in, pkts[i], vlans[i]);
			continue;
		}
		slot = FPD_MAC_SLOT(d);
		out = slot < FPD_MAX_PORTS ? f->table->ports[slot] : NULL;
		if (!out || out->gen != FPD_MAC_GEN(d) || !fpd_port_carries(out, vlans[i])) {
			flood(f, in, pkts[i], vlans[i]); /* stale entry: its port left */
			continue;
		}
		if (out == in) {
			rte_pktmbuf_free(pkts[i]);
			c->rx_dropped++;
			continue;
		}
		stage(f, slot, pkts[i], vlans[i]);
	}
}
