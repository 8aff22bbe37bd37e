/* Fuzz target: libcni's result cache files (cniCacheV1 or legacy), read back by cnitool. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libcni/libcni.h"
#include "scratch_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct libcni c = {.path = "/nonexistent", .cache_dir = fuzz_scratch_dir()};
	const struct libcni_runtime rt = {.container_id = "fuzz-container", .ifname = "eth0"};
	struct libcni_attachment *a;
	struct cni_result result;
	struct cni_err err;
	char path[160];
	bool found;
	size_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/results", c.cache_dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/results/fuzz-fuzz-container-eth0", c.cache_dir);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);

	cni_err_clear(&err);
	if (libcni_cached_result(&c, "fuzz", size % 2 ? "0.3.1" : "1.1.0", &rt, &found, &result,
				 &err) == 0 &&
	    found)
		cni_result_free(&result);
	cni_err_clear(&err);
	if (libcni_cached_attachments(&c, size % 3 ? NULL : "fuzz-container", &a, &n, &err) == 0)
		libcni_attachments_free(a, n);
	return 0;
}
