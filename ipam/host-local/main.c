/* host-local: allocates addresses from ranges and keeps the leases on disk (pkg/ipam does the
 * work). */
#include "cni/skel.h"
#include "ipam/hostlocal.h"

static const char *const hostlocal_args[] = {"IP", NULL};

static int hostlocal_add(struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	return ipam_hostlocal_add(req, result, err);
}

static int hostlocal_del(struct cni_request *req, struct cni_err *err)
{
	return ipam_hostlocal_del(req, err);
}

static int hostlocal_check(struct cni_request *req, struct cni_err *err)
{
	return ipam_hostlocal_check(req, err);
}

static int hostlocal_gc(struct cni_request *req, struct cni_err *err)
{
	return ipam_hostlocal_gc(req, err);
}

static int hostlocal_status(struct cni_request *req, struct cni_err *err)
{
	return ipam_hostlocal_status(req, err);
}

static const struct cni_plugin hl = {
	.name = "host-local",
	.about = "CNI host-local IPAM plugin (cni-c)",
	.args_keys = hostlocal_args,
	.add = hostlocal_add,
	.del = hostlocal_del,
	.check = hostlocal_check,
	.status = hostlocal_status,
	.gc = hostlocal_gc,
};

int main(void)
{
	return cni_skel_main(&hl);
}
