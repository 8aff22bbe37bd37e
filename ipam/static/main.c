/* static: reports the addresses, routes and DNS its config names (pkg/ipam does the work). */
#include "cni/skel.h"
#include "ipam/static.h"

static const char *const static_args[] = {"IP", "GATEWAY", NULL};

static int static_add(struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	return ipam_static_add(req, result, err);
}

static int static_del(struct cni_request *req, struct cni_err *err)
{
	return ipam_static_del(req, err);
}

static int static_check(struct cni_request *req, struct cni_err *err)
{
	return ipam_static_check(req, err);
}

static int static_gc(struct cni_request *req, struct cni_err *err)
{
	return ipam_static_gc(req, err);
}

static int static_status(struct cni_request *req, struct cni_err *err)
{
	return ipam_static_status(req, err);
}

static const struct cni_plugin st = {
	.name = "static",
	.about = "CNI static IPAM plugin (cni-c)",
	.args_keys = static_args,
	.add = static_add,
	.del = static_del,
	.check = static_check,
	.status = static_status,
	.gc = static_gc,
};

int main(void)
{
	return cni_skel_main(&st);
}
