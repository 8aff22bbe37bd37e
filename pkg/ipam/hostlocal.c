/* host-local's verbs: parse, lock the network directory, one pass over it, act. */
#include "ipam/hostlocal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "cni/log.h"
#include "ipam/hostlocal_alloc.h"
#include "ipam/hostlocal_config.h"
#include "ipam/hostlocal_store.h"
#include "ipam/resolv_conf.h"

static void config_freep(struct ipam_hostlocal_config *c)
{
	ipam_hostlocal_config_free(c);
}

static void store_closep(struct ipam_store *s)
{
	ipam_store_close(s);
}

static void scan_freep(struct ipam_scan *s)
{
	ipam_scan_free(s);
}

static const char *container_id_of(const struct cni_request *req)
{
	return req->container_id ? req->container_id : "";
}

static const char *ifname_of(const struct cni_request *req)
{
	return req->ifname ? req->ifname : "";
}

/* ---- ADD ----------------------------------------------------------------------------------------
 */

struct add_pass {
	struct ipam_scan *scan;
	const char *id, *ifname;
	bool owners; /* whether contents are read to find this attachment's files */
};

static int add_visit(struct ipam_store *s, const char *name, const struct cni_ip *ip,
		     const char *content, size_t len, void *ctx, struct cni_err *err)
{
	struct add_pass *p = ctx;
	struct ipam_scan *scan = p->scan;

	if (!ip)
		return 0;
	if (ipam_scan_add(&scan->reserved, &scan->n_reserved, &scan->cap_reserved, ip, err) < 0)
		return -1;
	if (p->owners && content && ipam_owner_match(content, len, p->id, p->ifname))
		return ipam_scan_add(&scan->owned, &scan->n_owned, &scan->cap_owned, ip, err);
	return 0;
}

/* Take the first requested address (in order) that falls in set; NULL when none does. */
static const struct cni_ip *take_requested(const struct ipam_hostlocal_config *c, bool *used,
					   const struct ipam_range_set *set)
{
	for (size_t i = 0; i < c->n_requested; i++) {
		if (!used[i] && ipam_range_set_find(set, &c->requested[i])) {
			used[i] = true;
			return &c->requested[i];
		}
	}
	return NULL;
}

/* Remove what this ADD reserved (result's IPs from index first on), and nothing else. */
static void rollback(struct ipam_store *s, const struct cni_result *result, size_t first)
{
	struct cni_err ignored;

	for (size_t i = first; i < result->n_ips; i++)
		ipam_store_remove_ip(s, &result->ips[i].address.ip, &ignored);
}

static int unfulfilled_error(const struct ipam_hostlocal_config *c, const bool *used,
			     struct cni_err *err)
{
	char msg[sizeof(err->msg)] = "failed to allocate all requested IPs:";
	char a[CNI_IP_STRLEN];
	size_t n = strlen(msg);

	for (size_t i = 0; i < c->n_requested && n < sizeof(msg); i++)
		if (!used[i])
			n += (size_t)snprintf(msg + n, sizeof(msg) - n, " %s",
					      cni_ip_str(&c->requested[i], a));
	return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "%s", msg);
}

static int allocate(const struct cni_request *req, const struct ipam_hostlocal_config *c,
		    struct ipam_store *s, struct cni_result *result, struct cni_err *err)
{
	_cleanup_(scan_freep) struct ipam_scan scan = {0};
	_cleanup_free_ bool *used = calloc(c->n_requested + 1, sizeof(*used));
	_cleanup_free_ const struct cni_ip **want = calloc(c->n_sets, sizeof(*want));
	struct add_pass pass = {.id = container_id_of(req), .ifname = ifname_of(req)};
	size_t first = result->n_ips;

	if (!used || !want)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "requested IPs");
	pass.scan = &scan;
	for (size_t i = 0; i < c->n_sets; i++) {
		want[i] = take_requested(c, used, &c->sets[i]);
		/* Owners matter only to range sets that allocate freely (the duplicate-ADD check).
		 */
		if (!want[i])
			pass.owners = true;
	}
	if (ipam_store_foreach(s, pass.owners, add_visit, &pass, err) < 0)
		return -1;
	ipam_scan_sort(&scan);

	for (size_t i = 0; i < c->n_sets; i++) {
		struct cni_ip_config ip;

		if (ipam_alloc_get(s, &c->sets[i], i, &scan, pass.id, pass.ifname, want[i], &ip,
				   err) < 0 ||
		    cni_result_add_ip(result, &ip, err) < 0) {
			rollback(s, result, first);
			return cni_err_wrap(err, "failed to allocate for range %zu", i);
		}
	}
	for (size_t i = 0; i < c->n_requested; i++) {
		if (!used[i]) {
			rollback(s, result, first);
			return unfulfilled_error(c, used, err);
		}
	}
	return 0;
}

