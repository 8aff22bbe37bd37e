/* Unit tests: pkg/fsys, mkdir -p and the atomic file replace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsys/fsys.h"

static char base[PATH_MAX];

static int make_base(void **state)
{
	snprintf(base, sizeof(base), "/tmp/cni-c-unit-fsys.XXXXXX");
	return mkdtemp(base) ? 0 : -1;
}

static int remove_base(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_mkdir_all(void **state)
{
	struct cni_err err = {0};
	char path[PATH_MAX], file[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/a/b/c", base);
	assert_int_equal(fs_mkdir_all(path, 0700, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	/* Existing: fine. */
	assert_int_equal(fs_mkdir_all(path, 0700, &err), 0);
	/* A file in the way: ENOTDIR. */
	snprintf(file, sizeof(file), "%s/a/f", base);
	assert_int_equal(fs_write_atomic(file, "x", 1, 0600, &err), 0);
	assert_int_equal(fs_mkdir_all(file, 0700, &err), -1);
	assert_int_equal(err.code, CNI_ERR_IO);
}

static void test_write_atomic(void **state)
{
	struct cni_err err = {0};
	char path[PATH_MAX], buf[32] = "";
	struct stat st;
	struct dirent *d;
	FILE *f;
	DIR *dir;
	int entries = 0;

	snprintf(path, sizeof(path), "%s/file.json", base);
	assert_int_equal(fs_write_atomic(path, "first", 5, 0600, &err), 0);
	assert_int_equal(fs_write_atomic(path, "second", 6, 0640, &err), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "second");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	/* No temporary file is left behind. */
	dir = opendir(base);
	assert_non_null(dir);
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			entries++;
	closedir(dir);
	assert_int_equal(entries, 1);
	/* A missing directory fails with code 5. */
	snprintf(path, sizeof(path), "%s/missing/file", base);
	assert_int_equal(fs_write_atomic(path, "x", 1, 0600, &err), -1);
	assert_int_equal(err.code, CNI_ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mkdir_all, make_base, remove_base),
		cmocka_unit_test_setup_teardown(test_write_atomic, make_base, remove_base),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
