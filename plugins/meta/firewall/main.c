/* The firewall plugin: let a pod's addresses through the node's FORWARD filtering (chained). */
#include <string.h>

#include "cni/cleanup.h"
#include "cni/log.h"
#include "cni/skel.h"
#include "firewall.h"

static const struct firewall_backend *backend_of(const struct firewall_config *c)
{
	switch (c->backend) {
	case FIREWALL_FIREWALLD:
		return &firewall_firewalld;
	case FIREWALL_NFTABLES:
		return &firewall_nftables;
	case FIREWALL_IPTABLES:
		break;
	}
	return &firewall_iptables;
}

/* The plugin passes its prevResult on unchanged, converted to the request's version. */
static int copy_prev_result(const struct cni_request *req, struct cni_result *result,
			    struct cni_err *err)
{
	_cleanup_json_ json_t *j = cni_result_to_json(&req->prev_result, "1.1.0", err);

	if (!j)
		return -1;
	cni_result_free(result);
	return cni_result_from_json(j, "1.1.0", result, err);
}

static int firewall_add(struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	struct firewall_config c;
	const struct firewall_backend *b;

	if (firewall_config_parse(req, &c, err) < 0)
		return -1;
	if (!req->has_prev_result)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"missing prevResult from earlier plugin");
	if (c.ingress != INGRESS_OPEN && !c.bridge)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"interface needs to be set for ingress policy, make sure to chain "
				"\"firewall\" plugin with \"bridge\"");
	b = backend_of(&c);
	if (b->add(&c, err) < 0)
		return -1;
	/* firewalld has no ingress policy of its own: the reference uses iptables for it. */
	if (c.backend == FIREWALL_FIREWALLD && c.ingress != INGRESS_OPEN &&
	    firewall_isolation_ipt_apply(&c, err) < 0) {
		struct cni_err ignored = {0};

		b->del(&c, &ignored);
		return -1;
	}
	return copy_prev_result(req, result, err);
}

/* No netns and no prevResult needed: the nftables and iptables rules name their owner. */
static int firewall_del(struct cni_request *req, struct cni_err *err)
{
	struct firewall_config c;

	if (firewall_config_parse(req, &c, err) < 0)
		return -1;
	return backend_of(&c)->del(&c, err);
}

static int firewall_check(struct cni_request *req, struct cni_err *err)
{
	struct firewall_config c;

	if (firewall_config_parse(req, &c, err) < 0)
		return -1;
	if (!req->has_prev_result)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"missing prevResult from earlier plugin");
	return backend_of(&c)->check(&c, err);
}

static int firewall_gc(struct cni_request *req, struct cni_err *err)
{
	struct firewall_config c;

	if (firewall_config_parse(req, &c, err) < 0)
		return -1;
	return backend_of(&c)->gc(&c, req, err);
}

static int firewall_status(struct cni_request *req, struct cni_err *err)
{
	struct firewall_config c;

	return firewall_config_parse(req, &c, err);
}

static const struct cni_plugin firewall = {
	.name = "firewall",
	.about = "CNI firewall plugin (cni-c)",
	.add = firewall_add,
	.del = firewall_del,
	.check = firewall_check,
	.status = firewall_status,
	.gc = firewall_gc,
};

int main(void)
{
	return cni_skel_main(&firewall);
}
