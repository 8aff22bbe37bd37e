/* The stdin config read into memory with a size limit, before any of it is parsed. */
#include "cni/stdin.h"

#include <errno.h>
#include <stdlib.h>

int cni_stdin_read(FILE *f, char **buf, size_t *len, struct cni_err *err)
{
	size_t cap = 0, used = 0, n;
	char *data = NULL;

	*buf = NULL;
	*len = 0;
	for (;;) {
		if (used == cap) {
			char *grown;

			/* One byte past the limit was read: refuse without reading the rest. */
			if (cap > CNI_STDIN_MAX) {
				free(data);
				return cni_errf(
					err, CNI_ERR_INVALID_CONFIG, 0,
					"network config too large: more than %u bytes on stdin",
					CNI_STDIN_MAX);
			}
			cap = cap ? cap * 2 : 16384;
			if (cap > CNI_STDIN_MAX)
				cap = CNI_STDIN_MAX + 1;
			grown = realloc(data, cap + 1);
			if (!grown) {
				free(data);
				return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "reading stdin");
			}
			data = grown;
		}
		n = fread(data + used, 1, cap - used, f);
		if (n == 0)
			break;
		used += n;
	}
	if (ferror(f)) {
		free(data);
		return cni_errf(err, CNI_ERR_IO, EIO, "error reading from stdin");
	}
	data[used] = '\0';
	*buf = data;
	*len = used;
	return 0;
}
