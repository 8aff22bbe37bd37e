/* DPDK devices behind ports. vhost-user ports are net_vhost vdevs, so workers treat every
 * port alike through rx_burst/tx_burst; the PMD runs the vhost-user protocol (its vhost ops
 * and reconnect thread), in client mode by default. */
#include "device.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "log.h"

/* "net_vhost3,iface=/x" -> "net_vhost3"; "0000:03:00.1,foo=1" -> "0000:03:00.1". */
static void device_name(const char *devargs, char *name, size_t len)
{
	size_t n = strcspn(devargs, ",");

	snprintf(name, len, "%.*s", (int)n, devargs);
}

/* A server socket left by a killed process makes the next bind fail: remove it. */
static void remove_stale_socket(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
}

static int probe(struct fpd *d, struct fpd_port *p, char *name, size_t len, struct cni_err *err)
{
	char devargs[FP_DEVARGS_MAX + FP_SOCK_PATH_MAX + 64];
	int rc;

	if (p->spec.type == FP_PORT_VHOST_USER) {
		snprintf(name, len, "net_vhost%u", d->vdev_seq++);
		snprintf(devargs, sizeof(devargs), "%s,iface=%s,queues=1,client=%d", name,
			 p->spec.socket, p->spec.mode == FP_VHOST_CLIENT);
		if (p->spec.mode == FP_VHOST_SERVER)
			remove_stale_socket(p->spec.socket);
	} else {
		snprintf(devargs, sizeof(devargs), "%s", p->spec.devargs);
		device_name(devargs, name, len);
	}
	rc = rte_dev_probe(devargs);
	if (rc < 0)
		return cni_errf(err, CNI_ERR_IO, -rc, "probe device \"%s\"", devargs);
	if (rte_eth_dev_get_port_by_name(name, &p->port_id) != 0)
		return cni_errf(err, CNI_ERR_IO, 0, "device \"%s\" made no ethdev port", name);
	return 0;
}

static int setup(struct fpd *d, struct fpd_port *p, struct cni_err *err)
{
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	int socket = rte_eth_dev_socket_id(p->port_id);
	int rc;

	if (socket < 0)
		socket = (int)rte_socket_id();
	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0)
		return cni_errf(err, CNI_ERR_IO, -rc, "device info");
	p->nb_txq = RTE_MIN((unsigned)info.max_tx_queues, d->nb_workers);
	if (p->nb_txq == 0 || info.max_rx_queues == 0)
		return cni_errf(err, CNI_ERR_IO, 0, "device has no queues");
	p->tx_shared = p->nb_txq < d->nb_workers;
	rte_spinlock_init(&p->tx_lock);
	rc = rte_eth_dev_configure(p->port_id, 1, p->nb_txq, &conf);
	if (rc != 0)
		return cni_errf(err, CNI_ERR_IO, -rc, "configure port %u", p->port_id);
	rc = rte_eth_rx_queue_setup(p->port_id, 0, FPD_RING_SIZE, socket, NULL, d->pool);
	if (rc != 0)
		return cni_errf(err, CNI_ERR_IO, -rc, "rx queue of port %u", p->port_id);
	for (uint16_t q = 0; q < p->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->port_id, q, FPD_RING_SIZE, socket, NULL);
		if (rc != 0)
			return cni_errf(err, CNI_ERR_IO, -rc, "tx queue %u of port %u", q,
					p->port_id);
	}
	/* A switch port sees every frame; devices without the knob (vhost) already do. */
	rte_eth_promiscuous_enable(p->port_id);
	rc = rte_eth_dev_start(p->port_id);
	if (rc != 0)
		return cni_errf(err, CNI_ERR_IO, -rc, "start port %u", p->port_id);
	return 0;
}

int fpd_device_open(struct fpd *d, struct fpd_port *p, struct cni_err *err)
{
	char name[RTE_DEV_NAME_MAX_LEN];

	if (probe(d, p, name, sizeof(name), err) < 0)
		return cni_err_wrap(err, "port %s", p->spec.name);
	if (setup(d, p, err) < 0) {
		fpd_device_close(p);
		return cni_err_wrap(err, "port %s", p->spec.name);
	}
	FPD_LOG(INFO, "port %s: device %s is ethdev %u, %u tx queue(s)", p->spec.name, name,
		p->port_id, p->nb_txq);
	return 0;
}

void fpd_device_close(struct fpd_port *p)
{
	struct rte_eth_dev_info info;
	struct rte_device *dev = NULL;

	if (rte_eth_dev_info_get(p->port_id, &info) == 0)
		dev = info.device;
	rte_eth_dev_stop(p->port_id);
	rte_eth_dev_close(p->port_id);
	if (dev && rte_dev_remove(dev) != 0)
		FPD_LOG(WARNING, "port %s: could not unplug its device", p->spec.name);
}

bool fpd_device_link_up(const struct fpd_port *p)
{
	struct rte_eth_link link;

	return rte_eth_link_get_nowait(p->port_id, &link) == 0 &&
	       link.link_status == RTE_ETH_LINK_UP;
}
