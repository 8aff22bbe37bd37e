/* The control operations: add-port, del-port, list, stats, macs, status. Each turns its JSON
 * into typed arguments first; nothing below this file sees jansson. */
#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cni/cleanup.h"
#include "device.h"
#include "fastpath/wire.h"
#include "log.h"
#include "mactable.h"
#include "ports.h"
#include "state.h"

json_t *fpd_reply_error(enum fp_reason reason, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:b, s:s, s:s}", "ok", 0, "error", fp_wire_reason_string(reason), "msg",
			 msg);
}

static json_t *reply_ok(void)
{
	return json_pack("{s:b}", "ok", 1);
}

static json_t *port_json(struct fpd *d, const struct fpd_port *p, bool counters)
{
	json_t *o = fp_wire_spec_to_json(&p->spec);

	json_object_set_new(o, "portId", json_integer(p->port_id));
	json_object_set_new(o, "link", json_boolean(fpd_device_link_up(p)));
	if (counters) {
		struct fp_port_counters c;

		fpd_port_counters(p, &c);
		json_object_set_new(o, "counters", fp_wire_counters_to_json(&c));
	}
	return o;
}

static json_t *save_state(struct fpd *d)
{
	struct cni_err err = {0};

	if (fpd_state_save(d, &err) < 0) {
		FPD_LOG(ERR, "state: %s", err.msg);
		return fpd_reply_error(FP_REASON_INTERNAL, "port table changed but not saved: %s",
				       err.msg);
	}
	return NULL;
}

static enum fp_reason port_reason(enum fpd_port_error why)
{
	switch (why) {
	case FPD_PORT_EXISTS:
		return FP_REASON_EXISTS;
	case FPD_PORT_NOT_FOUND:
		return FP_REASON_NOT_FOUND;
	case FPD_PORT_FULL:
		return FP_REASON_BUSY;
	default:
		return FP_REASON_INTERNAL;
	}
}

static json_t *op_add_port(struct fpd *d, json_t *req)
{
	struct fp_port_spec spec;
	struct cni_err err = {0};
	enum fpd_port_error why;
	struct fpd_port *p;
	json_t *failed;
	char msg[200];

	if (fp_wire_spec_from_json(json_object_get(req, "port"), &spec, msg, sizeof(msg)) < 0)
		return fpd_reply_error(FP_REASON_INVALID, "%s", msg);
	if (fpd_port_add(d, &spec, false, &p, &why, &err) < 0)
		return fpd_reply_error(port_reason(why), "%s", err.msg);
	failed = save_state(d);
	if (failed)
		return failed;
	return json_pack("{s:b, s:o}", "ok", 1, "port", port_json(d, p, false));
}

static const char *req_name(json_t *req)
{
	json_t *v = json_object_get(req, "name");

	return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

static json_t *op_del_port(struct fpd *d, json_t *req)
{
	const char *name = req_name(req);
	struct cni_err err = {0};
	enum fpd_port_error why;
	json_t *failed;

	if (!name)
		return fpd_reply_error(FP_REASON_INVALID, "del-port needs a \"name\"");
	if (fpd_port_del(d, name, &why, &err) < 0)
		return fpd_reply_error(port_reason(why), "%s", err.msg);
	failed = save_state(d);
	return failed ? failed : reply_ok();
}

static json_t *list_ports(struct fpd *d, json_t *req, bool counters)
{
	json_t *name_v = json_object_get(req, "name");
	const char *name = req_name(req);
	json_t *ports;

	if (name_v && !name)
		return fpd_reply_error(FP_REASON_INVALID, "\"name\" must be a non-empty string");
	if (name && !fpd_port_find(d, name))
		return fpd_reply_error(FP_REASON_NOT_FOUND, "no port %s", name);
	ports = json_array();
	for (uint16_t s = 0; s < d->table->nb_slots; s++) {
		struct fpd_port *p = d->table->ports[s];

		if (p && (!name || strcmp(name, p->spec.name) == 0))
			json_array_append_new(ports, port_json(d, p, counters));
	}
	return json_pack("{s:b, s:o}", "ok", 1, "ports", ports);
}

static json_t *op_list(struct fpd *d, json_t *req)
{
	return list_ports(d, req, false);
}

static json_t *op_stats(struct fpd *d, json_t *req)
{
	return list_ports(d, req, true);
}

struct mac_walk {
	struct fpd *d;
	json_t *arr;
};

static void mac_visit(const struct fpd_mac_key *key, uint16_t slot, uint32_t gen, bool is_static,
		      uint32_t age, void *arg)
{
	struct mac_walk *mw = arg;
	struct fpd_port *p = slot < FPD_MAX_PORTS ? mw->d->table->ports[slot] : NULL;
	char mac[18];

	if (!p || p->gen != gen)
		return; /* stale, on its way out */
	fp_format_mac(key->mac, mac);
	json_array_append_new(mw->arr, json_pack("{s:s, s:i, s:s, s:b, s:i}", "mac", mac, "vlan",
						 key->vlan, "port", p->spec.name, "static",
						 is_static, "age", (int)age));
}

static json_t *op_macs(struct fpd *d, json_t *req)
{
	struct mac_walk mw = {.d = d, .arr = json_array()};

	fpd_mac_walk(d->macs, fpd_now(), mac_visit, &mw);
	return json_pack("{s:b, s:o}", "ok", 1, "macs", mw.arr);
}

static json_t *op_status(struct fpd *d, json_t *req)
{
	return json_pack("{s:b, s:{s:s, s:i, s:i, s:i, s:I, s:i}}", "ok", 1, "status", "version",
			 FPD_VERSION, "workers", (int)d->nb_workers, "ports",
			 (int)fpd_port_count(d), "macs", (int)fpd_mac_count(d->macs), "uptime",
			 (json_int_t)(time(NULL) - d->started), "idleSleepMaxUs",
			 (int)d->cfg.idle_sleep_max_us);
}

static const struct {
	const char *op;
	json_t *(*fn)(struct fpd *d, json_t *req);
} ops[] = {
	{"add-port", op_add_port}, {"del-port", op_del_port}, {"list", op_list},
	{"stats", op_stats},	   {"macs", op_macs},	      {"status", op_status},
};

json_t *fpd_request_handle(struct fpd *d, const char *line, size_t len)
{
	_cleanup_json_ json_t *req = NULL;
	json_error_t jerr;
	const char *op;

	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req)
		return fpd_reply_error(FP_REASON_INVALID, "bad JSON at column %d: %s", jerr.column,
				       jerr.text);
	if (!json_is_object(req))
		return fpd_reply_error(FP_REASON_INVALID, "a request is a JSON object");
	op = json_string_value(json_object_get(req, "op"));
	if (!op)
		return fpd_reply_error(FP_REASON_INVALID, "a request needs an \"op\" string");
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (strcmp(op, ops[i].op) == 0)
			return ops[i].fn(d, req);
	return fpd_reply_error(FP_REASON_INVALID, "unknown op \"%s\"", op);
}
