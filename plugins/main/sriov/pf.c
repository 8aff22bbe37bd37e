/* The PF side of a VF: read what the config will change, apply it, restore it, check it. */
#include <errno.h>
#include <string.h>

#include "cni/log.h"
#include "sriov.h"

static int pf_open(struct sriov_run *run, struct cni_err *err)
{
	struct nl_link_info pf;

	if (run->pf_ifindex)
		return 0;
	if (nl_link_get_by_name(run->ns.host, run->vf.pf_name, &pf, err) < 0)
		return cni_err_wrap(err, "PF of %s", run->vf.pci_id);
	run->pf_ifindex = pf.ifindex;
	return 0;
}

int sriov_pf_read(struct sriov_run *run, struct cni_err *err)
{
	const struct nl_vf_state *want = &run->conf.vf;
	struct nl_vf_state cur;

	run->saved.orig.has = 0;
	if (pf_open(run, err) < 0)
		return -1;
	/* A PF without VF attributes is fine as long as the config asks for none. */
	if (!want->has)
		return 0;
	if (nl_vf_get(run->ns.host, run->pf_ifindex, run->vf.index, &cur, err) < 0) {
		err->code = CNI_ERR_INVALID_CONFIG;
		return cni_err_wrap(err, "PF %s", run->vf.pf_name);
	}
	if ((want->has & cur.has) != want->has)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"PF %s does not report every VF attribute the config sets "
				"(wanted 0x%x, reports 0x%x)",
				run->vf.pf_name, want->has, cur.has);
	run->saved.orig = cur;
	run->saved.orig.has = want->has;
	return 0;
}

static void undo_pf_restore(void *arg)
{
	struct sriov_run *run = *(struct sriov_run **)arg;

	struct cni_err err = {0};

	if (sriov_pf_restore(run->ns.host, &run->saved, &err) < 0)
		cni_log_warn("rollback: %s", err.msg);
}

int sriov_pf_apply(struct sriov_run *run, struct undo_stack *undo, struct cni_err *err)
{
	struct nl_vf_state want = run->conf.vf;

	if (!want.has)
		return 0;
	/* IFLA_VF_RATE sets both rates: the one the config leaves out keeps its value. */
	if (!run->conf.has_min_tx_rate)
		want.min_tx_rate = run->saved.orig.min_tx_rate;
	if (!run->conf.has_max_tx_rate)
		want.max_tx_rate = run->saved.orig.max_tx_rate;
	if (undo_push(undo, undo_pf_restore, &run, sizeof(run)) < 0)
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "undo stack full");
	if (nl_vf_set(run->ns.host, run->pf_ifindex, run->vf.index, &want, err) < 0)
		return cni_err_wrap(err, "PF %s", run->vf.pf_name);
	return 0;
}

int sriov_pf_restore(struct nl_handle *host, const struct sriov_saved *saved, struct cni_err *err)
{
	struct nl_link_info pf;
	int rc = 0;

	if (!saved->orig.has)
		return 0;
	if (nl_link_get_by_name(host, saved->pf_name, &pf, err) < 0)
		return cni_err_wrap(err, "restore VF %u", saved->vf_index);
	/* One attribute at a time, so one the driver refuses (Intel PFs reject an all-zero MAC,
	 * which is how an unset one reads back) does not keep the others from being restored. */
	for (unsigned bit = 1; bit <= NL_VF_HAS_RATE; bit <<= 1) {
		struct nl_vf_state one = saved->orig;
		struct cni_err e = {0};

		if (!(saved->orig.has & bit))
			continue;
		one.has = bit;
		if (nl_vf_set(host, pf.ifindex, saved->vf_index, &one, &e) < 0) {
			cni_log_warn("restore PF %s: %s", saved->pf_name, e.msg);
			if (rc == 0) {
				*err = e;
				rc = cni_err_wrap(err, "restore PF %s", saved->pf_name);
			}
		}
	}
	return rc;
}

static int mismatch(struct cni_err *err, const char *what, unsigned vf, long want, long got)
{
	return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0, "VF %u %s is %ld, configured %ld", vf,
			what, got, want);
}

int sriov_pf_check(struct sriov_run *run, struct cni_err *err)
{
	const struct nl_vf_state *w = &run->conf.vf;
	struct nl_vf_state g;
	unsigned vf = run->vf.index;
	char a[NL_MAC_STRLEN], b[NL_MAC_STRLEN];

	if (!w->has)
		return 0;
	if (pf_open(run, err) < 0 || nl_vf_get(run->ns.host, run->pf_ifindex, vf, &g, err) < 0)
		return -1;
	if ((w->has & NL_VF_HAS_MAC) && memcmp(w->mac, g.mac, NL_MAC_LEN) != 0)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0, "VF %u MAC is %s, configured %s",
				vf, nl_mac_str(g.mac, a), nl_mac_str(w->mac, b));
	if (w->has & NL_VF_HAS_VLAN) {
		if (g.vlan != w->vlan)
			return mismatch(err, "vlan", vf, w->vlan, g.vlan);
		if (g.qos != w->qos)
			return mismatch(err, "vlan QoS", vf, w->qos, g.qos);
		if (g.vlan_proto && g.vlan_proto != w->vlan_proto)
			return mismatch(err, "vlan proto", vf, w->vlan_proto, g.vlan_proto);
	}
	if ((w->has & NL_VF_HAS_SPOOFCHK) && g.spoofchk != w->spoofchk)
		return mismatch(err, "spoofchk", vf, w->spoofchk, g.spoofchk);
	if ((w->has & NL_VF_HAS_TRUST) && g.trust != w->trust)
		return mismatch(err, "trust", vf, w->trust, g.trust);
	if ((w->has & NL_VF_HAS_LINK_STATE) && g.link_state != w->link_state)
		return mismatch(err, "link_state", vf, w->link_state, g.link_state);
	if (run->conf.has_min_tx_rate && g.min_tx_rate != w->min_tx_rate)
		return mismatch(err, "min_tx_rate", vf, w->min_tx_rate, g.min_tx_rate);
	if (run->conf.has_max_tx_rate && g.max_tx_rate != w->max_tx_rate)
		return mismatch(err, "max_tx_rate", vf, w->max_tx_rate, g.max_tx_rate);
	return 0;
}
