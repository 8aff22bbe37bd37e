/* Unit tests: pkg/cni/exec.c (plugin lookup, environment, stdin/stdout, error JSON) with shell
 * scripts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni/exec.h"

static char dir[] = "/tmp/cni-c-unit-exec.XXXXXX";

static void script(const char *name, const char *body)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, 0755);
}

static int run(const char *name, const struct cni_exec_env *env, const char *in, json_t **out,
	       struct cni_err *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return cni_exec_plugin(path, env, in, out, err);
}

static int setup(void **state)
{
	assert_non_null(mkdtemp(dir));
	script("env", "printf '{\"cmd\":\"%s\",\"netns\":\"%s\",\"ifname\":\"%s\",\"set\":\"%s\"}' "
		      "\"$CNI_COMMAND\" \"$CNI_NETNS\" \"$CNI_IFNAME\" \"${CNI_IFNAME+yes}\"");
	script("echo", "cat");
	script("fd42", "if [ -e /proc/$$/fd/42 ]; then echo '{\"leak\":true}'; else echo "
		       "'{\"leak\":false}'; fi");
	script("cnierr",
	       "echo '{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"bad\",\"details\":\"why\"}'; "
	       "exit 1");
	script("silent", "exit 3");
	script("stderr", "echo oops >&2; exit 1");
	script("garbage", "echo 'not json'; exit 1");
	script("okgarbage", "echo 'not json'");
	script("big",
	       "head -c 300000 /dev/zero | tr '\\0' ' '; head -c 300000 /dev/zero >&2; echo '{}'");
	mkdir(strcat(strcpy((char[PATH_MAX]){0}, dir), "/sub"), 0755);
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void test_find(void **state)
{
	struct cni_err err = {0};
	char path[PATH_MAX], want[PATH_MAX], cni_path[2 * PATH_MAX];

	snprintf(cni_path, sizeof(cni_path), "/nonexistent:%s", dir);
	snprintf(want, sizeof(want), "%s/echo", dir);
	assert_int_equal(cni_exec_find("echo", cni_path, path, sizeof(path), &err), 0);
	assert_string_equal(path, want);

	assert_int_equal(cni_exec_find("nope", "/a:/b", path, sizeof(path), &err), -1);
	assert_string_equal(err.msg, "failed to find plugin \"nope\" in path [/a /b]");
	/* A directory with the plugin's name is not a plugin. */
	assert_int_equal(cni_exec_find("sub", dir, path, sizeof(path), &err), -1);
	assert_int_equal(cni_exec_find("../echo", dir, path, sizeof(path), &err), -1);
	assert_string_equal(err.msg, "invalid plugin name: ../echo");
	assert_int_equal(cni_exec_find("echo", "", path, sizeof(path), &err), -1);
	assert_string_equal(err.msg, "no paths provided");
	assert_int_equal(cni_exec_find("", dir, path, sizeof(path), &err), -1);
}

static void test_env_override_and_inherit(void **state)
{
	struct cni_exec_env env = {.command = "DEL", .ifname = ""};
	struct cni_err err = {0};
	json_t *out = NULL;

	setenv("CNI_NETNS", "/inherited", 1);
	setenv("CNI_IFNAME", "fromparent", 1);
	assert_int_equal(run("env", &env, "{}", &out, &err), 0);
	/* NULL inherits (delegation); "" overrides to empty (invoke.Args.AsEnv). */
	assert_string_equal(json_string_value(json_object_get(out, "cmd")), "DEL");
	assert_string_equal(json_string_value(json_object_get(out, "netns")), "/inherited");
	assert_string_equal(json_string_value(json_object_get(out, "ifname")), "");
	assert_string_equal(json_string_value(json_object_get(out, "set")), "yes");
	json_decref(out);
	unsetenv("CNI_NETNS");
	unsetenv("CNI_IFNAME");
}

static void test_stdin_to_stdout(void **state)
{
	struct cni_exec_env env = {.command = "ADD"};
	struct cni_err err = {0};
	json_t *out = NULL;

	assert_int_equal(run("echo", &env, "{\"cniVersion\":\"1.0.0\",\"x\":[1,2]}", &out, &err),
			 0);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(out, "x"), 1)), 2);
	json_decref(out);
	/* Empty stdout is no result, not an error. */
	assert_int_equal(run("echo", &env, "", &out, &err), 0);
	assert_null(out);
	/* Output larger than a pipe buffer on both streams does not block (its stderr is passed
	 * on). */
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	assert_true(freopen("/dev/null", "w", stderr) != NULL);
	assert_int_equal(run("big", &env, "{}", &out, &err), 0);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_true(json_is_object(out));
	json_decref(out);
}

static void test_no_fd_leak(void **state)
{
	struct cni_exec_env env = {.command = "ADD"};
	struct cni_err err = {0};
	json_t *out = NULL;
	int fd = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */

	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 42), 42);
	assert_int_equal(run("fd42", &env, "{}", &out, &err), 0);
	assert_true(json_is_false(json_object_get(out, "leak")));
	json_decref(out);
	close(42);
	close(fd);
}

static void test_plugin_errors(void **state)
{
	struct cni_exec_env env = {.command = "ADD"};
	struct cni_err err = {0};
	json_t *out = NULL;

	assert_int_equal(run("cnierr", &env, "{}", &out, &err), -1);
	assert_int_equal(err.code, 7);
	assert_string_equal(err.msg, "bad");
	assert_string_equal(err.details, "why");
	assert_null(out);

	assert_int_equal(run("silent", &env, "{}", &out, &err), -1);
	assert_string_equal(err.msg, "netplugin failed with no error message: exit status 3");
	assert_int_equal(run("stderr", &env, "{}", &out, &err), -1);
	assert_string_equal(err.msg, "netplugin failed: \"oops\n\": exit status 1");
	assert_int_equal(run("garbage", &env, "{}", &out, &err), -1);
	assert_int_equal(err.code, CNI_ERR_DECODE);

	assert_int_equal(run("okgarbage", &env, "{}", &out, &err), -1);
	assert_int_equal(err.code, CNI_ERR_DECODE);
	/* Without out, stdout is not looked at (libcni's ExecPluginWithoutResult). */
	assert_int_equal(run("okgarbage", &env, "{}", NULL, &err), 0);

	assert_int_equal(run("missing", &env, "{}", &out, &err), -1);
	assert_int_equal(err.code, CNI_ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_env_override_and_inherit),
		cmocka_unit_test(test_stdin_to_stdout),
		cmocka_unit_test(test_no_fd_leak),
		cmocka_unit_test(test_plugin_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
