/* The plugin skeleton: reads the CNI_* environment and stdin, dispatches a verb, prints the answer.
 */
#ifndef CNI_SKEL_H
#define CNI_SKEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cni/err.h"
#include "cni/result.h"

enum cni_command {
	CNI_CMD_ADD,
	CNI_CMD_DEL,
	CNI_CMD_CHECK,
	CNI_CMD_STATUS,
	CNI_CMD_GC,
	CNI_CMD_VERSION,
};

struct cni_arg {
	char *key;
	char *value;
};

struct cni_attachment {
	const char *container_id;
	const char *ifname;
};

/* Everything a verb gets: the environment and the parsed common part of the config. */
struct cni_request {
	enum cni_command command;
	const char *command_name;
	/* CNI_* environment; NULL when unset or empty. */
	const char *container_id;
	const char *netns;
	const char *ifname;
	const char *args;
	const char *path;

	/* The whole stdin object. Only config parsers read it; layers below get typed structs. */
	json_t *config;
	/* stdin's bytes as read, for a parser that must see what JSON parsing drops (a repeated
	 * key). */
	char *raw_config;
	size_t raw_config_len;
	char cni_version[16]; /* "0.1.0" when the config gives none, as the reference */
	const char *name;
	const char *type;
	json_t *ipam;		/* the "ipam" object, or NULL */
	json_t *runtime_config; /* the "runtimeConfig" object, or NULL */
	json_t *args_object;	/* the "args" object, or NULL */
	struct cni_dns dns;	/* the config's "dns" */
	bool has_prev_result;
	struct cni_result prev_result;

	/* CNI_ARGS split into pairs, in order. */
	struct cni_arg *cni_args;
	size_t n_cni_args;

	/* GC: "cni.dev/valid-attachments". */
	struct cni_attachment *valid_attachments;
	size_t n_valid_attachments;
};

struct cni_plugin {
	const char *name;
	const char *about; /* printed on stderr when CNI_COMMAND is unset */
	/* CNI_ARGS keys this plugin understands (NULL-terminated); others need IgnoreUnknown. */
	const char *const *args_keys;
	int (*add)(struct cni_request *req, struct cni_result *result, struct cni_err *err);
	int (*del)(struct cni_request *req, struct cni_err *err);
	int (*check)(struct cni_request *req, struct cni_err *err);
	int (*status)(struct cni_request *req, struct cni_err *err);
	int (*gc)(struct cni_request *req, struct cni_err *err);
};

/* Run one plugin invocation; returns the process exit status. */
int cni_skel_main(const struct cni_plugin *plugin);

/* Value of a CNI_ARGS key (the last one when repeated), or NULL. */
const char *cni_request_arg(const struct cni_request *req, const char *key);

/* True when (container_id, ifname) is in the GC valid list. */
bool cni_request_attachment_is_valid(const struct cni_request *req, const char *container_id,
				     const char *ifname);

#endif
