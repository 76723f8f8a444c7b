// SPDX-License-Identifier: MIT
/*
 * Root integration test of the live detector. A steady synthetic workload
 * runs throughout in a cgroup of the test's own, and every verdict judged
 * here is that cgroup's (`run --per-cgroup`): the host is never silent,
 * and a neighbour in another cgroup (directory walks, failed opens,
 * short-lived processes: a few % of a core) runs all along to keep the
 * test honest about it. `run` learns a baseline, then:
 *   - a process with a very different syscall mix (openat/fstat/close on a
 *     temp file) must be flagged on syscall.id within 2 windows, with openat
 *     among the top bins and that process (its pid) named first among the
 *     bin's exemplars; and a process that was sampled in another cgroup
 *     before it moved into the work cgroup and stormed there is named in
 *     the work cgroup's openat exemplars (`record`);
 *   - `analyze` on the windows `run` recorded must print the very same lines;
 *   - a process whose file lookups start failing (ENOENT storm) must show up
 *     as a stronger coupling in syscall.group_errno, with file/notfound
 *     among the cells that moved, and `mi` must read the session;
 *   - the steady workload alone, learnt for the default 60 windows, must
 *     raise no anomaly and no coupling change on any feature of what it
 *     does for the next 30 windows; the features that time it
 *     (syscall.latency, sched.runq_latency, block.io_latency) feel the
 *     host's load too: they may alarm in at most 2 of the 30 windows
 *     besides those where the whole host's run-queue latency alarmed.
 */
#include <stdarg.h>
#include <dirent.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <driftprobe/buckets.h>
#include "feature.h"
#include "harness.h"

#define LEARN_WINDOWS 6

static char dir[] = "/tmp/dp_itest_drift.XXXXXX";
static char baseline_path[300];
static char work_cg[4400], work_name[64];	/* the judged workload's */
static char neighbour_cg[4400], neighbour_name[64];
static pid_t neighbour;

/*
 * Light unrelated activity, every 50 ms: a directory walk with a stat per
 * entry, 10 failed opens, and every 4th time a short-lived /bin/true. Stops
 * by itself after 10 minutes.
 */
static void neighbour_work(void)
{
	alarm(600);
	for (unsigned int i = 0;; i++) {
		struct timespec tick = { 0, 50000000 };
		DIR *d = opendir("/usr/lib");
		struct dirent *e;
		struct stat st;
		char path[300];

		for (int n = 0; d && (e = readdir(d)) && n < 200; n++)
			fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW);
		if (d)
			closedir(d);
		for (int n = 0; n < 10; n++) {
			snprintf(path, sizeof(path), "/nonexistent-dp-neighbour/%u",
				 i * 10 + n);
			open(path, O_RDONLY);
		}
		if (i % 4 == 0) {
			pid_t p = fork();

			if (p == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			if (p > 0)
				waitpid(p, NULL, 0);
		}
		nanosleep(&tick, NULL);
	}
}

/* openat/fstat/close on a temp file, until killed. */
static void file_storm_work(void)
{
	harness__file_storm_in(dir);
}

/* openat on a path that does not exist, until killed: file/notfound. */
static void missing_file_storm_work(void)
{
	for (;;)
		open("/nonexistent-driftprobe-test/x", O_RDONLY);
}

/*
 * One cgroup's lines of feature: windows, anomalies (and the windows they
 * were in, ts), first anomaly's window index, coupling changes, openat
 * among the top bins.
 */
struct verdicts {
	int windows, anomalies, first_anomaly_window, coupling_changes;
	double anomaly_ts[64];
	bool openat_on_top;
	char openat_exemplars[512];	/* of the first anomaly naming it */
};

