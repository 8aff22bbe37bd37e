/* Links with a parent (IFLA_LINK): rename one, read its IFLA_INFO_DATA. */
#include <errno.h>
#include <string.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "nl/child_link.h"
#include "nl/info_data.h"
#include "nl/internal.h"

int nl_link_set_name(struct nl_handle *h, int ifindex, const char *name, struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_NEWLINK, 0, &ifi, sizeof(ifi), err);

	if (!msg)
		return -1;
	if (nla_put_string(msg, IFLA_IFNAME, name) < 0)
		return nl_err_msg_full(err);
	return nl_transact(h, msg, NULL, NULL, err);
}

struct info_data_query {
	const char *kind;
	int type;
	void *buf;
	size_t len;
	bool found_link, kind_matches, found_attr;
};

static int info_data_reply(const struct nlmsghdr *hdr, void *arg, struct cni_err *err)
{
	struct info_data_query *q = arg;
	struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1];
	struct nlattr *data;

	if (hdr->nlmsg_type != RTM_NEWLINK)
		return 0;
	q->found_link = true;
	if (nlmsg_parse((struct nlmsghdr *)hdr, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0 ||
	    !tb[IFLA_LINKINFO] || nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) < 0)
		return 0;
	if (!li[IFLA_INFO_KIND] || strcmp(nla_get_string(li[IFLA_INFO_KIND]), q->kind) != 0)
		return 0;
	q->kind_matches = true;
	if (!li[IFLA_INFO_DATA])
		return 0;
	data = nla_find(nla_data(li[IFLA_INFO_DATA]), nla_len(li[IFLA_INFO_DATA]), q->type);
	if (data && (size_t)nla_len(data) >= q->len) {
		memcpy(q->buf, nla_data(data), q->len);
		q->found_attr = true;
	}
	return 0;
}

int nl_link_info_data_get(struct nl_handle *h, int ifindex, const char *kind, int type, void *buf,
			  size_t len, bool *found, struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_GETLINK, 0, &ifi, sizeof(ifi), err);
	struct info_data_query q = {.kind = kind, .type = type, .buf = buf, .len = len};

	if (!msg)
		return -1;
	if (nl_transact(h, msg, info_data_reply, &q, err) < 0)
		return cni_err_wrap(err, "link %d", ifindex);
	if (!q.found_link)
		return cni_errf(err, NL_ERR_CODE, ENODEV, "link %d: no link in the reply", ifindex);
	if (!q.kind_matches)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "link %d is not of kind %s",
				ifindex, kind);
	*found = q.found_attr;
	return 0;
}
