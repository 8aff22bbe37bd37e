/* The control protocol's JSON shapes, shared by the client library and fastpathd itself. */
#ifndef FASTPATH_WIRE_H
#define FASTPATH_WIRE_H

#include <jansson.h>

#include "fastpath/fastpath.h"

/* One request or reply per line, at most this long (newline included). */
#define FP_WIRE_LINE_MAX 65536

/* Port spec <-> {"name","type","socket","mode","devargs","mac","vlan","trunk","learn"}. */
json_t *fp_wire_spec_to_json(const struct fp_port_spec *spec);
/* Fills spec with defaults first; msg gets a reason on failure. */
int fp_wire_spec_from_json(json_t *obj, struct fp_port_spec *spec, char *msg, size_t msg_len);
/* Whether two specs describe the same port (add-port's idempotency). */
bool fp_wire_spec_equal(const struct fp_port_spec *a, const struct fp_port_spec *b);

json_t *fp_wire_counters_to_json(const struct fp_port_counters *c);
void fp_wire_counters_from_json(json_t *obj, struct fp_port_counters *c);

const char *fp_wire_reason_string(enum fp_reason r);
enum fp_reason fp_wire_reason_parse(const char *s);

#endif
