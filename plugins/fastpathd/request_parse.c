/* Parse one control request line (JSON) into struct fpd_request: the only place that reads a
 * request's JSON, so what reaches the port table is typed and checked. */
#include "request_parse.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "fastpath/wire.h"

static const struct {
	const char *name;
	enum fpd_op op;
} ops[] = {
	{"add-port", FPD_OP_ADD_PORT}, {"del-port", FPD_OP_DEL_PORT}, {"list", FPD_OP_LIST},
	{"stats", FPD_OP_STATS},       {"macs", FPD_OP_MACS},	      {"status", FPD_OP_STATUS},
};

static int fail(enum fp_reason *reason, enum fp_reason r)
{
	*reason = r;
	return -1;
}

/* "name" when it is a non-empty string, else NULL. */
static const char *req_name(json_t *req)
{
	json_t *v = json_object_get(req, "name");

	return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

static int set_name(struct fpd_request *req, const char *name, enum fp_reason *reason, char *msg)
{
	if (!name)
		return 0;
	req->name = strdup(name);
	if (!req->name) {
		snprintf(msg, FPD_REQUEST_MSG_MAX, "out of memory");
		return fail(reason, FP_REASON_INTERNAL);
	}
	return 0;
}

/* The arguments of one op, once the op is known. */
static int parse_args(json_t *j, struct fpd_request *req, enum fp_reason *reason, char *msg)
{
	/* fp_wire_spec_from_json's reasons fit this; the reply has always cut them there. */
	char spec_msg[200];

	switch (req->op) {
	case FPD_OP_ADD_PORT:
		if (fp_wire_spec_from_json(json_object_get(j, "port"), &req->spec, spec_msg,
					   sizeof(spec_msg)) < 0) {
			snprintf(msg, FPD_REQUEST_MSG_MAX, "%s", spec_msg);
			return fail(reason, FP_REASON_INVALID);
		}
		return 0;
	case FPD_OP_DEL_PORT:
		if (!req_name(j)) {
			snprintf(msg, FPD_REQUEST_MSG_MAX, "del-port needs a \"name\"");
			return fail(reason, FP_REASON_INVALID);
		}
		return set_name(req, req_name(j), reason, msg);
	case FPD_OP_LIST:
	case FPD_OP_STATS:
		if (json_object_get(j, "name") && !req_name(j)) {
			snprintf(msg, FPD_REQUEST_MSG_MAX, "\"name\" must be a non-empty string");
			return fail(reason, FP_REASON_INVALID);
		}
		return set_name(req, req_name(j), reason, msg);
	case FPD_OP_MACS:
	case FPD_OP_STATUS:
		return 0;
	}
	return 0;
}

int fpd_request_parse(const char *line, size_t len, struct fpd_request *req, enum fp_reason *reason,
		      char msg[FPD_REQUEST_MSG_MAX])
{
	_cleanup_json_ json_t *j = NULL;
	json_error_t jerr;
	const char *op;

	memset(req, 0, sizeof(*req));
	j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		snprintf(msg, FPD_REQUEST_MSG_MAX, "bad JSON at column %d: %s", jerr.column,
			 jerr.text);
		return fail(reason, FP_REASON_INVALID);
	}
	if (!json_is_object(j)) {
		snprintf(msg, FPD_REQUEST_MSG_MAX, "a request is a JSON object");
		return fail(reason, FP_REASON_INVALID);
	}
	op = json_string_value(json_object_get(j, "op"));
	if (!op) {
		snprintf(msg, FPD_REQUEST_MSG_MAX, "a request needs an \"op\" string");
		return fail(reason, FP_REASON_INVALID);
	}
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		if (strcmp(op, ops[i].name) == 0) {
			req->op = ops[i].op;
			if (parse_args(j, req, reason, msg) == 0)
				return 0;
			fpd_request_free(req);
			return -1;
		}
	}
	snprintf(msg, FPD_REQUEST_MSG_MAX, "unknown op \"%s\"", op);
	return fail(reason, FP_REASON_INVALID);
}

void fpd_request_free(struct fpd_request *req)
{
	free(req->name);
	req->name = NULL;
}

/* Cut a message that vsnprintf truncated inside a UTF-8 sequence back to the last whole one:
 * jansson refuses invalid UTF-8, and the peer would get no reply at all. */
static void trim_partial_utf8(char *s)
{
	size_t n = strlen(s), start = n;
	unsigned char lead;
	size_t need;

	while (start > 0 && ((unsigned char)s[start - 1] & 0xc0) == 0x80)
		start--;
	if (start == 0)
		return;
	lead = (unsigned char)s[--start];
	need = lead < 0x80 ? 1 : (lead & 0xe0) == 0xc0 ? 2 : (lead & 0xf0) == 0xe0 ? 3 : 4;
	if (n - start < need)
		s[start] = '\0';
}

json_t *fpd_reply_error(enum fp_reason reason, const char *fmt, ...)
{
	char msg[FPD_REQUEST_MSG_MAX];
	json_t *reply;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(msg))
		trim_partial_utf8(msg);
	reply = json_pack("{s:b, s:s, s:s}", "ok", 0, "error", fp_wire_reason_string(reason), "msg",
			  msg);
	if (reply)
		return reply;
	/* Still not UTF-8 (a name cut inside a sequence further down): plain ASCII then. */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	return json_pack("{s:b, s:s, s:s}", "ok", 0, "error", fp_wire_reason_string(reason), "msg",
			 msg);
}
