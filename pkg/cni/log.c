/* Logging: stderr for warnings and errors, and the config's logFile at its logLevel. */
#include "cni/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const char *const level_names[] = {"error", "warning", "info", "debug"};

static struct {
	const char *plugin;
	FILE *file;
	enum cni_log_level file_level;
	enum cni_log_level stderr_level;
} log_state = {.plugin = "cni", .file_level = CNI_LOG_INFO, .stderr_level = CNI_LOG_WARNING};

static int level_parse(const char *s, enum cni_log_level *level)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (!strcasecmp(s, level_names[i])) {
			*level = (enum cni_log_level)i;
			return 0;
		}
	}
	if (!strcasecmp(s, "warn")) {
		*level = CNI_LOG_WARNING;
		return 0;
	}
	return -1;
}

int cni_log_setup(const char *plugin, const char *log_file, const char *log_level)
{
	int ret = 0;

	log_state.plugin = plugin;
	if (!log_file && !log_level)
		return 0;
	if (log_level && level_parse(log_level, &log_state.file_level) < 0)
		ret = -1;
	if (log_file && log_file[0]) {
		log_state.file = fopen(log_file, "ae");
		if (!log_state.file)
			ret = -1;
	}
	return ret;
}

bool cni_log_has_file(void)
{
	return log_state.file != NULL;
}

void cni_log_close(void)
{
	if (log_state.file)
		fclose(log_state.file);
	log_state.file = NULL;
}

static void log_line(FILE *f, enum cni_log_level level, const char *fmt, va_list ap)
{
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "%s %s[%d] %s: ", stamp, log_state.plugin, (int)getpid(), level_names[level]);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
}

void cni_log(enum cni_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level <= log_state.stderr_level) {
		va_start(ap, fmt);
		log_line(stderr, level, fmt, ap);
		va_end(ap);
	}
	if (log_state.file && level <= log_state.file_level) {
		va_start(ap, fmt);
		log_line(log_state.file, level, fmt, ap);
		va_end(ap);
	}
}