static void scan_cgroup(const char *path, const char *feature,
			const char *cgroup, struct verdicts *v)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	assert_non_null(f);
	memset(v, 0, sizeof(*v));
	v->first_anomaly_window = -1;
	while (getline(&line, &cap, f) > 0) {
		struct json_object *o = json_tokener_parse(line), *x, *top;

		if (!o)
			fail_msg("%s: not JSON: %s", path, line);
		if (harness__is_incident(o)) {
			json_object_put(o);
			continue;
		}
		json_object_object_get_ex(o, "feature", &x);
		if (strcmp(json_object_get_string(x), feature) ||
		    !json_object_object_get_ex(o, "cgroup", &x) ||
		    strcmp(json_object_get_string(x), cgroup)) {
			json_object_put(o);
			continue;
		}
		if (json_object_object_get_ex(o, "coupling", &x) &&
		    json_object_object_get_ex(x, "change", &x))
			v->coupling_changes +=
				!!strcmp(json_object_get_string(x), "steady");
		json_object_object_get_ex(o, "verdict", &x);
		if (!strcmp(json_object_get_string(x), "anomaly")) {
			if (v->first_anomaly_window < 0)
				v->first_anomaly_window = v->windows;
			json_object_object_get_ex(o, "ts", &x);
			if (v->anomalies < 64)
				v->anomaly_ts[v->anomalies] =
					json_object_get_double(x);
			v->anomalies++;
			json_object_object_get_ex(o, "top", &top);
			for (size_t i = 0; i < json_object_array_length(top); i++) {
				struct json_object *lbl;

				struct json_object *ex;

				json_object_object_get_ex(
					json_object_array_get_idx(top, i),
					"label", &lbl);
				if (strcmp(json_object_get_string(lbl), "openat"))
					continue;
				v->openat_on_top = true;
				if (!v->openat_exemplars[0] &&
				    json_object_object_get_ex(
					    json_object_array_get_idx(top, i),
					    "exemplars", &ex))
					snprintf(v->openat_exemplars,
						 sizeof(v->openat_exemplars),
						 "%s", json_object_get_string(ex));
			}
		}
		v->windows++;
		json_object_put(o);
	}
	free(line);
	fclose(f);
}

/* The work cgroup's lines of feature. */
static void scan_analysis(const char *path, const char *feature,
			  struct verdicts *v)
{
	scan_cgroup(path, feature, work_name, v);
}

/* Anomalies of v in windows where host (the host-wide lines) had none. */
static int unexplained(const struct verdicts *v, const struct verdicts *host)
{
	int n = 0;

	assert_true(v->anomalies <= 64 && host->anomalies <= 64);
	for (int i = 0; i < v->anomalies; i++) {
		bool shared = false;

		for (int j = 0; j < host->anomalies; j++)
			shared |= v->anomaly_ts[i] == host->anomaly_ts[j];
		n += !shared;
	}
	return n;
}

/* How many records of path the first LEARN_WINDOWS windows (ts) take. */
static int learning_records(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, ts[64] = "";
	size_t cap = 0;
	int records = 0, windows = 0;

	assert_non_null(f);
	while (getline(&line, &cap, f) > 0) {
		char *p = strstr(line, "\"ts\":"), *end;

		assert_non_null(p);
		end = strchr(p, ',');
		assert_non_null(end);
		if (strncmp(ts, p, (size_t)(end - p)) || !ts[0]) {
			if (++windows > LEARN_WINDOWS)
				break;
			snprintf(ts, sizeof(ts), "%.*s", (int)(end - p), p);
		}
		records++;
	}
	free(line);
	fclose(f);
	assert_int_equal(windows, LEARN_WINDOWS + 1);
	return records;
}

/* Drop the first n lines of src into dst. */
static void tail_lines(const char *src, const char *dst, int n)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd), "tail -n +%d '%s' > '%s'", n + 1, src, dst);
	assert_int_equal(system(cmd), 0);
}

/*
 * The work cgroup's incident lines of a run: exactly one incident opened
 * (the storm lasts until the run ends, so it never resolves and opens
 * again), and its leader is the storm's pid, a process new to the cgroup.
 */
static void check_storm_incident(const char *path, pid_t storm)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int opened = 0, led = 0, lines = 0;

	assert_non_null(f);
	while (getline(&line, &cap, f) > 0) {
		struct json_object *o = json_tokener_parse(line), *x, *cul;

		assert_non_null(o);
		if (!harness__is_incident(o) ||
		    !json_object_object_get_ex(o, "cgroup", &x) ||
		    strcmp(json_object_get_string(x), work_name)) {
			json_object_put(o);
			continue;
		}
		lines++;
		json_object_object_get_ex(o, "state", &x);
		opened += !strcmp(json_object_get_string(x), "open");
		json_object_object_get_ex(o, "culprits", &cul);
		for (size_t i = 0; i < json_object_array_length(cul); i++) {
			struct json_object *c = json_object_array_get_idx(cul, i);
			struct json_object *pid, *role;

			if (json_object_object_get_ex(c, "pid", &pid) &&
			    json_object_object_get_ex(c, "role", &role) &&
			    json_object_get_int64(pid) == storm &&
			    !strcmp(json_object_get_string(role), "leader"))
				led++;
		}
		json_object_put(o);
	}
	free(line);
	fclose(f);
	print_message("storm: %d incident lines, %d opened, %d led by the "
		      "storm\n", lines, opened, led);
	assert_int_equal(opened, 1);
	assert_in_range(lines, 1, 5);
	assert_true(led >= 1);
}

