/* One DPDK device behind a port: hot-plug, configure, start; stop, close, unplug. */
#ifndef FASTPATHD_DEVICE_H
#define FASTPATHD_DEVICE_H

#include <stdint.h>

#include "cni/err.h"
#include "fastpathd.h"

/* Probe the device a spec names (a vhost-user vdev, or devargs as given), set up one rx queue
 * and up to nb_workers tx queues, and start it. Fills port_id, nb_txq, tx_shared. */
int fpd_device_open(struct fpd *d, struct fpd_port *p, struct cni_err *err);
/* Stop, close and unplug (a vhost-user socket is unregistered here). */
void fpd_device_close(struct fpd_port *p);
bool fpd_device_link_up(const struct fpd_port *p);

#endif
