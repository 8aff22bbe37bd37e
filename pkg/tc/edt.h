/* Shared by pkg/tc only: load and attach the EDT program, and read back an attached one. */
#ifndef TC_EDT_H
#define TC_EDT_H

#include <stdbool.h>

#include "tc/edt_config.h"
#include "tc/tc.h"

/* The filter's name and place on the clsact egress hook. */
#define TC_EDT_NAME   "cni_edt"
#define TC_EDT_PRIO   1
#define TC_EDT_HANDLE 1

/* The program's settings for r: bytes per second, the bucket and the queue in nanoseconds. */
int tc_edt_config(const struct tc_rate *r, struct tc_edt_config *c, struct cni_err *err);
/* Load the embedded program with c and attach it to the egress hook of ifindex. */
int tc_edt_attach(struct nl_handle *h, int ifindex, const struct tc_edt_config *c,
		  struct undo_stack *u, struct cni_err *err);
/* The settings of the EDT program attached to ifindex; *found false when there is none. */
int tc_edt_read(struct nl_handle *h, int ifindex, struct tc_edt_config *c, bool *found,
		struct cni_err *err);

#endif
