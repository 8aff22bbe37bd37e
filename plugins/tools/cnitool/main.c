/* cnitool: upstream cnitool's command line over pkg/libcni (add, check, del, gc, status). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "cni/err.h"
#include "cni/result.h"
#include "libcni/libcni.h"
#include "cni/sha512.h"

#define DEFAULT_NET_DIR "/etc/cni/net.d"

struct cnitool_args {
	const char *command;
	const char *network;
	const char *netns; /* as given, NULL for gc/status without it */
	const char *ifname;
};

static void usage(FILE *f)
{
	fprintf(f, "cnitool: CNI Tool for managing network interfaces in a network namespace\n\n"
		   "Usage:\n"
		   "  cnitool [command] <network-name> <netns>\n\n"
		   "Available Commands:\n"
		   "  add         Add network interface to a network namespace\n"
		   "  check       Check network interface in a network namespace\n"
		   "  del         Delete network interface from a network namespace\n"
		   "  gc          Garbage collect network interfaces (netns optional)\n"
		   "  status      Get status of network interfaces (netns optional)\n\n"
		   "Flags:\n"
		   "  -h, --help            help for cnitool\n"
		   "  -i, --ifname string   Interface name (defaults to env var CNI_IFNAME or "
		   "'eth0')\n\n"
		   "Environment: NETCONFPATH, CNI_PATH, CNI_IFNAME, CNI_ARGS, CAP_ARGS, "
		   "CNI_CACHE_DIR,\n"
		   "CNI_VALID_ATTACHMENTS (gc)\n");
}

static int print_error(const struct cni_err *err)
{
	if (err->details[0])
		fprintf(stderr, "%s; %s\n", err->msg, err->details);
	else
		fprintf(stderr, "%s\n", err->msg);
	return 1;
}

/* CNI_ARGS as upstream cnitool reads it: every pair exactly "K=V", both non-empty. */
static int parse_cni_args(char *s, struct cni_arg **out, size_t *n, struct cni_err *err)
{
	char *pair;

	while ((pair = strsep(&s, ";"))) {
		char *eq = strchr(pair, '=');
		struct cni_arg *grown;

		if (!eq || eq == pair || !eq[1] || strchr(eq + 1, '='))
			return cni_errf(err, CNI_ERR_INVALID_ENV, 0, "invalid CNI_ARGS pair \"%s\"",
					pair);
		grown = realloc(*out, (*n + 1) * sizeof(*grown));
		if (!grown)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "CNI_ARGS");
		*out = grown;
		*eq = '\0';
		(*out)[*n] = (struct cni_arg){.key = pair, .value = eq + 1};
		(*n)++;
	}
	return 0;
}

/* filepath.Abs: join with the working directory, then Clean ("." and ".." and "//" folded). */
static int abs_path(const char *in, char *out, size_t len, struct cni_err *err)
{
	char joined[PATH_MAX * 2], *save = NULL, *part;
	size_t used = 0;

	if (in[0] == '/')
		snprintf(joined, sizeof(joined), "%s", in);
	else if (!getcwd(joined, PATH_MAX))
		return cni_errf(err, CNI_ERR_INVALID_NETNS, errno, "getcwd");
	else
		snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "/%s", in);
	out[0] = '\0';
	for (part = strtok_r(joined, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0)
			continue;
		if (strcmp(part, "..") == 0) {
			char *slash = strrchr(out, '/');

			used = slash ? (size_t)(slash - out) : 0;
			out[used] = '\0';
			continue;
		}
		if (used + strlen(part) + 2 > len)
			return cni_errf(err, CNI_ERR_INVALID_NETNS, ENAMETOOLONG, "netns path");
		used += (size_t)sprintf(out + used, "/%s", part);
	}
	if (!used)
		strcpy(out, "/");
	return 0;
}

/* "cnitool-" and the first 10 bytes of cni_sha512(netns path) in hex, as upstream. */
static void container_id(const char *netns, char out[8 + 20 + 1])
{
	uint8_t digest[CNI_SHA512_LEN];

	cni_sha512(netns, strlen(netns), digest);
	strcpy(out, "cnitool-");
	for (int i = 0; i < 10; i++)
		sprintf(out + 8 + 2 * i, "%02x", digest[i]);
}

/* gc's valid list: CNI_VALID_ATTACHMENTS when set, else every attachment in the cache. */
static int gc_valid_list(const struct libcni *c, struct cni_attachment **valid, size_t *n,
			 json_t **holder, struct libcni_attachment **cached, size_t *n_cached,
			 struct cni_err *err)
{
	const char *env = getenv("CNI_VALID_ATTACHMENTS");
	json_error_t jerr;
	const json_t *v;
	size_t i;

	if (!env || !*env) {
		if (libcni_cached_attachments(c, NULL, cached, n_cached, err) < 0)
			return -1;
		*valid = calloc(*n_cached + 1, sizeof(**valid));
		if (!*valid)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "gc");
		for (i = 0; i < *n_cached; i++)
			(*valid)[i] = (struct cni_attachment){(*cached)[i].container_id,
							      (*cached)[i].ifname};
		*n = *n_cached;
		return 0;
	}
	*holder = json_loads(env, 0, &jerr);
	if (!json_is_array(*holder))
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0,
				"CNI_VALID_ATTACHMENTS: not a JSON array");
	*valid = calloc(json_array_size(*holder) + 1, sizeof(**valid));
	if (!*valid)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "gc");
	json_array_foreach (*holder, i, v) {
		const char *id = json_string_value(json_object_get(v, "containerID"));
		const char *ifname = json_string_value(json_object_get(v, "ifname"));

		if (!id || !ifname)
			return cni_errf(err, CNI_ERR_INVALID_ENV, 0,
					"CNI_VALID_ATTACHMENTS: entry %zu needs \"containerID\" "
					"and \"ifname\"",
					i);
		(*valid)[i] = (struct cni_attachment){id, ifname};
	}
	*n = json_array_size(*holder);
	return 0;
}

