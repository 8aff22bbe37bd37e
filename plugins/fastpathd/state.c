/* The state file: {"ports": [port spec, ...]} in the control protocol's shape. */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "fastpath/wire.h"
#include "log.h"
#include "ports.h"

static int mkdir_parent(const char *path)
{
	char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(dir, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int fpd_state_save(struct fpd *d, struct cni_err *err)
{
	_cleanup_json_ json_t *root = json_object();
	json_t *ports = json_array();
	char tmp[4096 + 8];

	json_object_set_new(root, "ports", ports);
	for (uint16_t s = 0; s < d->table->nb_slots; s++) {
		struct fpd_port *p = d->table->ports[s];

		if (p && !p->from_config)
			json_array_append_new(ports, fp_wire_spec_to_json(&p->spec));
	}
	if (mkdir_parent(d->cfg.state_file) < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "create the directory of %s",
				d->cfg.state_file);
	snprintf(tmp, sizeof(tmp), "%s.tmp", d->cfg.state_file);
	if (json_dump_file(root, tmp, JSON_INDENT(1)) != 0) {
		unlink(tmp);
		return cni_errf(err, CNI_ERR_IO, errno, "write %s", tmp);
	}
	if (rename(tmp, d->cfg.state_file) < 0) {
		unlink(tmp);
		return cni_errf(err, CNI_ERR_IO, errno, "rename %s", tmp);
	}
	return 0;
}

int fpd_state_restore(struct fpd *d, struct cni_err *err)
{
	_cleanup_json_ json_t *root = NULL;
	json_error_t jerr;
	json_t *ports, *o;
	size_t i;

	if (access(d->cfg.state_file, F_OK) < 0 && errno == ENOENT)
		return 0;
	root = json_load_file(d->cfg.state_file, 0, &jerr);
	ports = json_object_get(root, "ports");
	if (!json_is_array(ports))
		return cni_errf(err, CNI_ERR_DECODE, 0, "%s: %s", d->cfg.state_file,
				root ? "no \"ports\" array" : jerr.text);
	json_array_foreach (ports, i, o) {
		struct fp_port_spec spec;
		struct cni_err e = {0};
		enum fpd_port_error why;
		struct fpd_port *p;
		char msg[200];

		if (fp_wire_spec_from_json(o, &spec, msg, sizeof(msg)) < 0) {
			FPD_LOG(WARNING, "%s: port %zu skipped: %s", d->cfg.state_file, i, msg);
			continue;
		}
		if (fpd_port_add(d, &spec, false, &p, &why, &e) < 0)
			FPD_LOG(WARNING, "restore port %s: %s", spec.name, e.msg);
		else
			FPD_LOG(INFO, "restored port %s", spec.name);
	}
	return 0;
}