static void run__file_storm__flagged_within_two_windows_and_analyze_agrees(void **state)
{
	char out[320], rec[320], rec_tail[320], again[320], cmd[1400], who[32];
	const char *args[] = { "run", "--per-cgroup", "--interval", "1",
			       "--learn", "6", "--duration", "11", "--json",
			       "--save-baseline", baseline_path, "--record", rec,
			       NULL };
	struct verdicts v;
	pid_t steady, probe, storm, storm_pid;

	(void)state;
	harness__require_root();
	snprintf(out, sizeof(out), "%s/run.jsonl", dir);
	snprintf(rec, sizeof(rec), "%s/windows.jsonl", dir);
	snprintf(rec_tail, sizeof(rec_tail), "%s/analyzed.jsonl", dir);
	snprintf(again, sizeof(again), "%s/analyze.jsonl", dir);
	steady = harness__spawn_in_cgroup(work_cg, harness__steady_syscalls_on_cpu0);
	probe = harness__spawn(out, args);
	/* Learning takes 6 windows after attach; the storm starts ~1 s later. */
	sleep(LEARN_WINDOWS + 1);
	storm = storm_pid = harness__spawn_in_cgroup(work_cg, file_storm_work);
	int status = harness__wait_exit(probe, 30);
	harness__kill_child(&storm);
	harness__kill_child(&steady);
	assert_int_equal(status, 0);

	scan_analysis(out, "syscall.id", &v);
	print_message("storm: %d analysed windows, %d anomalies, first in "
		      "window %d, openat on top: %d\n", v.windows, v.anomalies,
		      v.first_anomaly_window, v.openat_on_top);
	assert_int_equal(v.windows, 11 - LEARN_WINDOWS);
	/* The storm starts at the end of analysed window 0: flagged by 2. */
	assert_true(v.first_anomaly_window >= 0);
	assert_true(v.first_anomaly_window <= 2);
	assert_true(v.openat_on_top);
	/* Who did it: the storm's pid leads the openat bin's exemplars. */
	snprintf(who, sizeof(who), "%d ", storm_pid);
	print_message("storm: openat exemplars: %s\n", v.openat_exemplars);
	assert_true(!strncmp(v.openat_exemplars, who, strlen(who)));
	/* One event, one incident, led by the storm. */
	check_storm_incident(out, storm_pid);

	/* The same windows, offline, give the same lines. */
	tail_lines(rec, rec_tail, learning_records(rec));
	snprintf(cmd, sizeof(cmd), "'%s' analyze --json --baseline '%s' '%s' > '%s'",
		 harness__binary(), baseline_path, rec_tail, again);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", out, again);
	if (system(cmd))
		fail_msg("analyze output differs from run output: diff %s %s",
			 out, again);
}

/*
 * A process that opened files in the test's cgroup, then moved into the
 * work cgroup and stormed there (a container's init does the like: forked
 * by the runtime, moved, exec'd): 4,000 opens before the move make sure
 * some were sampled as exemplars of the openat bin in the old cgroup.
 */
static void moved_in_then_storm(void)
{
	for (int i = 0; i < 4000; i++)
		close(open("/dev/null", O_RDONLY));
	harness__cgroup_join(work_cg, 0);
	harness__file_storm_in(dir);
}

/* Records of cgroup's syscall.id whose openat exemplar begins with who. */
static int openat_named(const char *path, const char *cgroup, const char *who,
			int *records)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, bin[16];
	size_t cap = 0;
	int named = 0;

	assert_non_null(f);
	snprintf(bin, sizeof(bin), "%u",
		 dp_bucket_categorical(SYS_openat, DP_SYSCALL_ID_BINS));
	*records = 0;
	while (getline(&line, &cap, f) > 0) {
		struct json_object *o = json_tokener_parse(line), *x, *ex;

		assert_non_null(o);
		if (json_object_object_get_ex(o, "feature", &x) &&
		    !strcmp(json_object_get_string(x), "syscall.id") &&
		    json_object_object_get_ex(o, "cgroup", &x) &&
		    !strcmp(json_object_get_string(x), cgroup)) {
			(*records)++;
			if (json_object_object_get_ex(o, "exemplars", &ex) &&
			    json_object_object_get_ex(ex, bin, &x) &&
			    !strncmp(json_object_get_string(x), who,
				     strlen(who)))
				named++;
		}
		json_object_put(o);
	}
	free(line);
	fclose(f);
	return named;
}

