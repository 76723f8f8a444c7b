// SPDX-License-Identifier: MIT
/*
 * The trusted read refuses what others could have written (group/other
 * writable, another owner), what is not a regular file and what is too
 * large, naming the file; the atomic replace leaves a 0600 file with the
 * new content, or on failure the old file and no temp file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "safe_file.h"
#include "test_tmpdir.h"

static char dir[] = "/tmp/dp_unit_safe_file.XXXXXX";
static char path[300];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/f", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return test_tmpdir__remove(dir);
}

static void write_file(const char *text, mode_t mode)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* Entries of dir besides . and .. */
static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void read__owner_only_file__whole_text_nul_terminated(void **state)
{
	char err[256];
	size_t len;
	char *buf;

	(void)state;
	write_file("abc\n", 0600);
	buf = safe_file__read(path, 100, "100 B", "thing", &len, err,
			      sizeof(err));
	assert_non_null(buf);
	assert_int_equal(len, 4);
	assert_string_equal(buf, "abc\n");
	free(buf);
}

static void read__unsafe_or_wrong_files__einval_naming_the_file(void **state)
{
	char err[256], want[400];
	size_t len;

	(void)state;
	write_file("x", 0620);
	assert_null(safe_file__read(path, 100, "100 B", "thing", &len, err,
				    sizeof(err)));
	assert_int_equal(errno, EINVAL);
	snprintf(want, sizeof(want), "%s: is writable by group/other (mode "
		 "0620); chmod 600 it", path);
	assert_string_equal(err, want);

	write_file("0123456789", 0600);
	assert_null(safe_file__read(path, 9, "9 B", "thing", &len, err,
				    sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "larger than 9 B (10 bytes); not a thing"));

	assert_null(safe_file__read(dir, 100, "100 B", "thing", &len, err,
				    sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, ": not a regular file"));

	unlink(path);
	assert_null(safe_file__read(path, 100, "100 B", "thing", &len, err,
				    sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, ": cannot open: "));
}

static void replace__new_content_mode_0600_no_temp_left(void **state)
{
	char err[256], *buf;
	struct stat st;
	size_t len;

	(void)state;
	write_file("old", 0644);
	assert_int_equal(safe_file__replace(path, "new\n", 4, err,
					    sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	buf = safe_file__read(path, 100, "100 B", "thing", &len, err,
			      sizeof(err));
	assert_non_null(buf);
	assert_string_equal(buf, "new\n");
	free(buf);
	assert_int_equal(entries(), 1);
}

static void replace__destination_unwritable__old_file_kept_no_temp(
	void **state)
{
	char err[256], target[320];
	size_t len;
	char *buf;

	(void)state;
	/* A directory where the file should be: refused, not replaced. */
	snprintf(target, sizeof(target), "%s/sub", dir);
	assert_int_equal(mkdir(target, 0700), 0);
	write_file("keep", 0600);
	assert_int_equal(safe_file__replace(target, "x", 1, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, ": is not a regular file"));
	assert_int_equal(entries(), 2);	/* f and sub, no temp file */
	buf = safe_file__read(path, 100, "100 B", "thing", &len, err,
			      sizeof(err));
	assert_string_equal(buf, "keep");
	free(buf);
	assert_int_equal(rmdir(target), 0);

	/* No directory to make the temp file in. */
	snprintf(target, sizeof(target), "%s/missing/f", dir);
	assert_int_equal(safe_file__replace(target, "x", 1, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, ": cannot write a file in directory"));

	/* A name as long as a name may be: the temp name still fits. */
	memset(target, 'n', sizeof(target));
	snprintf(target, strlen(dir) + 2, "%s/", dir);
	target[strlen(dir) + 1 + NAME_MAX] = '\0';
	target[strlen(dir) + 1] = 'n';
	assert_int_equal(safe_file__replace(target, "x", 1, err, sizeof(err)),
			 0);
	assert_int_equal(unlink(target), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read__owner_only_file__whole_text_nul_terminated),
		cmocka_unit_test(read__unsafe_or_wrong_files__einval_naming_the_file),
		cmocka_unit_test(replace__new_content_mode_0600_no_temp_left),
		cmocka_unit_test(replace__destination_unwritable__old_file_kept_no_temp),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