int ipam_hostlocal_add(const struct cni_request *req, struct cni_result *result,
		       struct cni_err *err)
{
	_cleanup_(config_freep) struct ipam_hostlocal_config c = {0};
	_cleanup_(store_closep) struct ipam_store s = {.dir_fd = -1, .lock_fd = -1};
	size_t first;

	if (ipam_hostlocal_config_parse(req, &c, err) < 0)
		return -1;
	if (c.resolv_conf) {
		cni_dns_free(&result->dns);
		if (ipam_resolv_conf_parse(c.resolv_conf, &result->dns, err) < 0)
			return -1;
	}
	if (ipam_store_open(&s, c.data_dir, c.name, err) < 0)
		return -1;
	first = result->n_ips;
	if (allocate(req, &c, &s, result, err) < 0)
		return -1;
	for (size_t i = 0; i < c.n_routes; i++)
		if (cni_result_add_route(result, &c.routes[i], err) < 0) {
			rollback(&s, result, first);
			return -1;
		}
	return 0;
}

/* ---- DEL ----------------------------------------------------------------------------------------
 */

struct del_pass {
	const char *id, *ifname;
	size_t n_current;
	char (*legacy)[CNI_IP_STRLEN * 4];
	size_t n_legacy, cap_legacy;
};

static int del_visit(struct ipam_store *s, const char *name, const struct cni_ip *ip,
		     const char *content, size_t len, void *ctx, struct cni_err *err)
{
	struct del_pass *p = ctx;

	switch (ipam_owner_match(content, len, p->id, p->ifname)) {
	case IPAM_OWNER_CURRENT:
		p->n_current++;
		return ipam_store_remove(s, name, err);
	case IPAM_OWNER_LEGACY:
		if (strlen(name) >= sizeof(*p->legacy))
			return 0;
		if (p->n_legacy == p->cap_legacy) {
			size_t cap = p->cap_legacy ? 2 * p->cap_legacy : 4;
			void *n = realloc(p->legacy, cap * sizeof(*p->legacy));

			if (!n)
				return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "release");
			p->legacy = n;
			p->cap_legacy = cap;
		}
		strcpy(p->legacy[p->n_legacy++], name);
		return 0;
	default:
		return 0;
	}
}

int ipam_hostlocal_del(const struct cni_request *req, struct cni_err *err)
{
	_cleanup_(config_freep) struct ipam_hostlocal_config c = {0};
	_cleanup_(store_closep) struct ipam_store s = {.dir_fd = -1, .lock_fd = -1};
	struct del_pass p = {.id = container_id_of(req), .ifname = ifname_of(req)};
	int ret;

	if (ipam_hostlocal_config_parse(req, &c, err) < 0)
		return -1;
	if (ipam_store_open(&s, c.data_dir, c.name, err) < 0)
		return -1;
	ret = ipam_store_foreach(&s, true, del_visit, &p, err);
	/*
	 * The reference releases per range set: "<id>\r\n<ifname>" files, and id-only files of
	 * older versions only in a call that found none of the former. With two or more range sets
	 * the second call always gets there, so legacy files go too.
	 */
	if (!ret && (p.n_current == 0 || c.n_sets >= 2))
		for (size_t i = 0; i < p.n_legacy && !ret; i++)
			ret = ipam_store_remove(&s, p.legacy[i], err);
	free(p.legacy);
	return ret;
}

/* ---- CHECK --------------------------------------------------------------------------------------
 */

struct check_pass {
	const char *id, *ifname;
};

static int check_visit(struct ipam_store *s, const char *name, const struct cni_ip *ip,
		       const char *content, size_t len, void *ctx, struct cni_err *err)
{
	struct check_pass *p = ctx;

	/* 1 stops the pass: found. */
	return ipam_owner_match(content, len, p->id, p->ifname) != IPAM_OWNER_OTHER;
}

