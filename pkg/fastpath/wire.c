/* The control protocol's JSON shapes: one definition for fastpathd and its clients. */
#include "fastpath/wire.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const reasons[] = {
	[FP_REASON_NONE] = "none",	   [FP_REASON_NOT_FOUND] = "not-found",
	[FP_REASON_EXISTS] = "exists",	   [FP_REASON_INVALID] = "invalid",
	[FP_REASON_BUSY] = "busy",	   [FP_REASON_DENIED] = "denied",
	[FP_REASON_INTERNAL] = "internal", [FP_REASON_UNREACHABLE] = "unreachable",
};

const char *fp_wire_reason_string(enum fp_reason r)
{
	return (unsigned)r < sizeof(reasons) / sizeof(reasons[0]) ? reasons[r] : "internal";
}

enum fp_reason fp_wire_reason_parse(const char *s)
{
	for (unsigned i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (s && strcmp(s, reasons[i]) == 0)
			return i;
	return FP_REASON_INTERNAL;
}

bool fp_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char tail;

	if (!s ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6 ||
	    strlen(s) != 17)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = b[i];
	return true;
}

void fp_format_mac(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

json_t *fp_wire_spec_to_json(const struct fp_port_spec *spec)
{
	json_t *o = json_object();
	char mac[18];

	json_object_set_new(o, "name", json_string(spec->name));
	if (spec->type == FP_PORT_VHOST_USER) {
		json_object_set_new(o, "type", json_string("vhost-user"));
		json_object_set_new(o, "socket", json_string(spec->socket));
		json_object_set_new(
			o, "mode",
			json_string(spec->mode == FP_VHOST_SERVER ? "server" : "client"));
	} else {
		json_object_set_new(o, "type", json_string("ethdev"));
		json_object_set_new(o, "devargs", json_string(spec->devargs));
	}
	if (spec->has_mac) {
		fp_format_mac(spec->mac, mac);
		json_object_set_new(o, "mac", json_string(mac));
	}
	json_object_set_new(o, "vlan", json_integer(spec->vlan));
	json_object_set_new(o, "trunk", json_boolean(spec->trunk));
	json_object_set_new(o, "learn", json_boolean(spec->learn));
	return o;
}

/* Copy a string member into a fixed buffer; absent is fine, wrong type or too long is not. */
static int get_string(json_t *obj, const char *key, char *dst, size_t len, bool required, char *msg,
		      size_t msg_len)
{
	json_t *v = json_object_get(obj, key);

	if (!v) {
		if (required) {
			snprintf(msg, msg_len, "missing \"%s\"", key);
			return -1;
		}
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= len) {
		snprintf(msg, msg_len, "\"%s\" must be a non-empty string shorter than %zu bytes",
			 key, len);
		return -1;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(msg, msg_len, "\"%s\" holds a NUL byte", key);
		return -1;
	}
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int get_bool(json_t *obj, const char *key, bool *dst, char *msg, size_t msg_len)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		snprintf(msg, msg_len, "\"%s\" must be a boolean", key);
		return -1;
	}
	*dst = json_is_true(v);
	return 0;
}

static bool name_is_valid(const char *name)
{
	for (const char *p = name; *p; p++)
		if (*p <= ' ' || *p == ',' || *p == '"' || *p == '\\' || *p == 0x7f)
			return false;
	return true;
}

