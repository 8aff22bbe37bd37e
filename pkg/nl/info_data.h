/* Shared by the pkg/nl link kinds only: reading one attribute of a link's IFLA_INFO_DATA. */
#ifndef NL_INFO_DATA_H
#define NL_INFO_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "nl/nl.h"

/*
 * Copy len bytes of the IFLA_INFO_DATA attribute type of ifindex into buf; *found is false when
 * the kernel did not report it. A link whose IFLA_INFO_KIND is not kind fails with code 7.
 */
int nl_link_info_data_get(struct nl_handle *h, int ifindex, const char *kind, int type, void *buf,
			  size_t len, bool *found, struct cni_err *err);

#endif
