/* The optional sysctl allowlist: one regular expression a line, each key must match one. */
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "tuning.h"

#define ALLOWLIST_MAX 256

struct allowlist {
	char *lines[ALLOWLIST_MAX];
	regex_t res[ALLOWLIST_MAX];
	size_t n;
};

static void allowlist_free(struct allowlist *a)
{
	for (size_t i = 0; i < a->n; i++) {
		regfree(&a->res[i]);
		free(a->lines[i]);
	}
	a->n = 0;
}

static char *trim(char *s)
{
	char *end = s + strlen(s);

	while (isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int allowlist_add(struct allowlist *a, const char *path, const char *line,
			 struct cni_err *err)
{
	if (a->n == ALLOWLIST_MAX)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"sysctl allowlist %s: more than %d entries", path, ALLOWLIST_MAX);
	/* Go's regexp.MatchString is unanchored; so is regexec. */
	if (regcomp(&a->res[a->n], line, REG_EXTENDED | REG_NOSUB) != 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"sysctl allowlist %s: invalid regular expression \"%s\"", path,
				line);
	a->lines[a->n] = strdup(line);
	if (!a->lines[a->n]) {
		regfree(&a->res[a->n]);
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "sysctl allowlist");
	}
	a->n++;
	return 0;
}

/* *present false when the file does not exist: then nothing is validated, as the reference. */
static int allowlist_read(struct allowlist *a, const char *path, bool *present, struct cni_err *err)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	*present = false;
	if (!f) {
		if (errno == ENOENT)
			return 0;
		return cni_errf(err, CNI_ERR_IO, errno, "failed to read sysctl allowlist %s", path);
	}
	*present = true;
	while (getline(&line, &cap, f) >= 0) {
		char *entry = trim(line);

		if (*entry && allowlist_add(a, path, entry, err) < 0)
			return -1;
	}
	if (ferror(f))
		return cni_errf(err, CNI_ERR_IO, errno, "failed to read sysctl allowlist %s", path);
	return 0;
}

static bool allowlist_matches(const struct allowlist *a, const char *key)
{
	for (size_t i = 0; i < a->n; i++)
		if (regexec(&a->res[i], key, 0, NULL, 0) == 0)
			return true;
	return false;
}

/* The reference's "%+v" of a []string: "[a b c]". */
static int not_allowed(const struct allowlist *a, const char *key, struct cni_err *err)
{
	char list[400] = "";
	size_t used = 0;

	for (size_t i = 0; i < a->n && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? " " : "",
					 a->lines[i]);
	return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
			"Sysctl %s is not allowed. Only the following sysctls are allowed: [%s]",
			key, list);
}

int tuning_allowlist_check(const struct tuning_config *c, struct cni_err *err)
{
	const char *path = getenv(TUNING_ALLOWLIST_ENV);
	struct allowlist a = {.n = 0};
	bool present;
	int ret = 0;

	if (!path || !path[0])
		path = TUNING_ALLOWLIST_FILE;
	if (allowlist_read(&a, path, &present, err) < 0) {
		ret = -1;
	} else if (present) {
		for (size_t i = 0; i < c->n_sysctls && ret == 0; i++)
			if (!allowlist_matches(&a, c->sysctls[i].key))
				ret = not_allowed(&a, c->sysctls[i].key, err);
	}
	allowlist_free(&a);
	return ret;
}
