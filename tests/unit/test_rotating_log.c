// SPDX-License-Identifier: MIT
/*
 * rotating_log.c: lines land whole; before a line that would pass the
 * size, FILE moves to FILE.1 and so on, at most keep rotated files, the
 * oldest dropped; every file is at most the size (a line longer than it
 * alone); a short write (a full file system, here RLIMIT_FSIZE) leaves no
 * half line; a rotation that fails keeps the line (the file grows past
 * its size, said in err); modes 0600; a symlink or a group-writable file
 * is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "rotating_log.h"
#include "test_tmpdir.h"

static char dir[] = "/tmp/dp_unit_rotlog.XXXXXX";
static char path[300];

/* "line NNNNN xxxx...\n", len bytes in all. */
static void make_line(char *buf, size_t len, unsigned int n)
{
	int head = snprintf(buf, len, "line %05u ", n);

	memset(buf + head, 'x', len - head - 1);
	buf[len - 1] = '\n';
}

/* Lines of a file, each checked whole; their numbers in order. */
static int read_lines(const char *p, size_t line_len, unsigned int *first,
		      unsigned int *last, off_t *size)
{
	FILE *f = fopen(p, "r");
	char buf[4096];
	int n = 0;
	struct stat st;

	if (!f)
		return -1;
	assert_int_equal(fstat(fileno(f), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	*size = st.st_size;
	while (fgets(buf, sizeof(buf), f)) {
		unsigned int num;

		assert_int_equal(strlen(buf), line_len);
		assert_int_equal(buf[line_len - 1], '\n');
		assert_int_equal(sscanf(buf, "line %u ", &num), 1);
		if (!n)
			*first = num;
		else
			assert_int_equal(num, *last + 1);
		*last = num;
		n++;
	}
	fclose(f);
	return n;
}

static void rotating_log__rotates_by_size_and_keeps_five(void **state)
{
	const size_t line_len = 100, max = 1000;	/* 10 lines a file */
	struct rotating_log *lg;
	char err[512], line[100], p[400];
	unsigned int first, last, expect_last = 199;
	off_t size;

	(void)state;
	lg = rotating_log__open(path, max, ROTATING_LOG_KEEP, err, sizeof(err));
	assert_non_null(lg);
	for (unsigned int i = 0; i < 200; i++) {
		make_line(line, line_len, i);
		assert_int_equal(rotating_log__append(lg, line, line_len, err,
						      sizeof(err)), 0);
	}
	rotating_log__close(lg);

	/* 200 lines, 10 a file: FILE has 190..199, FILE.1 180..189, ... */
	assert_int_equal(read_lines(path, line_len, &first, &last, &size), 10);
	assert_int_equal(first, 190);
	assert_int_equal(last, 199);
	assert_true(size <= (off_t)max);
	for (unsigned int i = 1; i <= ROTATING_LOG_KEEP; i++) {
		snprintf(p, sizeof(p), "%s.%u", path, i);
		expect_last -= 10;
		assert_int_equal(read_lines(p, line_len, &first, &last, &size),
				 10);
		assert_int_equal(last, expect_last);
		assert_int_equal(first, expect_last - 9);
		assert_int_equal(size, (off_t)max);
	}
	/* No sixth. */
	snprintf(p, sizeof(p), "%s.%u", path, ROTATING_LOG_KEEP + 1);
	assert_int_equal(access(p, F_OK), -1);
}

/* A reader holding FILE open (a shipper's tail) keeps reading the old one. */
static void rotating_log__reopen_appends_and_rotates_by_rename(void **state)
{
	struct rotating_log *lg;
	char err[512], line[50];
	struct stat before, after;
	unsigned int first, last;
	off_t size;

	(void)state;
	make_line(line, sizeof(line), 1);
	lg = rotating_log__open(path, 120, 2, err, sizeof(err));
	assert_non_null(lg);
	assert_int_equal(rotating_log__append(lg, line, sizeof(line), err,
					      sizeof(err)), 0);
	rotating_log__close(lg);
	/* Reopened, it appends after what is there. */
	lg = rotating_log__open(path, 120, 2, err, sizeof(err));
	assert_non_null(lg);
	make_line(line, sizeof(line), 2);
	assert_int_equal(rotating_log__append(lg, line, sizeof(line), err,
					      sizeof(err)), 0);
	assert_int_equal(stat(path, &before), 0);
	make_line(line, sizeof(line), 3);
	assert_int_equal(rotating_log__append(lg, line, sizeof(line), err,
					      sizeof(err)), 0);
	rotating_log__close(lg);
	/* The old inode is FILE.1 now (rename), holding lines 1 and 2. */
	snprintf(err, sizeof(err), "%s.1", path);
	assert_int_equal(stat(err, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(read_lines(err, sizeof(line), &first, &last, &size), 2);
	assert_int_equal(first, 1);
	assert_int_equal(read_lines(path, sizeof(line), &first, &last, &size), 1);
	assert_int_equal(first, 3);
}

/* A line longer than the size goes alone into a fresh file. */
static void rotating_log__long_line_alone(void **state)
{
	struct rotating_log *lg;
	char err[512], line[300];
	unsigned int first, last;
	off_t size;

	(void)state;
	lg = rotating_log__open(path, 100, 1, err, sizeof(err));
	assert_non_null(lg);
	for (unsigned int i = 0; i < 3; i++) {
		make_line(line, sizeof(line), i);
		assert_int_equal(rotating_log__append(lg, line, sizeof(line),
						      err, sizeof(err)), 0);
	}
	rotating_log__close(lg);
	assert_int_equal(read_lines(path, sizeof(line), &first, &last, &size), 1);
	assert_int_equal(first, 2);
	snprintf(err, sizeof(err), "%s.1", path);
	assert_int_equal(read_lines(err, sizeof(line), &first, &last, &size), 1);
	assert_int_equal(first, 1);
}

/* A write cut short (RLIMIT_FSIZE: as a full disk) leaves whole lines. */
static void rotating_log__short_write_leaves_no_half_line(void **state)
{
	struct rlimit old, lim = { 250, 250 };
	struct rotating_log *lg;
	char err[512], line[100];
	unsigned int first, last;
	off_t size;
	int failures = 0;

	(void)state;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	lg = rotating_log__open(path, 10000, 1, err, sizeof(err));
	assert_non_null(lg);
	for (unsigned int i = 0; i < 4; i++) {
		make_line(line, sizeof(line), i);
		failures += rotating_log__append(lg, line, sizeof(line), err,
						 sizeof(err)) != 0;
	}
	rotating_log__close(lg);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	/* Lines 0 and 1 fit; 2 is cut at 250 bytes and truncated away. */
	assert_int_equal(failures, 2);
	assert_non_null(strstr(err, "failed to write a line"));
	assert_int_equal(read_lines(path, sizeof(line), &first, &last, &size), 2);
	assert_int_equal(size, 200);
}

/* A rotation that fails keeps the line (the file grows past its size). */
static void rotating_log__failed_rotation_keeps_the_line(void **state)
{
	struct rotating_log *lg;
	char err[1024], line[60], p[400];
	unsigned int first, last;
	off_t size;

	(void)state;
	/* FILE.1 a non-empty directory: FILE cannot be renamed onto it. */
	snprintf(p, sizeof(p), "%s.1", path);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s.1/x", path);
	assert_int_equal(close(creat(p, 0600)), 0);
	lg = rotating_log__open(path, 100, 1, err, sizeof(err));
	assert_non_null(lg);
	make_line(line, sizeof(line), 1);
	assert_int_equal(rotating_log__append(lg, line, sizeof(line), err,
					      sizeof(err)), 0);
	make_line(line, sizeof(line), 2);
	assert_int_equal(rotating_log__append(lg, line, sizeof(line), err,
					      sizeof(err)), 1);
	assert_non_null(strstr(err, "cannot rotate"));
	rotating_log__close(lg);
	assert_int_equal(read_lines(path, sizeof(line), &first, &last, &size), 2);
	assert_int_equal(size, 120);
	snprintf(p, sizeof(p), "rm -rf '%s.1'", path);
	assert_int_equal(system(p), 0);
}

static void rotating_log__refuses_symlink_and_shared_file(void **state)
{
	struct rotating_log *lg;
	char err[512], target[400];

	(void)state;
	snprintf(target, sizeof(target), "%s/target", dir);
	assert_int_equal(symlink(target, path), 0);
	lg = rotating_log__open(path, 1000, 5, err, sizeof(err));
	assert_null(lg);
	assert_int_equal(errno, ELOOP);
	assert_non_null(strstr(err, path));
	assert_int_equal(access(target, F_OK), -1);	/* nothing created */
	assert_int_equal(unlink(path), 0);

	assert_int_equal(close(creat(path, 0600)), 0);
	assert_int_equal(chmod(path, 0664), 0);
	lg = rotating_log__open(path, 1000, 5, err, sizeof(err));
	assert_null(lg);
	assert_non_null(strstr(err, "writable by group/other"));
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/incidents.jsonl", dir);
	return 0;
}

/* Each test starts from an empty directory. */
static int clean(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -f '%s'/*", dir);
	return system(cmd) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	return test_tmpdir__remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(rotating_log__rotates_by_size_and_keeps_five, clean),
		cmocka_unit_test_teardown(rotating_log__reopen_appends_and_rotates_by_rename, clean),
		cmocka_unit_test_teardown(rotating_log__long_line_alone, clean),
		cmocka_unit_test_teardown(rotating_log__short_write_leaves_no_half_line, clean),
		cmocka_unit_test_teardown(rotating_log__failed_rotation_keeps_the_line, clean),
		cmocka_unit_test_teardown(rotating_log__refuses_symlink_and_shared_file, clean),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
