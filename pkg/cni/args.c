/* Parsing CNI_ARGS the way the reference's types.LoadArgs does. */
#include "cni/args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cni_args_free(struct cni_arg *args, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(args[i].key);
		free(args[i].value);
	}
	free(args);
}

int cni_args_parse(const char *s, struct cni_arg **out, size_t *n, struct cni_err *err)
{
	struct cni_arg *args = NULL;
	size_t count = 0;
	const char *p = s;

	*out = NULL;
	*n = 0;
	if (!s || !s[0])
		return 0;
	for (;;) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		struct cni_arg *grown;

		if (!eq || memchr(eq + 1, '=', len - (size_t)(eq + 1 - p))) {
			cni_errf(err, CNI_ERR_INVALID_ENV, 0, "ARGS: invalid pair \"%.*s\"",
				 (int)len, p);
			goto out_free;
		}
		grown = realloc(args, (count + 1) * sizeof(*grown));
		if (!grown) {
			cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "ARGS");
			goto out_free;
		}
		args = grown;
		args[count].key = strndup(p, (size_t)(eq - p));
		args[count].value = strndup(eq + 1, len - (size_t)(eq + 1 - p));
		count++;
		if (!args[count - 1].key || !args[count - 1].value) {
			cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "ARGS");
			goto out_free;
		}
		if (!end)
			break;
		p = end + 1;
	}
	*out = args;
	*n = count;
	return 0;
out_free:
	cni_args_free(args, count);
	return -1;
}

int cni_args_parse_bool(const char *s, bool *out, struct cni_err *err)
{
	if (!strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "True")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "0") || !strcmp(s, "false") || !strcmp(s, "False")) {
		*out = false;
		return 0;
	}
	return cni_errf(err, CNI_ERR_INVALID_ENV, 0, "boolean unmarshal error: invalid input %s",
			s);
}

static bool key_is_known(const char *key, const char *const *known)
{
	if (!strcmp(key, "IgnoreUnknown"))
		return true;
	for (; known && *known; known++)
		if (!strcmp(key, *known))
			return true;
	return false;
}

int cni_args_check_known(const struct cni_arg *args, size_t n, const char *const *known,
			 struct cni_err *err)
{
	char unknown[sizeof(err->msg)] = "";
	size_t used = 0;
	bool ignore = false;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(args[i].key, "IgnoreUnknown") &&
		    cni_args_parse_bool(args[i].value, &ignore, err) < 0) {
			return cni_errf(
				err, CNI_ERR_INVALID_ENV, 0,
				"ARGS: error parsing value of pair \"%s=%s\": boolean unmarshal "
				"error: invalid input %s",
				args[i].key, args[i].value, args[i].value);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (key_is_known(args[i].key, known))
			continue;
		int w = snprintf(unknown + used, sizeof(unknown) - used, "%s\"%s=%s\"",
				 used ? " " : "", args[i].key, args[i].value);
		if (w > 0 && (size_t)w < sizeof(unknown) - used)
			used += (size_t)w;
	}
	if (used && !ignore)
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0, "ARGS: unknown args [%s]", unknown);
	return 0;
}
