// SPDX-License-Identifier: MIT
/*
 * `driftprobe show` end to end on files written here (no BPF needed): a
 * baseline built with `baseline build` from steady getppid/read windows,
 * then a window where openat takes over. show must draw the baseline and
 * the windows with their labels, side by side flag the drift with openat
 * first, and refuse bad input with exit status 2 and a one-line reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "harness.h"

static char dir[] = "/tmp/dpeco-show.XXXXXX";
static char steady[PATH_MAX], drifted[PATH_MAX], baseline[PATH_MAX];

/* One window record line for syscall.id with the given bins set. */
static void write_window(FILE *f, double ts, unsigned int getppid,
			 unsigned int read, unsigned int openat)
{
	fprintf(f, "{\"ts\":%.1f,\"interval_s\":10,\"host\":\"h\",\"cgroup\":"
		"\"/\",\"feature\":\"syscall.id\",\"counts\":[", ts);
	for (int i = 0; i < DP_SYSCALL_ID_BINS; i++)
		fprintf(f, "%s%u", i ? "," : "", i == 110 ? getppid :
			i == 0 ? read : i == 257 ? openat : 0);
	fputs("]}\n", f);
}

/* Run driftprobe with args; its stdout+stderr, *status its exit. */
static char *show(const char *args, int *status)
{
	char with_stderr[PATH_MAX * 4];

	snprintf(with_stderr, sizeof(with_stderr), "%s 2>&1", args);
	return harness__capture(with_stderr, status);
}

static int setup(void **state)
{
	char args[PATH_MAX * 3];
	FILE *f;
	int st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(steady, sizeof(steady), "%s/steady.jsonl", dir);
	snprintf(drifted, sizeof(drifted), "%s/drifted.jsonl", dir);
	snprintf(baseline, sizeof(baseline), "%s/baseline.json", dir);
	f = fopen(steady, "w");
	assert_non_null(f);
	for (int i = 0; i < 6; i++)
		write_window(f, 1000 + 10 * i, 800 + 7 * i, 200 - 3 * i, 0);
	assert_int_equal(fclose(f), 0);
	f = fopen(drifted, "w");
	assert_non_null(f);
	write_window(f, 2000, 800, 200, 0);
	write_window(f, 2010, 300, 200, 500);
	assert_int_equal(fclose(f), 0);
	snprintf(args, sizeof(args), "baseline build -o %s %s", baseline,
		 steady);
	free(show(args, &st));
	assert_int_equal(st, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return harness__remove_dir(dir);
}

/* show path draws the steady baseline: its bars and labels. */
static void check_baseline_drawn(const char *path)
{
	char args[PATH_MAX + 8], *out;
	int st;

	snprintf(args, sizeof(args), "show %s", path);
	out = show(args, &st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "from 6 windows"));
	assert_non_null(strstr(out, "@syscall.id (cgroup /): 6060 events"));
	assert_non_null(strstr(out, "\ngetppid "));
	assert_non_null(strstr(out, "\nread "));
	assert_null(strstr(out, "\nopenat "));
	free(out);
}

static void show_baseline__draws_labelled_bars(void **state)
{
	(void)state;
	check_baseline_drawn(baseline);
}

/* Laid out by jq (no member on the first line): still a baseline. */
static void show_baseline__reformatted__still_a_baseline(void **state)
{
	char path[PATH_MAX + 16], *text;
	long len;
	FILE *f;

	(void)state;
	f = fopen(baseline, "r");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	text = malloc(len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, len, f), (size_t)len);
	text[len] = '\0';
	fclose(f);
	assert_int_equal(text[0], '{');
	snprintf(path, sizeof(path), "%s/jq.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "{\n  %s", text + 1);	/* as jq starts it */
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0600), 0);
	free(text);
	check_baseline_drawn(path);
}

static void show_windows__pooled_or_one(void **state)
{
	char args[PATH_MAX + 32], *out;
	int st;

	(void)state;
	snprintf(args, sizeof(args), "show %s", drifted);
	out = show(args, &st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "2 windows"));
	assert_non_null(strstr(out, "@syscall.id (cgroup /): 2000 events"));
	assert_non_null(strstr(out, "\nopenat                      500  25.00% |"));
	free(out);

	snprintf(args, sizeof(args), "show --window 1 %s", drifted);
	out = show(args, &st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "@syscall.id (cgroup /): 1000 events"));
	assert_null(strstr(out, "\nopenat "));
	free(out);
}

static void side_by_side__flags_the_drift_and_what_moved(void **state)
{
	char args[PATH_MAX * 2 + 64], *out, *first_row;
	int st;

	(void)state;
	snprintf(args, sizeof(args), "show --baseline %s --window 2 %s",
		 baseline, drifted);
	out = show(args, &st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "@syscall.id (cgroup /): anomaly"));
	first_row = strstr(out, "share G\n");
	assert_non_null(first_row);
	assert_int_equal(strncmp(first_row + 8, "openat ", 7), 0);
	free(out);

	snprintf(args, sizeof(args), "show --baseline %s --window 1 %s",
		 baseline, drifted);
	out = show(args, &st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "@syscall.id (cgroup /): normal"));
	free(out);
}

static void bad_input__exit_2_with_reason(void **state)
{
	char args[PATH_MAX * 2 + 64], *out;
	int st;

	(void)state;
	out = show("show /nonexistent/dpeco", &st);
	assert_int_equal(st, 2);
	assert_non_null(strstr(out, "/nonexistent/dpeco: cannot open"));
	free(out);

	snprintf(args, sizeof(args), "show --window 3 %s", drifted);
	out = show(args, &st);
	assert_int_equal(st, 2);
	assert_non_null(strstr(out, "--window 3: the files hold only 2"));
	free(out);

	snprintf(args, sizeof(args), "show --feature nope %s", drifted);
	out = show(args, &st);
	assert_int_equal(st, 2);
	assert_non_null(strstr(out, "--feature: unknown feature 'nope'"));
	free(out);

	snprintf(args, sizeof(args), "show %s %s", drifted, steady);
	out = show(args, &st);
	assert_int_equal(st, 2);
	free(out);

	snprintf(args, sizeof(args), "show --baseline %s %s", baseline,
		 baseline);
	out = show(args, &st);
	assert_int_equal(st, 2);
	assert_non_null(strstr(out, "baseline.json:1:"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(show_baseline__draws_labelled_bars),
		cmocka_unit_test(show_baseline__reformatted__still_a_baseline),
		cmocka_unit_test(show_windows__pooled_or_one),
		cmocka_unit_test(side_by_side__flags_the_drift_and_what_moved),
		cmocka_unit_test(bad_input__exit_2_with_reason),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
