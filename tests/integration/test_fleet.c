// SPDX-License-Identifier: MIT
/*
 * Root integration test of fleet baselines (issue 21, part 4): two hosts
 * recorded for real, one after the other, each `record --per-cgroup` in a
 * UTS namespace of its own named dp-fleet-b, then dp-fleet-a. The same
 * workload runs on both in the same cgroup (web: a steady syscall mix); on
 * host a two more run beside it, v2 (the same mix: a new version that
 * behaves) and canary (file lookups that fail: a new version that does
 * not), and later web itself starts failing lookups. A baseline is built
 * per host from its first windows, the two merged with `baseline merge
 * --role web`, and `analyze` must
 *   (a) judge web's later windows on host a against the fleet baseline
 *       normal, on every feature of what it does (the timing features feel
 *       the host's load and are only printed, as in test_drift);
 *   (b) flag web's syscall.id once web changed, in (almost) every window;
 *   (c) with --compare v2=web and canary=web: flag the canary's syscall.id
 *       in (almost) every window and v2 in none; without --compare the
 *       canary is judged against its own (host a's) series: normal.
 * And, offline: inputs that do not agree are refused with one line naming
 * both files (exit 2, nothing written); so is a --compare whose OLD the
 * baseline lacks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "feature.h"
#include "harness.h"

#define LEARN_S		15	/* seconds of each host learnt */
#define QUIET_S		8	/* host a, judged before web changes */
#define CHANGED_S	8	/* host a, after web changed */

enum { HOST_WIDE, WEB, V2, CANARY, NSCOPES };

static char dir[] = "/tmp/dp_itest_fleet.XXXXXX";
static char cg[NSCOPES][4400], name[NSCOPES][64];
static const char *scopes[NSCOPES];

/* Every ms: 20 lookups of a file that does not exist, 20 getppid. */
static void lookup_work(void)
{
	struct timespec ms = { 0, 1000000 };

	for (;;) {
		for (int i = 0; i < 20; i++) {
			syscall(SYS_openat, -100, "/nonexistent-dp-fleet/x", 0);
			syscall(SYS_getppid);
		}
		nanosleep(&ms, NULL);
	}
}

/*
 * `record --per-cgroup -i 1 -d seconds -o out` as host `host` (a UTS
 * namespace of its own); returns its pid once the first window is out,
 * *start the wall clock then.
 */
static pid_t record_as(const char *host, int seconds, const char *out,
		       double *start)
{
	char dur[16], log[PATH_MAX], *line;
	char *const argv[] = { "unshare", "--uts", "sh", "-c",
			       "hostname \"$1\" && shift && exec \"$@\"", "sh",
			       (char *)host, (char *)harness__binary(), "record",
			       "--per-cgroup", "-i", "1", "-d", dur, "-o",
			       (char *)out, NULL };
	pid_t pid;

	snprintf(dur, sizeof(dur), "%d", seconds);
	snprintf(log, sizeof(log), "%s/record-%s.log", dir, host);
	pid = harness__spawn_cmd(log, argv);
	harness__wait_lines(out, 1, 30);
	*start = harness__wall_now();
	line = harness__read_file(out);
	if (!strstr(line, "\"host\":\"") || !strstr(line, host))
		fail_msg("%s: records do not say host %s", out, host);
	free(line);
	return pid;
}

/* Split a host's records into learn / quiet / after files of dir. */
static void split(const char *rec, const char *host, double learn_from,
		  double learn_end, double changed, char paths[3][PATH_MAX],
		  int seen[NSCOPES][3])
{
	FILE *f[3];

	for (int i = 0; i < 3; i++) {
		snprintf(paths[i], PATH_MAX, "%s/%s-%d.jsonl", dir, host, i);
		f[i] = fopen(paths[i], "w");
		assert_non_null(f[i]);
	}
	harness__split_records(rec, scopes, NSCOPES, learn_from, learn_end,
			       changed, f, seen);
	for (int i = 0; i < 3; i++)
		assert_int_equal(fclose(f[i]), 0);
}

/* Per scope and feature: windows judged, anomalies, new lines. */
struct judged {
	int windows[DP_F_COUNT], anomalies[DP_F_COUNT], news;
};

/*
 * `analyze --json -b baseline [extra] windows` (exit 0), its stderr in
 * err_path; the verdicts of each scope.
 */
