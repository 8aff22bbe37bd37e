/* Sysctls and link attributes in the container: save them, change them, restore them, verify them.
 */
#include <errno.h>
#include <linux/if.h>
#include <stdio.h>
#include <string.h>

#include "cni/log.h"
#include "nl/link_attrs.h"
#include "tuning.h"

/* CHECK's findings, as the other plugins report a container that is not as ADD left it. */
#define MISMATCH CNI_ERR_UNKNOWN_CONTAINER

#define SYSCTL_VALUE_MAX 4096

static bool backup_has_sysctl(const struct tuning_backup *b, const char *rel)
{
	for (size_t i = 0; i < b->n_sysctls; i++)
		if (!strcmp(b->sysctls[i].key, rel))
			return true;
	return false;
}

static int save_sysctls(struct nl_handle *ctr, const struct tuning_config *c, const char *ifname,
			struct tuning_backup *b, struct cni_err *err)
{
	char rel[PATH_MAX], value[SYSCTL_VALUE_MAX];

	for (size_t i = 0; i < c->n_sysctls; i++) {
		if (tuning_sysctl_path(c->sysctls[i].key, ifname, rel, err) < 0)
			return -1;
		/* Two keys naming one file ("IFNAME" and the name itself): the first value is the
		 * original. */
		if (backup_has_sysctl(b, rel))
			continue;
		if (nl_sysctl_read(ctr, rel, value, sizeof(value), err) < 0 ||
		    tuning_backup_add_sysctl(b, rel, value, err) < 0)
			return -1;
	}
	return 0;
}

int tuning_save(struct nl_handle *ctr, const struct nl_link_info *link,
		const struct tuning_config *c, const char *ifname, struct tuning_backup *b,
		struct cni_err *err)
{
	memset(b, 0, sizeof(*b));
	if (save_sysctls(ctr, c, ifname, b, err) < 0)
		return -1;
	if (c->mac && c->mac[0]) {
		memcpy(b->mac, link->mac, NL_MAC_LEN);
		b->has_mac = true;
	}
	if (c->promisc) {
		b->promisc = link->flags & IFF_PROMISC;
		b->has_promisc = true;
	}
	b->mtu = c->mtu ? link->mtu : 0;
	if (c->has_allmulti) {
		b->allmulti = link->flags & IFF_ALLMULTI;
		b->has_allmulti = true;
	}
	if (c->has_txqlen) {
		if (nl_link_get_txqlen(ctr, link->ifindex, &b->txqlen, err) < 0)
			return cni_err_wrap(err, "failed to get %s", ifname);
		b->has_txqlen = true;
	}
	return 0;
}

int tuning_apply(struct nl_handle *ctr, const struct nl_link_info *link,
		 const struct tuning_config *c, const char *ifname, struct cni_err *err)
{
	char rel[PATH_MAX];
	uint8_t mac[NL_MAC_LEN];
	int i = link->ifindex;

	for (size_t k = 0; k < c->n_sysctls; k++)
		if (tuning_sysctl_path(c->sysctls[k].key, ifname, rel, err) < 0 ||
		    nl_sysctl_write(ctr, rel, c->sysctls[k].value, err) < 0)
			return -1;
	if (c->mac && c->mac[0] &&
	    (tuning_mac_parse(c->mac, mac, err) < 0 || nl_link_set_mac(ctr, i, mac, err) < 0))
		return cni_err_wrap(err, "failed to set MAC address of %s", ifname);
	if (c->promisc && nl_link_set_promisc(ctr, i, true, err) < 0)
		return cni_err_wrap(err, "failed to set promiscuous mode of %s", ifname);
	if (c->mtu && nl_link_set_mtu(ctr, i, c->mtu, err) < 0)
		return cni_err_wrap(err, "failed to set MTU of %s", ifname);
	if (c->has_allmulti && nl_link_set_allmulti(ctr, i, c->allmulti, err) < 0)
		return cni_err_wrap(err, "failed to set all-multicast mode of %s", ifname);
	if (c->has_txqlen && nl_link_set_txqlen(ctr, i, c->txqlen, err) < 0)
		return cni_err_wrap(err, "failed to set transmit queue length of %s", ifname);
	return 0;
}

/* Keep the first failure in err, log every one, and go on: restore as much as possible. */
static void restore_failed(struct cni_err *first, struct cni_err *e, const char *what)
{
	cni_err_wrap(e, "failed to restore %s", what);
	cni_log_warn("%s", e->msg);
	if (!cni_err_is_set(first))
		*first = *e;
	cni_err_clear(e);
}

