/* A fuzz input turned into a struct cni_request the way the skel builds one from env and stdin. */
#ifndef FUZZ_REQUEST_INPUT_H
#define FUZZ_REQUEST_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "cni/err.h"
#include "cni/skel.h"

/*
 * The input is "<CNI_ARGS>\n<stdin config>": the first line becomes CNI_ARGS, the rest is the
 * network config. Returns 0 when the skel would have handed the request to a plugin's verb.
 * The request is always safe to pass to fuzz_request_free.
 */
int fuzz_request_init(struct cni_request *req, const uint8_t *data, size_t size,
		      struct cni_err *err);
void fuzz_request_free(struct cni_request *req);

/* The input as a C string (malloc'd); like an environment string it ends at a NUL. */
char *fuzz_strndup(const uint8_t *data, size_t size);

#endif
