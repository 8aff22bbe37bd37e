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

int ip6tc_append_entry(const char *a0, const struct ip6t_entry *a1, struct xtc_handle *a2)
{
	static __typeof__(&ip6tc_append_entry) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_append_entry");
	return real(a0, a1, a2);
}

int ip6tc_builtin(const char *a0, struct xtc_handle *const a1)
{
	static __typeof__(&ip6tc_builtin) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_builtin");
	return real(a0, a1);
}

int ip6tc_commit(struct xtc_handle *a0)
{
	static __typeof__(&ip6tc_commit) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_commit");
	return real(a0);
}

int ip6tc_create_chain(const char *a0, struct xtc_handle *a1)
{
	static __typeof__(&ip6tc_create_chain) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_create_chain");
	return real(a0, a1);
}

int ip6tc_delete_chain(const char *a0, struct xtc_handle *a1)
{
	static __typeof__(&ip6tc_delete_chain) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_delete_chain");
	return real(a0, a1);
}

int ip6tc_delete_num_entry(const char *a0, unsigned int a1, struct xtc_handle *a2)
{
	static __typeof__(&ip6tc_delete_num_entry) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_delete_num_entry");
	return real(a0, a1, a2);
}

const char *ip6tc_first_chain(struct xtc_handle *a0)
{
	static __typeof__(&ip6tc_first_chain) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_first_chain");
	return real(a0);
}

const struct ip6t_entry *ip6tc_first_rule(const char *a0, struct xtc_handle *a1)
{
	static __typeof__(&ip6tc_first_rule) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_first_rule");
	return real(a0, a1);
}

int ip6tc_flush_entries(const char *a0, struct xtc_handle *a1)
{
	static __typeof__(&ip6tc_flush_entries) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_flush_entries");
	return real(a0, a1);
}

void ip6tc_free(struct xtc_handle *a0)
{
	static __typeof__(&ip6tc_free) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_free");
	real(a0);
}

const char *ip6tc_get_target(const struct ip6t_entry *a0, struct xtc_handle *a1)
{
	static __typeof__(&ip6tc_get_target) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_get_target");
	return real(a0, a1);
}

struct xtc_handle *ip6tc_init(const char *a0)
{
	static __typeof__(&ip6tc_init) real;

	if (!real && !(real = fw_lazy_sym_or_null(FW_LIB_IP6TC, "ip6tc_init")))
		return NULL;
	return real(a0);
}

int ip6tc_insert_entry(const char *a0, const struct ip6t_entry *a1, unsigned int a2,
		       struct xtc_handle *a3)
{
	static __typeof__(&ip6tc_insert_entry) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_insert_entry");
	return real(a0, a1, a2, a3);
}

const char *ip6tc_next_chain(struct xtc_handle *a0)
{
	static __typeof__(&ip6tc_next_chain) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_next_chain");
	return real(a0);
}

const struct ip6t_entry *ip6tc_next_rule(const struct ip6t_entry *a0, struct xtc_handle *a1)
{
	static __typeof__(&ip6tc_next_rule) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_next_rule");
	return real(a0, a1);
}

const char *ip6tc_strerror(int a0)
{
	static __typeof__(&ip6tc_strerror) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IP6TC, "ip6tc_strerror");
	return real(a0);
}

int iptc_append_entry(const char *a0, const struct ipt_entry *a1, struct xtc_handle *a2)
{
	static __typeof__(&iptc_append_entry) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_append_entry");
	return real(a0, a1, a2);
}

int iptc_builtin(const char *a0, struct xtc_handle *const a1)
{
	static __typeof__(&iptc_builtin) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_builtin");
	return real(a0, a1);
}

int iptc_commit(struct xtc_handle *a0)
{
	static __typeof__(&iptc_commit) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_commit");
	return real(a0);
}

int iptc_create_chain(const char *a0, struct xtc_handle *a1)
{
	static __typeof__(&iptc_create_chain) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_create_chain");
	return real(a0, a1);
}

