// SPDX-License-Identifier: MIT
/*
 * Root integration test of syscall.transition (issue 20): a program whose
 * syscall counts stay the same while their order changes. A worker in a
 * cgroup of the test's own repeats, every 2 ms, the same calls: it sends a
 * line over a fresh loopback connection (socket, connect, write, close),
 * then reads a file (open, read, close). After SIGUSR1 it makes the very
 * same calls in another order: it opens and reads the file, then connects
 * and sends before closing the file: read -> socket, what sending a file
 * it just read looks like. `record --per-cgroup` records both; a baseline
 * learnt from the first order must
 *   - judge no window of the first order anomalous on syscall.transition
 *     (quiet windows after learning);
 *   - judge most windows of the second order anomalous on it, with
 *     read→socket among the top transitions and the worker among their
 *     exemplars, in an incident that names the worker;
 *   - see (almost) nothing on syscall.id, whose counts did not move: the
 *     order is what only transitions show.
 * Only the worker's cgroup is judged: the host is never silent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "harness.h"

#define LEARN_S		20	/* seconds of the first order learnt */
#define QUIET_S		8	/* then judged, still the first order */
#define CHANGED_S	8	/* then the second order */

static char dir[] = "/tmp/dp_itest_transition.XXXXXX";
static char work_cg[4400], work_name[64];
static char file_path[PATH_MAX];
static unsigned short sink_port;
static volatile sig_atomic_t reordered;

static void on_usr1(int sig)
{
	(void)sig;
	reordered = 1;
}

/* The worker: the first order until SIGUSR1, then the second (2 min). */
static void worker(void)
{
	struct timespec tick = { 0, 2000000 };
	char buf[64];

	signal(SIGUSR1, on_usr1);
	alarm(120);
	for (;;) {
		int fd;

		if (!reordered)
			harness__send_line(sink_port);
		fd = open(file_path, O_RDONLY);
		(void)!read(fd, buf, sizeof(buf));
		if (reordered)
			harness__send_line(sink_port);	/* the file still open */
		close(fd);
		nanosleep(&tick, NULL);
	}
}

struct judged {
	int windows;		/* of syscall.transition */
	int transition;		/* anomalous windows of syscall.transition */
	int id;			/* ... of syscall.id */
	int named;		/* transition lines with read→socket on top,
				   the worker among its exemplars */
	int incidents;		/* open/ongoing incident lines naming
				   syscall.transition and the worker */
};

static bool has_worker(struct json_object *exemplars, pid_t pid)
{
	char needle[32];

	snprintf(needle, sizeof(needle), "%d ", (int)pid);
	return exemplars && strstr(json_object_get_string(exemplars), needle);
}

/*
 * Whether an analysis line names read→socket among its top bins, the
 * worker among its exemplars.
 */
static bool top_names(struct json_object *line, pid_t pid)
{
	struct json_object *top, *t, *v, *ex;

	if (!json_object_object_get_ex(line, "top", &top))
		return false;
	for (size_t i = 0; i < json_object_array_length(top); i++) {
		t = json_object_array_get_idx(top, i);
		if (json_object_object_get_ex(t, "label", &v) &&
		    !strcmp(json_object_get_string(v), "read\u2192socket") &&
		    json_object_object_get_ex(t, "exemplars", &ex) &&
		    has_worker(ex, pid))
			return true;
	}
	return false;
}

static bool incident_names(struct json_object *o, pid_t pid)
{
	struct json_object *v, *fs, *cs;
	bool feature = false, culprit = false;

	if (!json_object_object_get_ex(o, "state", &v) ||
	    (strcmp(json_object_get_string(v), "open") &&
	     strcmp(json_object_get_string(v), "ongoing")))
		return false;
	if (json_object_object_get_ex(o, "features", &fs))
		for (size_t i = 0; i < json_object_array_length(fs); i++) {
			struct json_object *f = json_object_array_get_idx(fs, i);

			feature |= json_object_object_get_ex(f, "feature", &v) &&
				   !strcmp(json_object_get_string(v),
					   "syscall.transition");
		}
	if (json_object_object_get_ex(o, "culprits", &cs))
		for (size_t i = 0; i < json_object_array_length(cs); i++) {
			struct json_object *c = json_object_array_get_idx(cs, i);

			culprit |= json_object_object_get_ex(c, "pid", &v) &&
				   json_object_get_int(v) == pid;
		}
	return feature && culprit;
}

struct judge_ctx {
	pid_t pid;
	struct judged *j;
};

/* One line of analyze --json (the worker's cgroup's only: split so). */
static void judge_line(struct json_object *o, const char *line, void *arg)
{
	struct judge_ctx *ctx = arg;
	struct judged *j = ctx->j;
	const char *feature = "";
	struct json_object *v;
	bool anomaly;

	(void)line;
	if (harness__is_incident(o)) {
		j->incidents += incident_names(o, ctx->pid);
		return;
	}
	if (json_object_object_get_ex(o, "feature", &v))
		feature = json_object_get_string(v);
	anomaly = json_object_object_get_ex(o, "verdict", &v) &&
		  !strcmp(json_object_get_string(v), "anomaly");
	if (!strcmp(feature, "syscall.transition")) {
		j->windows++;
		j->transition += anomaly;
		j->named += anomaly && top_names(o, ctx->pid);
	} else if (!strcmp(feature, "syscall.id")) {
		j->id += anomaly;
	}
}

