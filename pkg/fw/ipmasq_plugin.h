/* ipMasq as a main plugin uses it: the config keys, and setup/teardown/gc from a request. */
#ifndef FW_IPMASQ_PLUGIN_H
#define FW_IPMASQ_PLUGIN_H

#include <stdbool.h>

#include "cni/err.h"
#include "cni/result.h"
#include "cni/skel.h"
#include "fw/fw.h"
#include "undo/undo.h"

struct fw_ipmasq_config {
	bool enabled;		 /* "ipMasq" */
	enum fw_backend backend; /* "ipMasqBackend"; default: nftables when the kernel has it */
};

/* Read "ipMasq" and "ipMasqBackend" from a plugin's config, as the reference's bridge and ptp. */
int fw_ipmasq_config_parse(const json_t *config, struct fw_ipmasq_config *c, struct cni_err *err);

/*
 * ADD: masquerade the result's addresses for (network, ifname, container) and push the teardown
 * on undo, so a later failure of the ADD removes the rules again.
 */
int fw_ipmasq_plugin_add(const struct fw_ipmasq_config *c, const struct cni_request *req,
			 const struct cni_result *result, struct undo_stack *undo,
			 struct cni_err *err);
/* DEL: remove them, with the prevResult's addresses when there is one (none is fine too). */
int fw_ipmasq_plugin_del(const struct fw_ipmasq_config *c, const struct cni_request *req,
			 struct cni_err *err);
/* GC: remove the rules of this network's attachments that are not in the valid list. */
int fw_ipmasq_plugin_gc(const struct fw_ipmasq_config *c, const struct cni_request *req,
			struct cni_err *err);

#endif
