/* Fuzz target: the dpdk-vhost plugin's config parser (plugins/main/dpdk-vhost/config.c) on a
 * request, and the attachment paths derived from it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/main/dpdk-vhost/dpdk_vhost.h"
#include "request_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_request req;
	struct dv_config c;
	struct dv_paths p;
	struct cni_err err;
	uint8_t mac[6];

	if (fuzz_request_init(&req, data, size, &err) == 0 &&
	    dv_config_parse(&req, &c, &err) == 0) {
		if (c.control_socket[0] != '/' || c.socket_dir[0] != '/' || c.vlan > FP_VLAN_MAX ||
		    (c.has_mac && (c.mac[0] & 1)))
			abort();
		/* The attachment's paths: under socketDir, or a code 7 when they cannot fit. */
		cni_err_clear(&err);
		if (dv_paths_make(&c, req.container_id, req.ifname, &p, &err) == 0 &&
		    (strncmp(p.socket, c.socket_dir, strlen(c.socket_dir)) != 0 ||
		     strncmp(p.port, DV_PORT_PREFIX, strlen(DV_PORT_PREFIX)) != 0))
			abort();
		dv_default_mac(req.container_id, req.ifname, mac);
	}
	fuzz_request_free(&req);
	return 0;
}
