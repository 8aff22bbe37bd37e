/* IFB links: create one as the reference does (plus an alias naming its owner), and list them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "nl/internal.h"
#include "nl/tc.h"

/* The kernel ignores IFLA_IFALIAS in a create: set it on the new link, found by name. */
static int ifb_set_alias(struct nl_handle *h, const char *name, const char *alias,
			 struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_SETLINK, 0, &ifi, sizeof(ifi), err);

	if (!msg)
		return -1;
	if (nla_put_string(msg, IFLA_IFNAME, name) < 0 ||
	    nla_put_string(msg, IFLA_IFALIAS, alias) < 0)
		return nl_err_msg_full(err);
	return nl_transact(h, msg, NULL, NULL, err);
}

int nl_ifb_create(struct nl_handle *h, const char *name, unsigned mtu, const char *alias,
		  struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP, .ifi_change = IFF_UP};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi), err);
	struct nlattr *linkinfo;

	if (!msg)
		return -1;
	if (nla_put_string(msg, IFLA_IFNAME, name) < 0 ||
	    (mtu && nla_put_u32(msg, IFLA_MTU, mtu) < 0) ||
	    /* The reference writes txqueuelen 0 (see its ifb_creator.go). */
	    nla_put_u32(msg, IFLA_TXQLEN, 0) < 0)
		return nl_err_msg_full(err);
	linkinfo = nla_nest_start(msg, IFLA_LINKINFO);
	if (!linkinfo || nla_put_string(msg, IFLA_INFO_KIND, "ifb") < 0)
		return nl_err_msg_full(err);
	nla_nest_end(msg, linkinfo);
	if (nl_transact(h, msg, NULL, NULL, err) < 0)
		return -1;
	if (alias && ifb_set_alias(h, name, alias, err) < 0) {
		/* The link exists now: the caller sees a failed create and pushes no undo step. */
		struct cni_err ignored = {0};
		struct nl_link_info info;

		if (nl_link_get_by_name(h, name, &info, &ignored) == 0)
			nl_link_delete(h, info.ifindex, &ignored);
		return -1;
	}
	return 0;
}

struct ifb_list {
	const char *prefix;
	struct nl_ifb *items;
	size_t n, cap;
};

static int ifb_reply(const struct nlmsghdr *hdr, void *arg, struct cni_err *err)
{
	struct nlattr *tb[IFLA_MAX + 1];
	struct ifb_list *l = arg;
	struct nl_ifb ifb = {0};

	if (nl_parse_link(hdr, &ifb.info) < 0 || strcmp(ifb.info.kind, "ifb") != 0 ||
	    strncmp(ifb.info.name, l->prefix, strlen(l->prefix)) != 0)
		return 0;
	if (nlmsg_parse((struct nlmsghdr *)hdr, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) ==
		    0 &&
	    tb[IFLA_IFALIAS])
		nla_strlcpy(ifb.alias, tb[IFLA_IFALIAS], sizeof(ifb.alias));
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct nl_ifb *items = realloc(l->items, cap * sizeof(*items));

		if (!items)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "link list");
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n++] = ifb;
	return 0;
}

int nl_ifb_list(struct nl_handle *h, const char *prefix, struct nl_ifb **out, size_t *n,
		struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_GETLINK, NLM_F_DUMP, &ifi, sizeof(ifi), err);
	struct ifb_list l = {.prefix = prefix};

	if (!msg)
		return -1;
	if (nl_transact(h, msg, ifb_reply, &l, err) < 0) {
		free(l.items);
		return -1;
	}
	*out = l.items;
	*n = l.n;
	return 0;
}