/*
 * Who did it, when the culprit came from elsewhere: its exemplars follow
 * it into the cgroup it storms in, not the one it was sampled in first.
 */
static void record__process_moved_in_then_storms__named_in_its_new_cgroup(
	void **state)
{
	char out[320], who[32];
	const char *args[] = { "record", "--per-cgroup", "--interval", "1",
			       "--duration", "6", "--output", out, NULL };
	pid_t probe, mover, mover_pid;
	int status, named, records;

	(void)state;
	harness__require_root();
	snprintf(out, sizeof(out), "%s/moved.jsonl", dir);
	probe = harness__spawn("/dev/null", args);
	sleep(2);
	mover = mover_pid = fork();
	assert_true(mover >= 0);
	if (mover == 0) {
		moved_in_then_storm();
		_exit(0);
	}
	status = harness__wait_exit(probe, 30);
	harness__kill_child(&mover);
	assert_int_equal(status, 0);
	snprintf(who, sizeof(who), "%d ", mover_pid);
	named = openat_named(out, work_name, who, &records);
	print_message("moved in: %d of %d records of the work cgroup name %d "
		      "for openat\n", named, records, mover_pid);
	/* ~4 windows after the move; the first may hold only its start. */
	assert_in_range(records, 2, 6);
	assert_true(named >= records - 1);
}

/*
 * `mi --json`: a syscall.group_errno coupling line of the work cgroup per
 * window (other joint features have lines only in windows with events),
 * then an n x n signals matrix.
 */
static void check_mi_output(const char *path, int windows)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int couplings = 0, matrices = 0;

	assert_non_null(f);
	while (getline(&line, &cap, f) > 0) {
		struct json_object *o = json_tokener_parse(line), *t, *sig, *r;

		assert_non_null(o);
		json_object_object_get_ex(o, "type", &t);
		if (!strcmp(json_object_get_string(t), "coupling")) {
			struct json_object *cg;

			json_object_object_get_ex(o, "feature", &t);
			json_object_object_get_ex(o, "cgroup", &cg);
			couplings += !strcmp(json_object_get_string(t),
					     "syscall.group_errno") &&
				     !strcmp(json_object_get_string(cg),
					     work_name);
		} else {
			size_t n;

			assert_string_equal(json_object_get_string(t), "signals");
			json_object_object_get_ex(o, "signals", &sig);
			json_object_object_get_ex(o, "r", &r);
			n = json_object_array_length(sig);
			assert_true(n >= DP_F_COUNT);
			assert_int_equal(json_object_array_length(r), n);
			for (size_t i = 0; i < n; i++)
				for (size_t j = 0; j < n; j++) {
					double v = json_object_get_double(
						json_object_array_get_idx(
							json_object_array_get_idx(r, i), j));

					assert_true(v >= 0 && v <= 1);
					if (i == j)
						assert_true(v == 1);
				}
			matrices++;
		}
		json_object_put(o);
	}
	free(line);
	fclose(f);
	assert_int_equal(couplings, windows);
	assert_int_equal(matrices, 1);
}

static void run__lookup_failures__coupling_stronger_and_mi_reads_session(void **state)
{
	char out[320], rec[320], mi_out[320], cmd[1000];
	const char *args[] = { "run", "--per-cgroup", "--interval", "1",
			       "--learn", "6", "--duration", "11", "--json",
			       "--record", rec, NULL };
	pid_t steady, probe, storm;
	int status, hits;

	(void)state;
	harness__require_root();
	snprintf(out, sizeof(out), "%s/coupling.jsonl", dir);
	snprintf(rec, sizeof(rec), "%s/coupling-windows.jsonl", dir);
	snprintf(mi_out, sizeof(mi_out), "%s/mi.jsonl", dir);
	steady = harness__spawn_in_cgroup(work_cg, harness__steady_syscalls_on_cpu0);
	probe = harness__spawn(out, args);
	sleep(LEARN_WINDOWS + 1);
	storm = harness__spawn_in_cgroup(work_cg, missing_file_storm_work);
	status = harness__wait_exit(probe, 30);
	harness__kill_child(&storm);
	harness__kill_child(&steady);
	assert_int_equal(status, 0);
	hits = harness__coupling_lines(out, "syscall.group_errno", work_name,
				       "stronger", "file/notfound", NULL);
	print_message("lookup failures: %d windows with a stronger "
		      "group/errno coupling and file/notfound moved\n", hits);
	assert_true(hits >= 1);

	snprintf(cmd, sizeof(cmd), "'%s' mi --json '%s' > '%s'",
		 harness__binary(), rec, mi_out);
	assert_int_equal(system(cmd), 0);
	check_mi_output(mi_out, 11);
}

