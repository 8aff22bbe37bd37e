/* The control socket: a Unix stream socket, mode 0600, peers checked by uid, one JSON object
 * per line each way. The main lcore owns it. */
#ifndef FASTPATHD_CONTROL_H
#define FASTPATHD_CONTROL_H

#include "cni/err.h"
#include "fastpathd.h"

struct fpd_control;

int fpd_control_open(struct fpd_control **out, struct fpd *d, struct cni_err *err);
/* Wait up to timeout_ms for connections and requests, and answer them. */
void fpd_control_poll(struct fpd_control *c, int timeout_ms);
void fpd_control_close(struct fpd_control *c);

#endif
