/* The tuning meta plugin: the container interface's sysctls and link attributes, undone on DEL. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "cni/log.h"
#include "cni/skel.h"
#include "config.h"
#include "netns/netns.h"
#include "tuning.h"

/* One invocation's state: the config and the container's netns with a netlink handle in it. */
struct tuning_run {
	struct tuning_config conf;
	int ns_fd;
	struct nl_handle *ctr;
	char backup_path[PATH_MAX];
};

static void tuning_run_close(struct tuning_run *run)
{
	if (run->ctr)
		nl_handle_close(run->ctr);
	if (run->ns_fd >= 0)
		close(run->ns_fd);
	tuning_config_free(&run->conf);
}

static int tuning_run_open(struct tuning_run *run, const struct cni_request *req,
			   struct cni_err *err)
{
	memset(run, 0, sizeof(*run));
	run->ns_fd = -1;
	if (tuning_config_parse(req, &run->conf, err) < 0 ||
	    tuning_backup_path(&run->conf, req->container_id, req->ifname, run->backup_path, err) <
		    0)
		return -1;
	return 0;
}

static int tuning_run_enter(struct tuning_run *run, const struct cni_request *req,
			    struct cni_err *err)
{
	run->ns_fd = ns_open(req->netns, err);
	if (run->ns_fd < 0)
		return -1;
	return nl_handle_open(run->ns_fd, &run->ctr, err);
}

/* Everything ADD will refuse, refused before anything is touched. */
static int tuning_validate(const struct tuning_run *run, const struct cni_request *req,
			   struct cni_err *err)
{
	char rel[PATH_MAX];
	uint8_t mac[NL_MAC_LEN];

	if (tuning_allowlist_check(&run->conf, err) < 0)
		return -1;
	if (!req->has_prev_result)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "Required prevResult missing");
	for (size_t i = 0; i < run->conf.n_sysctls; i++)
		if (tuning_sysctl_path(run->conf.sysctls[i].key, req->ifname, rel, err) < 0)
			return -1;
	if (run->conf.mac && run->conf.mac[0] && tuning_mac_parse(run->conf.mac, mac, err) < 0)
		return -1;
	return 0;
}

/* The prevResult passed on, with the container interface's MAC as tuning set it. */
static int tuning_result(const struct cni_request *req, const struct tuning_config *c,
			 struct cni_result *result, struct cni_err *err)
{
	_cleanup_json_ json_t *j = cni_result_to_json(&req->prev_result, "1.1.0", err);

	if (!j)
		return -1;
	cni_result_free(result);
	if (cni_result_from_json(j, "1.1.0", result, err) < 0)
		return -1;
	if (!c->mac || !c->mac[0])
		return 0;
	for (size_t i = 0; i < result->n_interfaces; i++) {
		struct cni_interface *intf = &result->interfaces[i];
		char *mac;

		if (strcmp(intf->name, req->ifname) != 0)
			continue;
		/* The text as configured, as the reference reports it. */
		mac = strdup(c->mac);
		if (!mac)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "result");
		free(intf->mac);
		intf->mac = mac;
	}
	return 0;
}

static int tuning_add(struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	_cleanup_(tuning_run_close) struct tuning_run run = {.ns_fd = -1};
	_cleanup_(tuning_backup_free) struct tuning_backup backup = {0};
	struct nl_link_info link;
	struct cni_err ignored = {0};
	bool saved = false;

	if (tuning_check_duplicate_sysctls(req, err) < 0 || tuning_run_open(&run, req, err) < 0 ||
	    tuning_validate(&run, req, err) < 0 || tuning_run_enter(&run, req, err) < 0)
		return -1;
	if (nl_link_get_by_name(run.ctr, req->ifname, &link, err) < 0)
		return cni_err_wrap(err, "failed to get \"%s\"", req->ifname);
	if (tuning_save(run.ctr, &link, &run.conf, req->ifname, &backup, err) < 0)
		return -1;
	if (!tuning_backup_is_empty(&backup)) {
		if (tuning_backup_write(run.backup_path, &backup, err) < 0)
			return -1;
		saved = true;
	}
	if (tuning_apply(run.ctr, &link, &run.conf, req->ifname, err) < 0 ||
	    tuning_result(req, &run.conf, result, err) < 0)
		goto out_restore;
	return 0;
out_restore:
	/* A failed ADD leaves the container as it found it. */
	tuning_restore(run.ctr, &link, &backup, &ignored);
	if (saved)
		unlink(run.backup_path);
	return -1;
}

static void remove_backup(const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		cni_log_warn("failed to remove file %s: %s", path, strerror(errno));
}

/*
 * Restore what ADD saved. DEL never fails on the container's state, as the reference: failures
 * are logged. Unlike the reference, the backup file goes also when the netns or link is gone.
 */
static int tuning_del(struct cni_request *req, struct cni_err *err)
{
	_cleanup_(tuning_run_close) struct tuning_run run = {.ns_fd = -1};
	_cleanup_(tuning_backup_free) struct tuning_backup backup = {0};
	struct nl_link_info link;
	struct cni_err e = {0};
	bool found;

	if (tuning_run_open(&run, req, err) < 0)
		return -1;
	if (!req->netns || tuning_run_enter(&run, req, &e) < 0) {
		if (req->netns)
			cni_log_info("netns gone (%s): dropping %s", e.msg, run.backup_path);
		remove_backup(run.backup_path);
		return 0;
	}
	if (tuning_backup_read(run.backup_path, &backup, &found, &e) < 0) {
		cni_log_warn("%s: dropping it", e.msg);
		remove_backup(run.backup_path);
		return 0;
	}
	if (!found)
		return 0;
	bool have_link = nl_link_get_by_name(run.ctr, req->ifname, &link, &e) == 0;

	/* Only a link that is really gone is skipped; any other failure is retried by DEL. */
	if (!have_link && !nl_err_is_not_found(&e)) {
		*err = e;
		return cni_err_wrap(err, "failed to look up \"%s\"", req->ifname);
	}
	cni_err_clear(&e);
	if (tuning_restore(run.ctr, have_link ? &link : NULL, &backup, err) < 0) {
		/* Keep the backup: the runtime retries DEL, and the retry restores what is left. */
		return cni_err_wrap(err, "failed to restore the link's settings");
	}
	remove_backup(run.backup_path);
	return 0;
}

static int tuning_check(struct cni_request *req, struct cni_err *err)
{
	_cleanup_(tuning_run_close) struct tuning_run run = {.ns_fd = -1};

	if (tuning_check_duplicate_sysctls(req, err) < 0 || tuning_run_open(&run, req, err) < 0)
		return -1;
	if (!req->has_prev_result)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "Required prevResult missing");
	if (tuning_run_enter(&run, req, err) < 0)
		return -1;
	return tuning_verify(run.ctr, &run.conf, req->ifname, err);
}

static int tuning_status(struct cni_request *req, struct cni_err *err)
{
	struct tuning_config conf;
	int ret = tuning_config_parse(req, &conf, err);

	tuning_config_free(&conf);
	return ret;
}

static const char *const tuning_args_keys[] = {"MAC", NULL};

static const struct cni_plugin tuning = {
	.name = "tuning",
	.about = "CNI tuning plugin",
	.args_keys = tuning_args_keys,
	.add = tuning_add,
	.del = tuning_del,
	.check = tuning_check,
	.status = tuning_status,
};

int main(void)
{
	return cni_skel_main(&tuning);
}
