/* dpdk-vhost: shared types of the plugin's files (config, attachment files, fastpathd calls). */
#ifndef DPDK_VHOST_H
#define DPDK_VHOST_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "cni/err.h"
#include "cni/result.h"
#include "cni/skel.h"
#include "fastpath/fastpath.h"

#define DV_DEFAULT_SOCKET_DIR "/run/cni-c/vhost"
#define DV_SOCKET_NAME	      "vhost-user.sock"
#define DV_INFO_NAME	      "attachment.json"
/* Our ports on fastpathd: the prefix plus a hash of the attachment, so a port is ours only when
 * it has this prefix and its socket lies under our socketDir. */
#define DV_PORT_PREFIX "dv-"

struct dv_config {
	char control_socket[FP_SOCK_PATH_MAX];
	char socket_dir[PATH_MAX];
	enum fp_vhost_mode mode; /* fastpathd's role on the socket */
	bool has_mac;
	uint8_t mac[6];
	uint16_t vlan;
	bool has_ipam;
};

/* Where one attachment lives on the host. */
struct dv_paths {
	char dir[PATH_MAX];
	char socket[FP_SOCK_PATH_MAX];
	char info[PATH_MAX];
	char port[FP_NAME_MAX];
};

/* config.c */
int dv_config_parse(const struct cni_request *req, struct dv_config *c, struct cni_err *err);
/* The attachment's directory, socket, info file and port name; code 7 when the socket path does
 * not fit a Unix socket address. */
int dv_paths_make(const struct dv_config *c, const char *container_id, const char *ifname,
		  struct dv_paths *p, struct cni_err *err);
/* A stable locally administered MAC for an attachment that was given none. */
void dv_default_mac(const char *container_id, const char *ifname, uint8_t mac[6]);

/* attachment.c: the per-attachment directory and the JSON file for the pod's application. */
int dv_attachment_mkdir(const struct dv_config *c, const struct dv_paths *p, struct cni_err *err);
int dv_attachment_write(const struct cni_request *req, const struct dv_config *c,
			const struct dv_paths *p, const uint8_t mac[6],
			const struct cni_result *result, struct cni_err *err);
/* Remove the directory and what we put in it; a missing directory is fine. */
int dv_attachment_remove(const struct dv_paths *p, struct cni_err *err);
bool dv_attachment_exists(const struct dv_paths *p);

/* Visit every attachment directory under socketDir that has an info file. */
struct dv_attachment_ref {
	const char *network;
	const char *container_id;
	const char *ifname;
};
typedef int (*dv_attachment_fn)(const struct dv_attachment_ref *a, void *data, struct cni_err *err);
int dv_attachment_foreach(const struct dv_config *c, dv_attachment_fn fn, void *data,
			  struct cni_err *err);

/* daemon.c: fastpathd. */
int dv_port_add(const struct dv_config *c, const struct dv_paths *p, const uint8_t mac[6],
		struct cni_err *err);
/* *removed tells whether the daemon was reached; an unreachable daemon is not an error here. */
int dv_port_del(const struct dv_config *c, const char *port, bool *reached, struct cni_err *err);
int dv_port_check(const struct dv_config *c, const struct dv_paths *p, const uint8_t mac[6],
		  struct cni_err *err);
/* Drop our ports whose attachment file is gone (left by a DEL while the daemon was down). */
int dv_ports_reconcile(const struct dv_config *c, struct cni_err *err);
int dv_daemon_status(const struct dv_config *c, struct cni_err *err);

#endif
