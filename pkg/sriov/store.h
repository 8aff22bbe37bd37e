/*
 * What the sriov plugin keeps under dataDir: each attachment's saved VF state (for DEL), the
 * per-VF lock, and the record of which attachment holds a VF (sriov-cni#219).
 */
#ifndef SRIOV_STORE_H
#define SRIOV_STORE_H

#include <stdbool.h>

#include "cni/err.h"
#include "nl/nl.h"
#include "nl/vf.h"
#include "sriov/pci.h"

#define SRIOV_DEFAULT_DATA_DIR "/var/lib/cni/sriov"
#define SRIOV_ID_MAX	       256

/* One attachment: enough to undo it with the pod's netns gone and the config changed. */
struct sriov_saved {
	char pci_id[SRIOV_PCI_ID_MAX];
	char pf_name[NL_IFNAMSIZ];
	unsigned vf_index;
	bool dpdk;
	/* Kernel mode: the VF netdev as it was in the node's netns. */
	char host_ifname[NL_IFNAMSIZ];
	uint8_t host_mac[NL_MAC_LEN];
	unsigned host_mtu;
	/* The PF-side values ADD changed, as they were before (orig.has: which). */
	struct nl_vf_state orig;
	/* DPDK mode with fastpath: the port ADD made. */
	char fastpath_port[64];
	char fastpath_socket[108];
};

/* <dir>/<containerID>-<ifname>.json; *found false when absent (an earlier DEL ran). */
int sriov_saved_write(const char *dir, const char *container_id, const char *ifname,
		      const struct sriov_saved *s, struct cni_err *err);
int sriov_saved_read(const char *dir, const char *container_id, const char *ifname,
		     struct sriov_saved *s, bool *found, struct cni_err *err);
int sriov_saved_remove(const char *dir, const char *container_id, const char *ifname,
		       struct cni_err *err);

/* flock on <dir>/vf/<pci_id>.lock, held until the returned fd is closed. */
int sriov_vf_lock(const char *dir, const char *pci_id, struct cni_err *err);

/* <dir>/vf/<pci_id>: "<containerID>\r\n<ifname>" of the attachment that holds the VF. */
int sriov_owner_write(const char *dir, const char *pci_id, const char *container_id,
		      const char *ifname, struct cni_err *err);
/* *found false when nobody holds it; container_id and ifname are SRIOV_ID_MAX bytes. */
int sriov_owner_read(const char *dir, const char *pci_id, char *container_id, char *ifname,
		     bool *found, struct cni_err *err);
int sriov_owner_remove(const char *dir, const char *pci_id, struct cni_err *err);

#endif
