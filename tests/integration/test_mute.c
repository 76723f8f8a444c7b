// SPDX-License-Identifier: MIT
/*
 * Root integration test of mutes. A steady workload runs in a cgroup of
 * the test's own; `run --per-cgroup` learns its baseline once. Then a
 * "backup" (an openat/fstat/close storm) starts in that cgroup, under
 * `run` with that baseline:
 *   - without a mute it IS flagged (anomalies and an incident of the
 *     cgroup): the other cases could not pass by accident;
 *   - with `driftprobe mute --for 2m --workload <its cgroup>` it raises no
 *     anomaly and no incident, its lines say "muted (backup)", and some of
 *     them would have been anomalies; `mute --list` shows the mute active,
 *     `--clear` removes it;
 *   - a config mute added while `run` goes takes effect on SIGHUP, and a
 *     bad config on a later SIGHUP keeps it (one line says so);
 *   - a mute until T mutes the windows ending before T and none after:
 *     the storm is flagged once it has ended by itself, and the next
 *     `driftprobe mute` prunes it from the file.
 * Every wait polls with a bound; no fixed sleeps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "harness.h"

#define LEARN_WINDOWS 6

static char dir[] = "/tmp/dp_itest_mute.XXXXXX";
static char baseline_path[300], mute_path[300];
static char work_cg[4400], work_name[64];
static pid_t steady = -1;

static void storm_work(void)
{
	harness__file_storm_in(dir);
}

/* What one run said about the work cgroup, from ts > after on. */
struct seen {
	int lines, anomalies, muted, muted_exceeding, bad_reason;
	int incidents_opened;
	double first_muted, last_muted, first_anomaly, last_anomaly;
	double last_open;	/* ts of the latest incident opened */
};

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *x;

	return json_object_object_get_ex(o, key, &x) ?
	       json_object_get_string(x) : "";
}

static double num(struct json_object *o, const char *key)
{
	struct json_object *x;

	return json_object_object_get_ex(o, key, &x) ?
	       json_object_get_double(x) : 0;
}

/* reason: what muted lines' reasons must start with ("muted (backup)"). */
static void scan(const char *path, double after, const char *reason,
		 struct seen *s)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	memset(s, 0, sizeof(*s));
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		struct json_object *o = json_tokener_parse(line), *x;
		double ts;

		if (!o)		/* the line being written */
			continue;
		ts = num(o, "ts");
		if (ts <= after || strcmp(str(o, "cgroup"), work_name)) {
			json_object_put(o);
			continue;
		}
		if (harness__is_incident(o)) {
			if (!strcmp(str(o, "state"), "open")) {
				s->incidents_opened++;
				s->last_open = ts;
			}
			json_object_put(o);
			continue;
		}
		s->lines++;
		if (!strcmp(str(o, "verdict"), "anomaly")) {
			if (!s->anomalies++)
				s->first_anomaly = ts;
			s->last_anomaly = ts;
		}
		if (json_object_object_get_ex(o, "muted", &x) &&
		    json_object_get_boolean(x)) {
			if (!s->muted++)
				s->first_muted = ts;
			s->last_muted = ts;
			s->muted_exceeding += num(o, "score") >
					      num(o, "threshold");
			s->bad_reason += strncmp(str(o, "reason"), reason,
						 strlen(reason)) != 0;
		}
		json_object_put(o);
	}
	free(line);
	fclose(f);
}

/* Poll path until it holds needle; fail after timeout_s or if pid exits. */
static void wait_text(const char *path, const char *needle, pid_t pid,
		      double timeout_s)
{
	double end = harness__now() + timeout_s;

	for (;;) {
		char *text = harness__read_file(path);
		bool found = strstr(text, needle) != NULL;

		free(text);
		if (found)
			return;
		if (kill(pid, 0))
			fail_msg("driftprobe exited before '%s' in %s", needle,
				 path);
		if (harness__now() > end)
			fail_msg("no '%s' in %s after %g s", needle, path,
				 timeout_s);
		usleep(50000);
	}
}

/* Poll until at least n lines of the work cgroup after `after` are muted
 * (muted) or anomalies (!muted). */
static void wait_count(const char *out, double after, bool muted, int n,
		       pid_t pid, double timeout_s)
{
	double end = harness__now() + timeout_s;
	struct seen s;

	for (;;) {
		scan(out, after, "", &s);
		if ((muted ? s.muted : s.anomalies) >= n)
			return;
		if (kill(pid, 0))
			fail_msg("driftprobe exited before %d %s lines", n,
				 muted ? "muted" : "anomaly");
		if (harness__now() > end)
			fail_msg("fewer than %d %s lines after %g s", n,
				 muted ? "muted" : "anomaly", timeout_s);
		usleep(100000);
	}
}

