/* Deleting a link by name: one request, no lookup that could fail first. */
#include "nl/link_delete.h"

#include <linux/rtnetlink.h>

#include "nl/internal.h"

int nl_link_delete_by_name(struct nl_handle *h, const char *name, struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_DELLINK, 0, &ifi, sizeof(ifi), err);

	if (!msg)
		return -1;
	if (nla_put_string(msg, IFLA_IFNAME, name) < 0)
		return nl_err_msg_full(err);
	return nl_transact(h, msg, NULL, NULL, err);
}
