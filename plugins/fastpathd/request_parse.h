/* One control-socket line parsed into a typed request. No DPDK and no daemon state: the fuzz
 * target test/fuzz/fuzz_fastpathd_request.c links this file alone. */
#ifndef FASTPATHD_REQUEST_PARSE_H
#define FASTPATHD_REQUEST_PARSE_H

#include <jansson.h>
#include <stddef.h>

#include "fastpath/fastpath.h"

enum fpd_op {
	FPD_OP_ADD_PORT,
	FPD_OP_DEL_PORT,
	FPD_OP_LIST,
	FPD_OP_STATS,
	FPD_OP_MACS,
	FPD_OP_STATUS,
};

struct fpd_request {
	enum fpd_op op;
	struct fp_port_spec spec; /* add-port */
	char *name;		  /* del-port (always set), list and stats (NULL: every port) */
};

/* The longest error message a reply carries (fpd_reply_error's buffer). */
#define FPD_REQUEST_MSG_MAX 512

/*
 * line (len bytes, no newline) -> *req: 0, and fpd_request_free(req) later. On a bad request -1,
 * with the error reply's reason and message (msg holds FPD_REQUEST_MSG_MAX bytes).
 */
int fpd_request_parse(const char *line, size_t len, struct fpd_request *req, enum fp_reason *reason,
		      char msg[FPD_REQUEST_MSG_MAX]);
void fpd_request_free(struct fpd_request *req);

/* {"ok": false, "error": <reason>, "msg": ...}; never NULL (the peer always gets an answer). */
json_t *fpd_reply_error(enum fp_reason reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