/* `driftprobe mute --mute-file <mute_path> <args>`: its stdout. */
static char *mute_cmd(const char *args, int want_status)
{
	char cmd[1200];
	int status;
	char *out;

	snprintf(cmd, sizeof(cmd), "mute --mute-file '%s' %s", mute_path,
		 args);
	out = harness__capture(cmd, &status);
	if (status != want_status)
		fail_msg("driftprobe %s: exit %d, expected %d: %s", cmd,
			 status, want_status, out);
	return out;
}

/*
 * `run` against the learnt baseline for `windows` windows (0: until
 * interrupted) with extra arguments, the storm on; stdout to out, stderr
 * to err. Returns its pid; *storm the storm's.
 */
static pid_t start_run(const char *out, const char *err, int windows,
		       const char *const *extra, pid_t *storm)
{
	char duration[16];
	const char *args[24] = { "run", "--per-cgroup", "--interval", "1",
				 "--baseline", baseline_path, "--json",
				 "--mute-file", mute_path };
	int n = 9;

	if (windows) {
		snprintf(duration, sizeof(duration), "%d", windows);
		args[n++] = "--duration";
		args[n++] = duration;
	}
	while (extra && *extra && n < 23)
		args[n++] = *extra++;
	args[n] = NULL;
	*storm = harness__spawn_in_cgroup(work_cg, storm_work);
	return harness__spawn_logged(out, err, args);
}

static void unmuted__backup__flagged(void **state)
{
	char out[320], err[320];
	struct seen s;
	pid_t probe, storm;
	int status;

	(void)state;
	snprintf(out, sizeof(out), "%s/unmuted.jsonl", dir);
	snprintf(err, sizeof(err), "%s/unmuted.err", dir);
	probe = start_run(out, err, 6, NULL, &storm);
	status = harness__wait_exit(probe, 40);
	harness__kill_child(&storm);
	assert_int_equal(status, 0);
	scan(out, 0, "", &s);
	print_message("unmuted: %d lines of %s, %d anomalies, %d muted, %d "
		      "incidents opened\n", s.lines, work_name, s.anomalies,
		      s.muted, s.incidents_opened);
	assert_true(s.lines >= 6);
	assert_true(s.anomalies >= 1);
	assert_true(s.incidents_opened >= 1);
	assert_int_equal(s.muted, 0);
}

static void mute_command__backup__muted_not_flagged(void **state)
{
	char out[320], err[320], args[300], *text;
	struct seen s;
	pid_t probe, storm;
	int status;

	(void)state;
	snprintf(out, sizeof(out), "%s/muted.jsonl", dir);
	snprintf(err, sizeof(err), "%s/muted.err", dir);
	snprintf(args, sizeof(args), "--for 2m --workload '%s' --reason "
		 "backup", work_name);
	free(mute_cmd(args, 0));
	text = mute_cmd("--list", 0);
	print_message("mute --list: %s", text);
	assert_non_null(strstr(text, "\tactive\t"));
	assert_non_null(strstr(text, work_name));
	free(text);

	probe = start_run(out, err, 6, NULL, &storm);
	status = harness__wait_exit(probe, 40);
	harness__kill_child(&storm);
	assert_int_equal(status, 0);
	scan(out, 0, "muted (backup): ", &s);
	print_message("muted: %d lines of %s, %d anomalies, %d muted (%d "
		      "would have alarmed), %d incidents opened\n", s.lines,
		      work_name, s.anomalies, s.muted, s.muted_exceeding,
		      s.incidents_opened);
	assert_true(s.lines >= 6);
	assert_int_equal(s.muted, s.lines);	/* every feature, every window */
	assert_int_equal(s.bad_reason, 0);
	assert_true(s.muted_exceeding >= 1);	/* it hid something */
	assert_int_equal(s.anomalies, 0);
	assert_int_equal(s.incidents_opened, 0);
	text = harness__read_file(err);
	assert_non_null(strstr(text, "1 active"));
	free(text);

	text = mute_cmd("--clear 1", 0);
	free(text);
	text = mute_cmd("--list", 0);
	assert_string_equal(text, "");
	free(text);
}

/* The config file, replaced atomically (0600: driftprobe trusts it). */
static void write_config(const char *path, const char *text)
{
	char tmp[330];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(tmp, 0600), 0);
	assert_int_equal(rename(tmp, path), 0);
}

