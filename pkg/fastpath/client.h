/* The client's transport, internal to pkg/fastpath: one request, one reply. */
#ifndef FASTPATH_CLIENT_H
#define FASTPATH_CLIENT_H

#include "fastpath/wire.h"

/* Send req, read the reply; a reply with "ok": false becomes an error with c->reason set.
 * On success *reply holds the reply object (json_decref it). */
int fp_request(struct fp_client *c, json_t *req, json_t **reply, struct cni_err *err);

#endif
