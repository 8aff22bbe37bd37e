/* Unit tests for ipam.c: in-process host-local/static by "type", anything else exec'd from
 * CNI_PATH. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "ipam/ipam.h"

static char dir[64];

static void write_plugin(const char *name, const char *body)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/cni-c-unit.XXXXXX");
	assert_non_null(mkdtemp(dir));
	/* Answers ADD with a result and fails CHECK with its own error, like a real IPAM plugin. */
	write_plugin(
		"fake-ipam",
		"cat >/dev/null\n"
		"case $CNI_COMMAND in\n"
		"ADD) echo '{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.5.0.2/24\","
		"\"gateway\":\"10.5.0.1\"}],\"dns\":{\"nameservers\":[\"10.5.0.53\"]}}' ;;\n"
		"CHECK) echo '{\"cniVersion\":\"1.0.0\",\"code\":3,\"msg\":\"gone\"}'; exit 1 ;;\n"
		"esac\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void make_req(struct cni_request *req, const char *ipam_json)
{
	char conf[1024];

	snprintf(conf, sizeof(conf), "{\"cniVersion\":\"1.0.0\",\"name\":\"dn\",\"ipam\":%s}",
		 ipam_json);
	memset(req, 0, sizeof(*req));
	req->config = json_loads(conf, 0, NULL);
	assert_non_null(req->config);
	snprintf(req->cni_version, sizeof(req->cni_version), "1.0.0");
	req->name = "dn";
	req->ipam = json_object_get(req->config, "ipam");
	req->container_id = "ctr";
	req->ifname = "eth0";
	req->netns = "/proc/self/ns/net";
	req->path = dir;
}

static void test_exec_type(void **state)
{
	struct cni_request req;
	struct cni_result r;
	struct cni_err err = {0};
	char buf[CNI_IP_STRLEN];

	make_req(&req, "{\"type\":\"fake-ipam\"}");
	cni_result_init(&r, "1.0.0");
	assert_int_equal(ipam_add(&req, &r, &err), 0);
	assert_int_equal(r.n_ips, 1);
	assert_string_equal(cni_prefix_str(&r.ips[0].address, buf), "10.5.0.2/24");
	assert_int_equal(r.dns.nameservers.count, 1);
	cni_result_free(&r);
	assert_int_equal(ipam_del(&req, &err), 0);
	assert_int_equal(ipam_check(&req, &err), -1);
	assert_int_equal(err.code, 3);
	json_decref(req.config);

	make_req(&req, "{\"type\":\"no-such-ipam\"}");
	cni_result_init(&r, "1.0.0");
	assert_int_equal(ipam_add(&req, &r, &err), -1);
	cni_result_free(&r);
	json_decref(req.config);

	make_req(&req, "{}");
	assert_int_equal(ipam_del(&req, &err), -1);
	assert_int_equal(err.code, 7);
	json_decref(req.config);
}

static void test_in_process_types(void **state)
{
	struct cni_request req;
	struct cni_result r;
	struct cni_err err = {0};
	char ipam[256], buf[CNI_IP_STRLEN];

	snprintf(ipam, sizeof(ipam),
		 "{\"type\":\"host-local\",\"dataDir\":\"%s/data\",\"subnet\":\"10.6.0.0/24\"}",
		 dir);
	make_req(&req, ipam);
	cni_result_init(&r, "1.0.0");
	assert_int_equal(ipam_add(&req, &r, &err), 0);
	assert_int_equal(r.n_ips, 1);
	assert_int_equal(r.ips[0].interface, -1);
	assert_string_equal(cni_prefix_str(&r.ips[0].address, buf), "10.6.0.2/24");
	cni_result_free(&r);
	assert_int_equal(ipam_check(&req, &err), 0);
	assert_int_equal(ipam_del(&req, &err), 0);
	assert_int_equal(ipam_check(&req, &err), -1);
	json_decref(req.config);

	make_req(&req, "{\"type\":\"static\",\"addresses\":[{\"address\":\"10.7.0.3/24\"}]}");
	cni_result_init(&r, "1.0.0");
	assert_int_equal(ipam_add(&req, &r, &err), 0);
	assert_string_equal(cni_prefix_str(&r.ips[0].address, buf), "10.7.0.3/24");
	cni_result_free(&r);
	json_decref(req.config);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_type),
		cmocka_unit_test(test_in_process_types),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