static void sighup__config_mute__takes_effect_bad_reload_keeps_it(void **state)
{
	char out[320], err[320], conf[320], text[400];
	const char *extra[] = { "--config", conf, NULL };
	double hup_ts;
	struct seen s;
	pid_t probe, storm;
	int status;

	(void)state;
	snprintf(out, sizeof(out), "%s/hup.jsonl", dir);
	snprintf(err, sizeof(err), "%s/hup.err", dir);
	snprintf(conf, sizeof(conf), "%s/driftprobe.conf", dir);
	write_config(conf, "# no mutes yet\n");
	probe = start_run(out, err, 0, extra, &storm);
	/* Flagged first... */
	wait_count(out, 0, false, 1, probe, 30);
	snprintf(text, sizeof(text), "mute = workload=\"%s\" for=2m "
		 "reason=\"config backup\"\n", work_name);
	write_config(conf, text);
	hup_ts = harness__wall_now();
	assert_int_equal(kill(probe, SIGHUP), 0);
	wait_text(err, "mutes: 1 from the options", probe, 10);
	/* ... muted after the reload ... */
	wait_count(out, hup_ts, true, 3 * 1, probe, 15);
	/* ... and still after a bad config, which changes nothing. */
	write_config(conf, "mute = workload=x bogus=1\n");
	assert_int_equal(kill(probe, SIGHUP), 0);
	wait_text(err, "keeping the previous mutes", probe, 10);
	scan(out, hup_ts, "", &s);
	wait_count(out, hup_ts, true, s.muted + 2, probe, 15);
	status = harness__interrupt(&probe, 20);
	harness__kill_child(&storm);
	assert_int_equal(status, 0);

	scan(out, hup_ts, "muted (config backup): ", &s);
	print_message("sighup: after the reload %d lines of %s: %d muted from "
		      "%.3f, %d anomalies (last %.3f), last incident opened "
		      "%.3f\n", s.lines, work_name, s.muted, s.first_muted,
		      s.anomalies, s.last_anomaly, s.last_open);
	assert_true(s.muted >= 5);
	assert_int_equal(s.bad_reason, 0);
	/* Nothing alarmed from the first muted window on. */
	assert_true(s.anomalies == 0 || s.last_anomaly < s.first_muted);
	assert_true(s.incidents_opened == 0 || s.last_open < s.first_muted);
	scan(out, s.first_muted - 0.001, "", &s);
	assert_int_equal(s.muted, s.lines);
	assert_int_equal(s.anomalies, 0);
}

static void until__mute_ends_by_itself(void **state)
{
	char out[320], err[320], args[300], *text;
	double until = harness__wall_now() + 5;
	struct seen s;
	pid_t probe, storm;
	int status;

	(void)state;
	snprintf(out, sizeof(out), "%s/until.jsonl", dir);
	snprintf(err, sizeof(err), "%s/until.err", dir);
	snprintf(args, sizeof(args), "--until @%.3f --workload '%s' --reason "
		 "expiring", until, work_name);
	free(mute_cmd(args, 0));
	probe = start_run(out, err, 0, NULL, &storm);
	wait_count(out, until, false, 1, probe, 30);
	status = harness__interrupt(&probe, 20);
	harness__kill_child(&storm);
	assert_int_equal(status, 0);
	scan(out, 0, "muted (expiring): ", &s);
	print_message("until %.3f: %d lines, %d muted (%.3f..%.3f), %d "
		      "anomalies (%.3f..%.3f)\n", until, s.lines, s.muted,
		      s.first_muted, s.last_muted, s.anomalies,
		      s.first_anomaly, s.last_anomaly);
	assert_true(s.muted >= 1);
	assert_int_equal(s.bad_reason, 0);
	assert_true(s.last_muted < until);
	assert_true(s.anomalies >= 1);
	assert_true(s.first_anomaly >= until);

	/* Ended: not listed, and pruned when the file is next written. */
	text = mute_cmd("--list", 0);
	assert_string_equal(text, "");
	free(text);
	free(mute_cmd("--for 1m --reason other", 0));
	text = harness__read_file(mute_path);
	assert_null(strstr(text, "expiring"));
	assert_non_null(strstr(text, "other"));
	free(text);
	free(mute_cmd("--clear 2", 0));
}

/* Learn the steady workload's baseline once, for every case. */
static int setup(void **state)
{
	char name[64], out[320], err[320];
	const char *args[] = { "run", "--per-cgroup", "--interval", "1",
			       "--learn", "6", "--duration", "6",
			       "--save-baseline", baseline_path, "--json",
			       NULL };
	pid_t probe;

	(void)state;
	harness__require_root();
	if (!mkdtemp(dir))
		return -1;
	snprintf(baseline_path, sizeof(baseline_path), "%s/baseline.json", dir);
	snprintf(mute_path, sizeof(mute_path), "%s/run/mutes", dir);
	snprintf(out, sizeof(out), "%s/learn.jsonl", dir);
	snprintf(err, sizeof(err), "%s/learn.err", dir);
	snprintf(name, sizeof(name), "dp_itest_mute_%d", (int)getpid());
	harness__cgroup_create(name, work_cg, sizeof(work_cg), work_name,
			       sizeof(work_name));
	steady = harness__spawn_in_cgroup(work_cg, harness__steady_syscalls);
	probe = harness__spawn_logged(out, err, args);
	return harness__wait_exit(probe, 40) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	harness__kill_child(&steady);
	harness__cgroup_remove(work_cg);
	return harness__remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unmuted__backup__flagged),
		cmocka_unit_test(mute_command__backup__muted_not_flagged),
		cmocka_unit_test(sighup__config_mute__takes_effect_bad_reload_keeps_it),
		cmocka_unit_test(until__mute_ends_by_itself),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