/* analyze's --json verdicts on windows, the worker's cgroup's. */
static void judge(const char *baseline, const char *windows, pid_t pid,
		  struct judged *j)
{
	struct judge_ctx ctx = { pid, j };

	*j = (struct judged){ 0 };
	harness__each_analysis(baseline, windows, judge_line, &ctx);
}

static void transition__reordered_calls__flagged_with_the_transition_named(
	void **state)
{
	char rec[PATH_MAX], learn[PATH_MAX], quiet[PATH_MAX], after[PATH_MAX];
	char err[PATH_MAX], bl[PATH_MAX], args[3 * PATH_MAX], *text;
	double start, changed;
	struct judged q, c;
	pid_t sink, work, rec_pid, work_pid;
	const char *scopes[] = { work_name };
	int seen[1][3] = { { 0 } };
	FILE *files[3], *fl;
	int st;

	(void)state;
	harness__require_root();
	assert_non_null(mkdtemp(dir));
	snprintf(file_path, sizeof(file_path), "%s/data", dir);
	fl = fopen(file_path, "w");
	assert_non_null(fl);
	fputs("what the worker reads\n", fl);
	assert_int_equal(fclose(fl), 0);

	sink_port = harness__loopback_sink(&sink);

	harness__cgroup_create("dp_itest_transition", work_cg, sizeof(work_cg),
			       work_name, sizeof(work_name));
	snprintf(rec, sizeof(rec), "%s/windows.jsonl", dir);
	snprintf(err, sizeof(err), "%s/record.err", dir);
	{
		char dur[16];
		const char *argv[] = { "record", "--per-cgroup", "-i", "1",
				       "-d", dur, "-o", rec, NULL };

		snprintf(dur, sizeof(dur), "%d",
			 LEARN_S + QUIET_S + CHANGED_S + 2);
		rec_pid = harness__spawn_logged("/dev/null", err, argv);
	}
	harness__wait_lines(rec, 1, 30);
	start = harness__wall_now();
	work = harness__spawn_in_cgroup(work_cg, worker);
	work_pid = work;
	while (harness__wall_now() < start + LEARN_S + QUIET_S)
		usleep(100000);
	changed = harness__wall_now();
	assert_int_equal(kill(work, SIGUSR1), 0);
	assert_int_equal(harness__wait_exit(rec_pid, CHANGED_S + 30), 0);
	harness__kill_child(&work);
	harness__kill_child(&sink);
	harness__cgroup_remove(work_cg);

	snprintf(learn, sizeof(learn), "%s/learn.jsonl", dir);
	snprintf(quiet, sizeof(quiet), "%s/quiet.jsonl", dir);
	snprintf(after, sizeof(after), "%s/after.jsonl", dir);
	snprintf(bl, sizeof(bl), "%s/baseline.json", dir);
	files[0] = fopen(learn, "w");
	files[1] = fopen(quiet, "w");
	files[2] = fopen(after, "w");
	assert_true(files[0] && files[1] && files[2]);
	/* The first window of the worker is a partial one: not learnt. */
	harness__split_records(rec, scopes, 1, start + 1, start + LEARN_S,
			       changed, files, seen);
	assert_int_equal(fclose(files[0]) | fclose(files[1]) |
			 fclose(files[2]), 0);
	assert_in_range(seen[0][0], 5 * LEARN_S, 30 * LEARN_S);

	snprintf(args, sizeof(args), "baseline build -o %s %s", bl, learn);
	text = harness__capture(args, &st);
	free(text);
	assert_int_equal(st, 0);
	judge(bl, quiet, work_pid, &q);
	judge(bl, after, work_pid, &c);
	print_message("quiet: %d windows, transition %d, id %d; reordered: "
		      "%d windows, transition %d (named %d), id %d, incidents "
		      "%d\n", q.windows, q.transition, q.id, c.windows,
		      c.transition, c.named, c.id, c.incidents);
	/* Both parts judged, each about as long as it ran. */
	assert_in_range(q.windows, QUIET_S - 3, QUIET_S + 1);
	assert_in_range(c.windows, CHANGED_S - 3, CHANGED_S + 2);
	/* The first order stays normal; the second is flagged and named. */
	assert_int_equal(q.transition, 0);
	assert_in_range(c.transition, c.windows - 1, c.windows);
	assert_in_range(c.named, 1, c.transition);
	assert_in_range(c.incidents, 1, c.windows);
	/* The counts did not move: syscall.id sees at most a straggler. */
	assert_in_range(q.id + c.id, 0, 1);
	assert_int_equal(harness__remove_dir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		transition__reordered_calls__flagged_with_the_transition_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
