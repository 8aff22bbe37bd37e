/* libmnl and libiptc, loaded when pkg/fw first needs them rather than at every start. */
#ifndef FW_LAZY_H
#define FW_LAZY_H

/*
 * Debian ships libmnl, libip4tc and libip6tc as shared objects only. Linked normally, every start
 * of bridge or ptp would load them (about 0.2 ms of CPU here) even when no rule is wanted, and a
 * node without them could not run the plugins at all. So the plugins link none of them: the
 * trampolines in lazy_syms.c load each library with dlopen on its first call.
 */
enum fw_lazy_lib {
	FW_LIB_MNL,
	FW_LIB_IPTC,
	FW_LIB_IP6TC,
};

/* The symbol, or NULL with errno ELIBACC when the library cannot be loaded. */
void *fw_lazy_sym_or_null(enum fw_lazy_lib lib, const char *name);
/* The symbol; a missing one aborts (only reachable past a successful opening call). */
void *fw_lazy_sym(enum fw_lazy_lib lib, const char *name);

#endif
