/* Control requests: act on the port table for one parsed line, build the reply. */
#ifndef FASTPATHD_REQUEST_H
#define FASTPATHD_REQUEST_H

#include <jansson.h>
#include <stddef.h>

#include "fastpath/fastpath.h"
#include "fastpathd.h"
#include "request_parse.h"

/* The reply to one request line (never NULL); a bad request gets an error reply. */
json_t *fpd_request_handle(struct fpd *d, const char *line, size_t len);

#endif
