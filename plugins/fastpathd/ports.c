/* The port table's control side. Only the main lcore runs this. */
#include "ports.h"

#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "device.h"
#include "fastpath/wire.h"
#include "log.h"
#include "mactable.h"

int fpd_ports_init(struct fpd *d, struct cni_err *err)
{
	d->table = rte_zmalloc("fpd_table", sizeof(*d->table), RTE_CACHE_LINE_SIZE);
	if (!d->table)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "port table");
	d->next_gen = 1;
	return 0;
}

/* Rebuild the derived parts of a table: how many slots, and who polls what (the worker
 * with the fewest rx ports takes the next). */
static void table_finish(struct fpd *d, struct fpd_table *t)
{
	memset(t->nb_rx, 0, sizeof(t->nb_rx));
	t->nb_slots = 0;
	for (uint16_t s = 0; s < FPD_MAX_PORTS; s++) {
		unsigned best = 0;

		if (!t->ports[s])
			continue;
		t->nb_slots = s + 1;
		for (unsigned w = 1; w < d->nb_workers; w++)
			if (t->nb_rx[w] < t->nb_rx[best])
				best = w;
		t->rx[best][t->nb_rx[best]++] = s;
	}
}

/* Hand t to every worker, wait until none can still read the old table, free it. */
static void table_publish(struct fpd *d, struct fpd_table *t)
{
	struct fpd_table *old = d->table;

	table_finish(d, t);
	d->table = t;
	for (unsigned w = 0; w < d->nb_workers; w++)
		while (rte_ring_enqueue(d->workers[w].ctl, t) != 0)
			rte_rcu_qsbr_synchronize(d->qsbr, RTE_QSBR_THRID_INVALID);
	rte_rcu_qsbr_synchronize(d->qsbr, RTE_QSBR_THRID_INVALID);
	rte_free(old);
}

static struct fpd_table *table_copy(const struct fpd *d)
{
	struct fpd_table *t = rte_malloc("fpd_table", sizeof(*t), RTE_CACHE_LINE_SIZE);

	if (t)
		memcpy(t, d->table, sizeof(*t));
	return t;
}

struct fpd_port *fpd_port_find(struct fpd *d, const char *name)
{
	for (uint16_t s = 0; s < d->table->nb_slots; s++)
		if (d->table->ports[s] && strcmp(d->table->ports[s]->spec.name, name) == 0)
			return d->table->ports[s];
	return NULL;
}

unsigned fpd_port_count(const struct fpd *d)
{
	unsigned n = 0;

	for (uint16_t s = 0; s < d->table->nb_slots; s++)
		n += d->table->ports[s] != NULL;
	return n;
}

static int free_slot(const struct fpd *d)
{
	for (int s = 0; s < FPD_MAX_PORTS; s++)
		if (!d->table->ports[s])
			return s;
	return -1;
}

/* A second port may not claim the same socket, device or static MAC. */
static const char *conflict(struct fpd *d, const struct fp_port_spec *spec)
{
	for (uint16_t s = 0; s < d->table->nb_slots; s++) {
		const struct fp_port_spec *o =
			d->table->ports[s] ? &d->table->ports[s]->spec : NULL;

		if (!o || o->type != spec->type)
			continue;
		if (spec->type == FP_PORT_VHOST_USER && strcmp(o->socket, spec->socket) == 0)
			return o->name;
		if (spec->type == FP_PORT_ETHDEV &&
		    strcspn(o->devargs, ",") == strcspn(spec->devargs, ",") &&
		    strncmp(o->devargs, spec->devargs, strcspn(o->devargs, ",")) == 0)
			return o->name;
	}
	return NULL;
}

int fpd_port_add(struct fpd *d, const struct fp_port_spec *spec, bool from_config,
		 struct fpd_port **out, enum fpd_port_error *why, struct cni_err *err)
{
	struct fpd_port *p = fpd_port_find(d, spec->name);
	struct fpd_mac_key key;
	struct fpd_table *t;
	const char *other;
	int slot;

