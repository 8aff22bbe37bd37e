/* The control operations as typed calls: add-port, del-port, list, stats, macs, status. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "fastpath/client.h"

static int port_from_json(json_t *o, struct fp_port_info *out, struct cni_err *err)
{
	char msg[160];
	json_t *counters = json_object_get(o, "counters");

	memset(out, 0, sizeof(*out));
	if (fp_wire_spec_from_json(o, &out->spec, msg, sizeof(msg)) < 0)
		return cni_errf(err, CNI_ERR_DECODE, 0, "fastpathd sent a bad port: %s", msg);
	out->port_id = json_integer_value(json_object_get(o, "portId"));
	out->link_up = json_is_true(json_object_get(o, "link"));
	if (json_is_object(counters)) {
		out->has_counters = true;
		fp_wire_counters_from_json(counters, &out->counters);
	}
	return 0;
}

static int ports_from_json(json_t *arr, struct fp_port_info **out, size_t *n, struct cni_err *err)
{
	_cleanup_free_ struct fp_port_info *ports = NULL;
	size_t i, count = json_array_size(arr);

	if (!json_is_array(arr))
		return cni_errf(err, CNI_ERR_DECODE, 0, "fastpathd reply lacks \"ports\"");
	ports = calloc(count ? count : 1, sizeof(*ports));
	if (!ports)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "ports");
	for (i = 0; i < count; i++)
		if (port_from_json(json_array_get(arr, i), &ports[i], err) < 0)
			return -1;
	*out = TAKE_PTR(ports);
	*n = count;
	return 0;
}

int fp_add_port(struct fp_client *c, const struct fp_port_spec *spec, struct fp_port_info *out,
		struct cni_err *err)
{
	_cleanup_json_ json_t *req =
		json_pack("{s:s, s:o}", "op", "add-port", "port", fp_wire_spec_to_json(spec));
	_cleanup_json_ json_t *reply = NULL;

	if (fp_request(c, req, &reply, err) < 0)
		return cni_err_wrap(err, "add port %s", spec->name);
	if (out && port_from_json(json_object_get(reply, "port"), out, err) < 0)
		return -1;
	return 0;
}

int fp_del_port(struct fp_client *c, const char *name, struct cni_err *err)
{
	_cleanup_json_ json_t *req = json_pack("{s:s, s:s}", "op", "del-port", "name", name);
	_cleanup_json_ json_t *reply = NULL;

	if (fp_request(c, req, &reply, err) < 0)
		return cni_err_wrap(err, "delete port %s", name);
	return 0;
}

static int list_op(struct fp_client *c, const char *op, const char *name, struct fp_port_info **out,
		   size_t *n, struct cni_err *err)
{
	_cleanup_json_ json_t *req = json_pack("{s:s}", "op", op);
	_cleanup_json_ json_t *reply = NULL;

	if (name)
		json_object_set_new(req, "name", json_string(name));
	if (fp_request(c, req, &reply, err) < 0)
		return -1;
	return ports_from_json(json_object_get(reply, "ports"), out, n, err);
}

int fp_list_ports(struct fp_client *c, struct fp_port_info **out, size_t *n, struct cni_err *err)
{
	return list_op(c, "list", NULL, out, n, err);
}

int fp_port_stats(struct fp_client *c, const char *name, struct fp_port_info **out, size_t *n,
		  struct cni_err *err)
{
	return list_op(c, "stats", name, out, n, err);
}

int fp_get_port(struct fp_client *c, const char *name, struct fp_port_info *out,
		struct cni_err *err)
{
	_cleanup_free_ struct fp_port_info *ports = NULL;
	size_t n = 0;

	if (list_op(c, "list", name, &ports, &n, err) < 0)
		return cni_err_wrap(err, "get port %s", name);
	if (n != 1) {
		c->reason = FP_REASON_NOT_FOUND;
		return cni_errf(err, CNI_ERR_IO, 0, "fastpathd has no port %s", name);
	}
	*out = ports[0];
	return 0;
}

int fp_list_macs(struct fp_client *c, struct fp_mac_entry **out, size_t *n, struct cni_err *err)
{
	_cleanup_json_ json_t *req = json_pack("{s:s}", "op", "macs");
	_cleanup_json_ json_t *reply = NULL;
	_cleanup_free_ struct fp_mac_entry *macs = NULL;
	json_t *arr, *o;
	size_t i;

	if (fp_request(c, req, &reply, err) < 0)
		return -1;
	arr = json_object_get(reply, "macs");
	if (!json_is_array(arr))
		return cni_errf(err, CNI_ERR_DECODE, 0, "fastpathd reply lacks \"macs\"");
	macs = calloc(json_array_size(arr) + 1, sizeof(*macs));
	if (!macs)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "macs");
	json_array_foreach (arr, i, o) {
		const char *port = json_string_value(json_object_get(o, "port"));

		if (!fp_parse_mac(json_string_value(json_object_get(o, "mac")), macs[i].mac))
			return cni_errf(err, CNI_ERR_DECODE, 0, "fastpathd sent a bad MAC entry");
		macs[i].vlan = json_integer_value(json_object_get(o, "vlan"));
		snprintf(macs[i].port, sizeof(macs[i].port), "%s", port ? port : "");
		macs[i].is_static = json_is_true(json_object_get(o, "static"));
		macs[i].age_sec = json_integer_value(json_object_get(o, "age"));
	}
	*n = json_array_size(arr);
	*out = TAKE_PTR(macs);
	return 0;
}

int fp_get_status(struct fp_client *c, struct fp_status *out, struct cni_err *err)
{
	_cleanup_json_ json_t *req = json_pack("{s:s}", "op", "status");
	_cleanup_json_ json_t *reply = NULL;
	json_t *s;
	const char *version;

	if (fp_request(c, req, &reply, err) < 0)
		return -1;
	s = json_object_get(reply, "status");
	memset(out, 0, sizeof(*out));
	version = json_string_value(json_object_get(s, "version"));
	snprintf(out->version, sizeof(out->version), "%s", version ? version : "");
	out->workers = json_integer_value(json_object_get(s, "workers"));
	out->ports = json_integer_value(json_object_get(s, "ports"));
	out->macs = json_integer_value(json_object_get(s, "macs"));
	out->uptime_sec = json_integer_value(json_object_get(s, "uptime"));
	out->idle_sleep_max_us = json_integer_value(json_object_get(s, "idleSleepMaxUs"));
	return 0;
}
