// SPDX-License-Identifier: MIT
/*
 * Root integration test of the rolling refresh (README "Rolling
 * refresh"). A steady workload runs in a cgroup of the test's own; `run
 * --per-cgroup --persist-baseline` learns it for 6 windows of 1 s, then
 * refreshes with a half-life of 60 s, a guard of 3 s and a schedule of
 * 4 s, so that it acts within the test:
 *   - the persisted baseline is rewritten on schedule: each save said on
 *     stderr, the file's contents change, it stays a valid baseline
 *     (`show` reads it) of mode 0600;
 *   - normal windows are learnt: the workload's syscall.id entry counts
 *     more learnt windows after than before, and no more than the windows
 *     that passed;
 *   - an openat/fstat/close storm in the same cgroup raises an incident,
 *     and is not learnt: the saved baseline's share of openat in that
 *     entry after the storm (and its guard) is within 1% of its share
 *     before, while the storm's windows were anomalous with openat among
 *     their top bins (about a third of their calls).
 * Every wait is bounded polling of the run's output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "feature.h"
#include "harness.h"

static char dir[] = "/tmp/dp_itest_refresh.XXXXXX";
static char baseline_path[300], out[320], err_path[320];
static char work_cg[4400], work_name[64];

static void storm_work(void)
{
	harness__file_storm_in(dir);
}

/* Occurrences of needle in the file at path. */
static int count_in(const char *path, const char *needle)
{
	char *text = harness__read_file(path), *p = text;
	int n = 0;

	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	free(text);
	return n;
}

/* Scheduled refreshes, and saves of the baseline, said on stderr. */
static int refreshes(void)
{
	return count_in(err_path, "baseline refreshed:");
}

static int saves(void)
{
	return count_in(err_path, "baseline saved to");
}

/* What the saved baseline says of the workload's syscall.id series. */
struct entry_view {
	uint64_t windows;
	double openat_share;
	char *text;		/* the whole file */
};

