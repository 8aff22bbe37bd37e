/* Flushing conntrack entries over ctnetlink (no exec of conntrack(8)): dump, match, delete. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cni/cleanup.h"
#include "fw/conntrack.h"

struct tuple {
	uint16_t len;
	uint8_t data[256]; /* the CTA_TUPLE_ORIG payload, replayed in the delete request */
};

struct match_ctx {
	uint8_t l4proto;
	uint16_t dport_be;
	struct tuple *found;
	size_t n, cap;
	bool oom;
};

static bool tuple_matches(const struct nlattr *orig, const struct match_ctx *m)
{
	const struct nlattr *a, *p;
	bool proto_ok = false, port_ok = false;

	mnl_attr_for_each_nested(a, orig)
	{
		if (mnl_attr_get_type(a) != CTA_TUPLE_PROTO)
			continue;
		mnl_attr_for_each_nested(p, a)
		{
			if (mnl_attr_get_type(p) == CTA_PROTO_NUM)
				proto_ok = mnl_attr_get_u8(p) == m->l4proto;
			else if (mnl_attr_get_type(p) == CTA_PROTO_DST_PORT)
				port_ok = mnl_attr_get_u16(p) == m->dport_be;
		}
	}
	return proto_ok && port_ok;
}

static int entry_cb(const struct nlmsghdr *nlh, void *data)
{
	struct match_ctx *m = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
	{
		uint16_t len = mnl_attr_get_payload_len(a);

		if (mnl_attr_get_type(a) != CTA_TUPLE_ORIG || !tuple_matches(a, m) ||
		    len > sizeof(m->found[0].data))
			continue;
		if (m->n == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 16;
			struct tuple *grown = realloc(m->found, cap * sizeof(*grown));

			if (!grown) {
				m->oom = true;
				return MNL_CB_ERROR;
			}
			m->found = grown;
			m->cap = cap;
		}
		m->found[m->n].len = len;
		memcpy(m->found[m->n].data, mnl_attr_get_payload(a), len);
		m->n++;
	}
	return MNL_CB_OK;
}

static struct nlmsghdr *ct_msg(char *buf, uint16_t type, uint16_t flags, int family, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = (uint8_t)family;
	g->version = NFNETLINK_V0;
	g->res_id = 0;
	return nlh;
}

static int talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t portid = mnl_socket_get_portid(nl), seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -1;
		ret = mnl_cb_run(buf, n, seq, portid, cb, data);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -1 : 0;
}

static void close_socket(struct mnl_socket **nl)
{
	if (*nl)
		mnl_socket_close(*nl);
}

static int entries_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
	{
		if (mnl_attr_get_type(a) == CTA_STATS_GLOBAL_ENTRIES &&
		    mnl_attr_get_payload_len(a) == sizeof(uint32_t))
			*(uint32_t *)data = ntohl(mnl_attr_get_u32(a));
	}
	return MNL_CB_OK;
}

/*
 * Whether this netns tracks any connection at all. A dump walks the whole (global) conntrack
 * hash, 262144 buckets on this machine, ~5 ms even when the netns has no entry; the count is one
 * message. Unknown (an old kernel) counts as "maybe".
 */
static bool netns_has_entries(struct mnl_socket *nl, char *buf, uint32_t seq)
{
	uint32_t count = UINT32_MAX;

	if (talk(nl, ct_msg(buf, IPCTNL_MSG_CT_GET_STATS, NLM_F_ACK, AF_UNSPEC, seq), entries_cb,
		 &count) < 0)
		return true;
	return count != 0;
}

int fw_conntrack_flush_dport(int family, uint8_t l4proto, uint16_t dport, unsigned *n,
			     struct cni_err *err)
{
	_cleanup_(close_socket) struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	struct match_ctx m = {.l4proto = l4proto, .dport_be = htons(dport)};
	/* Zeroed: libmnl 1.0.4 leaves attribute padding uninitialised. */
	char buf[8192] = {0};
	uint32_t seq = (uint32_t)time(NULL);
	int ret = 0;

	*n = 0;
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "ctnetlink socket");
	if (!netns_has_entries(nl, buf, seq++))
		return 0;
	memset(buf, 0, sizeof(buf));
	if (talk(nl, ct_msg(buf, IPCTNL_MSG_CT_GET, NLM_F_DUMP, family, seq++), entry_cb, &m) < 0) {
		free(m.found);
		if (m.oom)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "conntrack dump");
		/* No conntrack in this kernel or netns: nothing to flush. */
		if (errno == EOPNOTSUPP || errno == ENOENT || errno == EPROTONOSUPPORT)
			return 0;
		return cni_errf(err, CNI_ERR_IO, errno, "conntrack dump");
	}
	for (size_t i = 0; i < m.n; i++) {
		struct nlmsghdr *nlh = ct_msg(buf, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, family, seq++);

		mnl_attr_put(nlh, CTA_TUPLE_ORIG | NLA_F_NESTED, m.found[i].len, m.found[i].data);
		if (talk(nl, nlh, NULL, NULL) == 0)
			(*n)++;
		else if (errno != ENOENT)
			ret = cni_errf(err, CNI_ERR_IO, errno, "delete conntrack entry");
	}
	free(m.found);
	return ret;
}
