/* SR-IOV in sysfs: from a VF's PCI address to its PF netdev, VF index, netdev and driver. */
#ifndef SRIOV_PCI_H
#define SRIOV_PCI_H

#include <stdbool.h>

#include "cni/err.h"
#include "nl/nl.h"

#define SRIOV_PCI_ID_MAX 64

struct sriov_vf {
	char pci_id[SRIOV_PCI_ID_MAX];	  /* the VF, "0000:03:02.1" */
	char pf_pci_id[SRIOV_PCI_ID_MAX]; /* its physfn */
	char pf_name[NL_IFNAMSIZ];	  /* the PF's netdev */
	unsigned index;			  /* N of the PF's virtfnN link to the VF */
	char netdev[NL_IFNAMSIZ];	  /* the VF's netdev in this netns, "" when none */
	char driver[64];		  /* bound driver, "" when none */
};

/*
 * The sysfs root: $CNI_C_SYSFS_ROOT when set (tests point it at a fake tree mapping a PCI address
 * to a netdevsim PF and a veth standing for the VF netdev), else "/sys".
 */
const char *sriov_sysfs_root(void);

/*
 * Look up pci_id under <root>/bus/pci/devices. A device that is absent, not a VF, or whose PF has
 * no netdev fails with code 7 (the config names the wrong device).
 */
int sriov_vf_lookup(const char *pci_id, struct sriov_vf *out, struct cni_err *err);

/* A driver that hands the device to user space (DPDK mode): vfio-pci, uio_pci_generic, igb_uio. */
bool sriov_driver_is_userspace(const char *driver);

#endif
