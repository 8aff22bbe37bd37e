/* fastpathd: the node's DPDK L2 switch for vhost-user pods, VFs and an uplink. The main lcore
 * serves the control socket and keeps the MAC table; worker lcores forward. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "control.h"
#include "log.h"
#include "mactable.h"
#include "ports.h"
#include "state.h"
#include "worker.h"

#define FPD_CONTROL_POLL_MS 20

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = sig;
}

static void install_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: fastpathd [-c CONFIG]   (default %s)\n", FPD_DEFAULT_CONFIG);
}

/* Learned MACs the workers reported, and the aging pass once a second. */
static void mac_housekeeping(struct fpd *d, uint32_t *last_age)
{
	uint32_t now = fpd_now();
	struct fpd_learn l;

	for (unsigned w = 0; w < d->nb_workers; w++)
		while (rte_ring_dequeue_elem(d->workers[w].learn, &l, sizeof(l)) == 0)
			fpd_mac_learn(d->macs, &l, d->table, now);
	if (now != *last_age) {
		fpd_mac_age(d->macs, now, d->cfg.mac_aging_sec);
		*last_age = now;
	}
}

static int start(struct fpd *d, struct fpd_control **ctl, struct cni_err *err)
{
	struct fpd_port *p;
	enum fpd_port_error why;

	d->pool = rte_pktmbuf_pool_create("fpd_mbufs", d->cfg.mbufs, 256, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (!d->pool)
		return cni_errf(err, CNI_ERR_INTERNAL, rte_errno, "mbuf pool of %u", d->cfg.mbufs);
	if (fpd_workers_init(d, err) < 0 || fpd_mac_create(&d->macs, d->qsbr, err) < 0 ||
	    fpd_ports_init(d, err) < 0 || fpd_workers_start(d, err) < 0)
		return -1;
	if (d->cfg.has_uplink && fpd_port_add(d, &d->cfg.uplink, true, &p, &why, err) < 0)
		return cni_err_wrap(err, "uplink");
	if (fpd_state_restore(d, err) < 0)
		return -1;
	return fpd_control_open(ctl, d, err);
}

static void shutdown_all(struct fpd *d, struct fpd_control *ctl)
{
	fpd_control_close(ctl);
	if (d->nb_workers)
		fpd_workers_stop(d);
	fpd_ports_close_all(d);
	fpd_mac_destroy(d->macs);
	fpd_workers_free(d);
	rte_mempool_free(d->pool);
}

int main(int argc, char **argv)
{
	static struct fpd d;
	static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
						 {"help", no_argument, NULL, 'h'},
						 {NULL, 0, NULL, 0}};
	const char *config = FPD_DEFAULT_CONFIG;
	struct fpd_control *ctl = NULL;
	struct cni_err err = {0};
	char *eal_argv[FPD_MAX_EAL_ARGS + 2];
	uint32_t last_age = 0;
	int opt, rc = 0;

	while ((opt = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		if (opt == 'c') {
			config = optarg;
		} else {
			usage(opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (fpd_config_load(&d.cfg, config, argv[0], &err) < 0) {
		fprintf(stderr, "fastpathd: %s\n", err.msg);
		return 1;
	}
	if (fpd_log_open(d.cfg.log_file) < 0) {
		fprintf(stderr, "fastpathd: cannot open log file %s\n", d.cfg.log_file);
		return 1;
	}
	/* EAL reorders its argv: give it a copy so the config keeps its strings. */
	memcpy(eal_argv, d.cfg.eal_argv, sizeof(eal_argv));
	if (rte_eal_init(d.cfg.eal_argc, eal_argv) < 0) {
		fprintf(stderr, "fastpathd: EAL initialisation failed (see the log above)\n");
		fpd_config_free(&d.cfg);
		return 1;
	}
	fpd_log_register(d.cfg.log_level);
	install_signals();
	d.started = time(NULL);
	if (start(&d, &ctl, &err) < 0) {
		FPD_LOG(ERR, "%s", err.msg);
		rc = 1;
	} else {
		FPD_LOG(INFO, "ready: %u worker(s), %u port(s), idle sleep up to %u us",
			d.nb_workers, fpd_port_count(&d), d.cfg.idle_sleep_max_us);
		while (!stop_requested) {
			fpd_control_poll(ctl, FPD_CONTROL_POLL_MS);
			mac_housekeeping(&d, &last_age);
		}
		FPD_LOG(INFO, "signal %d: shutting down", (int)stop_requested);
	}
	shutdown_all(&d, ctl);
	rte_eal_cleanup();
	fpd_log_close();
	fpd_config_free(&d.cfg);
	return rc;
}
