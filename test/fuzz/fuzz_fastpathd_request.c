/* Fuzz target: fastpathd's control request parser (plugins/fastpathd/request_parse.c), one line
 * as a peer of the control socket sends it, and the reply a bad one gets. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/fastpathd/request_parse.h"
#include "fastpath/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the daemon saves in its state file and reads back at a restart must be the same port. */
static void check_spec_round_trip(const struct fp_port_spec *spec)
{
	json_t *j = fp_wire_spec_to_json(spec);
	struct fp_port_spec again;
	char msg[200];

	if (!j || fp_wire_spec_from_json(j, &again, msg, sizeof(msg)) < 0 ||
	    !fp_wire_spec_equal(spec, &again))
		abort();
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fpd_request req;
	enum fp_reason reason;
	char msg[FPD_REQUEST_MSG_MAX];
	json_t *reply;

	if (fpd_request_parse((const char *)data, size, &req, &reason, msg) < 0) {
		/* Every bad request gets an answer the peer can parse. */
		reply = fpd_reply_error(reason, "%s", msg);
		if (!reply)
			abort();
		free(json_dumps(reply, JSON_COMPACT));
		json_decref(reply);
		return 0;
	}
	switch (req.op) {
	case FPD_OP_ADD_PORT:
		check_spec_round_trip(&req.spec);
		break;
	case FPD_OP_DEL_PORT:
		if (!req.name || !req.name[0])
			abort();
		break;
	default:
		if (req.name && !req.name[0])
			abort();
		break;
	}
	fpd_request_free(&req);
	return 0;
}
