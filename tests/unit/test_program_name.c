// SPDX-License-Identifier: MIT
/*
 * --per-program series names: the path-and-name rules, escaping, the
 * kernel's 15-byte names, and resolution from a fake /proc (the path kept
 * only for the file the kernel counted, " (deleted)" dropped, a process
 * gone: the name alone, or the path another key of the same file had).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>
#include <driftprobe/features.h>
#include "program_name.h"
#include "window.h"
#include "test_tmpdir.h"

static char root[] = "/tmp/dp_prognametest.XXXXXX";

static const char *fmt(const char *path, const char *comm)
{
	static char buf[512];

	program_name__format(path, comm, buf, sizeof(buf));
	return buf;
}

static void format__name_shown_only_when_not_the_basename(void **state)
{
	(void)state;
	assert_string_equal(fmt("/usr/sbin/nginx", "nginx"),
			    "program:/usr/sbin/nginx");
	assert_string_equal(fmt("/usr/bin/python3.11", "worker.py"),
			    "program:/usr/bin/python3.11[worker.py]");
	/* The kernel keeps 15 bytes of a name. */
	assert_string_equal(fmt("/usr/lib/systemd/systemd-journald",
				"systemd-journal"),
			    "program:/usr/lib/systemd/systemd-journald");
	/* A prefix of the basename is another name. */
	assert_string_equal(fmt("/bin/bash", "bas"), "program:/bin/bash[bas]");
	assert_string_equal(fmt("/bin/sh", "shell"), "program:/bin/sh[shell]");
	/* No executable known: the name alone, never like a cgroup path. */
	assert_string_equal(fmt(NULL, "cron"), "program:[cron]");
	assert_string_equal(fmt(NULL, ""), "program:[]");
	assert_true(window__is_program(fmt(NULL, "cron")));
	assert_false(window__is_program("/system.slice/program:x"));
	assert_false(window__is_program("/"));
	assert_string_equal(window__scope_kind("program:/bin/sh"), "program");
	assert_string_equal(window__scope_kind("/a.slice"), "cgroup");
}

static void format__brackets_and_backslashes_escaped_others_kept(void **state)
{
	char comm[DP_COMM_LEN], small[12];

	(void)state;
	memcpy(comm, "0123456789abcdef", DP_COMM_LEN);	/* not terminated */
	/* Else "/x[y]" run as itself would read as /x run as y. */
	assert_string_equal(fmt("/x[y]", "x[y]"), "program:/x\\x5by\\x5d");
	assert_string_equal(fmt("/x", "y]"), "program:/x[y\\x5d]");
	assert_string_equal(fmt("/a\\b", "n\\"), "program:/a\\x5cb[n\\x5c]");
	/* Control bytes are the outputs' to escape, as for cgroup paths. */
	assert_string_equal(fmt("/t", "a\nb"), "program:/t[a\nb]");
	/* A name is at most 15 bytes, terminated or not. */
	assert_string_equal(fmt(NULL, comm), "program:[0123456789abcde]");
	/* What does not fit is cut; the length needed is returned. */
	assert_int_equal(program_name__format("/usr/sbin/nginx", "nginx", small,
					      sizeof(small)),
			 strlen("program:/usr/sbin/nginx"));
	assert_string_equal(small, "program:/us");
}

static void make_file(const char *rel, struct dp_syscall_program_hist *v)
{
	char path[300];
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(stat(path, &st), 0);
	v->ino = st.st_ino;
	v->dev = major(st.st_dev) << 20 | minor(st.st_dev);
}

/* root/proc/<tgid>/exe -> root/rel */
static void make_proc(unsigned int tgid, const char *rel)
{
	char dir[300], target[300], link[320];

	snprintf(dir, sizeof(dir), "%s/proc/%u", root, tgid);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(target, sizeof(target), "%s%s", root, rel);
	snprintf(link, sizeof(link), "%s/exe", dir);
	assert_int_equal(symlink(target, link), 0);
}

static void expect_name(struct program_names *pn, uint64_t id,
			const struct dp_syscall_program_hist *v,
			const char *suffix)
{
	char want[400];

	snprintf(want, sizeof(want), "program:%s%s", suffix[0] == '/' ?
		 root : "", suffix);
	assert_string_equal(program_names__name(pn, id, v), want);
}

