/* IFB devices: the reference's name, creation with its undo step, and deletion by name. */
#include <stdio.h>
#include <string.h>

#include "cni/sha512.h"
#include "nl/tc.h"
#include "tc/tc.h"

void tc_ifb_name(const char *network, const char *container_id, char out[NL_IFNAMSIZ])
{
	char joined[1024];
	uint8_t sum[64];
	int n = snprintf(joined, sizeof(joined), "%s%s", network, container_id);

	cni_sha512(joined, (size_t)n < sizeof(joined) ? (size_t)n : sizeof(joined) - 1, sum);
	/* utils.MustFormatHashWithPrefix(15, "bwp", ...): prefix plus the first 12 hex digits. */
	snprintf(out, NL_IFNAMSIZ, "bwp%02x%02x%02x%02x%02x%02x", sum[0], sum[1], sum[2], sum[3],
		 sum[4], sum[5]);
}

struct ifb_undo {
	struct nl_handle *h;
	char name[NL_IFNAMSIZ];
};

static void ifb_undo(void *arg)
{
	struct ifb_undo *a = arg;
	struct cni_err ignored = {0};

	tc_ifb_delete(a->h, a->name, &ignored);
}

int tc_ifb_create(struct nl_handle *h, const char *name, unsigned mtu, const char *alias,
		  struct undo_stack *u, struct cni_err *err)
{
	struct ifb_undo a = {.h = h};

	if (nl_ifb_create(h, name, mtu, alias, err) < 0)
		return cni_err_wrap(err, "adding link %s", name);
	snprintf(a.name, sizeof(a.name), "%s", name);
	if (undo_push(u, ifb_undo, &a, sizeof(a)) < 0) {
		ifb_undo(&a);
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "undo stack full");
	}
	return 0;
}

int tc_ifb_delete(struct nl_handle *h, const char *name, struct cni_err *err)
{
	struct nl_link_info info;

	if (nl_link_get_by_name(h, name, &info, err) < 0) {
		if (nl_err_is_not_found(err)) {
			cni_err_clear(err);
			return 0;
		}
		return -1;
	}
	if (strcmp(info.kind, "ifb") != 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "link %s is a %s, not an ifb", name,
				info.kind[0] ? info.kind : "device");
	if (nl_link_delete(h, info.ifindex, err) < 0)
		return cni_err_wrap(err, "delete ifb %s", name);
	return 0;
}
