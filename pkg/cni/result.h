/* The result of ADD: the 1.1.0 superset, read from any version and printed in any version. */
#ifndef CNI_RESULT_H
#define CNI_RESULT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cni/err.h"
#include "cni/ip.h"

struct cni_interface {
	char *name;
	char *mac;	   /* NULL when not applicable */
	int mtu;	   /* 0 = not reported */
	char *sandbox;	   /* NULL for host interfaces */
	char *socket_path; /* 1.1.0 */
	char *pci_id;	   /* 1.1.0 */
};

struct cni_ip_config {
	int interface; /* index into interfaces, -1 when absent */
	struct cni_prefix address;
	struct cni_ip gateway; /* family 0 when absent */
};

struct cni_route {
	struct cni_prefix dst;
	struct cni_ip gw;	   /* family 0 when absent */
	int mtu, advmss, priority; /* 0 = unset */
	bool has_table, has_scope;
	int table, scope;
};

struct cni_string_list {
	char **items;
	size_t count;
};

struct cni_dns {
	struct cni_string_list nameservers;
	char *domain;
	struct cni_string_list search;
	struct cni_string_list options;
};

struct cni_result {
	char cni_version[16];
	struct cni_interface *interfaces;
	size_t n_interfaces;
	struct cni_ip_config *ips;
	size_t n_ips;
	struct cni_route *routes;
	size_t n_routes;
	struct cni_dns dns;
};

void cni_result_init(struct cni_result *r, const char *version);
void cni_result_free(struct cni_result *r);
void cni_dns_free(struct cni_dns *dns);
int cni_dns_copy(struct cni_dns *dst, const struct cni_dns *src);
bool cni_dns_is_empty(const struct cni_dns *dns);
/* Parse {"nameservers","domain","search","options"}; NULL or absent gives an empty dns. */
int cni_dns_from_json(const json_t *obj, struct cni_dns *dns, struct cni_err *err);

/* Appenders return the new element's index, or -1 with err set (out of memory). */
int cni_result_add_interface(struct cni_result *r, const char *name, const char *mac, int mtu,
			     const char *sandbox, struct cni_err *err);
int cni_result_add_ip(struct cni_result *r, const struct cni_ip_config *ip, struct cni_err *err);
int cni_result_add_route(struct cni_result *r, const struct cni_route *route, struct cni_err *err);
/* Move IPs, routes and DNS of src (an IPAM result) into dst, pointing each IP at interface_index.
 */
int cni_result_merge_ipam(struct cni_result *dst, struct cni_result *src, int interface_index,
			  struct cni_err *err);

int cni_string_list_append(struct cni_string_list *l, const char *s);
void cni_string_list_free(struct cni_string_list *l);

/*
 * Parse a result of any version 0.1.0..1.1.0 (a prevResult, a delegated IPAM result, a cached
 * result). The version is taken from the object's "cniVersion" (fallback_version when absent).
 */
int cni_result_from_json(const json_t *obj, const char *fallback_version, struct cni_result *r,
			 struct cni_err *err);
/* Build the JSON object of r in the shape of version. */
json_t *cni_result_to_json(const struct cni_result *r, const char *version, struct cni_err *err);
/* Print to stdout the way the reference does (4-space indent, Go's key order). */
int cni_result_print(const struct cni_result *r, const char *version, struct cni_err *err);

#endif