int iptc_delete_chain(const char *a0, struct xtc_handle *a1)
{
	static __typeof__(&iptc_delete_chain) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_delete_chain");
	return real(a0, a1);
}

int iptc_delete_num_entry(const char *a0, unsigned int a1, struct xtc_handle *a2)
{
	static __typeof__(&iptc_delete_num_entry) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_delete_num_entry");
	return real(a0, a1, a2);
}

const char *iptc_first_chain(struct xtc_handle *a0)
{
	static __typeof__(&iptc_first_chain) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_first_chain");
	return real(a0);
}

const struct ipt_entry *iptc_first_rule(const char *a0, struct xtc_handle *a1)
{
	static __typeof__(&iptc_first_rule) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_first_rule");
	return real(a0, a1);
}

int iptc_flush_entries(const char *a0, struct xtc_handle *a1)
{
	static __typeof__(&iptc_flush_entries) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_flush_entries");
	return real(a0, a1);
}

void iptc_free(struct xtc_handle *a0)
{
	static __typeof__(&iptc_free) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_free");
	real(a0);
}

const char *iptc_get_target(const struct ipt_entry *a0, struct xtc_handle *a1)
{
	static __typeof__(&iptc_get_target) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_get_target");
	return real(a0, a1);
}

struct xtc_handle *iptc_init(const char *a0)
{
	static __typeof__(&iptc_init) real;

	if (!real && !(real = fw_lazy_sym_or_null(FW_LIB_IPTC, "iptc_init")))
		return NULL;
	return real(a0);
}

int iptc_insert_entry(const char *a0, const struct ipt_entry *a1, unsigned int a2,
		      struct xtc_handle *a3)
{
	static __typeof__(&iptc_insert_entry) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_insert_entry");
	return real(a0, a1, a2, a3);
}

const char *iptc_next_chain(struct xtc_handle *a0)
{
	static __typeof__(&iptc_next_chain) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_next_chain");
	return real(a0);
}

const struct ipt_entry *iptc_next_rule(const struct ipt_entry *a0, struct xtc_handle *a1)
{
	static __typeof__(&iptc_next_rule) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_next_rule");
	return real(a0, a1);
}

const char *iptc_strerror(int a0)
{
	static __typeof__(&iptc_strerror) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_IPTC, "iptc_strerror");
	return real(a0);
}

void *mnl_attr_get_payload(const struct nlattr *a0)
{
	static __typeof__(&mnl_attr_get_payload) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_get_payload");
	return real(a0);
}

uint16_t mnl_attr_get_payload_len(const struct nlattr *a0)
{
	static __typeof__(&mnl_attr_get_payload_len) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_get_payload_len");
	return real(a0);
}

const char *mnl_attr_get_str(const struct nlattr *a0)
{
	static __typeof__(&mnl_attr_get_str) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_get_str");
	return real(a0);
}

uint16_t mnl_attr_get_type(const struct nlattr *a0)
{
	static __typeof__(&mnl_attr_get_type) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_get_type");
	return real(a0);
}

uint16_t mnl_attr_get_u16(const struct nlattr *a0)
{
	static __typeof__(&mnl_attr_get_u16) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_get_u16");
	return real(a0);
}

uint32_t mnl_attr_get_u32(const struct nlattr *a0)
{
	static __typeof__(&mnl_attr_get_u32) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_get_u32");
	return real(a0);
}

uint64_t mnl_attr_get_u64(const struct nlattr *a0)
{
	static __typeof__(&mnl_attr_get_u64) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_get_u64");
	return real(a0);
}

uint8_t mnl_attr_get_u8(const struct nlattr *a0)
{
	static __typeof__(&mnl_attr_get_u8) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_get_u8");
	return real(a0);
}

void mnl_attr_nest_end(struct nlmsghdr *a0, struct nlattr *a1)
{
	static __typeof__(&mnl_attr_nest_end) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_nest_end");
	real(a0, a1);
}

