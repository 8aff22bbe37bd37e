/* Name rules of the CNI reference: container IDs, network names and interface names. */
#include "cni/names.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#define CNI_MAX_IFNAME_LEN 15

static bool name_is_valid(const char *s)
{
	if (!isalnum((unsigned char)s[0]))
		return false;
	for (const char *p = s + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return false;
	return true;
}

int cni_validate_container_id(const char *id, struct cni_err *err)
{
	if (!id || !id[0])
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0, "missing containerID");
	if (!name_is_valid(id)) {
		cni_errf(err, CNI_ERR_INVALID_ENV, 0, "invalid characters in containerID");
		return cni_err_details(err, "%s", id);
	}
	return 0;
}

int cni_validate_network_name(const char *name, struct cni_err *err)
{
	if (!name || !name[0])
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "missing network name");
	if (!name_is_valid(name)) {
		cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
			 "invalid characters found in network name");
		return cni_err_details(err, "%s", name);
	}
	return 0;
}

int cni_validate_ifname(const char *ifname, struct cni_err *err)
{
	if (!ifname || !ifname[0])
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0, "interface name is empty");
	if (strlen(ifname) > CNI_MAX_IFNAME_LEN) {
		cni_errf(err, CNI_ERR_INVALID_ENV, 0, "interface name is too long");
		return cni_err_details(err, "interface name should be less than %d characters",
				       CNI_MAX_IFNAME_LEN + 1);
	}
	if (!strcmp(ifname, ".") || !strcmp(ifname, ".."))
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0, "interface name is . or ..");
	for (const char *p = ifname; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return cni_errf(err, CNI_ERR_INVALID_ENV, 0,
					"interface name contains / or : or whitespace characters");
	return 0;
}
