/* Client of fastpathd's control socket: typed requests in, typed replies out (no JSON above). */
#ifndef FASTPATH_FASTPATH_H
#define FASTPATH_FASTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cni/err.h"

#define FP_DEFAULT_SOCKET "/run/fastpathd/control.sock"
#define FP_NAME_MAX	  64
#define FP_SOCK_PATH_MAX  108 /* sizeof(sun_path), terminator included */
#define FP_DEVARGS_MAX	  256
#define FP_VLAN_MAX	  4094

enum fp_port_type {
	FP_PORT_VHOST_USER, /* a pod attachment: vhost-user socket */
	FP_PORT_ETHDEV,	    /* any DPDK device by devargs: a VF's PCI address, af_packet, tap */
};

/* fastpathd's role on the vhost-user socket. Client is the default: the daemon can restart
 * and reconnect without the pod's application noticing more than a link flap. */
enum fp_vhost_mode {
	FP_VHOST_CLIENT,
	FP_VHOST_SERVER,
};

struct fp_port_spec {
	char name[FP_NAME_MAX];
	enum fp_port_type type;
	char socket[FP_SOCK_PATH_MAX]; /* vhost-user only */
	enum fp_vhost_mode mode;       /* vhost-user only */
	char devargs[FP_DEVARGS_MAX];  /* ethdev only */
	bool has_mac;		       /* mac becomes a static MAC table entry */
	uint8_t mac[6];
	uint16_t vlan; /* access VLAN (or a trunk's native VLAN); 0 = the untagged segment */
	bool trunk;    /* frames of other VLANs cross this port 802.1Q-tagged */
	bool learn;    /* learn source MACs arriving here (uplinks) */
};

struct fp_port_counters {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_dropped; /* the device refused them, or no copy could be made */
	uint64_t rx_dropped; /* no destination: VLAN not carried, or a frame to itself */
	uint64_t flooded;    /* received frames that went to every port of their VLAN */
};

struct fp_port_info {
	struct fp_port_spec spec;
	uint16_t port_id; /* DPDK ethdev port id */
	bool link_up;
	bool has_counters; /* filled by fp_port_stats only */
	struct fp_port_counters counters;
};

struct fp_status {
	char version[32];
	unsigned workers;
	unsigned ports;
	unsigned macs;
	uint64_t uptime_sec;
	unsigned idle_sleep_max_us; /* 0: workers busy-poll */
};

struct fp_mac_entry {
	uint8_t mac[6];
	uint16_t vlan;
	char port[FP_NAME_MAX];
	bool is_static;
	uint32_t age_sec;
};

/* Why the daemon refused the last request. */
enum fp_reason {
	FP_REASON_NONE,
	FP_REASON_NOT_FOUND,
	FP_REASON_EXISTS,
	FP_REASON_INVALID,
	FP_REASON_BUSY,
	FP_REASON_DENIED,
	FP_REASON_INTERNAL,
	FP_REASON_UNREACHABLE, /* no daemon, or it went away mid-request */
};

struct fp_client {
	int fd;
	enum fp_reason reason; /* of the last failed call */
	size_t len;
	char buf[65536];
};

/* Connect to the control socket; a missing daemon is CNI_ERR_TRY_AGAIN with reason UNREACHABLE. */
int fp_connect(struct fp_client *c, const char *path, struct cni_err *err);
void fp_disconnect(struct fp_client *c);

/* Idempotent: the same spec again succeeds; a different spec under the same name is EXISTS. */
int fp_add_port(struct fp_client *c, const struct fp_port_spec *spec, struct fp_port_info *out,
		struct cni_err *err);
/* An unknown name fails with reason NOT_FOUND (a DEL that can treat it as done). */
int fp_del_port(struct fp_client *c, const char *name, struct cni_err *err);
int fp_get_port(struct fp_client *c, const char *name, struct fp_port_info *out,
		struct cni_err *err);
/* *out is malloc'd (free it); *n ports. */
int fp_list_ports(struct fp_client *c, struct fp_port_info **out, size_t *n, struct cni_err *err);
/* Like fp_list_ports, with counters. name NULL: every port. */
int fp_port_stats(struct fp_client *c, const char *name, struct fp_port_info **out, size_t *n,
		  struct cni_err *err);
int fp_list_macs(struct fp_client *c, struct fp_mac_entry **out, size_t *n, struct cni_err *err);
int fp_get_status(struct fp_client *c, struct fp_status *out, struct cni_err *err);

const char *fp_reason_name(enum fp_reason r);
/* "02:00:00:00:00:01" -> bytes; false when malformed. */
bool fp_parse_mac(const char *s, uint8_t mac[6]);
void fp_format_mac(const uint8_t mac[6], char out[18]);

#endif
