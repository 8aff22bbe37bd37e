/* Control requests: parse one line, act on the port table, build the reply. */
#ifndef FASTPATHD_REQUEST_H
#define FASTPATHD_REQUEST_H

#include <jansson.h>
#include <stddef.h>

#include "fastpath/fastpath.h"
#include "fastpathd.h"

/* The reply to one request line (never NULL); a bad request gets an error reply. */
json_t *fpd_request_handle(struct fpd *d, const char *line, size_t len);
json_t *fpd_reply_error(enum fp_reason reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
