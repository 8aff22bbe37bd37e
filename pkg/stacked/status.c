/* STATUS: IPAM's answer, then whether ADD could find its master in this netns right now. */
#include <stdio.h>

#include "cni/cleanup.h"
#include "ipam/ipam.h"
#include "stacked/stacked.h"

int stacked_status(const struct cni_request *req, bool need_master, struct cni_err *err)
{
	_cleanup_(stacked_close) struct stacked_run run;
	struct stacked_config c;
	struct nl_link_info master;

	run.ns_fd = -1;
	run.ctr = run.host = NULL;
	if (stacked_config_parse(req, &c, err) < 0)
		return -1;
	if (c.has_ipam && ipam_status(req, err) < 0)
		return -1;
	/* With linkInContainer the master is in a pod we do not have yet. */
	if (c.link_in_container || (!c.master[0] && !need_master))
		return 0;
	if (stacked_open(&run, req, err) < 0)
		return -1;
	if (stacked_find_master(&run, &c, &master, err) < 0) {
		char msg[sizeof(err->msg)];

		snprintf(msg, sizeof(msg), "%s", err->msg);
		return cni_errf(err, CNI_ERR_NOT_AVAILABLE, 0, "%s", msg);
	}
	return 0;
}
