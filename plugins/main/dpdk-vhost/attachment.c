/* The per-attachment directory the runtime mounts into the pod: the vhost-user socket and a
 * JSON file that tells the pod's DPDK application its MAC, addresses, gateway and socket. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "cni/log.h"
#include "dpdk_vhost.h"

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

int dv_attachment_mkdir(const struct dv_config *c, const struct dv_paths *p, struct cni_err *err)
{
	char path[PATH_MAX];

	/* mkdir -p of socketDir: each parent in turn. */
	snprintf(path, sizeof(path), "%s", c->socket_dir);
	for (char *s = path + 1;; s++) {
		char saved = *s;

		if (saved != '/' && saved != '\0')
			continue;
		*s = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return cni_errf(err, CNI_ERR_IO, errno, "create socketDir %s", path);
		*s = saved;
		if (!saved)
			break;
	}
	if (mkdir(p->dir, 0755) < 0 && errno != EEXIST)
		return cni_errf(err, CNI_ERR_IO, errno, "create %s", p->dir);
	/* A socket left by a killed server makes the next bind fail: only the server binds. */
	if (c->mode == FP_VHOST_SERVER && unlink(p->socket) < 0 && errno != ENOENT)
		return cni_errf(err, CNI_ERR_IO, errno, "remove stale socket %s", p->socket);
	return 0;
}

static json_t *ips_json(const struct cni_result *r)
{
	json_t *ips = json_array();
	char buf[64];

	for (size_t i = 0; ips && i < r->n_ips; i++) {
		json_t *ip = json_pack("{s:s}", "address", cni_prefix_str(&r->ips[i].address, buf));

		if (ip && cni_ip_is_set(&r->ips[i].gateway))
			json_object_set_new(ip, "gateway",
					    json_string(cni_ip_str(&r->ips[i].gateway, buf)));
		if (!ip || json_array_append_new(ips, ip) < 0) {
			json_decref(ips);
			return NULL;
		}
	}
	return ips;
}

static json_t *routes_json(const struct cni_result *r)
{
	json_t *routes = json_array();
	char buf[64];

	for (size_t i = 0; routes && i < r->n_routes; i++) {
		json_t *rt = json_pack("{s:s}", "dst", cni_prefix_str(&r->routes[i].dst, buf));

		if (rt && cni_ip_is_set(&r->routes[i].gw))
			json_object_set_new(rt, "gw",
					    json_string(cni_ip_str(&r->routes[i].gw, buf)));
		if (!rt || json_array_append_new(routes, rt) < 0) {
			json_decref(routes);
			return NULL;
		}
	}
	return routes;
}

int dv_attachment_write(const struct cni_request *req, const struct dv_config *c,
			const struct dv_paths *p, const uint8_t mac[6],
			const struct cni_result *result, struct cni_err *err)
{
	_cleanup_json_ json_t *doc = NULL;
	char mac_str[18], tmp[PATH_MAX + 8];

	fp_format_mac(mac, mac_str);
	/* The pod sees the directory at its own mount point: socketFile is the name inside it. */
	doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:o}", "network", req->name,
			"containerId", req->container_id, "ifname", req->ifname, "socket",
			p->socket, "socketFile", DV_SOCKET_NAME, "vhostMode",
			c->mode == FP_VHOST_CLIENT ? "server" : "client", "mac", mac_str, "vlan",
			(int)c->vlan, "ips", ips_json(result), "routes", routes_json(result));
	if (!doc)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "build %s", p->info);
	/* Written whole, then renamed: the pod never reads half a file. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", p->info);
	if (json_dump_file(doc, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "write %s", tmp);
	if (chmod(tmp, 0644) < 0 || rename(tmp, p->info) < 0) {
		int e = errno;

		unlink(tmp);
		return cni_errf(err, CNI_ERR_IO, e, "write %s", p->info);
	}
	return 0;
}

bool dv_attachment_exists(const struct dv_paths *p)
{
	return access(p->info, F_OK) == 0;
}

int dv_attachment_remove(const struct dv_paths *p, struct cni_err *err)
{
	char tmp[PATH_MAX + 8];

	snprintf(tmp, sizeof(tmp), "%s.tmp", p->info);
	unlink(tmp);
	if (unlink(p->info) < 0 && errno != ENOENT)
		return cni_errf(err, CNI_ERR_IO, errno, "remove %s", p->info);
	if (unlink(p->socket) < 0 && errno != ENOENT)
		return cni_errf(err, CNI_ERR_IO, errno, "remove %s", p->socket);
	/* ENOTEMPTY: the pod's application left files of its own; keep them and say so. */
	if (rmdir(p->dir) < 0 && errno != ENOENT) {
		if (errno != ENOTEMPTY)
			return cni_errf(err, CNI_ERR_IO, errno, "remove %s", p->dir);
		cni_log_warn("%s not empty, left in place", p->dir);
	}
	return 0;
}

static int visit(const struct dv_config *c, const char *entry, dv_attachment_fn fn, void *data,
		 struct cni_err *err)
{
	_cleanup_json_ json_t *doc = NULL;
	struct dv_attachment_ref a = {0};
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s/%s", c->socket_dir, entry, DV_INFO_NAME) >=
	    (int)sizeof(path))
		return 0;
	doc = json_load_file(path, 0, NULL);
	/* Not ours, or half made: the entry is skipped, never guessed at. */
	if (!doc || json_unpack(doc, "{s:s, s:s, s:s}", "network", &a.network, "containerId",
				&a.container_id, "ifname", &a.ifname) < 0)
		return 0;
	return fn(&a, data, err);
}

int dv_attachment_foreach(const struct dv_config *c, dv_attachment_fn fn, void *data,
			  struct cni_err *err)
{
	_cleanup_(closedirp) DIR *d = opendir(c->socket_dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return errno == ENOENT ? 0
				       : cni_errf(err, CNI_ERR_IO, errno, "open %s", c->socket_dir);
	while ((e = readdir(d))) {
		struct cni_err one = {0};

		if (e->d_name[0] == '.')
			continue;
		/* Go on past a failure, and report the first. */
		if (visit(c, e->d_name, fn, data, &one) < 0 && rc == 0) {
			*err = one;
			rc = -1;
		}
	}
	return rc;
}