static void names__resolved_checked_remembered(void **state)
{
	struct dp_syscall_program_hist app = { 0 }, gone = { 0 },
				       del = { 0 }, other = { 0 };
	char proc[300];
	struct program_names *pn;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(proc, sizeof(proc), "%s/proc", root);
	assert_int_equal(mkdir(proc, 0700), 0);
	make_file("/app", &app);
	make_file("/old (deleted)", &del);
	make_file("/other", &other);
	make_proc(10, "/app");
	make_proc(11, "/old (deleted)");
	make_proc(12, "/app");		/* not the file the kernel counted */
	pn = program_names__new(proc);
	assert_non_null(pn);

	app.tgid = 10;
	memcpy(app.comm, "app", 3);
	expect_name(pn, 1, &app, "/app");
	/* Remembered: the process gone, the name stays. */
	app.tgid = 77;
	expect_name(pn, 1, &app, "/app");
	/* Gone, but another key of the same file had its path. */
	memcpy(app.comm, "job", 3);
	expect_name(pn, 2, &app, "/app[job]");
	/* A deleted executable's path, without " (deleted)". */
	del.tgid = 11;
	memcpy(del.comm, "old", 3);
	expect_name(pn, 3, &del, "/old");
	/* tgid 12 runs /app now, not the file counted: the name alone. */
	other.tgid = 12;
	memcpy(other.comm, "other", 5);
	expect_name(pn, 4, &other, "[other]");
	/* No executable (ino 0) and no process. */
	gone.tgid = 13;
	memcpy(gone.comm, "kworker", 7);
	expect_name(pn, 5, &gone, "[kworker]");
	program_names__free(pn);
	program_names__free(NULL);
	assert_int_equal(test_tmpdir__remove(root), 0);
}

/*
 * A process gone (or never readable): its executable's file name, which
 * the kernel keeps, found in the usual program directories, canonical;
 * the same name elsewhere is not taken for it.
 */
static void names__file_name_found_in_program_directories(void **state)
{
	struct dp_syscall_program_hist sh = { 0 }, other = { 0 };
	struct program_names *pn = program_names__new("/nonexistent");
	char real[PATH_MAX], want[PATH_MAX + 16];
	const char *base;
	struct stat st;

	(void)state;
	assert_non_null(pn);
	assert_non_null(realpath("/bin/sh", real));
	assert_int_equal(stat(real, &st), 0);
	base = strrchr(real, '/') + 1;
	sh.ino = st.st_ino;
	sh.dev = major(st.st_dev) << 20 | minor(st.st_dev);
	sh.tgid = 4000000;		/* no such process */
	memcpy(sh.file, base, strnlen(base, DP_PROGRAM_FILE_LEN));
	memcpy(sh.comm, base, strnlen(base, DP_COMM_LEN - 1));
	snprintf(want, sizeof(want), "program:%s", real);
	assert_string_equal(program_names__name(pn, 1, &sh), want);
	/* Same file name, another file: not it. */
	other = sh;
	other.ino = sh.ino + 1;
	memcpy(other.comm, "x", 2);
	assert_string_equal(program_names__name(pn, 2, &other), "program:[x]");
	/* Another key of the file found: its path, and its own name. */
	other.ino = sh.ino;
	memcpy(other.comm, "y", 2);
	snprintf(want, sizeof(want), "program:%s[y]", real);
	assert_string_equal(program_names__name(pn, 3, &other), want);
	program_names__free(pn);
	/* A file name is one component: no path through it. */
	pn = program_names__new("/nonexistent");
	assert_non_null(pn);
	snprintf(other.file, sizeof(other.file), "../bin/%s", base);
	assert_string_equal(program_names__name(pn, 3, &other), "program:[y]");
	program_names__free(pn);
}


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format__name_shown_only_when_not_the_basename),
		cmocka_unit_test(format__brackets_and_backslashes_escaped_others_kept),
		cmocka_unit_test(names__resolved_checked_remembered),
		cmocka_unit_test(names__file_name_found_in_program_directories),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
