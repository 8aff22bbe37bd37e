/* Reading resolv.conf into struct cni_dns, line rules as the reference's dns.go. */
#include "ipam/resolv_conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"

#define MAX_FIELDS 64

static int split_fields(char *line, char **fields)
{
	int n = 0;

	for (char *tok = strtok(line, " \t\r\n\v\f"); tok && n < MAX_FIELDS;
	     tok = strtok(NULL, " \t\r\n\v\f"))
		fields[n++] = tok;
	return n;
}

static int append_all(struct cni_string_list *l, char **fields, int n, struct cni_err *err)
{
	for (int i = 1; i < n; i++)
		if (cni_string_list_append(l, fields[i]) < 0)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "resolv.conf");
	return 0;
}

static int parse_line(char *line, struct cni_dns *dns, struct cni_err *err)
{
	char *fields[MAX_FIELDS];
	int n;

	line += strspn(line, " \t\r\n\v\f");
	if (!*line || *line == '#' || *line == ';')
		return 0;
	n = split_fields(line, fields);
	if (n < 2)
		return 0;
	if (!strcmp(fields[0], "nameserver"))
		return append_all(&dns->nameservers, fields, 2, err);
	if (!strcmp(fields[0], "domain")) {
		free(dns->domain);
		dns->domain = strdup(fields[1]);
		if (!dns->domain)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "resolv.conf");
		return 0;
	}
	if (!strcmp(fields[0], "search"))
		return append_all(&dns->search, fields, n, err);
	if (!strcmp(fields[0], "options"))
		return append_all(&dns->options, fields, n, err);
	return 0;
}

int ipam_resolv_conf_parse(const char *path, struct cni_dns *dns, struct cni_err *err)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	memset(dns, 0, sizeof(*dns));
	if (!f)
		return cni_errf(err, CNI_ERR_IO, errno, "open %s", path);
	while (getline(&line, &cap, f) >= 0) {
		if (parse_line(line, dns, err) < 0) {
			cni_dns_free(dns);
			return -1;
		}
	}
	if (ferror(f)) {
		cni_dns_free(dns);
		return cni_errf(err, CNI_ERR_IO, errno, "read %s", path);
	}
	return 0;
}
