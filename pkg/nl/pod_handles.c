/* Opening and closing the node and pod handles a plugin works with. */
#include "nl/pod_handles.h"

#include <unistd.h>

#include "netns/netns.h"

int nl_pod_handles_open(const char *netns, struct nl_handle **host, int *ns_fd,
			struct nl_handle **ctr, struct cni_err *err)
{
	if (nl_handle_open(-1, host, err) < 0)
		return -1;
	if (!netns)
		return 0;
	*ns_fd = ns_open(netns, err);
	if (*ns_fd < 0)
		return -1;
	return nl_handle_open(*ns_fd, ctr, err);
}

void nl_pod_handles_close(struct nl_handle *host, int ns_fd, struct nl_handle *ctr)
{
	if (ctr)
		nl_handle_close(ctr);
	if (host)
		nl_handle_close(host);
	if (ns_fd >= 0)
		close(ns_fd);
}
