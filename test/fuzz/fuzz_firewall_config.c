/* Fuzz target: the firewall plugin's config parser (plugins/meta/firewall/config.c) on a request
 * with its prevResult, and the owner comments built from what it parsed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../plugins/meta/firewall/firewall.h"
#include "request_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* firewalld.c asks D-Bus; the target never does: no firewalld, as on most nodes. */
bool firewall_firewalld_running(void)
{
	return false;
}

/* The owner comment of an attachment splits back into its container ID and ifname. */
static void check_owner(const struct firewall_config *c, const struct cni_request *req)
{
	char comment[256], buf[256];
	const char *id = NULL, *ifname = NULL;

	if (!c->name || !c->container_id || !c->ifname)
		abort(); /* the skel's checks guarantee all three */
	firewall_owner_comment(c, comment, sizeof(comment));
	/* A comment cut short by a long network name names nobody: only whole ones must parse. */
	if (strlen(FIREWALL_OWNER_PREFIX) + strlen(c->name) + strlen(c->container_id) +
		    strlen(c->ifname) + 2 >=
	    sizeof(comment))
		return;
	if (!firewall_owner_parse(c, comment, buf, sizeof(buf), &id, &ifname) ||
	    strcmp(id, c->container_id) != 0 || strcmp(ifname, c->ifname) != 0)
		abort();
	firewall_owner_is_valid(c, req, comment);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_request req;
	struct firewall_config c;
	struct cni_err err;

	if (fuzz_request_init(&req, data, size, &err) == 0 &&
	    firewall_config_parse(&req, &c, &err) == 0) {
		firewall_has_family(&c, AF_INET);
		firewall_has_family(&c, AF_INET6);
		firewall_policy_comment(c.ingress);
		if (c.n_ips > FIREWALL_MAX_IPS || !c.admin_chain || strlen(c.admin_chain) > 28 ||
		    !c.zone)
			abort();
		check_owner(&c, &req);
	}
	fuzz_request_free(&req);
	return 0;
}
