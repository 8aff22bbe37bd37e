/*
 * Trampolines for the libmnl and libiptc functions that pkg/fw and the static libnftnl call: each
 * resolves its symbol in the library pkg/fw/lazy.c loads on first use. Signatures are those of
 * <libmnl/libmnl.h>, <libiptc/libiptc.h> and <libiptc/libip6tc.h>, which this file includes so the
 * compiler checks every one. The opening calls (mnl_socket_open, iptc_init, ip6tc_init) fail with
 * NULL and errno set when the library is missing; every other call happens on what they opened.
 */
/* The headers declare chain names as const char[32]; a pointer is the same parameter. */
#pragma GCC diagnostic ignored "-Warray-parameter"

#include <libiptc/libip6tc.h>
#include <libiptc/libiptc.h>
#include <libmnl/libmnl.h>

#include "fw/lazy.h"

/* LAZY(lib, type, name, (parameters), (arguments)): name, resolved in lib at its first call. */
#define LAZY(lib, type, name, params, args)                                                        \
	type name params                                                                           \
	{                                                                                          \
		static __typeof__(&name) real;                                                     \
                                                                                                   \
		if (!real)                                                                         \
			real = fw_lazy_sym(lib, #name);                                            \
		return real args;                                                                  \
	}

/* The same for a function that returns nothing. */
#define LAZY_VOID(lib, name, params, args)                                                         \
	void name params                                                                           \
	{                                                                                          \
		static __typeof__(&name) real;                                                     \
                                                                                                   \
		if (!real)                                                                         \
			real = fw_lazy_sym(lib, #name);                                            \
		real args;                                                                         \
	}

/* An opening call: NULL, errno set, when the library cannot be loaded. */
#define LAZY_OPEN(lib, type, name, params, args)                                                   \
	type name params                                                                           \
	{                                                                                          \
		static __typeof__(&name) real;                                                     \
                                                                                                   \
		if (!real && !(real = fw_lazy_sym_or_null(lib, #name)))                            \
			return NULL;                                                               \
		return real args;                                                                  \
	}

LAZY(FW_LIB_IP6TC, int, ip6tc_append_entry,
     (const char *a0, const struct ip6t_entry *a1, struct xtc_handle *a2), (a0, a1, a2))
LAZY(FW_LIB_IP6TC, int, ip6tc_builtin, (const char *a0, struct xtc_handle *const a1), (a0, a1))
LAZY(FW_LIB_IP6TC, int, ip6tc_commit, (struct xtc_handle * a0), (a0))
LAZY(FW_LIB_IP6TC, int, ip6tc_create_chain, (const char *a0, struct xtc_handle *a1), (a0, a1))
LAZY(FW_LIB_IP6TC, int, ip6tc_delete_chain, (const char *a0, struct xtc_handle *a1), (a0, a1))
LAZY(FW_LIB_IP6TC, int, ip6tc_delete_num_entry,
     (const char *a0, unsigned int a1, struct xtc_handle *a2), (a0, a1, a2))
LAZY(FW_LIB_IP6TC, const char *, ip6tc_first_chain, (struct xtc_handle * a0), (a0))
LAZY(FW_LIB_IP6TC, const struct ip6t_entry *, ip6tc_first_rule,
     (const char *a0, struct xtc_handle *a1), (a0, a1))
LAZY(FW_LIB_IP6TC, int, ip6tc_flush_entries, (const char *a0, struct xtc_handle *a1), (a0, a1))
LAZY_VOID(FW_LIB_IP6TC, ip6tc_free, (struct xtc_handle * a0), (a0))
LAZY(FW_LIB_IP6TC, const char *, ip6tc_get_target,
     (const struct ip6t_entry *a0, struct xtc_handle *a1), (a0, a1))
LAZY_OPEN(FW_LIB_IP6TC, struct xtc_handle *, ip6tc_init, (const char *a0), (a0))
LAZY(FW_LIB_IP6TC, int, ip6tc_insert_entry,
     (const char *a0, const struct ip6t_entry *a1, unsigned int a2, struct xtc_handle *a3),
     (a0, a1, a2, a3))
LAZY(FW_LIB_IP6TC, const char *, ip6tc_next_chain, (struct xtc_handle * a0), (a0))
LAZY(FW_LIB_IP6TC, const struct ip6t_entry *, ip6tc_next_rule,
     (const struct ip6t_entry *a0, struct xtc_handle *a1), (a0, a1))
LAZY(FW_LIB_IP6TC, const char *, ip6tc_strerror, (int a0), (a0))
LAZY(FW_LIB_IPTC, int, iptc_append_entry,
     (const char *a0, const struct ipt_entry *a1, struct xtc_handle *a2), (a0, a1, a2))
LAZY(FW_LIB_IPTC, int, iptc_builtin, (const char *a0, struct xtc_handle *const a1), (a0, a1))
LAZY(FW_LIB_IPTC, int, iptc_commit, (struct xtc_handle * a0), (a0))
LAZY(FW_LIB_IPTC, int, iptc_create_chain, (const char *a0, struct xtc_handle *a1), (a0, a1))
LAZY(FW_LIB_IPTC, int, iptc_delete_chain, (const char *a0, struct xtc_handle *a1), (a0, a1))
LAZY(FW_LIB_IPTC, int, iptc_delete_num_entry,
     (const char *a0, unsigned int a1, struct xtc_handle *a2), (a0, a1, a2))
LAZY(FW_LIB_IPTC, const char *, iptc_first_chain, (struct xtc_handle * a0), (a0))
LAZY(FW_LIB_IPTC, const struct ipt_entry *, iptc_first_rule,
     (const char *a0, struct xtc_handle *a1), (a0, a1))
LAZY(FW_LIB_IPTC, int, iptc_flush_entries, (const char *a0, struct xtc_handle *a1), (a0, a1))
LAZY_VOID(FW_LIB_IPTC, iptc_free, (struct xtc_handle * a0), (a0))
LAZY(FW_LIB_IPTC, const char *, iptc_get_target,
     (const struct ipt_entry *a0, struct xtc_handle *a1), (a0, a1))
LAZY_OPEN(FW_LIB_IPTC, struct xtc_handle *, iptc_init, (const char *a0), (a0))
LAZY(FW_LIB_IPTC, int, iptc_insert_entry,
     (const char *a0, const struct ipt_entry *a1, unsigned int a2, struct xtc_handle *a3),
     (a0, a1, a2, a3))
LAZY(FW_LIB_IPTC, const char *, iptc_next_chain, (struct xtc_handle * a0), (a0))
LAZY(FW_LIB_IPTC, const struct ipt_entry *, iptc_next_rule,
     (const struct ipt_entry *a0, struct xtc_handle *a1), (a0, a1))
LAZY(FW_LIB_IPTC, const char *, iptc_strerror, (int a0), (a0))
LAZY(FW_LIB_MNL, void *, mnl_attr_get_payload, (const struct nlattr *a0), (a0))
LAZY(FW_LIB_MNL, uint16_t, mnl_attr_get_payload_len, (const struct nlattr *a0), (a0))
LAZY(FW_LIB_MNL, const char *, mnl_attr_get_str, (const struct nlattr *a0), (a0))
LAZY(FW_LIB_MNL, uint16_t, mnl_attr_get_type, (const struct nlattr *a0), (a0))
LAZY(FW_LIB_MNL, uint16_t, mnl_attr_get_u16, (const struct nlattr *a0), (a0))
LAZY(FW_LIB_MNL, uint32_t, mnl_attr_get_u32, (const struct nlattr *a0), (a0))
LAZY(FW_LIB_MNL, uint64_t, mnl_attr_get_u64, (const struct nlattr *a0), (a0))
LAZY(FW_LIB_MNL, uint8_t, mnl_attr_get_u8, (const struct nlattr *a0), (a0))
LAZY_VOID(FW_LIB_MNL, mnl_attr_nest_end, (struct nlmsghdr * a0, struct nlattr *a1), (a0, a1))
LAZY(FW_LIB_MNL, struct nlattr *, mnl_attr_nest_start, (struct nlmsghdr * a0, uint16_t a1),
     (a0, a1))
LAZY(FW_LIB_MNL, struct nlattr *, mnl_attr_next, (const struct nlattr *a0), (a0))
LAZY(FW_LIB_MNL, _Bool, mnl_attr_ok, (const struct nlattr *a0, int a1), (a0, a1))
LAZY(FW_LIB_MNL, int, mnl_attr_parse,
     (const struct nlmsghdr *a0, unsigned int a1, mnl_attr_cb_t a2, void *a3), (a0, a1, a2, a3))
LAZY(FW_LIB_MNL, int, mnl_attr_parse_nested, (const struct nlattr *a0, mnl_attr_cb_t a1, void *a2),
     (a0, a1, a2))
LAZY_VOID(FW_LIB_MNL, mnl_attr_put, (struct nlmsghdr * a0, uint16_t a1, size_t a2, const void *a3),
	  (a0, a1, a2, a3))
LAZY_VOID(FW_LIB_MNL, mnl_attr_put_str, (struct nlmsghdr * a0, uint16_t a1, const char *a2),
	  (a0, a1, a2))
LAZY_VOID(FW_LIB_MNL, mnl_attr_put_strz, (struct nlmsghdr * a0, uint16_t a1, const char *a2),
	  (a0, a1, a2))
LAZY_VOID(FW_LIB_MNL, mnl_attr_put_u16, (struct nlmsghdr * a0, uint16_t a1, uint16_t a2),
	  (a0, a1, a2))
LAZY_VOID(FW_LIB_MNL, mnl_attr_put_u32, (struct nlmsghdr * a0, uint16_t a1, uint32_t a2),
	  (a0, a1, a2))
LAZY_VOID(FW_LIB_MNL, mnl_attr_put_u64, (struct nlmsghdr * a0, uint16_t a1, uint64_t a2),
	  (a0, a1, a2))
LAZY_VOID(FW_LIB_MNL, mnl_attr_put_u8, (struct nlmsghdr * a0, uint16_t a1, uint8_t a2),
	  (a0, a1, a2))
LAZY(FW_LIB_MNL, int, mnl_attr_type_valid, (const struct nlattr *a0, uint16_t a1), (a0, a1))
LAZY(FW_LIB_MNL, int, mnl_attr_validate, (const struct nlattr *a0, enum mnl_attr_data_type a1),
     (a0, a1))
LAZY(FW_LIB_MNL, int, mnl_cb_run,
     (const void *a0, size_t a1, unsigned int a2, unsigned int a3, mnl_cb_t a4, void *a5),
     (a0, a1, a2, a3, a4, a5))
LAZY(FW_LIB_MNL, void *, mnl_nlmsg_batch_current, (struct mnl_nlmsg_batch * a0), (a0))
LAZY(FW_LIB_MNL, void *, mnl_nlmsg_batch_head, (struct mnl_nlmsg_batch * a0), (a0))
LAZY(FW_LIB_MNL, _Bool, mnl_nlmsg_batch_next, (struct mnl_nlmsg_batch * a0), (a0))
LAZY(FW_LIB_MNL, size_t, mnl_nlmsg_batch_size, (struct mnl_nlmsg_batch * a0), (a0))
LAZY(FW_LIB_MNL, struct mnl_nlmsg_batch *, mnl_nlmsg_batch_start, (void *a0, size_t a1), (a0, a1))
LAZY_VOID(FW_LIB_MNL, mnl_nlmsg_batch_stop, (struct mnl_nlmsg_batch * a0), (a0))
LAZY(FW_LIB_MNL, void *, mnl_nlmsg_get_payload, (const struct nlmsghdr *a0), (a0))
LAZY(FW_LIB_MNL, void *, mnl_nlmsg_get_payload_offset, (const struct nlmsghdr *a0, size_t a1),
     (a0, a1))
LAZY(FW_LIB_MNL, void *, mnl_nlmsg_get_payload_tail, (const struct nlmsghdr *a0), (a0))
LAZY(FW_LIB_MNL, struct nlmsghdr *, mnl_nlmsg_next, (const struct nlmsghdr *a0, int *a1), (a0, a1))
LAZY(FW_LIB_MNL, _Bool, mnl_nlmsg_ok, (const struct nlmsghdr *a0, int a1), (a0, a1))
LAZY(FW_LIB_MNL, void *, mnl_nlmsg_put_extra_header, (struct nlmsghdr * a0, size_t a1), (a0, a1))
LAZY(FW_LIB_MNL, struct nlmsghdr *, mnl_nlmsg_put_header, (void *a0), (a0))
LAZY(FW_LIB_MNL, int, mnl_socket_bind, (struct mnl_socket * a0, unsigned int a1, pid_t a2),
     (a0, a1, a2))
LAZY(FW_LIB_MNL, int, mnl_socket_close, (struct mnl_socket * a0), (a0))
LAZY(FW_LIB_MNL, int, mnl_socket_get_fd, (const struct mnl_socket *a0), (a0))
LAZY(FW_LIB_MNL, unsigned int, mnl_socket_get_portid, (const struct mnl_socket *a0), (a0))
LAZY_OPEN(FW_LIB_MNL, struct mnl_socket *, mnl_socket_open, (int a0), (a0))
LAZY(FW_LIB_MNL, ssize_t, mnl_socket_recvfrom, (const struct mnl_socket *a0, void *a1, size_t a2),
     (a0, a1, a2))
LAZY(FW_LIB_MNL, ssize_t, mnl_socket_sendto,
     (const struct mnl_socket *a0, const void *a1, size_t a2), (a0, a1, a2))
