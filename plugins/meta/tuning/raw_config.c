/* Keep stdin's bytes before the skel parses them, and hand the skel the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuning.h"

static char *raw;
static size_t raw_len;

/*
 * Only ADD and CHECK look for duplicate keys, and only they pay for the copy. glibc documents
 * stdin as an ordinary variable that may be assigned, so the skel reads the copy unchanged.
 */
void tuning_raw_config_capture(void)
{
	const char *cmd = getenv("CNI_COMMAND");
	size_t cap = 0;
	FILE *copy;

	if (!cmd || (strcmp(cmd, "ADD") != 0 && strcmp(cmd, "CHECK") != 0))
		return;
	for (;;) {
		size_t n;

		if (raw_len == cap) {
			char *grown = realloc(raw, cap ? cap * 2 : 4096);

			if (!grown)
				return; /* the skel then reports the truncated config */
			raw = grown;
			cap = cap ? cap * 2 : 4096;
		}
		n = fread(raw + raw_len, 1, cap - raw_len, stdin);
		raw_len += n;
		if (n == 0)
			break;
	}
	if (raw_len == 0)
		return; /* stdin is at its end already: the skel sees the same empty input */
	copy = fmemopen(raw, raw_len, "r");
	if (copy)
		stdin = copy;
}

const char *tuning_raw_config(size_t *len)
{
	*len = raw_len;
	return raw;
}
