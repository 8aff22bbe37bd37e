/* The control operations: add-port, del-port, list, stats, macs, status, on typed requests
 * (request_parse.c reads the JSON; nothing below this file sees a request's jansson). */
#include "request.h"

#include <stdio.h>
#include <string.h>

#include "cni/cleanup.h"
#include "device.h"
#include "fastpath/wire.h"
#include "log.h"
#include "mactable.h"
#include "ports.h"
#include "state.h"

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

static json_t *op_add_port(struct fpd *d, const struct fp_port_spec *spec)
{
	struct cni_err err = {0};
	enum fpd_port_error why;
	struct fpd_port *p;
	json_t *failed;

	if (fpd_port_add(d, spec, false, &p, &why, &err) < 0)
		return fpd_reply_error(port_reason(why), "%s", err.msg);
	failed = save_state(d);
	if (failed)
		return failed;
	return json_pack("{s:b, s:o}", "ok", 1, "port", port_json(d, p, false));
}

static json_t *op_del_port(struct fpd *d, const char *name)
{
	struct cni_err err = {0};
	enum fpd_port_error why;
	json_t *failed;

	if (fpd_port_del(d, name, &why, &err) < 0)
		return fpd_reply_error(port_reason(why), "%s", err.msg);
	failed = save_state(d);
	return failed ? failed : reply_ok();
}

/* name NULL: every port. */
static json_t *list_ports(struct fpd *d, const char *name, bool counters)
{
	json_t *ports;

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

static json_t *op_macs(struct fpd *d)
{
	struct mac_walk mw = {.d = d, .arr = json_array()};

	fpd_mac_walk(d->macs, fpd_now(), mac_visit, &mw);
	return json_pack("{s:b, s:o}", "ok", 1, "macs", mw.arr);
}

static json_t *op_status(struct fpd *d)
{
	return json_pack("{s:b, s:{s:s, s:i, s:i, s:i, s:I, s:i}}", "ok", 1, "status", "version",
			 FPD_VERSION, "workers", (int)d->nb_workers, "ports",
			 (int)fpd_port_count(d), "macs", (int)fpd_mac_count(d->macs), "uptime",
			 (json_int_t)(time(NULL) - d->started), "idleSleepMaxUs",
			 (int)d->cfg.idle_sleep_max_us);
}

json_t *fpd_request_handle(struct fpd *d, const char *line, size_t len)
{
	struct fpd_request req;
	enum fp_reason reason;
	char msg[FPD_REQUEST_MSG_MAX];
	json_t *reply = NULL;

	if (fpd_request_parse(line, len, &req, &reason, msg) < 0)
		return fpd_reply_error(reason, "%s", msg);
	switch (req.op) {
	case FPD_OP_ADD_PORT:
		reply = op_add_port(d, &req.spec);
		break;
	case FPD_OP_DEL_PORT:
		reply = op_del_port(d, req.name);
		break;
	case FPD_OP_LIST:
		reply = list_ports(d, req.name, false);
		break;
	case FPD_OP_STATS:
		reply = list_ports(d, req.name, true);
		break;
	case FPD_OP_MACS:
		reply = op_macs(d);
		break;
	case FPD_OP_STATUS:
		reply = op_status(d);
		break;
	}
	fpd_request_free(&req);
	return reply;
}
