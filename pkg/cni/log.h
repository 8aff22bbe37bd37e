/* Logging to stderr and, when the config names one, to logFile at logLevel. Never to stdout. */
#ifndef CNI_LOG_H
#define CNI_LOG_H

#include <stdbool.h>

enum cni_log_level {
	CNI_LOG_ERROR,
	CNI_LOG_WARNING,
	CNI_LOG_INFO,
	CNI_LOG_DEBUG,
};

/* Called by the skel with the config's "logFile" and "logLevel" (either may be NULL). */
int cni_log_setup(const char *plugin, const char *log_file, const char *log_level);
void cni_log_close(void);
/* True when a logFile is open: the skel logs the final error there, not on stderr. */
bool cni_log_has_file(void);
void cni_log(enum cni_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define cni_log_error(...) cni_log(CNI_LOG_ERROR, __VA_ARGS__)
#define cni_log_warn(...)  cni_log(CNI_LOG_WARNING, __VA_ARGS__)
#define cni_log_info(...)  cni_log(CNI_LOG_INFO, __VA_ARGS__)
#define cni_log_debug(...) cni_log(CNI_LOG_DEBUG, __VA_ARGS__)

#endif
