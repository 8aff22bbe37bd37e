/* A sysctl key of the config to its file under /proc/sys/net, refusing anything outside it. */
#include <stdio.h>
#include <string.h>

#include "tuning.h"

#define PROC_SYS "/proc/sys/"

/*
 * Go's filepath.Clean for an absolute path, in place: empty and "." elements dropped, ".." pops
 * the element before it (never above "/"). Lexical, as the reference, so "net/../kernel" is seen
 * as "kernel" before anything is opened.
 */
static void clean_absolute(char *path)
{
	char *out = path, *p = path;

	while (*p) {
		char *elem, *end;
		size_t len;

		while (*p == '/')
			p++;
		elem = p;
		end = strchrnul(p, '/');
		len = (size_t)(end - elem);
		p = end;
		if (len == 0 || (len == 1 && elem[0] == '.'))
			continue;
		if (len == 2 && elem[0] == '.' && elem[1] == '.') {
			while (out > path && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, elem, len);
		out += len;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

int tuning_sysctl_path(const char *key, const char *ifname, char rel[PATH_MAX], struct cni_err *err)
{
	char replaced[PATH_MAX], full[PATH_MAX];
	const char *placeholder;
	size_t keylen = strlen(key);

	if (keylen >= sizeof(replaced))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid net sysctl key: \"%s\"",
				key);
	/* Dots first, then IFNAME: an interface name may hold dots ("eth0.100"). */
	strcpy(replaced, key);
	for (char *p = replaced; *p; p++)
		if (*p == '.')
			*p = '/';
	placeholder = strstr(replaced, "IFNAME");
	if (placeholder) {
		size_t at = (size_t)(placeholder - replaced);

		if (keylen - 6 + strlen(ifname) >= sizeof(replaced))
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"invalid net sysctl key: \"%s\"", key);
		snprintf(full, sizeof(full), "%.*s%s%s", (int)at, replaced, ifname,
			 placeholder + 6);
		strcpy(replaced, full);
	}
	if (snprintf(full, sizeof(full), PROC_SYS "%s", replaced) >= (int)sizeof(full))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid net sysctl key: \"%s\"",
				replaced);
	clean_absolute(full);
	/* Only the network subsystem, which is per network namespace. */
	if (strncmp(full, PROC_SYS "net/", strlen(PROC_SYS "net/")) != 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid net sysctl key: \"%s\"",
				replaced);
	strcpy(rel, full + strlen(PROC_SYS));
	return 0;
}

int tuning_sysctl_rel_check(const char *rel, struct cni_err *err)
{
	char full[PATH_MAX];

	if (snprintf(full, sizeof(full), PROC_SYS "%s", rel) >= (int)sizeof(full))
		return cni_errf(err, CNI_ERR_DECODE, 0, "invalid net sysctl path: \"%s\"", rel);
	clean_absolute(full);
	if (strncmp(full, PROC_SYS "net/", strlen(PROC_SYS "net/")) != 0 ||
	    strcmp(full + strlen(PROC_SYS), rel) != 0)
		return cni_errf(err, CNI_ERR_DECODE, 0, "invalid net sysctl path: \"%s\"", rel);
	return 0;
}
