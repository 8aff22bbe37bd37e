/* fastpathd logs through rte_log, to stderr or to the configured file, never to stdout. */
#ifndef FASTPATHD_LOG_H
#define FASTPATHD_LOG_H

#include <rte_log.h>

extern int fpd_logtype;

#define FPD_LOG(level, fmt, ...)                                                                   \
	rte_log(RTE_LOG_##level, fpd_logtype, "fastpathd: " fmt "\n", ##__VA_ARGS__)

/* Before rte_eal_init: send EAL's and our logs to path (NULL or "": stderr). */
int fpd_log_open(const char *path);
/* After rte_eal_init: register our log type at level. */
void fpd_log_register(int level);
void fpd_log_close(void);

#endif