static void read_entry(struct entry_view *v)
{
	struct json_object *doc, *features, *x;
	struct stat st;
	bool found = false;

	memset(v, 0, sizeof(*v));
	assert_int_equal(stat(baseline_path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	v->text = harness__read_file(baseline_path);
	doc = json_tokener_parse(v->text);
	assert_non_null(doc);
	assert_true(json_object_object_get_ex(doc, "features", &features));
	for (size_t i = 0; i < json_object_array_length(features); i++) {
		struct json_object *e = json_object_array_get_idx(features, i);
		struct json_object *counts;
		double all = 0;

		json_object_object_get_ex(e, "name", &x);
		if (strcmp(json_object_get_string(x), "syscall.id"))
			continue;
		json_object_object_get_ex(e, "cgroup", &x);
		if (strcmp(json_object_get_string(x), work_name))
			continue;
		json_object_object_get_ex(e, "windows", &x);
		v->windows = (uint64_t)json_object_get_int64(x);
		json_object_object_get_ex(e, "counts", &counts);
		for (size_t b = 0; b < json_object_array_length(counts); b++)
			all += (double)json_object_get_uint64(
				json_object_array_get_idx(counts, b));
		v->openat_share = (double)json_object_get_uint64(
			json_object_array_get_idx(counts, SYS_openat)) / all;
		found = true;
	}
	json_object_put(doc);
	assert_true(found);
}

/* The windows dropped by incidents, as the last refresh line says. */
static unsigned long long last_dropped(void)
{
	char *text = harness__read_file(err_path), *p = text, *at = NULL;
	unsigned long long learnt = 0, dropped = 0;

	while ((p = strstr(p, "baseline refreshed:")))
		at = p++;
	assert_non_null(at);
	assert_int_equal(sscanf(at, "baseline refreshed: %llu windows learnt, "
				"%llu dropped", &learnt, &dropped), 2);
	free(text);
	print_message("refresh: %llu windows learnt, %llu dropped\n", learnt,
		      dropped);
	return dropped;
}

/* `driftprobe show` accepts the saved baseline. */
static void check_valid(void)
{
	char cmd[400], *text;
	int status;

	snprintf(cmd, sizeof(cmd), "show '%s' >/dev/null", baseline_path);
	text = harness__capture(cmd, &status);
	free(text);
	assert_int_equal(status, 0);
}

/* Lines of the run's JSON holding every needle (NULL-terminated). */
static int lines_with(const char *first, ...)
{
	FILE *f = fopen(out, "r");
	char *line = NULL;
	size_t cap = 0;
	int n = 0;

	assert_non_null(f);
	while (getline(&line, &cap, f) > 0) {
		const char *needle = first;
		bool all = true;
		va_list ap;

		va_start(ap, first);
		for (; needle && all; needle = va_arg(ap, const char *))
			all = strstr(line, needle) != NULL;
		va_end(ap);
		n += all;
	}
	free(line);
	fclose(f);
	return n;
}

/* The workload's cgroup as JSON lines name it. */
static char work_json[96];

/* Its syscall.id analysis lines. */
static int work_lines(void)
{
	return lines_with("\"feature\":\"syscall.id\"", work_json, NULL);
}

/* Its incident lines. */
static int work_incidents(void)
{
	return lines_with("\"type\":\"incident\"", work_json, NULL);
}

/* Wait until count() reaches n (fail past timeout_s). */
static void wait_for(int (*count)(void), int n, const char *what,
		     double timeout_s)
{
	double deadline = harness__now() + timeout_s;
	struct timespec tick = { 0, 100000000 };

	while (count() < n) {
		if (harness__now() > deadline)
			fail_msg("fewer than %d %s after %g s", n, what,
				 timeout_s);
		nanosleep(&tick, NULL);
	}
}

static void run__refresh__saved_on_schedule_and_storm_not_learnt(void **state)
{
	const char *args[] = { "run", "--per-cgroup", "--interval", "1",
			       "--learn", "6", "--duration", "120", "--json",
			       "--persist-baseline", baseline_path,
			       "--refresh-half-life", "60",
			       "--refresh-guard", "3", "--refresh-every", "4",
			       NULL };
	struct entry_view before, after;
	pid_t steady, probe, storm;
	int n_saves, lines, incidents, status;

	(void)state;
	harness__require_root();
	steady = harness__spawn_in_cgroup(work_cg, harness__steady_syscalls);
	probe = harness__spawn_logged(out, err_path, args);
	/* The learnt baseline, then three scheduled saves: the first comes
	 * before any window is a guard old, the others learn. */
	wait_for(refreshes, 3, "refreshes", 40);
	wait_for(saves, 4, "saves", 10);
	read_entry(&before);
	/* An alarm of the workload's cgroup (a busy machine: a latency
	 * feature) guards it for a while: more schedules, one at a time, up
	 * to eight, as after the storm. */
	for (int more = 0; more < 8 && before.windows <= 6; more++) {
		free(before.text);
		wait_for(refreshes, refreshes() + 1, "refreshes", 10);
		read_entry(&before);
	}
	check_valid();
	n_saves = saves();
	lines = work_lines();
	print_message("before the storm: %d saves, %llu learnt windows, "
		      "openat %.4f%%\n", n_saves,
		      (unsigned long long)before.windows,
		      100 * before.openat_share);
	assert_true(before.windows > 6);	/* learnt 6, folded more */

	incidents = work_incidents();
	storm = harness__spawn_in_cgroup(work_cg, storm_work);
	wait_for(work_incidents, incidents + 1, "incident lines of the "
		 "workload", 15);
	wait_for(work_lines, work_lines() + 5, "syscall.id lines of the "
		 "workload", 15);
	harness__kill_child(&storm);
	/* The alarm lets go, the guard passes, windows are learnt again
	 * and saved: four more schedules, and more (one at a time, up to
	 * eight) while a busy machine keeps the alarm held longer. */
	wait_for(refreshes, refreshes() + 4, "refreshes", 30);
	read_entry(&after);
	for (int more = 0; more < 8 && after.windows <= before.windows;
	     more++) {
		free(after.text);
		wait_for(refreshes, refreshes() + 1, "refreshes", 10);
		read_entry(&after);
	}
	lines = work_lines() - lines;
	check_valid();
	kill(probe, SIGTERM);
	status = harness__wait_exit(probe, 15);
	harness__kill_child(&steady);
	print_message("after: %d windows judged since, %llu learnt windows, "
		      "openat %.4f%%\n", lines,
		      (unsigned long long)after.windows,
		      100 * after.openat_share);
	assert_int_equal(status, 0);
	assert_true(work_incidents() > incidents);
	/* The storm's windows were anomalous with openat on top. */
	assert_true(lines_with("\"feature\":\"syscall.id\"", work_json,
			       "\"verdict\":\"anomaly\"",
			       "\"label\":\"openat\"", NULL) >= 1);
	assert_true(strcmp(before.text, after.text) != 0);
	/* Learning went on after the storm, at most a window per window. */
	assert_true(after.windows > before.windows);
	assert_true(after.windows - before.windows <= (uint64_t)lines);
	/* The storm (mostly openat) was not learnt. */
	assert_true(after.openat_share < before.openat_share + 0.01);
	assert_true(after.openat_share > before.openat_share - 0.01);
	/* What the storm's incident dropped from the pending folds. */
	assert_true(last_dropped() >= 1);
	free(before.text);
	free(after.text);
}

static int setup(void **state)
{
	char name[64];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(baseline_path, sizeof(baseline_path), "%s/baseline.json", dir);
	snprintf(out, sizeof(out), "%s/run.jsonl", dir);
	snprintf(err_path, sizeof(err_path), "%s/run.err", dir);
	snprintf(name, sizeof(name), "dp_itest_refresh_%d", (int)getpid());
	harness__cgroup_create(name, work_cg, sizeof(work_cg), work_name,
			       sizeof(work_name));
	snprintf(work_json, sizeof(work_json), "\"cgroup\":\"%s\"",
		 work_name);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness__cgroup_remove(work_cg);
	return harness__remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(run__refresh__saved_on_schedule_and_storm_not_learnt),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