int fp_wire_spec_from_json(json_t *obj, struct fp_port_spec *spec, char *msg, size_t msg_len)
{
	char type[16] = "", mode[16] = "", mac[32] = "";
	json_t *vlan;

	memset(spec, 0, sizeof(*spec));
	if (!json_is_object(obj)) {
		snprintf(msg, msg_len, "a port must be an object");
		return -1;
	}
	if (get_string(obj, "name", spec->name, sizeof(spec->name), true, msg, msg_len) < 0 ||
	    get_string(obj, "type", type, sizeof(type), true, msg, msg_len) < 0 ||
	    get_string(obj, "mode", mode, sizeof(mode), false, msg, msg_len) < 0 ||
	    get_string(obj, "mac", mac, sizeof(mac), false, msg, msg_len) < 0 ||
	    get_bool(obj, "trunk", &spec->trunk, msg, msg_len) < 0 ||
	    get_bool(obj, "learn", &spec->learn, msg, msg_len) < 0)
		return -1;
	if (!name_is_valid(spec->name)) {
		snprintf(msg, msg_len, "port name \"%s\" has spaces, commas or control bytes",
			 spec->name);
		return -1;
	}
	if (strcmp(type, "vhost-user") == 0) {
		spec->type = FP_PORT_VHOST_USER;
		if (get_string(obj, "socket", spec->socket, sizeof(spec->socket), true, msg,
			       msg_len) < 0)
			return -1;
		if (spec->socket[0] != '/' || strchr(spec->socket, ',')) {
			snprintf(msg, msg_len,
				 "\"socket\" must be an absolute path without commas");
			return -1;
		}
	} else if (strcmp(type, "ethdev") == 0) {
		spec->type = FP_PORT_ETHDEV;
		if (get_string(obj, "devargs", spec->devargs, sizeof(spec->devargs), true, msg,
			       msg_len) < 0)
			return -1;
	} else {
		snprintf(msg, msg_len, "unknown port type \"%s\" (vhost-user, ethdev)", type);
		return -1;
	}
	if (mode[0] == '\0' || strcmp(mode, "client") == 0) {
		spec->mode = FP_VHOST_CLIENT;
	} else if (strcmp(mode, "server") == 0) {
		spec->mode = FP_VHOST_SERVER;
	} else {
		snprintf(msg, msg_len, "unknown vhost-user mode \"%s\" (client, server)", mode);
		return -1;
	}
	if (mac[0]) {
		if (!fp_parse_mac(mac, spec->mac) || (spec->mac[0] & 1)) {
			snprintf(msg, msg_len, "\"mac\" %s is not a unicast MAC address", mac);
			return -1;
		}
		spec->has_mac = true;
	}
	vlan = json_object_get(obj, "vlan");
	if (vlan) {
		if (!json_is_integer(vlan) || json_integer_value(vlan) < 0 ||
		    json_integer_value(vlan) > FP_VLAN_MAX) {
			snprintf(msg, msg_len, "\"vlan\" must be an integer from 0 to %d",
				 FP_VLAN_MAX);
			return -1;
		}
		spec->vlan = json_integer_value(vlan);
	}
	return 0;
}

bool fp_wire_spec_equal(const struct fp_port_spec *a, const struct fp_port_spec *b)
{
	if (strcmp(a->name, b->name) || a->type != b->type || a->has_mac != b->has_mac ||
	    a->vlan != b->vlan || a->trunk != b->trunk || a->learn != b->learn)
		return false;
	if (a->has_mac && memcmp(a->mac, b->mac, 6))
		return false;
	if (a->type == FP_PORT_VHOST_USER)
		return strcmp(a->socket, b->socket) == 0 && a->mode == b->mode;
	return strcmp(a->devargs, b->devargs) == 0;
}

json_t *fp_wire_counters_to_json(const struct fp_port_counters *c)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "rxPackets",
			 (json_int_t)c->rx_packets, "rxBytes", (json_int_t)c->rx_bytes, "txPackets",
			 (json_int_t)c->tx_packets, "txBytes", (json_int_t)c->tx_bytes, "txDropped",
			 (json_int_t)c->tx_dropped, "rxDropped", (json_int_t)c->rx_dropped,
			 "flooded", (json_int_t)c->flooded);
}

static uint64_t get_u64(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v)
							       : 0;
}

void fp_wire_counters_from_json(json_t *obj, struct fp_port_counters *c)
{
	c->rx_packets = get_u64(obj, "rxPackets");
	c->rx_bytes = get_u64(obj, "rxBytes");
	c->tx_packets = get_u64(obj, "txPackets");
	c->tx_bytes = get_u64(obj, "txBytes");
	c->tx_dropped = get_u64(obj, "txDropped");
	c->rx_dropped = get_u64(obj, "rxDropped");
	c->flooded = get_u64(obj, "flooded");
}