static void restore_link(struct nl_handle *ctr, const struct nl_link_info *link,
			 const struct tuning_backup *b, struct cni_err *first)
{
	struct cni_err e = {0};
	int i = link->ifindex;

	/* The reference's order: MTU first, so a MAC or flag change never meets a bad MTU. */
	if (b->mtu && nl_link_set_mtu(ctr, i, b->mtu, &e) < 0)
		restore_failed(first, &e, "MTU");
	if (b->has_mac && nl_link_set_mac(ctr, i, b->mac, &e) < 0)
		restore_failed(first, &e, "MAC address");
	if (b->has_promisc && nl_link_set_promisc(ctr, i, b->promisc, &e) < 0)
		restore_failed(first, &e, "promiscuous mode");
	if (b->has_allmulti && nl_link_set_allmulti(ctr, i, b->allmulti, &e) < 0)
		restore_failed(first, &e, "all-multicast mode");
	if (b->has_txqlen && nl_link_set_txqlen(ctr, i, b->txqlen, &e) < 0)
		restore_failed(first, &e, "transmit queue length");
}

int tuning_restore(struct nl_handle *ctr, const struct nl_link_info *link,
		   const struct tuning_backup *b, struct cni_err *err)
{
	struct cni_err first = {0}, e = {0};

	if (link)
		restore_link(ctr, link, b, &first);
	/* Last: a restored MTU resets per-interface sysctls such as net.ipv6.conf.X.mtu. */
	for (size_t i = 0; i < b->n_sysctls; i++) {
		/* The file is ours, but check again that it names a net sysctl. */
		if (tuning_sysctl_rel_check(b->sysctls[i].key, &e) < 0 ||
		    nl_sysctl_write(ctr, b->sysctls[i].key, b->sysctls[i].value, &e) < 0) {
			/* Per-interface sysctls vanish with their link: nothing to restore. */
			if (!link && e.errnum == ENOENT) {
				cni_err_clear(&e);
				continue;
			}
			restore_failed(&first, &e, "sysctl");
		}
	}
	if (cni_err_is_set(&first)) {
		*err = first;
		return -1;
	}
	return 0;
}

static int verify_sysctls(struct nl_handle *ctr, const struct tuning_config *c, const char *ifname,
			  struct cni_err *err)
{
	char rel[PATH_MAX], value[SYSCTL_VALUE_MAX];

	for (size_t i = 0; i < c->n_sysctls; i++) {
		if (tuning_sysctl_path(c->sysctls[i].key, ifname, rel, err) < 0 ||
		    nl_sysctl_read(ctr, rel, value, sizeof(value), err) < 0)
			return -1;
		if (strcmp(value, c->sysctls[i].value) != 0)
			return cni_errf(err, MISMATCH, 0,
					"Error: Tuning configured value of /proc/sys/%s is %s, "
					"current value is %s",
					rel, c->sysctls[i].value, value);
	}
	return 0;
}

static int verify_flags(const struct tuning_config *c, const struct nl_link_info *link,
			const char *ifname, struct cni_err *err)
{
	bool promisc = link->flags & IFF_PROMISC, allmulti = link->flags & IFF_ALLMULTI;

	/* As the reference: promisc false in the config means the link must not be promiscuous. */
	if (c->promisc != promisc)
		return cni_errf(
			err, MISMATCH, 0,
			"Error: Tuning link %s configured promisc is %s, current value is %d",
			ifname, c->promisc ? "true" : "false", promisc);
	if (c->has_allmulti && c->allmulti != allmulti)
		return cni_errf(err, MISMATCH, 0,
				"Error: Tuning configured all-multicast mode of %s is %s, current "
				"value is %s",
				ifname, c->allmulti ? "true" : "false",
				allmulti ? "true" : "false");
	return 0;
}

int tuning_verify(struct nl_handle *ctr, const struct tuning_config *c, const char *ifname,
		  struct cni_err *err)
{
	struct nl_link_info link;
	uint8_t mac[NL_MAC_LEN];
	unsigned qlen;

	if (verify_sysctls(ctr, c, ifname, err) < 0)
		return -1;
	if (nl_link_get_by_name(ctr, ifname, &link, err) < 0)
		return cni_errf(err, MISMATCH, 0, "Cannot find container link %s", ifname);
	if (c->mac && c->mac[0]) {
		if (tuning_mac_parse(c->mac, mac, err) < 0)
			return -1;
		if (memcmp(mac, link.mac, NL_MAC_LEN) != 0)
			return cni_errf(err, MISMATCH, 0,
					"Error: Tuning configured Ethernet of %s is %s, current "
					"value is %s",
					ifname, c->mac, link.mac_str);
	}
	if (verify_flags(c, &link, ifname, err) < 0)
		return -1;
	if (c->mtu && c->mtu != link.mtu)
		return cni_errf(err, MISMATCH, 0,
				"Error: Tuning configured MTU of %s is %u, current value is %u",
				ifname, c->mtu, link.mtu);
	if (c->has_txqlen) {
		if (nl_link_get_txqlen(ctr, link.ifindex, &qlen, err) < 0)
			return -1;
		if (qlen != c->txqlen)
			return cni_errf(
				err, MISMATCH, 0,
				"Error: Tuning configured Transmit Queue Length of %s is %u, "
				"current value is %u",
				ifname, c->txqlen, qlen);
	}
	return 0;
}