struct nlattr *mnl_attr_nest_start(struct nlmsghdr *a0, uint16_t a1)
{
	static __typeof__(&mnl_attr_nest_start) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_nest_start");
	return real(a0, a1);
}

struct nlattr *mnl_attr_next(const struct nlattr *a0)
{
	static __typeof__(&mnl_attr_next) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_next");
	return real(a0);
}

_Bool mnl_attr_ok(const struct nlattr *a0, int a1)
{
	static __typeof__(&mnl_attr_ok) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_ok");
	return real(a0, a1);
}

int mnl_attr_parse(const struct nlmsghdr *a0, unsigned int a1, mnl_attr_cb_t a2, void *a3)
{
	static __typeof__(&mnl_attr_parse) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_parse");
	return real(a0, a1, a2, a3);
}

int mnl_attr_parse_nested(const struct nlattr *a0, mnl_attr_cb_t a1, void *a2)
{
	static __typeof__(&mnl_attr_parse_nested) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_parse_nested");
	return real(a0, a1, a2);
}

void mnl_attr_put(struct nlmsghdr *a0, uint16_t a1, size_t a2, const void *a3)
{
	static __typeof__(&mnl_attr_put) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_put");
	real(a0, a1, a2, a3);
}

void mnl_attr_put_str(struct nlmsghdr *a0, uint16_t a1, const char *a2)
{
	static __typeof__(&mnl_attr_put_str) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_put_str");
	real(a0, a1, a2);
}

void mnl_attr_put_strz(struct nlmsghdr *a0, uint16_t a1, const char *a2)
{
	static __typeof__(&mnl_attr_put_strz) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_put_strz");
	real(a0, a1, a2);
}

void mnl_attr_put_u16(struct nlmsghdr *a0, uint16_t a1, uint16_t a2)
{
	static __typeof__(&mnl_attr_put_u16) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_put_u16");
	real(a0, a1, a2);
}

void mnl_attr_put_u32(struct nlmsghdr *a0, uint16_t a1, uint32_t a2)
{
	static __typeof__(&mnl_attr_put_u32) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_put_u32");
	real(a0, a1, a2);
}

void mnl_attr_put_u64(struct nlmsghdr *a0, uint16_t a1, uint64_t a2)
{
	static __typeof__(&mnl_attr_put_u64) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_put_u64");
	real(a0, a1, a2);
}

void mnl_attr_put_u8(struct nlmsghdr *a0, uint16_t a1, uint8_t a2)
{
	static __typeof__(&mnl_attr_put_u8) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_put_u8");
	real(a0, a1, a2);
}

int mnl_attr_type_valid(const struct nlattr *a0, uint16_t a1)
{
	static __typeof__(&mnl_attr_type_valid) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_type_valid");
	return real(a0, a1);
}

int mnl_attr_validate(const struct nlattr *a0, enum mnl_attr_data_type a1)
{
	static __typeof__(&mnl_attr_validate) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_attr_validate");
	return real(a0, a1);
}

int mnl_cb_run(const void *a0, size_t a1, unsigned int a2, unsigned int a3, mnl_cb_t a4, void *a5)
{
	static __typeof__(&mnl_cb_run) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_cb_run");
	return real(a0, a1, a2, a3, a4, a5);
}

void *mnl_nlmsg_batch_current(struct mnl_nlmsg_batch *a0)
{
	static __typeof__(&mnl_nlmsg_batch_current) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_nlmsg_batch_current");
	return real(a0);
}

void *mnl_nlmsg_batch_head(struct mnl_nlmsg_batch *a0)
{
	static __typeof__(&mnl_nlmsg_batch_head) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_nlmsg_batch_head");
	return real(a0);
}

_Bool mnl_nlmsg_batch_next(struct mnl_nlmsg_batch *a0)
{
	static __typeof__(&mnl_nlmsg_batch_next) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_nlmsg_batch_next");
	return real(a0);
}

