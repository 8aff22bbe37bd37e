/* The EDT program: the skeleton embedded at build time, loaded per attachment, read back by CHECK.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cni/cleanup.h"
#include "cni/log.h"
#include "tc/edt.h"
#include "tc/hook.h"
#include "tc_edt.skel.h"

#define NSEC_PER_SEC 1000000000ull
/* As tbf's limit: a packet may wait the burst plus the reference's 25 ms latency. */
#define EDT_LATENCY_NS (25ull * 1000 * 1000)

int tc_edt_config(const struct tc_rate *r, struct tc_edt_config *c, struct cni_err *err)
{
	uint64_t rate = r->rate / 8;

	if (!rate || !r->burst)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid rate %llu or burst %llu",
				(unsigned long long)r->rate, (unsigned long long)r->burst);
	memset(c, 0, sizeof(*c));
	c->rate = rate;
	c->burst_ns = (uint64_t)((double)(r->burst / 8) * NSEC_PER_SEC / (double)rate);
	c->horizon_ns = c->burst_ns + EDT_LATENCY_NS;
	return 0;
}

/* libbpf's messages go to our log, never to stdout. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[512];

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	cni_log_debug("libbpf: %s", line);
	return 0;
}

static void edt_destroyp(struct tc_edt **s)
{
	if (*s)
		tc_edt__destroy(*s);
}

int tc_edt_attach(struct nl_handle *h, int ifindex, const struct tc_edt_config *c,
		  struct undo_stack *u, struct cni_err *err)
{
	_cleanup_(edt_destroyp) struct tc_edt *skel = NULL;
	int rc;

	libbpf_set_print(libbpf_log);
	skel = tc_edt__open();
	if (!skel)
		return cni_errf(err, CNI_ERR_INTERNAL, errno, "open the EDT program");
	skel->bss->edt = *c;
	rc = tc_edt__load(skel);
	if (rc < 0)
		return cni_errf(err, CNI_ERR_NOT_AVAILABLE, -rc, "load the EDT program");
	/* The filter holds the program (and its map) once attached: our fds may close. */
	if (nl_filter_add_bpf(h, ifindex, NL_TC_HOOK_EGRESS, TC_EDT_PRIO, TC_EDT_HANDLE,
			      bpf_program__fd(skel->progs.cni_edt), TC_EDT_NAME, err) < 0)
		return cni_err_wrap(err, "attach the EDT program");
	return tc_undo_push(u, h, ifindex, NL_TC_HOOK_EGRESS, 0, TC_EDT_PRIO, err);
}

/* The program's .bss map holds struct tc_edt_config. */
static int read_bss(uint32_t prog_id, struct tc_edt_config *c, struct cni_err *err)
{
	_cleanup_close_ int prog = bpf_prog_get_fd_by_id(prog_id);
	uint32_t ids[8];
	struct bpf_prog_info info = {.nr_map_ids = 8, .map_ids = (uintptr_t)ids};
	uint32_t len = sizeof(info);

	if (prog < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "bpf program %u", prog_id);
	if (bpf_obj_get_info_by_fd(prog, &info, &len) < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "bpf program %u info", prog_id);
	for (uint32_t i = 0; i < info.nr_map_ids && i < 8; i++) {
		_cleanup_close_ int map = bpf_map_get_fd_by_id(ids[i]);
		struct bpf_map_info mi = {0};
		uint32_t mlen = sizeof(mi);
		uint32_t key = 0;
		size_t nlen;

		if (map < 0 || bpf_obj_get_info_by_fd(map, &mi, &mlen) < 0)
			continue;
		nlen = strlen(mi.name);
		if (nlen < 4 || strcmp(mi.name + nlen - 4, ".bss") != 0 ||
		    mi.value_size != sizeof(*c))
			continue;
		if (bpf_map_lookup_elem(map, &key, c) < 0)
			return cni_errf(err, CNI_ERR_IO, errno, "bpf map %u", ids[i]);
		return 0;
	}
	return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0, "bpf program %u has no settings map",
			prog_id);
}

int tc_edt_read(struct nl_handle *h, int ifindex, struct tc_edt_config *c, bool *found,
		struct cni_err *err)
{
	_cleanup_free_ struct nl_filter *f = NULL;
	char kind[16];
	size_t n = 0;

	*found = false;
	if (tc_hook_qdisc(h, ifindex, kind, err) < 0)
		return -1;
	if (strcmp(kind, "clsact") != 0)
		return 0;
	if (nl_filter_list(h, ifindex, NL_TC_HOOK_EGRESS, &f, &n, err) < 0)
		return cni_err_wrap(err, "list filters");
	for (size_t i = 0; i < n; i++) {
		if (strcmp(f[i].kind, "bpf") != 0 || f[i].prio != TC_EDT_PRIO ||
		    strcmp(f[i].bpf_name, TC_EDT_NAME) != 0 || !f[i].bpf_id)
			continue;
		*found = true;
		return read_bss(f[i].bpf_id, c, err);
	}
	return 0;
}