static void judge(const char *baseline, const char *extra,
		  const char *windows, const char *err_path,
		  struct judged j[NSCOPES])
{
	char args[4 * PATH_MAX], *out, *save = NULL;
	int st;

	memset(j, 0, NSCOPES * sizeof(*j));
	snprintf(args, sizeof(args), "analyze --json -b %s %s %s 2>%s",
		 baseline, extra, windows, err_path);
	out = harness__capture(args, &st);
	assert_int_equal(st, 0);
	for (char *l = strtok_r(out, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_tokener_parse(l), *v;
		int s, f;

		assert_non_null(o);
		if (harness__is_incident(o)) {
			json_object_put(o);
			continue;
		}
		assert_true(json_object_object_get_ex(o, "cgroup", &v));
		s = harness__scope_index(json_object_get_string(v), scopes,
					 NSCOPES);
		assert_true(s >= 0);
		assert_true(json_object_object_get_ex(o, "feature", &v));
		f = feature__by_name(json_object_get_string(v));
		assert_true(f >= 0);
		assert_true(json_object_object_get_ex(o, "verdict", &v));
		if (!strcmp(json_object_get_string(v), "new")) {
			j[s].news++;
		} else {
			j[s].windows[f]++;
			j[s].anomalies[f] +=
				!strcmp(json_object_get_string(v), "anomaly");
		}
		json_object_put(o);
	}
	free(out);
}

static bool times_the_host(int f)
{
	return f == DP_F_SYSCALL_LATENCY || f == DP_F_SCHED_RUNQ_LATENCY ||
	       f == DP_F_BLOCK_IO_LATENCY;
}

/* Anomalies of what the scope does (its timing features left out). */
static int behaviour_anomalies(const struct judged *j, const char *what)
{
	int n = 0;

	for (int f = 0; f < DP_F_COUNT; f++) {
		if (!j->windows[f])
			continue;
		print_message("%s: %s %d of %d windows anomalous%s\n", what,
			      feature_table[f].name, j->anomalies[f],
			      j->windows[f],
			      times_the_host(f) ? " (timing: not counted)" : "");
		if (!times_the_host(f))
			n += j->anomalies[f];
	}
	return n;
}

static void build(const char *out, const char *windows)
{
	char args[3 * PATH_MAX];
	int st;

	snprintf(args, sizeof(args), "baseline build -o %s %s 2>/dev/null",
		 out, windows);
	free(harness__capture(args, &st));
	assert_int_equal(st, 0);
}

static void fleet__two_hosts_merged__new_host_judged_and_canary_compared(
	void **state)
{
	char rec_a[PATH_MAX], rec_b[PATH_MAX], a_paths[3][PATH_MAX];
	char b_paths[3][PATH_MAX], bl_a[PATH_MAX], bl_b[PATH_MAX];
	char fleet[PATH_MAX], err_path[PATH_MAX], args[6 * PATH_MAX];
	char extra[300], *text;
	int seen_a[NSCOPES][3] = { { 0 } }, seen_b[NSCOPES][3] = { { 0 } };
	pid_t work[NSCOPES] = { -1, -1, -1, -1 }, change = -1, rec;
	struct judged q[NSCOPES], c[NSCOPES], cmp[NSCOPES];
	unsigned long series = 0, partial = 0;
	double start, changed;
	int st;

	(void)state;
	harness__require_root();
	snprintf(rec_a, sizeof(rec_a), "%s/host-a.jsonl", dir);
	snprintf(rec_b, sizeof(rec_b), "%s/host-b.jsonl", dir);
	snprintf(bl_a, sizeof(bl_a), "%s/a.json", dir);
	snprintf(bl_b, sizeof(bl_b), "%s/b.json", dir);
	snprintf(fleet, sizeof(fleet), "%s/fleet.json", dir);
	snprintf(err_path, sizeof(err_path), "%s/stderr.txt", dir);

	/* Host b: web alone, learnt whole (the first, partial window out). */
	work[WEB] = harness__spawn_in_cgroup(cg[WEB], harness__steady_syscalls_on_cpu0);
	rec = record_as("dp-fleet-b", LEARN_S + 2, rec_b, &start);
	assert_int_equal(harness__wait_exit(rec, LEARN_S + 30), 0);
	split(rec_b, "b", start, 1e12, 2e12, b_paths, seen_b);

	/* Host a: web, v2 and the canary; then web changes. */
	work[V2] = harness__spawn_in_cgroup(cg[V2], harness__steady_syscalls_on_cpu0);
	work[CANARY] = harness__spawn_in_cgroup(cg[CANARY], lookup_work);
	rec = record_as("dp-fleet-a", LEARN_S + QUIET_S + CHANGED_S + 3, rec_a,
			&start);
	while (harness__wall_now() < start + LEARN_S + QUIET_S + 1)
		usleep(100000);
	changed = harness__wall_now();
	change = harness__spawn_in_cgroup(cg[WEB], lookup_work);
	assert_int_equal(harness__wait_exit(rec, CHANGED_S + 30), 0);
	harness__kill_child(&change);
	for (int i = 0; i < NSCOPES; i++)
		harness__kill_child(&work[i]);
	split(rec_a, "a", start + 1, start + 1 + LEARN_S, changed, a_paths,
	      seen_a);
	print_message("records (learn/quiet/after): host b web %d/%d/%d; host "
		      "a web %d/%d/%d, v2 %d/%d/%d, canary %d/%d/%d\n",
		      seen_b[WEB][0], seen_b[WEB][1], seen_b[WEB][2],
		      seen_a[WEB][0], seen_a[WEB][1], seen_a[WEB][2],
		      seen_a[V2][0], seen_a[V2][1], seen_a[V2][2],
		      seen_a[CANARY][0], seen_a[CANARY][1], seen_a[CANARY][2]);
	assert_true(seen_b[WEB][0] >= LEARN_S - 3);
	assert_true(seen_a[WEB][0] >= LEARN_S - 3);
	assert_int_equal(seen_b[V2][0] + seen_b[CANARY][0], 0);
	assert_true(seen_a[V2][1] > 0 && seen_a[CANARY][1] > 0);

	/* A baseline per host, merged. */
	build(bl_a, a_paths[0]);
	build(bl_b, b_paths[0]);
	snprintf(args, sizeof(args), "baseline merge --role web -o %s %s %s "
		 "2>%s", fleet, bl_a, bl_b, err_path);
	free(harness__capture(args, &st));
	text = harness__read_file(err_path);
	print_message("merge: %s", text);
	assert_int_equal(st, 0);
	assert_int_equal(sscanf(text, "baseline: merged 2 baselines: %lu "
				"series, %lu on only some hosts", &series,
				&partial), 2);
	free(text);
	/* v2's and the canary's series are host a's alone. */
	assert_true(partial >= 2 && partial < series);
	text = harness__read_file(fleet);
	assert_non_null(strstr(text, "\"host\":\"fleet:web\""));
	free(text);

	/* (a) host a's quiet windows against the fleet: web is normal. */
	judge(fleet, "", a_paths[1], err_path, q);
	text = harness__read_file(err_path);
	print_message("analyze said: %s", text);
	/* Another host's baseline is a warning, not an error. */
	assert_non_null(strstr(text, "learnt on host fleet:web (this is "
				     "dp-fleet-a)"));
	free(text);
	assert_in_range(q[WEB].windows[DP_F_SYSCALL_ID], QUIET_S - 3,
			QUIET_S + 2);
	assert_int_equal(behaviour_anomalies(&q[WEB], "quiet web"), 0);
	/* The canary against its own series (host a's): normal too. */
	assert_int_equal(q[CANARY].anomalies[DP_F_SYSCALL_ID], 0);

	/* (b) web changed: flagged against the fleet. */
	judge(fleet, "", a_paths[2], err_path, c);
	behaviour_anomalies(&c[WEB], "changed web");
	assert_in_range(c[WEB].windows[DP_F_SYSCALL_ID], CHANGED_S - 4,
			CHANGED_S + 2);
	assert_in_range(c[WEB].anomalies[DP_F_SYSCALL_ID],
			c[WEB].windows[DP_F_SYSCALL_ID] - 1,
			c[WEB].windows[DP_F_SYSCALL_ID]);

	/* (c) the new versions against web's baseline. */
	snprintf(extra, sizeof(extra), "--compare %s=%s --compare %s=%s",
		 name[V2], name[WEB], name[CANARY], name[WEB]);
	judge(fleet, extra, a_paths[1], err_path, cmp);
	text = harness__read_file(err_path);
	assert_non_null(strstr(text, "judged against the baseline of"));
	free(text);
	assert_int_equal(behaviour_anomalies(&cmp[V2], "v2 as web"), 0);
	behaviour_anomalies(&cmp[CANARY], "canary as web");
	assert_in_range(cmp[CANARY].windows[DP_F_SYSCALL_ID], QUIET_S - 3,
			QUIET_S + 2);
	assert_in_range(cmp[CANARY].anomalies[DP_F_SYSCALL_ID],
			cmp[CANARY].windows[DP_F_SYSCALL_ID] - 1,
			cmp[CANARY].windows[DP_F_SYSCALL_ID]);
	/* web itself is still judged as web was. */
	assert_int_equal(behaviour_anomalies(&cmp[WEB], "web"), 0);
}

/* Lines of text (a last line without '\n' counts). */
static int lines_of(const char *text)
{
	int n = 0;

	for (const char *p = text; *p; p++)
		n += *p == '\n' || !p[1];
	return n;
}

static void merge__inputs_that_differ__one_line_exit_2_nothing_written(
	void **state)
{
	char w1[PATH_MAX], w10[PATH_MAX], b1[PATH_MAX], b1c[PATH_MAX];
	char b10[PATH_MAX], out[PATH_MAX], err_path[PATH_MAX];
	char args[6 * PATH_MAX], *text;
	int st;

	(void)state;
	snprintf(w1, sizeof(w1), "%s/w1.jsonl", dir);
	snprintf(w10, sizeof(w10), "%s/w10.jsonl", dir);
	snprintf(b1, sizeof(b1), "%s/one.json", dir);
	snprintf(b1c, sizeof(b1c), "%s/one-again.json", dir);
	snprintf(b10, sizeof(b10), "%s/ten.json", dir);
	snprintf(out, sizeof(out), "%s/refused.json", dir);
	snprintf(err_path, sizeof(err_path), "%s/refused.err", dir);
	harness__write_windows(w1, 12);
	snprintf(args, sizeof(args), "sed 's/\"interval_s\":1,/\"interval_s\""
		 ":10,/' %s > %s", w1, w10);
	free(harness__sh(args, &st));
	assert_int_equal(st, 0);
	build(b1, w1);
	build(b1c, w1);
	build(b10, w10);

	snprintf(args, sizeof(args), "baseline merge -o %s %s %s 2>%s", out, b1,
		 b10, err_path);
	free(harness__capture(args, &st));
	text = harness__read_file(err_path);
	print_message("refused: %s", text);
	assert_int_equal(st, 2);
	assert_int_equal(lines_of(text), 1);
	assert_non_null(strstr(text, "one.json: 1 s windows"));
	assert_non_null(strstr(text, "ten.json: 10 s; expected window lengths "
				     "within 5%"));
	assert_int_equal(access(out, F_OK), -1);
	free(text);

	/* The same host's baseline twice agrees with itself: merged. */
	snprintf(args, sizeof(args), "baseline merge -o %s %s %s 2>%s", out, b1,
		 b1c, err_path);
	free(harness__capture(args, &st));
	assert_int_equal(st, 0);
	assert_int_equal(access(out, F_OK), 0);

	snprintf(args, sizeof(args), "analyze -b %s --compare /x=/nope %s "
		 "2>%s", out, w1, err_path);
	free(harness__capture(args, &st));
	text = harness__read_file(err_path);
	print_message("refused: %s", text);
	assert_int_equal(st, 2);
	assert_int_equal(lines_of(text), 1);
	assert_non_null(strstr(text, "the baseline has no series of /nope"));
	free(text);
}

static int setup(void **state)
{
	static const char *const what[NSCOPES] = { NULL, "web", "v2",
						   "canary" };
	char n[64];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	scopes[HOST_WIDE] = "/";
	for (int i = WEB; i < NSCOPES; i++) {
		snprintf(n, sizeof(n), "dp_itest_fleet_%s_%d", what[i],
			 (int)getpid());
		harness__cgroup_create(n, cg[i], sizeof(cg[i]), name[i],
				       sizeof(name[i]));
		scopes[i] = name[i];
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = WEB; i < NSCOPES; i++)
		harness__cgroup_remove(cg[i]);
	return harness__remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		merge__inputs_that_differ__one_line_exit_2_nothing_written),
		cmocka_unit_test(
		fleet__two_hosts_merged__new_host_judged_and_canary_compared),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