	*why = FPD_PORT_EXISTS;
	if (p) {
		if (!fp_wire_spec_equal(&p->spec, spec))
			return cni_errf(err, CNI_ERR_IO, 0,
					"port %s exists with a different configuration",
					spec->name);
		*out = p;
		return 0;
	}
	other = conflict(d, spec);
	if (other)
		return cni_errf(err, CNI_ERR_IO, 0, "port %s already uses that %s", other,
				spec->type == FP_PORT_VHOST_USER ? "socket" : "device");
	if (spec->has_mac) {
		memcpy(key.mac, spec->mac, 6);
		key.vlan = spec->vlan;
		if (fpd_mac_exists(d->macs, &key))
			return cni_errf(err, CNI_ERR_IO, 0,
					"MAC %02x:%02x:%02x:%02x:%02x:%02x is "
					"already in VLAN %u",
					spec->mac[0], spec->mac[1], spec->mac[2], spec->mac[3],
					spec->mac[4], spec->mac[5], spec->vlan);
	}
	*why = FPD_PORT_FULL;
	slot = free_slot(d);
	if (slot < 0)
		return cni_errf(err, CNI_ERR_TRY_AGAIN, 0, "all %d port slots are taken",
				FPD_MAX_PORTS);
	*why = FPD_PORT_DEVICE;
	p = rte_zmalloc("fpd_port", sizeof(*p), RTE_CACHE_LINE_SIZE);
	t = table_copy(d);
	if (!p || !t) {
		rte_free(p);
		rte_free(t);
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "port %s", spec->name);
	}
	p->spec = *spec;
	p->slot = slot;
	p->gen = d->next_gen++;
	p->from_config = from_config;
	if (fpd_device_open(d, p, err) < 0)
		goto out_free;
	if (spec->has_mac && fpd_mac_add_static(d->macs, &key, p->slot, p->gen, err) < 0)
		goto out_close;
	t->ports[slot] = p;
	table_publish(d, t);
	FPD_LOG(INFO, "port %s added (slot %d, vlan %u%s)", spec->name, slot, spec->vlan,
		spec->trunk ? ", trunk" : "");
	*why = FPD_PORT_OK;
	*out = p;
	return 0;

out_close:
	fpd_device_close(p);
out_free:
	rte_free(t);
	rte_free(p);
	return -1;
}

int fpd_port_del(struct fpd *d, const char *name, enum fpd_port_error *why, struct cni_err *err)
{
	struct fpd_port *p = fpd_port_find(d, name);
	struct fpd_table *t;

	*why = FPD_PORT_NOT_FOUND;
	if (!p)
		return cni_errf(err, CNI_ERR_IO, 0, "no port %s", name);
	*why = FPD_PORT_DEVICE;
	t = table_copy(d);
	if (!t)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "port table");
	t->ports[p->slot] = NULL;
	fpd_mac_flush_slot(d->macs, p->slot);
	/* After this no worker polls or transmits on the port: its device may go. */
	table_publish(d, t);
	fpd_device_close(p);
	FPD_LOG(INFO, "port %s deleted", name);
	rte_free(p);
	*why = FPD_PORT_OK;
	return 0;
}

void fpd_port_counters(const struct fpd_port *p, struct fp_port_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned w = 0; w < FPD_MAX_WORKERS; w++) {
		const struct fpd_counters *c = &p->stats[w];

		out->rx_packets += c->rx_packets;
		out->rx_bytes += c->rx_bytes;
		out->tx_packets += c->tx_packets;
		out->tx_bytes += c->tx_bytes;
		out->tx_dropped += c->tx_dropped;
		out->rx_dropped += c->rx_dropped;
		out->flooded += c->flooded;
	}
}

void fpd_ports_close_all(struct fpd *d)
{
	if (!d->table)
		return;
	for (uint16_t s = 0; s < d->table->nb_slots; s++) {
		struct fpd_port *p = d->table->ports[s];

		if (!p)
			continue;
		fpd_device_close(p);
		rte_free(p);
		d->table->ports[s] = NULL;
	}
	rte_free(d->table);
	d->table = NULL;
}
