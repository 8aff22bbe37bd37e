/* Traffic-control messages of the netlink layer: qdiscs, u32/mirred and bpf filters, IFB links. */
#ifndef NL_TC_H
#define NL_TC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl/nl.h"

/* Handles as the kernel spells them (major:minor in one u32). */
#define NL_TC_HANDLE(maj, min) (((uint32_t)(maj) << 16) | ((uint32_t)(min)&0xffffu))
#define NL_TC_ROOT	       0xffffffffu
/* The ingress/clsact qdisc's parent and handle, and the clsact hooks' filter parents. */
#define NL_TC_INGRESS_PARENT 0xfffffff1u
#define NL_TC_INGRESS_HANDLE 0xffff0000u
#define NL_TC_HOOK_INGRESS   0xfffffff2u
#define NL_TC_HOOK_EGRESS    0xfffffff3u

struct nl_tbf {
	uint64_t rate;	 /* bytes per second */
	uint32_t limit;	 /* bytes */
	uint32_t buffer; /* psched ticks */
};

struct nl_qdisc {
	int ifindex;
	uint32_t handle;
	uint32_t parent;
	char kind[16];
	struct nl_tbf tbf; /* when kind is "tbf" */
};

/* Every qdisc of ifindex (0: all links); *out is malloc'd. */
int nl_qdisc_list(struct nl_handle *h, int ifindex, struct nl_qdisc **out, size_t *n,
		  struct cni_err *err);
/* NLM_F_EXCL: an existing qdisc at that parent fails with EEXIST. */
int nl_qdisc_add_tbf(struct nl_handle *h, int ifindex, uint32_t parent, uint32_t handle,
		     const struct nl_tbf *tbf, struct cni_err *err);
/* A qdisc without options: "ingress", "clsact", "fq". */
int nl_qdisc_add(struct nl_handle *h, int ifindex, uint32_t parent, uint32_t handle,
		 const char *kind, struct cni_err *err);
int nl_qdisc_del(struct nl_handle *h, int ifindex, uint32_t parent, uint32_t handle,
		 struct cni_err *err);

struct nl_filter {
	uint32_t parent;
	uint16_t prio;
	uint32_t handle;
	char kind[16];
	char bpf_name[64]; /* bpf: TCA_BPF_NAME */
	uint32_t bpf_id;   /* bpf: the program's id */
	int redirect;	   /* u32: the first mirred action's target ifindex, 0 for none */
	unsigned n_actions;
};

/* Filters of ifindex at parent; *out is malloc'd. */
int nl_filter_list(struct nl_handle *h, int ifindex, uint32_t parent, struct nl_filter **out,
		   size_t *n, struct cni_err *err);
/*
 * A u32 filter matching every packet (protocol all) that redirects it to the egress of redirect.
 * Two mirred actions (stolen, then pass), as vishvananda/netlink writes the reference's filter,
 * so the state is the reference's.
 */
int nl_filter_add_u32_redirect(struct nl_handle *h, int ifindex, uint32_t parent, uint16_t prio,
			       uint32_t classid, int redirect, struct cni_err *err);
/* A direct-action bpf filter (protocol all) running prog_fd, named name. */
int nl_filter_add_bpf(struct nl_handle *h, int ifindex, uint32_t parent, uint16_t prio,
		      uint32_t handle, int prog_fd, const char *name, struct cni_err *err);
/* Every filter of prio at parent (protocol all). */
int nl_filter_del(struct nl_handle *h, int ifindex, uint32_t parent, uint16_t prio,
		  struct cni_err *err);

/* An IFB link, up, with mtu (0: default), txqueuelen 0 as the reference makes it, and alias. */
int nl_ifb_create(struct nl_handle *h, const char *name, unsigned mtu, const char *alias,
		  struct cni_err *err);

struct nl_ifb {
	struct nl_link_info info;
	char alias[256]; /* IFLA_IFALIAS, "" for none */
};

/* Every IFB link whose name starts with prefix; *out is malloc'd. */
int nl_ifb_list(struct nl_handle *h, const char *prefix, struct nl_ifb **out, size_t *n,
		struct cni_err *err);

#endif