size_t mnl_nlmsg_batch_size(struct mnl_nlmsg_batch *a0)
{
	static __typeof__(&mnl_nlmsg_batch_size) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_nlmsg_batch_size");
	return real(a0);
}

struct mnl_nlmsg_batch *mnl_nlmsg_batch_start(void *a0, size_t a1)
{
	static __typeof__(&mnl_nlmsg_batch_start) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_nlmsg_batch_start");
	return real(a0, a1);
}

void mnl_nlmsg_batch_stop(struct mnl_nlmsg_batch *a0)
{
	static __typeof__(&mnl_nlmsg_batch_stop) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_nlmsg_batch_stop");
	real(a0);
}

void *mnl_nlmsg_get_payload(const struct nlmsghdr *a0)
{
	static __typeof__(&mnl_nlmsg_get_payload) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_nlmsg_get_payload");
	return real(a0);
}

void *mnl_nlmsg_get_payload_offset(const struct nlmsghdr *a0, size_t a1)
{
	static __typeof__(&mnl_nlmsg_get_payload_offset) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_nlmsg_get_payload_offset");
	return real(a0, a1);
}

void *mnl_nlmsg_get_payload_tail(const struct nlmsghdr *a0)
{
	static __typeof__(&mnl_nlmsg_get_payload_tail) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_nlmsg_get_payload_tail");
	return real(a0);
}

struct nlmsghdr *mnl_nlmsg_next(const struct nlmsghdr *a0, int *a1)
{
	static __typeof__(&mnl_nlmsg_next) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_nlmsg_next");
	return real(a0, a1);
}

_Bool mnl_nlmsg_ok(const struct nlmsghdr *a0, int a1)
{
	static __typeof__(&mnl_nlmsg_ok) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_nlmsg_ok");
	return real(a0, a1);
}

void *mnl_nlmsg_put_extra_header(struct nlmsghdr *a0, size_t a1)
{
	static __typeof__(&mnl_nlmsg_put_extra_header) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_nlmsg_put_extra_header");
	return real(a0, a1);
}

struct nlmsghdr *mnl_nlmsg_put_header(void *a0)
{
	static __typeof__(&mnl_nlmsg_put_header) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_nlmsg_put_header");
	return real(a0);
}

int mnl_socket_bind(struct mnl_socket *a0, unsigned int a1, pid_t a2)
{
	static __typeof__(&mnl_socket_bind) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_socket_bind");
	return real(a0, a1, a2);
}

int mnl_socket_close(struct mnl_socket *a0)
{
	static __typeof__(&mnl_socket_close) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_socket_close");
	return real(a0);
}

int mnl_socket_get_fd(const struct mnl_socket *a0)
{
	static __typeof__(&mnl_socket_get_fd) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_socket_get_fd");
	return real(a0);
}

unsigned int mnl_socket_get_portid(const struct mnl_socket *a0)
{
	static __typeof__(&mnl_socket_get_portid) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_socket_get_portid");
	return real(a0);
}

struct mnl_socket *mnl_socket_open(int a0)
{
	static __typeof__(&mnl_socket_open) real;

	if (!real && !(real = fw_lazy_sym_or_null(FW_LIB_MNL, "mnl_socket_open")))
		return NULL;
	return real(a0);
}

ssize_t mnl_socket_recvfrom(const struct mnl_socket *a0, void *a1, size_t a2)
{
	static __typeof__(&mnl_socket_recvfrom) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_socket_recvfrom");
	return real(a0, a1, a2);
}

ssize_t mnl_socket_sendto(const struct mnl_socket *a0, const void *a1, size_t a2)
{
	static __typeof__(&mnl_socket_sendto) real;

	if (!real)
		real = fw_lazy_sym(FW_LIB_MNL, "mnl_socket_sendto");
	return real(a0, a1, a2);
}
