/* Walk sysfs from a VF's PCI address: physfn, the PF's virtfnN links, net/ and driver. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "sriov/pci.h"

const char *sriov_sysfs_root(void)
{
	const char *root = getenv("CNI_C_SYSFS_ROOT");

	return root && root[0] ? root : "/sys";
}

/* The last path component of the symlink at path, into out; false when it is no link. */
static bool link_basename(const char *path, char *out, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	if (n < 0)
		return false;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(out, len, "%s", base ? base + 1 : target);
	return true;
}

/* The first entry of <dev>/net/, the device's netdev as this netns's sysfs shows it. */
static void first_netdev(const char *dev, char *out, size_t len)
{
	char path[PATH_MAX];
	DIR *d;
	struct dirent *e;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/net", dev);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= len)
			continue;
		snprintf(out, len, "%s", e->d_name);
		break;
	}
	closedir(d);
}

/* The N of the PF's virtfnN that points at vf_pci_id. */
static int find_vf_index(const char *pf_dir, const char *vf_pci_id, unsigned *index,
			 struct cni_err *err)
{
	char path[PATH_MAX], name[SRIOV_PCI_ID_MAX];
	DIR *d = opendir(pf_dir);
	struct dirent *e;
	int rc = -1;

	if (!d)
		return cni_errf(err, CNI_ERR_IO, errno, "open %s", pf_dir);
	while ((e = readdir(d))) {
		char *end;
		unsigned long n;

		if (strncmp(e->d_name, "virtfn", 6) != 0)
			continue;
		n = strtoul(e->d_name + 6, &end, 10);
		if (end == e->d_name + 6 || *end)
			continue;
		snprintf(path, sizeof(path), "%s/%s", pf_dir, e->d_name);
		if (link_basename(path, name, sizeof(name)) && strcmp(name, vf_pci_id) == 0) {
			*index = (unsigned)n;
			rc = 0;
			break;
		}
	}
	closedir(d);
	if (rc < 0)
		cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "no virtfn link of %s points at %s",
			 pf_dir, vf_pci_id);
	return rc;
}

int sriov_vf_lookup(const char *pci_id, struct sriov_vf *out, struct cni_err *err)
{
	char dev[PATH_MAX], path[PATH_MAX], pf_dir[PATH_MAX];

	memset(out, 0, sizeof(*out));
	if (!pci_id[0] || strchr(pci_id, '/') || strlen(pci_id) >= sizeof(out->pci_id))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid PCI address \"%s\"",
				pci_id);
	snprintf(out->pci_id, sizeof(out->pci_id), "%s", pci_id);
	snprintf(dev, sizeof(dev), "%s/bus/pci/devices/%s", sriov_sysfs_root(), pci_id);
	if (access(dev, F_OK) < 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, errno, "PCI device %s not found",
				pci_id);
	snprintf(path, sizeof(path), "%s/physfn", dev);
	if (!link_basename(path, out->pf_pci_id, sizeof(out->pf_pci_id)))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, errno,
				"PCI device %s is not an SR-IOV VF (no physfn)", pci_id);
	snprintf(pf_dir, sizeof(pf_dir), "%s/bus/pci/devices/%s", sriov_sysfs_root(),
		 out->pf_pci_id);
	first_netdev(pf_dir, out->pf_name, sizeof(out->pf_name));
	if (!out->pf_name[0])
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"PF %s of VF %s has no network device", out->pf_pci_id, pci_id);
	if (find_vf_index(pf_dir, pci_id, &out->index, err) < 0)
		return -1;
	first_netdev(dev, out->netdev, sizeof(out->netdev));
	snprintf(path, sizeof(path), "%s/driver", dev);
	if (!link_basename(path, out->driver, sizeof(out->driver)))
		out->driver[0] = '\0';
	return 0;
}

bool sriov_driver_is_userspace(const char *driver)
{
	static const char *const drivers[] = {"vfio-pci", "uio_pci_generic", "igb_uio"};

	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (strcmp(driver, drivers[i]) == 0)
			return true;
	return false;
}