int ipam_hostlocal_check(const struct cni_request *req, struct cni_err *err)
{
	_cleanup_(config_freep) struct ipam_hostlocal_config c = {0};
	_cleanup_(store_closep) struct ipam_store s = {.dir_fd = -1, .lock_fd = -1};
	struct check_pass p = {.id = container_id_of(req), .ifname = ifname_of(req)};
	int ret;

	if (ipam_hostlocal_config_parse(req, &c, err) < 0)
		return -1;
	if (ipam_store_open(&s, c.data_dir, c.name, err) < 0)
		return -1;
	ret = ipam_store_foreach(&s, true, check_visit, &p, err);
	if (ret < 0)
		return -1;
	if (ret == 0)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"host-local: Failed to find address added by container %s", p.id);
	return 0;
}

/* ---- GC -----------------------------------------------------------------------------------------
 */

static bool legacy_id_is_valid(const struct cni_request *req, const char *id)
{
	for (size_t i = 0; i < req->n_valid_attachments; i++)
		if (req->valid_attachments[i].container_id &&
		    !strcmp(req->valid_attachments[i].container_id, id))
			return true;
	return false;
}

static int gc_visit(struct ipam_store *s, const char *name, const struct cni_ip *ip,
		    const char *content, size_t len, void *ctx, struct cni_err *err)
{
	const struct cni_request *req = ctx;
	struct ipam_owner o;
	bool valid;

	/* Only files named by an address are reservations; anything else is not ours to remove. */
	if (!ip || !ipam_owner_parse(content, len, &o))
		return 0;
	valid = o.legacy ? legacy_id_is_valid(req, o.id)
			 : cni_request_attachment_is_valid(req, o.id, o.ifname);
	if (valid)
		return 0;
	cni_log_info("gc: releasing %s held by %s %s", name, o.id, o.ifname);
	return ipam_store_remove(s, name, err);
}

/* Without the key the runtime said nothing about what is valid: there is nothing safe to remove. */
static bool has_valid_list(const struct cni_request *req)
{
	return json_object_get(req->config, "cni.dev/valid-attachments") ||
	       json_object_get(req->config, "cni.dev/attachments");
}

int ipam_hostlocal_gc(const struct cni_request *req, struct cni_err *err)
{
	_cleanup_(config_freep) struct ipam_hostlocal_config c = {0};
	_cleanup_(store_closep) struct ipam_store s = {.dir_fd = -1, .lock_fd = -1};

	if (ipam_hostlocal_config_parse(req, &c, err) < 0)
		return -1;
	if (!has_valid_list(req))
		return 0;
	if (ipam_store_open(&s, c.data_dir, c.name, err) < 0)
		return -1;
	return ipam_store_foreach(&s, true, gc_visit, (void *)req, err) < 0 ? -1 : 0;
}

/* ---- STATUS -------------------------------------------------------------------------------------
 */

static int status_visit(struct ipam_store *s, const char *name, const struct cni_ip *ip,
			const char *content, size_t len, void *ctx, struct cni_err *err)
{
	struct ipam_scan *scan = ctx;

	if (!ip)
		return 0;
	return ipam_scan_add(&scan->reserved, &scan->n_reserved, &scan->cap_reserved, ip, err);
}

int ipam_hostlocal_status(const struct cni_request *req, struct cni_err *err)
{
	_cleanup_(config_freep) struct ipam_hostlocal_config c = {0};
	_cleanup_(store_closep) struct ipam_store s = {.dir_fd = -1, .lock_fd = -1};
	_cleanup_(scan_freep) struct ipam_scan scan = {0};
	char rs[IPAM_RANGE_SET_STRLEN];

	if (ipam_hostlocal_config_parse(req, &c, err) < 0)
		return -1;
	if (ipam_store_open(&s, c.data_dir, c.name, err) < 0)
		return -1;
	if (ipam_store_foreach(&s, false, status_visit, &scan, err) < 0)
		return -1;
	ipam_scan_sort(&scan);
	for (size_t i = 0; i < c.n_sets; i++)
		if (!ipam_range_set_free_count(&c.sets[i], scan.reserved, scan.n_reserved))
			return cni_errf(err, CNI_ERR_NOT_AVAILABLE, 0,
					"no IP addresses available in range set: %s",
					ipam_range_set_str(&c.sets[i], rs, sizeof(rs)));
	return 0;
}
