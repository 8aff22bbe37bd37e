/* Deleting a link by its name, for the moment between creating a link and learning its index. */
#ifndef NL_LINK_DELETE_H
#define NL_LINK_DELETE_H

#include "nl/nl.h"

/*
 * RTM_DELLINK by IFLA_IFNAME in one request. A plugin that has just created a link under a name
 * only it uses calls this when looking the link up fails, so the failed ADD leaves no link.
 */
int nl_link_delete_by_name(struct nl_handle *h, const char *name, struct cni_err *err);

#endif
