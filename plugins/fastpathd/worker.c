/* Worker lcores. Each iteration: adopt the newest port table from the ring, poll its rx ports,
 * switch and transmit, then report a quiescent state so the main lcore may free what it
 * replaced. After idlePolls empty iterations it sleeps, backing off exponentially up to
 * idleSleepMaxUs (like OVS's pmd-sleep-max), so an idle node leaves its CPUs to others. */
#include "worker.h"

#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include <rte_errno.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "forward.h"
#include "log.h"
#include "mactable.h"

int fpd_workers_init(struct fpd *d, struct cni_err *err)
{
	size_t sz;
	unsigned lcore, i = 0;

	d->nb_workers = rte_lcore_count() - 1;
	if (d->nb_workers == 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"no worker lcore: give EAL at least two (-l 0,1)");
	if (d->nb_workers > FPD_MAX_WORKERS)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "more than %d worker lcores",
				FPD_MAX_WORKERS);
	sz = rte_rcu_qsbr_get_memsize(d->nb_workers);
	d->qsbr = rte_zmalloc("fpd_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (!d->qsbr || rte_rcu_qsbr_init(d->qsbr, d->nb_workers) != 0)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "RCU variable");
	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		struct fpd_worker *w = &d->workers[i];
		char name[32];

		w->d = d;
		w->idx = i;
		w->lcore = lcore;
		snprintf(name, sizeof(name), "fpd_ctl%u", i);
		w->ctl = rte_ring_create(name, 64, rte_lcore_to_socket_id(lcore),
					 RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "fpd_learn%u", i);
		w->learn = rte_ring_create_elem(name, sizeof(struct fpd_learn), 1024,
						rte_lcore_to_socket_id(lcore),
						RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!w->ctl || !w->learn)
			return cni_errf(err, CNI_ERR_INTERNAL, rte_errno, "rings of worker %u", i);
		if (rte_rcu_qsbr_thread_register(d->qsbr, i) != 0)
			return cni_errf(err, CNI_ERR_INTERNAL, 0, "RCU register worker %u", i);
		i++;
	}
	return 0;
}

/* Take every pending table; the last one is the newest. */
static void adopt_table(struct fpd_worker *w)
{
	void *t;

	while (rte_ring_dequeue(w->ctl, &t) == 0)
		w->table = t;
}

struct idle {
	unsigned polls;
	unsigned sleep_us;
};

static void idle_backoff(struct idle *s, const struct fpd_config *cfg, unsigned got)
{
	if (got || cfg->idle_sleep_max_us == 0) {
		s->polls = 0;
		s->sleep_us = 0;
		return;
	}
	if (++s->polls < cfg->idle_polls)
		return;
	s->sleep_us = s->sleep_us ? RTE_MIN(s->sleep_us * 2, cfg->idle_sleep_max_us) : 1;
	rte_delay_us_sleep(s->sleep_us);
}

static int worker_main(void *arg)
{
	struct fpd_worker *w = arg;
	struct fpd *d = w->d;
	struct fpd_fwd *f = rte_zmalloc("fpd_fwd", sizeof(*f), RTE_CACHE_LINE_SIZE);
	struct rte_mbuf *pkts[FPD_BURST];
	struct idle idle = {0};

	if (!f) {
		FPD_LOG(ERR, "worker %u: out of memory", w->idx);
		return -1;
	}
	/* Short sleeps should be short: the default 50 us slack would dominate them. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	f->w = w;
	rte_rcu_qsbr_thread_online(d->qsbr, w->idx);
	FPD_LOG(INFO, "worker %u running on lcore %u", w->idx, w->lcore);
	while (atomic_load_explicit(&d->running, memory_order_relaxed)) {
		unsigned got = 0;

		adopt_table(w);
		if (w->table) {
			f->table = w->table;
			f->now = fpd_now();
			for (uint16_t i = 0; i < w->table->nb_rx[w->idx]; i++) {
				struct fpd_port *p = w->table->ports[w->table->rx[w->idx][i]];
				uint16_t nb = rte_eth_rx_burst(p->port_id, 0, pkts, FPD_BURST);

				if (nb == 0)
					continue;
				got += nb;
				fpd_forward_burst(f, p, pkts, nb);
				fpd_forward_flush(f);
			}
		}
		rte_rcu_qsbr_quiescent(d->qsbr, w->idx);
		idle_backoff(&idle, &d->cfg, got);
	}
	rte_rcu_qsbr_thread_offline(d->qsbr, w->idx);
	rte_free(f);
	FPD_LOG(INFO, "worker %u stopped", w->idx);
	return 0;
}

int fpd_workers_start(struct fpd *d, struct cni_err *err)
{
	atomic_store(&d->running, true);
	for (unsigned i = 0; i < d->nb_workers; i++)
		if (rte_eal_remote_launch(worker_main, &d->workers[i], d->workers[i].lcore) != 0)
			return cni_errf(err, CNI_ERR_INTERNAL, 0, "launch worker %u", i);
	return 0;
}

void fpd_workers_stop(struct fpd *d)
{
	atomic_store(&d->running, false);
	rte_eal_mp_wait_lcore();
}

void fpd_workers_free(struct fpd *d)
{
	for (unsigned i = 0; i < d->nb_workers; i++) {
		if (d->qsbr)
			rte_rcu_qsbr_thread_unregister(d->qsbr, i);
		rte_ring_free(d->workers[i].ctl);
		rte_ring_free(d->workers[i].learn);
	}
	rte_free(d->qsbr);
	d->qsbr = NULL;
}
