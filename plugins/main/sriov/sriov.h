/* The sriov plugin's parts: its typed config, and the steps on the PF, the VF netdev and DPDK. */
#ifndef SRIOV_PLUGIN_H
#define SRIOV_PLUGIN_H

#include <limits.h>
#include <stdbool.h>

#include "cni/err.h"
#include "cni/skel.h"
#include "fastpath/fastpath.h"
#include "nl/vf.h"
#include "sriov/pci.h"
#include "sriov/store.h"
#include "stacked/stacked.h"
#include "undo/undo.h"

struct sriov_config {
	char device_id[SRIOV_PCI_ID_MAX]; /* deviceID, runtimeConfig.deviceID wins */
	struct nl_vf_state vf;		  /* the PF-side settings the config asks for (vf.has) */
	bool has_min_tx_rate, has_max_tx_rate;
	int mtu; /* 0: leave the VF netdev's MTU */
	bool has_ipam;
	char data_dir[PATH_MAX];
	bool fastpath;
	char fastpath_socket[FP_SOCK_PATH_MAX];
};

/* Every key, sriov-cni's names and checks; errors are code 7. */
int sriov_config_parse(const struct cni_request *req, struct sriov_config *c, struct cni_err *err);
/* Only dataDir: what DEL needs, so it works whatever else the config got wrong. */
void sriov_config_data_dir(const struct cni_request *req, char *out, size_t len);

/* One invocation: namespaces, config, the VF found in sysfs and the state saved for DEL. */
struct sriov_run {
	struct stacked_run ns;
	struct sriov_config conf;
	struct sriov_vf vf;
	struct sriov_saved saved;
	int pf_ifindex;
	int lock_fd;
};

/* PF side. Record in run->saved.orig the current values of what the config changes. */
int sriov_pf_read(struct sriov_run *run, struct cni_err *err);
/* Apply the config's VF settings on the PF; the restore is pushed on undo. */
int sriov_pf_apply(struct sriov_run *run, struct undo_stack *undo, struct cni_err *err);
/* Put back saved->orig (best effort: each failure is logged). */
/* Every saved attribute is tried; the first failure is returned (DEL keeps its record). */
int sriov_pf_restore(struct nl_handle *host, const struct sriov_saved *saved, struct cni_err *err);
/* CHECK: the PF reports what the config set. */
int sriov_pf_check(struct sriov_run *run, struct cni_err *err);

/* The VF netdev (kernel mode): into the pod renamed to ifname with mac and mtu, and back. */
int sriov_netdev_attach(struct sriov_run *run, struct undo_stack *undo, struct nl_link_info *out,
			struct cni_err *err);
/* ctr NULL: the pod's netns is gone, so the kernel has put the VF netdev back in the node's. */
int sriov_netdev_release(struct nl_handle *host, struct nl_handle *ctr, const char *ifname,
			 const struct sriov_saved *saved, struct cni_err *err);

/* DPDK mode with fastpath: the VF as a fastpathd port, and its removal. */
int sriov_fastpath_attach(struct sriov_run *run, struct undo_stack *undo, struct cni_err *err);
int sriov_fastpath_detach(const struct sriov_saved *saved, struct cni_err *err);
/* CHECK: fastpathd still has the port (code 3 when not). */
int sriov_fastpath_check(const struct sriov_saved *saved, struct cni_err *err);

#endif
