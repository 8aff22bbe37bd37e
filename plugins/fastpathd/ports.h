/* The port table from the control side: add, delete, find; every change is a new snapshot
 * published to the workers, and what it replaced is freed after an RCU grace period. */
#ifndef FASTPATHD_PORTS_H
#define FASTPATHD_PORTS_H

#include "cni/err.h"
#include "fastpathd.h"

/* Why an add or del failed, for the control reply. */
enum fpd_port_error {
	FPD_PORT_OK,
	FPD_PORT_EXISTS,
	FPD_PORT_NOT_FOUND,
	FPD_PORT_FULL,
	FPD_PORT_DEVICE,
};

int fpd_ports_init(struct fpd *d, struct cni_err *err);
/* Idempotent for an identical spec. *why says what went wrong. */
int fpd_port_add(struct fpd *d, const struct fp_port_spec *spec, bool from_config,
		 struct fpd_port **out, enum fpd_port_error *why, struct cni_err *err);
int fpd_port_del(struct fpd *d, const char *name, enum fpd_port_error *why, struct cni_err *err);
struct fpd_port *fpd_port_find(struct fpd *d, const char *name);
/* Sum of every worker's counters. */
void fpd_port_counters(const struct fpd_port *p, struct fp_port_counters *out);
unsigned fpd_port_count(const struct fpd *d);
/* Stop and close every port (shutdown; workers already stopped). */
void fpd_ports_close_all(struct fpd *d);

#endif
