/* Fuzz target: host-local's store read back: a reservation file's name and content, last_reserved.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipam/hostlocal_store.h"
#include "scratch_file.h"

static struct ipam_store store;

static int visit(struct ipam_store *s, const char *name, const struct cni_ip *ip,
		 const char *content, size_t len, void *ctx, struct cni_err *err)
{
	struct ipam_owner owner;

	if (!content)
		return 0;
	ipam_owner_match(content, len, "fuzz-container", "eth0");
	ipam_owner_match(content, len, " fuzz-container ", "");
	ipam_owner_parse(content, len, &owner);
	return 0;
}

static void put(const char *name, const uint8_t *data, size_t size)
{
	int fd = openat(store.dir_fd, name, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
}

/* A name the directory could hold (no '/', not "." or ".."), other than the store's lock. */
static bool usable_name(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..") &&
	       strcmp(name, "lock");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input is "<file name>\n<content>"; the content also goes into last_reserved_ip.0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char name[256] = "10.1.2.3", given[256] = "";
	const uint8_t *content = nl ? nl + 1 : data;
	size_t content_len = size - (size_t)(content - data);
	struct cni_err err;
	struct cni_ip ip;

	cni_err_clear(&err);
	if (store.dir_fd <= 0 && ipam_store_open(&store, fuzz_scratch_dir(), "net", &err) < 0)
		abort();
	/* At most 255 bytes; a NUL ends the name as it would end a path. */
	if (nl && nl - data < (ptrdiff_t)sizeof(given))
		memcpy(given, data, (size_t)(nl - data));
	if (usable_name(given))
		strcpy(name, given);
	put(name, content, content_len);
	put(IPAM_LAST_RESERVED_PREFIX "0", content, content_len);
	ipam_store_foreach(&store, true, visit, NULL, &err);
	ipam_store_last_reserved(&store, 0, &ip);
	unlinkat(store.dir_fd, name, 0);
	unlinkat(store.dir_fd, IPAM_LAST_RESERVED_PREFIX "0", 0);
	return 0;
}
