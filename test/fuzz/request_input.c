/* Builds the request of one fuzz input exactly as pkg/cni's skel does, minus the process state. */
#include "request_input.h"

#include <stdlib.h>
#include <string.h>

#include "cni/args.h"
#include "cni/names.h"
#include "cni/request.h"

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

int fuzz_request_init(struct cni_request *req, const uint8_t *data, size_t size,
		      struct cni_err *err)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t args_len = nl ? (size_t)(nl - data) : 0;
	const uint8_t *conf = nl ? nl + 1 : data;
	size_t conf_len = size - (size_t)(conf - data);
	json_error_t jerr;

	memset(req, 0, sizeof(*req));
	cni_err_clear(err);
	req->command = CNI_CMD_ADD;
	req->command_name = "ADD";
	req->container_id = "fuzz-container";
	req->netns = "/proc/self/ns/net";
	req->ifname = "eth0";
	req->path = "/nonexistent";
	/* An environment string cannot hold a NUL: the runtime's string ends there. */
	req->args = fuzz_strndup(data, args_len);
	if (cni_args_parse(req->args, &req->cni_args, &req->n_cni_args, err) < 0)
		return -1;
	req->config = json_loadb((const char *)conf, conf_len, JSON_DECODE_ANY, &jerr);
	if (!json_is_object(req->config))
		return -1;
	if (cni_validate_network_name(json_string_value(json_object_get(req->config, "name")),
				      err) < 0)
		return -1;
	return cni_request_parse_config(req, err);
}

void fuzz_request_free(struct cni_request *req)
{
	free((char *)req->args);
	req->args = NULL;
	cni_request_free(req);
}
