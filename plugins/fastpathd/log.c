/* The log stream and fastpathd's rte_log type. */
#include "log.h"

#include <stdio.h>

int fpd_logtype = RTE_LOGTYPE_USER1;
static FILE *log_stream;

int fpd_log_open(const char *path)
{
	if (!path || !path[0])
		return rte_openlog_stream(stderr);
	log_stream = fopen(path, "ae");
	if (!log_stream)
		return -1;
	setvbuf(log_stream, NULL, _IOLBF, 0);
	return rte_openlog_stream(log_stream);
}

void fpd_log_register(int level)
{
	int t = rte_log_register_type_and_pick_level("fastpathd", level);

	if (t >= 0)
		fpd_logtype = t;
	rte_log_set_level(fpd_logtype, level);
}

void fpd_log_close(void)
{
	rte_openlog_stream(NULL);
	if (log_stream)
		fclose(log_stream);
	log_stream = NULL;
}
