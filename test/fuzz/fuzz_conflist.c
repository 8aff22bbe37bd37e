/* Fuzz target: cnitool's network loading: a .conflist in memory, and the same bytes as a .conf. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "libcni/libcni.h"
#include "scratch_file.h"

static void write_conf(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct libcni_list list;
	struct cni_err err;
	char path[128];

	cni_err_clear(&err);
	if (libcni_list_from_bytes((const char *)data, size, &list, &err) == 0)
		libcni_list_free(&list);
	/* A .conf named "fuzz" is wrapped into a one-plugin list (libcni's ConfListFromConf). */
	snprintf(path, sizeof(path), "%s/10-fuzz.conf", fuzz_scratch_dir());
	write_conf(path, data, size);
	cni_err_clear(&err);
	if (libcni_load_list(fuzz_scratch_dir(), "fuzz", &list, &err) == 0)
		libcni_list_free(&list);
	return 0;
}