static int run_gc(const struct libcni *c, const struct libcni_list *list, struct cni_err *err)
{
	struct libcni_attachment *cached = NULL;
	struct cni_attachment *valid = NULL;
	size_t n_valid = 0, n_cached = 0;
	json_t *holder = NULL;
	int rc;

	rc = gc_valid_list(c, &valid, &n_valid, &holder, &cached, &n_cached, err);
	if (rc == 0)
		rc = libcni_gc(c, list, true, valid, n_valid, err);
	free(valid);
	json_decref(holder);
	libcni_attachments_free(cached, n_cached);
	return rc;
}

static int run(const struct cnitool_args *a, struct cni_err *err)
{
	const char *netdir = getenv("NETCONFPATH"), *caps_env = getenv("CAP_ARGS");
	_cleanup_free_ char *args_env = NULL;
	_cleanup_free_ struct cni_arg *cni_args = NULL;
	struct libcni c = {.path = getenv("CNI_PATH"), .cache_dir = getenv("CNI_CACHE_DIR")};
	struct libcni_runtime rt = {.ifname = a->ifname};
	struct libcni_list list;
	char netns[PATH_MAX], id[32];
	json_t *caps = NULL;
	json_error_t jerr;
	int rc = -1;

	if (libcni_load_list(netdir && *netdir ? netdir : DEFAULT_NET_DIR, a->network, &list, err) <
	    0)
		return -1;
	if (caps_env && *caps_env) {
		caps = json_loads(caps_env, 0, &jerr);
		if (!json_is_object(caps)) {
			cni_errf(err, CNI_ERR_INVALID_ENV, 0, "CAP_ARGS: %s",
				 caps ? "json: cannot unmarshal into Go value of type "
					"map[string]interface {}"
				      : jerr.text);
			goto out;
		}
	}
	if (getenv("CNI_ARGS") && *getenv("CNI_ARGS")) {
		args_env = strdup(getenv("CNI_ARGS"));
		if (!args_env || parse_cni_args(args_env, &cni_args, &rt.n_args, err) < 0)
			goto out;
	}
	rt.args = cni_args;
	rt.capability_args = caps;
	if (a->netns) {
		if (abs_path(a->netns, netns, sizeof(netns), err) < 0)
			goto out;
		container_id(netns, id);
		rt.netns = netns;
		rt.container_id = id;
	}

	if (strcmp(a->command, "add") == 0) {
		struct cni_result result;

		rc = libcni_add(&c, &list, &rt, &result, err);
		if (rc == 0) {
			/* Printed in the version the last plugin answered with, as result.Print().
			 */
			rc = cni_result_print(&result, result.cni_version, err);
			cni_result_free(&result);
		}
	} else if (strcmp(a->command, "check") == 0) {
		rc = libcni_check(&c, &list, &rt, err);
	} else if (strcmp(a->command, "del") == 0) {
		rc = libcni_del(&c, &list, &rt, err);
	} else if (strcmp(a->command, "gc") == 0) {
		rc = run_gc(&c, &list, err);
	} else {
		rc = libcni_status(&c, &list, err);
	}
out:
	json_decref(caps);
	libcni_list_free(&list);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"ifname", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char *const commands[] = {"add", "check", "del", "gc", "status"};
	struct cnitool_args a = {0};
	struct cni_err err = {0};
	int opt, min_args = 2;
	bool known = false;

	while ((opt = getopt_long(argc, argv, "i:h", opts, NULL)) != -1) {
		if (opt == 'i') {
			a.ifname = optarg;
		} else if (opt == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 1;
		}
	}
	if (optind >= argc || strcmp(argv[optind], "help") == 0) {
		usage(optind >= argc ? stderr : stdout);
		return optind >= argc ? 1 : 0;
	}
	a.command = argv[optind++];
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		known |= strcmp(a.command, commands[i]) == 0;
	if (!known) {
		fprintf(stderr, "Error: unknown command \"%s\" for \"cnitool\"\n", a.command);
		return 1;
	}
	/* gc and status do not use a netns; upstream asks for one anyway, we accept both forms. */
	if (strcmp(a.command, "gc") == 0 || strcmp(a.command, "status") == 0)
		min_args = 1;
	if (argc - optind < min_args) {
		fprintf(stderr, "Error: requires at least %d arg(s), only received %d\n", min_args,
			argc - optind);
		return 1;
	}
	a.network = argv[optind];
	a.netns = argc - optind >= 2 ? argv[optind + 1] : NULL;
	if (!a.ifname || !*a.ifname)
		a.ifname = getenv("CNI_IFNAME");
	if (!a.ifname || !*a.ifname)
		a.ifname = "eth0";
	return run(&a, &err) < 0 ? print_error(&err) : 0;
}