/*
 * What the workload's own timing features feel of the host's load: an
 * alarm there in a window where the whole host's run-queue latency alarmed
 * too says the host got busier, which is true and not the workload's doing.
 */
static bool times_the_host(enum dp_feature_id f)
{
	return f == DP_F_SYSCALL_LATENCY || f == DP_F_SCHED_RUNQ_LATENCY ||
	       f == DP_F_BLOCK_IO_LATENCY;
}

static void run__steady_workload_for_30_windows__no_anomaly(void **state)
{
	char out[320];
	/*
	 * Learn and watch in one run, as a user would, with the default
	 * learning period. On this kind of VM syscall latency flips between
	 * two modes ~15 % apart every 20-30 s (the 160/192 ns bin edge sits
	 * between them): a 10 s baseline often misses one mode and then
	 * flags it, a 60 s one sees both and widens the latency threshold.
	 */
	const char *args[] = { "run", "--per-cgroup", "--interval", "1",
			       "--duration", "90", "--json", NULL };
	struct verdicts v, host;
	pid_t steady, probe;
	int status, behaviour = 0;

	(void)state;
	harness__require_root();
	snprintf(out, sizeof(out), "%s/quiet.jsonl", dir);
	steady = harness__spawn_in_cgroup(work_cg, harness__steady_syscalls_on_cpu0);
	probe = harness__spawn(out, args);
	status = harness__wait_exit(probe, 130);
	harness__kill_child(&steady);
	assert_int_equal(status, 0);
	scan_cgroup(out, "sched.runq_latency", "/", &host);
	print_message("quiet: host-wide run-queue latency alarmed in %d of %d "
		      "windows\n", host.anomalies, host.windows);
	for (int f = 0; f < DP_F_COUNT; f++) {
		scan_analysis(out, feature_table[f].name, &v);
		print_message("quiet: %s %s: %d windows, %d anomalies (%d "
			      "unexplained by the host), %d coupling changes\n",
			      work_name, feature_table[f].name, v.windows,
			      v.anomalies, unexplained(&v, &host),
			      v.coupling_changes);
		/* A line per window for what it does every window. */
		if (f == DP_F_SYSCALL_ID || f == DP_F_SYSCALL_LATENCY ||
		    f == DP_F_SYSCALL_ERRNO)
			assert_int_equal(v.windows, 30);
		else
			assert_true(v.windows <= 30);
		if (times_the_host((enum dp_feature_id)f))
			assert_true(unexplained(&v, &host) +
				    v.coupling_changes <= 2);
		else
			behaviour += v.anomalies + v.coupling_changes;
	}
	assert_int_equal(behaviour, 0);
}

static int setup(void **state)
{
	char name[64];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(baseline_path, sizeof(baseline_path), "%s/baseline.json", dir);
	snprintf(name, sizeof(name), "dp_itest_drift_%d", (int)getpid());
	harness__cgroup_create(name, work_cg, sizeof(work_cg), work_name,
			       sizeof(work_name));
	snprintf(name, sizeof(name), "dp_itest_neighbour_%d", (int)getpid());
	harness__cgroup_create(name, neighbour_cg, sizeof(neighbour_cg),
			       neighbour_name, sizeof(neighbour_name));
	neighbour = harness__spawn_in_cgroup(neighbour_cg, neighbour_work);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness__kill_child(&neighbour);
	harness__cgroup_remove(neighbour_cg);
	harness__cgroup_remove(work_cg);
	return harness__remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(run__file_storm__flagged_within_two_windows_and_analyze_agrees),
		cmocka_unit_test(run__lookup_failures__coupling_stronger_and_mi_reads_session),
		cmocka_unit_test(run__steady_workload_for_30_windows__no_anomaly),
		cmocka_unit_test(record__process_moved_in_then_storms__named_in_its_new_cgroup),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
