/* Interface addresses: add (optionally without DAD), delete, list. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "nl/internal.h"

static struct nl_msg *address_message(int type, int flags, int ifindex, const struct cni_prefix *p,
				      unsigned ifa_flags, struct cni_err *err)
{
	struct ifaddrmsg ifa = {
		.ifa_family = (uint8_t)p->ip.family,
		.ifa_prefixlen = (uint8_t)p->len,
		.ifa_flags = (uint8_t)ifa_flags,
		.ifa_index = (unsigned)ifindex,
	};
	struct nl_msg *msg = nl_message_new(type, flags, &ifa, sizeof(ifa), err);
	int len = cni_ip_bytes(&p->ip);

	if (!msg)
		return NULL;
	if (nla_put(msg, IFA_LOCAL, len, p->ip.addr) < 0 ||
	    nla_put(msg, IFA_ADDRESS, len, p->ip.addr) < 0)
		goto out_full;
	if (ifa_flags && nla_put_u32(msg, IFA_FLAGS, ifa_flags) < 0)
		goto out_full;
	/* As the reference (netlink.AddrAdd): IPv4 gets the subnet broadcast when it has one. */
	if (type == RTM_NEWADDR && p->ip.family == AF_INET && p->len < 31) {
		struct cni_ip brd = cni_prefix_last(p);

		if (nla_put(msg, IFA_BROADCAST, 4, brd.addr) < 0)
			goto out_full;
	}
	return msg;

out_full:
	nlmsg_free(msg);
	nl_err_msg_full(err);
	return NULL;
}

int nl_address_add(struct nl_handle *h, int ifindex, const struct cni_prefix *p, unsigned flags,
		   struct cni_err *err)
{
	unsigned ifa_flags = (flags & NL_ADDRESS_NODAD) ? IFA_F_NODAD : 0;
	_cleanup_nl_msg_ struct nl_msg *msg =
		address_message(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, p, ifa_flags, err);

	if (!msg)
		return -1;
	return nl_transact(h, msg, NULL, NULL, err);
}

int nl_address_del(struct nl_handle *h, int ifindex, const struct cni_prefix *p,
		   struct cni_err *err)
{
	_cleanup_nl_msg_ struct nl_msg *msg = address_message(RTM_DELADDR, 0, ifindex, p, 0, err);

	if (!msg)
		return -1;
	return nl_transact(h, msg, NULL, NULL, err);
}

struct address_list {
	int ifindex;
	struct nl_address *items;
	size_t n, cap;
};

static int address_reply(const struct nlmsghdr *hdr, void *arg, struct cni_err *err)
{
	const struct ifaddrmsg *ifa = nlmsg_data(hdr);
	struct nlattr *tb[IFA_MAX + 1];
	struct address_list *l = arg;
	struct nlattr *addr;
	struct nl_address *a;

	if (hdr->nlmsg_type != RTM_NEWADDR || (l->ifindex && (int)ifa->ifa_index != l->ifindex))
		return 0;
	if (nlmsg_parse((struct nlmsghdr *)hdr, sizeof(*ifa), tb, IFA_MAX, NULL) < 0)
		return 0;
	/* IFA_LOCAL is our own address; IFA_ADDRESS is the peer's on point-to-point links. */
	addr = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!addr || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct nl_address *items = realloc(l->items, cap * sizeof(*items));

		if (!items)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "address list");
		l->items = items;
		l->cap = cap;
	}
	a = &l->items[l->n++];
	memset(a, 0, sizeof(*a));
	a->ifindex = (int)ifa->ifa_index;
	a->prefix.ip.family = ifa->ifa_family;
	a->prefix.len = ifa->ifa_prefixlen;
	memcpy(a->prefix.ip.addr, nla_data(addr), (size_t)cni_ip_bytes(&a->prefix.ip));
	a->flags = tb[IFA_FLAGS] ? nla_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	a->scope = ifa->ifa_scope;
	return 0;
}

int nl_address_list(struct nl_handle *h, int ifindex, int family, struct nl_address **out,
		    size_t *n, struct cni_err *err)
{
	struct ifaddrmsg ifa = {.ifa_family = (uint8_t)family, .ifa_index = (unsigned)ifindex};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa), err);
	struct address_list l = {.ifindex = ifindex};

	if (!msg)
		return -1;
	if (nl_transact(h, msg, address_reply, &l, err) < 0) {
		free(l.items);
		return cni_err_wrap(err, "list addresses");
	}
	*out = l.items;
	*n = l.n;
	return 0;
}
