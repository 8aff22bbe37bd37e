/* The bandwidth plugin: shape a pod's traffic with tbf (as the reference) or with EDT (tc-bpf +
 * fq). */
#include <stdlib.h>
#include <string.h>

#include "bandwidth.h"
#include "cni/cleanup.h"
#include "cni/log.h"
#include "netns/netns.h"
#include "nl/tc.h"
#include "tc/tc.h"

static int copy_prev_result(const struct cni_request *req, struct cni_result *result,
			    struct cni_err *err)
{
	_cleanup_json_ json_t *j = cni_result_to_json(&req->prev_result, "1.1.0", err);

	if (!j)
		return -1;
	cni_result_free(result);
	return cni_result_from_json(j, "1.1.0", result, err);
}

static int bandwidth_add(struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	struct undo_stack u = UNDO_STACK_INIT;
	struct bw_run run;
	int ret = -1;

	if (bw_run_open(&run, req, err) < 0)
		goto out;
	/* Nothing to shape: pass the previous result on, as the reference. */
	if (bandwidth_config_is_zero(&run.conf)) {
		ret = req->has_prev_result ? copy_prev_result(req, result, err) : 0;
		goto out;
	}
	if (!req->has_prev_result) {
		cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "must be called as chained plugin");
		goto out;
	}
	if (!run.ctr) {
		cni_errf(err, CNI_ERR_INVALID_NETNS, 0, "CNI_NETNS is required");
		goto out;
	}
	if (copy_prev_result(req, result, err) < 0 ||
	    bw_find_interfaces(&run, &req->prev_result, err) < 0 ||
	    bw_plan_add(&run, result, &u, err) < 0)
		goto out;
	undo_forget(&u);
	ret = 0;
out:
	/* The undo steps use the handles: run them before the handles close. */
	undo_run(&u);
	bw_run_close(&run);
	return ret;
}

static int bandwidth_check(struct cni_request *req, struct cni_err *err)
{
	struct bw_run run;
	int ret = -1;

	if (bw_run_open(&run, req, err) < 0)
		goto out;
	if (!req->has_prev_result) {
		cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "must be called as a chained plugin");
		goto out;
	}
	if (!run.ctr) {
		cni_errf(err, CNI_ERR_INVALID_NETNS, 0, "CNI_NETNS is required");
		goto out;
	}
	if (bw_find_interfaces(&run, &req->prev_result, err) < 0)
		goto out;
	ret = bandwidth_config_is_zero(&run.conf) ? 0 : bw_plan_check(&run, err);
out:
	bw_run_close(&run);
	return ret;
}

/* DEL needs no rates: it removes what an ADD of this attachment could have made. */
static int bandwidth_del(struct cni_request *req, struct cni_err *err)
{
	struct bw_run run;
	int ret = -1;

	if (bw_run_open(&run, req, err) < 0) {
		/* A netns that is gone took its links, qdiscs and programs with it. */
		if (!ns_err_is_gone(err) || !run.host)
			goto out;
		cni_err_clear(err);
	}
	ret = bw_plan_remove(&run, err);
out:
	bw_run_close(&run);
	return ret;
}

/* IFBs this network made on the host (named by their alias) for containers no longer valid. */
static int bandwidth_gc(struct cni_request *req, struct cni_err *err)
{
	_cleanup_free_ struct nl_ifb *ifbs = NULL;
	char prefix[256];
	struct bw_run run;
	size_t n = 0, len;
	int ret = -1;

	if (bw_run_open(&run, req, err) < 0 || nl_ifb_list(run.host, "bwp", &ifbs, &n, err) < 0)
		goto out;
	snprintf(prefix, sizeof(prefix), BW_ALIAS_PREFIX "%s ", req->name);
	len = strlen(prefix);
	for (size_t i = 0; i < n; i++) {
		const char *cid = ifbs[i].alias + len;
		bool valid = false;

		if (strncmp(ifbs[i].alias, prefix, len) != 0)
			continue;
		for (size_t k = 0; k < req->n_valid_attachments; k++)
			valid |= strcmp(req->valid_attachments[k].container_id, cid) == 0;
		if (valid)
			continue;
		cni_log_info("gc: deleting ifb %s of container %s", ifbs[i].info.name, cid);
		if (nl_link_delete(run.host, ifbs[i].info.ifindex, err) < 0) {
			cni_err_wrap(err, "delete ifb %s", ifbs[i].info.name);
			goto out;
		}
	}
	ret = 0;
out:
	bw_run_close(&run);
	return ret;
}

static int bandwidth_status(struct cni_request *req, struct cni_err *err)
{
	struct bandwidth_config c;

	if (bandwidth_config_parse(req, &c, err) < 0)
		return -1;
	if (c.mode == TC_MODE_EDT && !tc_edt_supported(err))
		return -1;
	return 0;
}

static const struct cni_plugin bandwidth = {
	.name = "bandwidth",
	.about = "CNI bandwidth plugin",
	.add = bandwidth_add,
	.del = bandwidth_del,
	.check = bandwidth_check,
	.status = bandwidth_status,
	.gc = bandwidth_gc,
};

int main(void)
{
	return cni_skel_main(&bandwidth);
}
