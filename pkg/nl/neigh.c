/* Neighbour and FDB entries: replace, delete and list through RTM_*NEIGH. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "nl/internal.h"
#include "nl/neigh.h"

static struct nl_msg *neigh_message(int type, int flags, int family, int ifindex, uint8_t ntf,
				    struct cni_err *err)
{
	struct ndmsg ndm = {
		.ndm_family = (uint8_t)family,
		.ndm_ifindex = ifindex,
		.ndm_state = NUD_PERMANENT,
		.ndm_flags = ntf,
	};

	return nl_message_new(type, flags, &ndm, sizeof(ndm), err);
}

static int put_ip(struct nl_msg *msg, int attr, const struct cni_ip *ip, struct cni_err *err)
{
	if (nla_put(msg, attr, cni_ip_bytes(ip), ip->addr) < 0)
		return nl_err_msg_full(err);
	return 0;
}

int nl_neigh_replace(struct nl_handle *h, int ifindex, const struct cni_ip *ip,
		     const uint8_t mac[NL_MAC_LEN], struct cni_err *err)
{
	_cleanup_nl_msg_ struct nl_msg *msg = neigh_message(
		RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, ip->family, ifindex, 0, err);

	if (!msg)
		return -1;
	if (put_ip(msg, NDA_DST, ip, err) < 0)
		return -1;
	if (nla_put(msg, NDA_LLADDR, NL_MAC_LEN, mac) < 0)
		return nl_err_msg_full(err);
	return nl_transact(h, msg, NULL, NULL, err);
}

int nl_neigh_del(struct nl_handle *h, int ifindex, const struct cni_ip *ip, struct cni_err *err)
{
	_cleanup_nl_msg_ struct nl_msg *msg =
		neigh_message(RTM_DELNEIGH, 0, ip->family, ifindex, 0, err);

	if (!msg)
		return -1;
	if (put_ip(msg, NDA_DST, ip, err) < 0)
		return -1;
	return nl_transact(h, msg, NULL, NULL, err);
}

static int fdb_request(struct nl_handle *h, int type, int flags, int ifindex,
		       const uint8_t mac[NL_MAC_LEN], const struct cni_ip *dst, struct cni_err *err)
{
	_cleanup_nl_msg_ struct nl_msg *msg =
		neigh_message(type, flags, AF_BRIDGE, ifindex, NTF_SELF, err);

	if (!msg)
		return -1;
	if (nla_put(msg, NDA_LLADDR, NL_MAC_LEN, mac) < 0)
		return nl_err_msg_full(err);
	if (dst && cni_ip_is_set(dst) && put_ip(msg, NDA_DST, dst, err) < 0)
		return -1;
	return nl_transact(h, msg, NULL, NULL, err);
}

int nl_fdb_replace(struct nl_handle *h, int ifindex, const uint8_t mac[NL_MAC_LEN],
		   const struct cni_ip *dst, struct cni_err *err)
{
	return fdb_request(h, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, ifindex, mac, dst, err);
}

int nl_fdb_del(struct nl_handle *h, int ifindex, const uint8_t mac[NL_MAC_LEN],
	       const struct cni_ip *dst, struct cni_err *err)
{
	return fdb_request(h, RTM_DELNEIGH, 0, ifindex, mac, dst, err);
}

struct neigh_list {
	int ifindex, family;
	struct nl_neigh *items;
	size_t n, cap;
};

static void neigh_parse_ip(struct nlattr *attr, struct cni_ip *ip)
{
	int len = nla_len(attr);

	if (len != 4 && len != 16)
		return;
	ip->family = len == 4 ? AF_INET : AF_INET6;
	memcpy(ip->addr, nla_data(attr), (size_t)len);
}

static int neigh_reply(const struct nlmsghdr *hdr, void *arg, struct cni_err *err)
{
	const struct ndmsg *ndm = nlmsg_data(hdr);
	struct nlattr *tb[NDA_MAX + 1];
	struct neigh_list *l = arg;
	struct nl_neigh *e;

	if (hdr->nlmsg_type != RTM_NEWNEIGH || ndm->ndm_family != l->family ||
	    ndm->ndm_ifindex != l->ifindex)
		return 0;
	if (nlmsg_parse((struct nlmsghdr *)hdr, sizeof(*ndm), tb, NDA_MAX, NULL) < 0)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct nl_neigh *items = realloc(l->items, cap * sizeof(*items));

		if (!items)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "neighbour list");
		l->items = items;
		l->cap = cap;
	}
	e = &l->items[l->n++];
	memset(e, 0, sizeof(*e));
	e->ifindex = ndm->ndm_ifindex;
	e->state = ndm->ndm_state;
	e->flags = ndm->ndm_flags;
	if (tb[NDA_DST])
		neigh_parse_ip(tb[NDA_DST], &e->ip);
	if (tb[NDA_LLADDR] && nla_len(tb[NDA_LLADDR]) == NL_MAC_LEN) {
		e->has_mac = true;
		memcpy(e->mac, nla_data(tb[NDA_LLADDR]), NL_MAC_LEN);
	}
	return 0;
}

int nl_neigh_list(struct nl_handle *h, int ifindex, int family, struct nl_neigh **out, size_t *n,
		  struct cni_err *err)
{
	struct ndmsg ndm = {.ndm_family = (uint8_t)family};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_GETNEIGH, NLM_F_DUMP, &ndm, sizeof(ndm), err);
	struct neigh_list l = {.ifindex = ifindex, .family = family};

	if (!msg)
		return -1;
	if (nl_transact(h, msg, neigh_reply, &l, err) < 0) {
		free(l.items);
		return cni_err_wrap(err, "list neighbours");
	}
	*out = l.items;
	*n = l.n;
	return 0;
}
