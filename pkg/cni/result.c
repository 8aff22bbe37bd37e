/* The result model: building it, and freeing it. Reading and printing live in result_json.c. */
#include "cni/result.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cni_result_init(struct cni_result *r, const char *version)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->cni_version, sizeof(r->cni_version), "%s", version ? version : "");
}

int cni_string_list_append(struct cni_string_list *l, const char *s)
{
	char **items = realloc(l->items, (l->count + 1) * sizeof(char *));
	char *copy;

	if (!items)
		return -1;
	l->items = items;
	copy = strdup(s);
	if (!copy)
		return -1;
	l->items[l->count++] = copy;
	return 0;
}

void cni_string_list_free(struct cni_string_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

void cni_dns_free(struct cni_dns *dns)
{
	cni_string_list_free(&dns->nameservers);
	cni_string_list_free(&dns->search);
	cni_string_list_free(&dns->options);
	free(dns->domain);
	dns->domain = NULL;
}

bool cni_dns_is_empty(const struct cni_dns *dns)
{
	return !dns->nameservers.count && !dns->search.count && !dns->options.count &&
	       !(dns->domain && dns->domain[0]);
}

static int string_list_copy(struct cni_string_list *dst, const struct cni_string_list *src)
{
	for (size_t i = 0; i < src->count; i++)
		if (cni_string_list_append(dst, src->items[i]) < 0)
			return -1;
	return 0;
}

int cni_dns_copy(struct cni_dns *dst, const struct cni_dns *src)
{
	memset(dst, 0, sizeof(*dst));
	if (string_list_copy(&dst->nameservers, &src->nameservers) < 0 ||
	    string_list_copy(&dst->search, &src->search) < 0 ||
	    string_list_copy(&dst->options, &src->options) < 0)
		goto out_free;
	if (src->domain && !(dst->domain = strdup(src->domain)))
		goto out_free;
	return 0;
out_free:
	cni_dns_free(dst);
	return -1;
}

static void interface_free(struct cni_interface *i)
{
	free(i->name);
	free(i->mac);
	free(i->sandbox);
	free(i->socket_path);
	free(i->pci_id);
}

void cni_result_free(struct cni_result *r)
{
	for (size_t i = 0; i < r->n_interfaces; i++)
		interface_free(&r->interfaces[i]);
	free(r->interfaces);
	free(r->ips);
	free(r->routes);
	cni_dns_free(&r->dns);
	memset(r->cni_version, 0, sizeof(r->cni_version));
	r->interfaces = NULL;
	r->ips = NULL;
	r->routes = NULL;
	r->n_interfaces = r->n_ips = r->n_routes = 0;
}

static int out_of_memory(struct cni_err *err)
{
	return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "building the result");
}

static char *strdup_or_null(const char *s, bool *failed)
{
	char *copy;

	if (!s)
		return NULL;
	copy = strdup(s);
	if (!copy)
		*failed = true;
	return copy;
}

int cni_result_add_interface(struct cni_result *r, const char *name, const char *mac, int mtu,
			     const char *sandbox, struct cni_err *err)
{
	struct cni_interface *grown;
	struct cni_interface *i;
	bool failed = false;

	grown = realloc(r->interfaces, (r->n_interfaces + 1) * sizeof(*grown));
	if (!grown)
		return out_of_memory(err);
	r->interfaces = grown;
	i = &r->interfaces[r->n_interfaces];
	memset(i, 0, sizeof(*i));
	i->name = strdup_or_null(name ? name : "", &failed);
	i->mac = strdup_or_null(mac, &failed);
	i->sandbox = strdup_or_null(sandbox, &failed);
	i->mtu = mtu;
	if (failed) {
		interface_free(i);
		return out_of_memory(err);
	}
	return (int)r->n_interfaces++;
}

int cni_result_add_ip(struct cni_result *r, const struct cni_ip_config *ip, struct cni_err *err)
{
	struct cni_ip_config *grown = realloc(r->ips, (r->n_ips + 1) * sizeof(*grown));

	if (!grown)
		return out_of_memory(err);
	r->ips = grown;
	r->ips[r->n_ips] = *ip;
	return (int)r->n_ips++;
}

int cni_result_add_route(struct cni_result *r, const struct cni_route *route, struct cni_err *err)
{
	struct cni_route *grown = realloc(r->routes, (r->n_routes + 1) * sizeof(*grown));

	if (!grown)
		return out_of_memory(err);
	r->routes = grown;
	r->routes[r->n_routes] = *route;
	return (int)r->n_routes++;
}

int cni_result_merge_ipam(struct cni_result *dst, struct cni_result *src, int interface_index,
			  struct cni_err *err)
{
	for (size_t i = 0; i < src->n_ips; i++) {
		struct cni_ip_config ip = src->ips[i];

		ip.interface = interface_index;
		if (cni_result_add_ip(dst, &ip, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < src->n_routes; i++)
		if (cni_result_add_route(dst, &src->routes[i], err) < 0)
			return -1;
	if (!cni_dns_is_empty(&src->dns)) {
		cni_dns_free(&dst->dns);
		dst->dns = src->dns;
		memset(&src->dns, 0, sizeof(src->dns));
	}
	return 0;
}
