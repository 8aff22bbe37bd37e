/* Loading libmnl and libiptc on first use (see lazy.h). */
#include "fw/lazy.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cni/log.h"

static const char *const lib_names[] = {
	[FW_LIB_MNL] = "libmnl.so.0",
	[FW_LIB_IPTC] = "libip4tc.so.2",
	[FW_LIB_IP6TC] = "libip6tc.so.2",
};

static void *lib_handles[3];

void *fw_lazy_sym_or_null(enum fw_lazy_lib lib, const char *name)
{
	void *sym;

	if (!lib_handles[lib])
		lib_handles[lib] = dlopen(lib_names[lib], RTLD_NOW | RTLD_LOCAL);
	if (!lib_handles[lib]) {
		cni_log_error("cannot load %s: %s", lib_names[lib], dlerror());
		errno = ELIBACC;
		return NULL;
	}
	sym = dlsym(lib_handles[lib], name);
	if (!sym) {
		cni_log_error("%s has no %s", lib_names[lib], name);
		errno = ELIBBAD;
	}
	return sym;
}

void *fw_lazy_sym(enum fw_lazy_lib lib, const char *name)
{
	void *sym = fw_lazy_sym_or_null(lib, name);

	if (!sym)
		abort();
	return sym;
}
