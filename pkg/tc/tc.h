/* Traffic control for shaping: tbf as the reference, IFB redirects, and EDT (tc-bpf + fq). */
#ifndef TC_TC_H
#define TC_TC_H

#include <stdbool.h>
#include <stdint.h>

#include "cni/err.h"
#include "nl/nl.h"
#include "undo/undo.h"

enum tc_mode {
	TC_MODE_TBF, /* the reference's token bucket qdisc */
	TC_MODE_EDT, /* a tc-bpf program stamps departure times, fq enforces them */
};

/* A rate in bits per second and a burst in bits, as the CNI bandwidth keys give them. */
struct tc_rate {
	uint64_t rate;
	uint64_t burst;
};

/* The reference's IFB name: "bwp" + cni_sha512(network + containerID) in hex, 15 characters. */
void tc_ifb_name(const char *network, const char *container_id, char out[NL_IFNAMSIZ]);

/* Create the IFB name (up, mtu, txqueuelen 0) labelled with alias; undo deletes it. */
int tc_ifb_create(struct nl_handle *h, const char *name, unsigned mtu, const char *alias,
		  struct undo_stack *u, struct cni_err *err);
/* Delete the IFB name; a missing one is success. */
int tc_ifb_delete(struct nl_handle *h, const char *name, struct cni_err *err);

/*
 * Shape what leaves ifindex: a root tbf 1: with the reference's parameters, or for EDT a root
 * fq 1: plus the EDT program on the clsact egress hook. Each step pushes its inverse on u.
 */
int tc_shape_add(struct nl_handle *h, int ifindex, enum tc_mode mode, const struct tc_rate *r,
		 struct undo_stack *u, struct cni_err *err);
/* Verify the qdiscs (and program) of tc_shape_add and their parameters. */
int tc_shape_check(struct nl_handle *h, int ifindex, enum tc_mode mode, const struct tc_rate *r,
		   struct cni_err *err);
/* Remove whatever tc_shape_add made on ifindex in either mode; nothing there is success. */
int tc_shape_remove(struct nl_handle *h, int ifindex, struct cni_err *err);

/*
 * Redirect every packet arriving on ifindex to the egress of ifb (a u32 + mirred filter on the
 * ingress hook). An existing ingress or clsact qdisc is reused (containernetworking/plugins#894);
 * otherwise an ingress qdisc is made, as the reference does.
 */
int tc_redirect_add(struct nl_handle *h, int ifindex, int ifb, struct undo_stack *u,
		    struct cni_err *err);
int tc_redirect_check(struct nl_handle *h, int ifindex, int ifb, struct cni_err *err);
/* Remove the redirect to ifb (ifb 0: to any IFB), and the ingress qdisc once it holds nothing. */
int tc_redirect_remove(struct nl_handle *h, int ifindex, int ifb, struct cni_err *err);

/* The clsact/ingress qdisc of ifindex goes when no filter is left on it. */
int tc_ingress_remove_if_empty(struct nl_handle *h, int ifindex, struct cni_err *err);

/*
 * Whether this kernel can run EDT (it needs the fq qdisc), tried in a throwaway netns so the
 * caller's namespaces are not touched. False with err saying why.
 */
bool tc_edt_supported(struct cni_err *err);

#endif
