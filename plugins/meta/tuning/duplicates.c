/* Refuse a "sysctl" object naming one key twice, which jansson's parse silently merges. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cni/cleanup.h"
#include "tuning.h"

/*
 * A minimal scanner over JSON the skel has already parsed successfully: it only needs to find
 * token boundaries, so anything unexpected ends the scan with "no duplicates".
 */
struct scan {
	const char *p, *end;
};

static void skip_space(struct scan *s)
{
	while (s->p < s->end && strchr(" \t\r\n", *s->p))
		s->p++;
}

/* Past a string token starting at '"'; false when malformed. */
static bool skip_string(struct scan *s)
{
	if (s->p >= s->end || *s->p != '"')
		return false;
	for (s->p++; s->p < s->end; s->p++) {
		if (*s->p == '\\')
			s->p++;
		else if (*s->p == '"')
			return ++s->p, true;
	}
	return false;
}

/* Past one value of any type: a string, an object or array (by bracket depth), or a literal. */
static bool skip_value(struct scan *s)
{
	int depth = 0;

	skip_space(s);
	if (s->p < s->end && *s->p == '"')
		return skip_string(s);
	if (s->p < s->end && *s->p != '{' && *s->p != '[') {
		while (s->p < s->end && !strchr(",}] \t\r\n", *s->p))
			s->p++;
		return true;
	}
	while (s->p < s->end) {
		if (*s->p == '"') {
			if (!skip_string(s))
				return false;
			continue;
		}
		if (*s->p == '{' || *s->p == '[')
			depth++;
		else if ((*s->p == '}' || *s->p == ']') && --depth == 0)
			return ++s->p, true;
		s->p++;
	}
	return false;
}

/* The decoded text of the string token at s->p (malloc'd), or NULL. */
static char *read_key(struct scan *s)
{
	const char *start = s->p;
	_cleanup_json_ json_t *j = NULL;

	if (!skip_string(s))
		return NULL;
	j = json_loadb(start, (size_t)(s->p - start), JSON_DECODE_ANY, NULL);
	return json_is_string(j) ? strdup(json_string_value(j)) : NULL;
}

struct key_set {
	char **keys;
	size_t n;
};

static void key_set_free(struct key_set *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->keys[i]);
	free(k->keys);
}

/* Add key; true when it was there already. Takes ownership of key. */
static bool key_set_add(struct key_set *k, char *key)
{
	char **grown;

	for (size_t i = 0; i < k->n; i++) {
		if (!strcmp(k->keys[i], key)) {
			free(key);
			return true;
		}
	}
	grown = realloc(k->keys, (k->n + 1) * sizeof(*grown));
	if (!grown) {
		free(key);
		return false;
	}
	k->keys = grown;
	k->keys[k->n++] = key;
	return false;
}

/*
 * Call on_member(key, scan at the value) for each member of the object at s->p; on_member must
 * leave the scan past the value. Returns true when a callback reported a duplicate.
 */
static bool object_members(struct scan *s, bool (*on_member)(char *key, struct scan *s, void *arg),
			   void *arg)
{
	skip_space(s);
	if (s->p >= s->end || *s->p != '{')
		return false;
	s->p++;
	for (;;) {
		char *key;

		skip_space(s);
		if (s->p >= s->end || *s->p == '}')
			return false;
		key = read_key(s);
		if (!key)
			return false;
		skip_space(s);
		if (s->p >= s->end || *s->p != ':') {
			free(key);
			return false;
		}
		s->p++;
		if (on_member(key, s, arg))
			return true;
		skip_space(s);
		if (s->p < s->end && *s->p == ',')
			s->p++;
	}
}

static bool sysctl_member(char *key, struct scan *s, void *arg)
{
	if (key_set_add(arg, key))
		return true;
	if (!skip_value(s))
		s->p = s->end;
	return false;
}

/* Go's decoder matches "sysctl" case-insensitively, and repeated members share one map. */
static bool top_member(char *key, struct scan *s, void *arg)
{
	bool is_sysctl = !strcasecmp(key, "sysctl");

	free(key);
	skip_space(s);
	if (is_sysctl && s->p < s->end && *s->p == '{') {
		if (object_members(s, sysctl_member, arg))
			return true;
		if (s->p < s->end && *s->p == '}')
			s->p++;
		return false;
	}
	if (!skip_value(s))
		s->p = s->end;
	return false;
}

int tuning_check_duplicate_sysctls(const struct cni_request *req, struct cni_err *err)
{
	const char *raw = req->raw_config;
	struct scan s = {.p = raw, .end = raw + req->raw_config_len};
	struct key_set keys = {0};
	bool dup;

	if (!raw)
		return 0;
	dup = object_members(&s, top_member, &keys);
	key_set_free(&keys);
	if (dup)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"duplicated sysctl keys are not allowed");
	return 0;
}
