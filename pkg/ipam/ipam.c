/* The IPAM entry points: host-local and static in-process, any other type through its binary. */
#include "ipam/ipam.h"

#include <errno.h>
#include <string.h>

#include "ipam/delegate.h"
#include "ipam/hostlocal.h"
#include "cni/conf_field.h"
#include "cni/fault.h"
#include "ipam/static.h"

enum ipam_kind {
	IPAM_KIND_HOST_LOCAL,
	IPAM_KIND_STATIC,
	IPAM_KIND_EXEC,
};

static int kind_of(const struct cni_request *req, enum ipam_kind *kind, struct cni_err *err)
{
	const char *type;

	if (!json_is_object(req->ipam))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "IPAM config missing 'ipam' key");
	if (cni_conf_string(req->ipam, "type", &type, err) < 0)
		return cni_err_wrap(err, "ipam");
	if (!type || !*type)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "ipam: missing \"type\"");
	if (!strcmp(type, "host-local"))
		*kind = IPAM_KIND_HOST_LOCAL;
	else if (!strcmp(type, "static"))
		*kind = IPAM_KIND_STATIC;
	else
		*kind = IPAM_KIND_EXEC;
	/* Every IPAM verb passes here once: the fault-injection step of "an IPAM call". */
	if (cni_fault("ipam") < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "ipam %s", type);
	return 0;
}

int ipam_add(const struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	enum ipam_kind kind;

	if (kind_of(req, &kind, err) < 0)
		return -1;
	switch (kind) {
	case IPAM_KIND_HOST_LOCAL:
		return ipam_hostlocal_add(req, result, err);
	case IPAM_KIND_STATIC:
		return ipam_static_add(req, result, err);
	default:
		return ipam_delegate_add(req, result, err);
	}
}

/* The verbs without a result share one shape. */
struct ipam_verb {
	const char *command;
	int (*host_local)(const struct cni_request *req, struct cni_err *err);
	int (*static_)(const struct cni_request *req, struct cni_err *err);
};

static int run_verb(const struct ipam_verb *v, const struct cni_request *req, struct cni_err *err)
{
	enum ipam_kind kind;

	if (kind_of(req, &kind, err) < 0)
		return -1;
	switch (kind) {
	case IPAM_KIND_HOST_LOCAL:
		return v->host_local(req, err);
	case IPAM_KIND_STATIC:
		return v->static_(req, err);
	default:
		return ipam_delegate_run(req, v->command, err);
	}
}

int ipam_del(const struct cni_request *req, struct cni_err *err)
{
	static const struct ipam_verb v = {"DEL", ipam_hostlocal_del, ipam_static_del};

	return run_verb(&v, req, err);
}

int ipam_check(const struct cni_request *req, struct cni_err *err)
{
	static const struct ipam_verb v = {"CHECK", ipam_hostlocal_check, ipam_static_check};

	return run_verb(&v, req, err);
}

int ipam_gc(const struct cni_request *req, struct cni_err *err)
{
	static const struct ipam_verb v = {"GC", ipam_hostlocal_gc, ipam_static_gc};

	return run_verb(&v, req, err);
}

int ipam_status(const struct cni_request *req, struct cni_err *err)
{
	static const struct ipam_verb v = {"STATUS", ipam_hostlocal_status, ipam_static_status};

	return run_verb(&v, req, err);
}
