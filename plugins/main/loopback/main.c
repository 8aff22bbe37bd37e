/* loopback: bring up "lo" in the container and report its addresses, as the reference does. */
#include <errno.h>
#include <linux/if.h>
#include <stdlib.h>

#include "cni/cleanup.h"
#include "cni/skel.h"
#include "netns/netns.h"
#include "nl/nl.h"

#define LOOPBACK_NAME "lo"

static int open_lo(const struct cni_request *req, struct nl_handle **h, struct nl_link_info *lo,
		   struct cni_err *err)
{
	_cleanup_close_ int ns_fd = ns_open(req->netns, err);

	if (ns_fd < 0 || nl_handle_open(ns_fd, h, err) < 0)
		return -1;
	return nl_link_get_by_name(*h, LOOPBACK_NAME, lo, err);
}

/* The first address of family on lo; every one must be a loopback address. */
static int lo_first_address(struct nl_handle *h, int ifindex, int family, struct cni_ip_config *out,
			    bool *found, struct cni_err *err)
{
	_cleanup_free_ struct nl_address *addrs = NULL;
	size_t n = 0;

	*found = false;
	if (nl_address_list(h, ifindex, family, &addrs, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct cni_prefix loopback;
		char buf[CNI_IP_STRLEN];

		cni_prefix_parse(family == AF_INET ? "127.0.0.0/8" : "::1/128", &loopback);
		if (!cni_prefix_contains(&loopback, &addrs[i].prefix.ip))
			return cni_errf(err, CNI_ERR_INVALID_NETNS, 0,
					"loopback interface found with non-loopback address \"%s\"",
					cni_ip_str(&addrs[i].prefix.ip, buf));
	}
	if (n) {
		*out = (struct cni_ip_config){.interface = 0, .address = addrs[0].prefix};
		*found = true;
	}
	return 0;
}

/* The result: lo and its first address of each family. */
static int loopback_report(struct nl_handle *h, const struct nl_link_info *lo,
			   const struct cni_request *req, struct cni_result *result,
			   struct cni_err *err)
{
	static const int families[] = {AF_INET, AF_INET6};

	if (cni_result_add_interface(result, LOOPBACK_NAME, "00:00:00:00:00:00", 0, req->netns,
				     err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		struct cni_ip_config ip;
		bool found;

		if (lo_first_address(h, lo->ifindex, families[i], &ip, &found, err) < 0)
			return -1;
		if (found && cni_result_add_ip(result, &ip, err) < 0)
			return -1;
	}
	return 0;
}

static int loopback_add(struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	_cleanup_nl_handle_ struct nl_handle *h = NULL;
	struct cni_err ignored = {0};
	struct nl_link_info lo;

	if (open_lo(req, &h, &lo, err) < 0 || nl_link_set_up(h, lo.ifindex, true, err) < 0)
		return -1;
	if (req->has_prev_result) {
		/* Chained after another plugin: pass its result through unchanged. */
		*result = req->prev_result;
		req->has_prev_result = false;
		return 0;
	}
	if (loopback_report(h, &lo, req, result, err) == 0)
		return 0;
	/* A failed ADD leaves lo as it found it. */
	if (!(lo.flags & IFF_UP))
		nl_link_set_up(h, lo.ifindex, false, &ignored);
	return -1;
}

static int loopback_del(struct cni_request *req, struct cni_err *err)
{
	_cleanup_nl_handle_ struct nl_handle *h = NULL;
	struct nl_link_info lo;

	if (!req->netns)
		return 0;
	if (open_lo(req, &h, &lo, err) < 0) {
		if (ns_err_is_gone(err))
			return 0; /* the runtime removed the netns first: nothing left to undo */
		return -1;
	}
	return nl_link_set_up(h, lo.ifindex, false, err);
}

static int loopback_check(struct cni_request *req, struct cni_err *err)
{
	_cleanup_nl_handle_ struct nl_handle *h = NULL;
	struct nl_link_info lo;

	if (open_lo(req, &h, &lo, err) < 0)
		return -1;
	if (!(lo.flags & IFF_UP))
		return cni_errf(err, CNI_ERR_INVALID_NETNS, 0, "loopback interface is down");
	return 0;
}

static const struct cni_plugin loopback = {
	.name = "loopback",
	.about = "CNI loopback plugin (cni-c)",
	.add = loopback_add,
	.del = loopback_del,
	.check = loopback_check,
};

int main(void)
{
	return cni_skel_main(&loopback);
}
