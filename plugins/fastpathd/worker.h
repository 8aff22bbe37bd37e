/* Worker lcores: run-to-completion rx/switch/tx loops that take table changes from a ring. */
#ifndef FASTPATHD_WORKER_H
#define FASTPATHD_WORKER_H

#include "cni/err.h"
#include "fastpathd.h"

/* Create each worker's rings and register it with the RCU variable. */
int fpd_workers_init(struct fpd *d, struct cni_err *err);
/* Launch the loops on every worker lcore. */
int fpd_workers_start(struct fpd *d, struct cni_err *err);
/* Ask the loops to end and wait for them. */
void fpd_workers_stop(struct fpd *d);
void fpd_workers_free(struct fpd *d);

#endif
