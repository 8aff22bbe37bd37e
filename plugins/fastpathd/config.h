/* fastpathd's configuration file: EAL arguments, paths, knobs and the uplink. */
#ifndef FASTPATHD_CONFIG_H
#define FASTPATHD_CONFIG_H

#include <stdbool.h>
#include <sys/types.h>

#include "cni/err.h"
#include "fastpath/fastpath.h"

#define FPD_DEFAULT_CONFIG "/etc/fastpathd/fastpathd.json"
#define FPD_DEFAULT_STATE  "/var/lib/fastpathd/ports.json"
#define FPD_MAX_EAL_ARGS   64
#define FPD_MAX_UIDS	   16

struct fpd_config {
	char *eal_argv[FPD_MAX_EAL_ARGS + 2]; /* argv[0] first, NULL last */
	int eal_argc;
	char control_socket[FP_SOCK_PATH_MAX];
	char state_file[4096];
	char log_file[4096]; /* empty: stderr */
	int log_level;	     /* an RTE_LOG_* level */
	unsigned idle_sleep_max_us;
	unsigned idle_polls; /* empty polls before the first sleep */
	unsigned mac_aging_sec;
	unsigned mbufs;
	uid_t allow_uids[FPD_MAX_UIDS];
	unsigned nb_allow_uids;
	bool has_uplink;
	struct fp_port_spec uplink;
};

int fpd_config_load(struct fpd_config *cfg, const char *path, const char *argv0,
		    struct cni_err *err);
void fpd_config_free(struct fpd_config *cfg);

#endif
