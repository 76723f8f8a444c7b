// SPDX-License-Identifier: MIT
/*
 * Root integration test of --per-program (issue 20): each program judged
 * against its own history, where its cgroup's mix hardly moves. This
 * test's binary, copied to two paths (alpha, beta) of a temporary
 * directory, runs as both in a cgroup of the test's own, every 5 ms:
 *   alpha  2 file reads (open, read, close)
 *   beta   2 file reads and 2 loopback sends (socket, connect, write,
 *          close), interleaved
 * After SIGUSR1 alpha also sends (3 reads and 1 send per tick) while beta
 * works every other tick: the cgroup does 4 reads and 2 sends per tick in
 * both phases, with the same transitions (and one sleep in 4 fewer);
 * alpha's own mix moved, beta's did not (only its volume). A third copy,
 * gamma, outside the cgroup, starts after learning.
 * `record --per-program --per-cgroup -i 1` records all; a baseline learnt
 * from the first phase must
 *   - judge neither program anomalous in the first phase after learning;
 *   - judge alpha anomalous (syscall.id) in (almost) every window of the
 *     second phase, beta in none (a straggler at most);
 *   - report gamma as a new program exactly once, and never judge it.
 * The series are named program:<path of the copy>.
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
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "harness.h"

#define LEARN_S		20	/* seconds of the first phase learnt */
#define QUIET_S		6	/* then judged, still the first phase */
#define CHANGED_S	8	/* then the second phase (gamma too) */
#define WORKER_ARG	"dp-per-program-worker"

static char dir[] = "/tmp/dp_itest_program.XXXXXX";
static char work_cg[4400], work_name[64];
static char file_path[PATH_MAX], port_arg[16];
static char exe[3][PATH_MAX];		/* alpha, beta, gamma */
static const char *const roles[3] = { "alpha", "beta", "gamma" };
static int spawn_role;
static volatile sig_atomic_t changed_phase;

static void on_usr1(int sig)
{
	(void)sig;
	changed_phase = 1;
}

/* open, read, close */
static void read_file(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY);

	(void)!read(fd, buf, sizeof(buf));
	close(fd);
}

/*
 * A copy of this binary run as a worker: argv role, port, file. Every 5
 * ms, the role's work of the phase (the second after SIGUSR1); 2 min at
 * most.
 */
/* The counter role: exactly COUNTER_CALLS getppid(), then wait. */
#define COUNTER_CALLS	100000

static int counter_main(void)
{
	for (int i = 0; i < COUNTER_CALLS; i++)
		syscall(SYS_getppid);
	alarm(60);
	pause();	/* alive when the probe names it */
	return 0;
}

static int worker_main(char **argv)
{
	struct timespec tick = { 0, 5000000 }, slow = { 0, 10000000 };
	bool alpha = !strcmp(argv[2], "alpha");
	bool beta = !strcmp(argv[2], "beta");
	unsigned short port = (unsigned short)atoi(argv[3]);
	const char *file = argv[4];

	if (!strcmp(argv[2], "counter"))
		return counter_main();
	signal(SIGUSR1, on_usr1);
	alarm(120);
	for (;;) {
		if (alpha && changed_phase) {		/* F F F N */
			read_file(file);
			read_file(file);
			read_file(file);
			harness__send_line(port);
		} else if (alpha || !beta) {		/* F F */
			read_file(file);
			read_file(file);
		} else {				/* F N F N */
			read_file(file);
			harness__send_line(port);
			read_file(file);
			harness__send_line(port);
		}
		/* beta changed: half as often, the same mix at half volume */
		nanosleep(beta && changed_phase ? &slow : &tick, NULL);
	}
	return 0;
}

/* The counter: the copy at exe_counter, as role "counter". */
static char exe_counter[PATH_MAX];

static void exec_counter(void)
{
	execl(exe_counter, exe_counter, WORKER_ARG, "counter", "0", "-",
	      (char *)NULL);
	_exit(127);
}

/* In the forked child, in the cgroup: become the copy of spawn_role. */
static void exec_role(void)
{
	execl(exe[spawn_role], exe[spawn_role], WORKER_ARG, roles[spawn_role],
	      port_arg, file_path, (char *)NULL);
	_exit(127);
}

/* The copy of role, in the test's cgroup or (in_cgroup false) not. */
static pid_t spawn(int role, bool in_cgroup)
{
	pid_t pid;

	spawn_role = role;
	if (in_cgroup)
		return harness__spawn_in_cgroup(work_cg, exec_role);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		exec_role();
	return pid;
}


struct judged {
	int windows;	/* syscall.id lines */
	int anomalous;	/* ... whose verdict is anomaly */
	int new_lines;	/* "new" lines, any feature */
	int incidents;	/* open incident lines */
};

struct judge_ctx {
	const char *const *scopes;
	int n;
	struct judged *j;
};

/* One line of analyze --json, counted for its scope. */
static void judge_line(struct json_object *o, const char *line, void *arg)
{
	struct judge_ctx *ctx = arg;
	const char *feature = "", *verdict = "";
	struct json_object *v;
	struct judged *j;
	int s;

	if (!json_object_object_get_ex(o, "cgroup", &v))
		return;
	s = harness__scope_index(json_object_get_string(v), ctx->scopes,
				 ctx->n);
	if (s < 0)
		return;
	j = &ctx->j[s];
	if (harness__is_incident(o)) {
		j->incidents += json_object_object_get_ex(o, "state", &v) &&
				!strcmp(json_object_get_string(v), "open");
		return;
	}
	if (json_object_object_get_ex(o, "feature", &v))
		feature = json_object_get_string(v);
	if (json_object_object_get_ex(o, "verdict", &v))
		verdict = json_object_get_string(v);
	if (!strcmp(verdict, "new")) {
		/* a program's said as a program's */
		j->new_lines++;
		if (!strncmp(ctx->scopes[s], "program:", 8))
			assert_non_null(strstr(line,
					       "program not in the baseline"));
	} else if (!strcmp(feature, "syscall.id")) {
		j->windows++;
		j->anomalous += !strcmp(verdict, "anomaly");
	}
}

/* analyze --json's verdicts on windows, per scope. */
static void judge(const char *baseline, const char *windows,
		  const char *const *scopes, int n, struct judged *j)
{
	struct judge_ctx ctx = { scopes, n, j };

	memset(j, 0, n * sizeof(*j));
	harness__each_analysis(baseline, windows, judge_line, &ctx);
}

static void copy_self(const char *to)
{
	char cmd[2 * PATH_MAX + 16];
	char *out;
	int st;

	snprintf(cmd, sizeof(cmd), "cp /proc/%d/exe '%s'", (int)getpid(), to);
	out = harness__sh(cmd, &st);
	free(out);
	assert_int_equal(st, 0);
}

enum { ALPHA, BETA, GAMMA, CGROUP, NSCOPES };

static void per_program__one_program_changes__only_it_is_flagged(void **state)
{
	char rec[PATH_MAX], phase_path[3][PATH_MAX], err[PATH_MAX];
	char bl[PATH_MAX], args[3 * PATH_MAX], names[3][PATH_MAX + 16], *out;
	const char *scopes[NSCOPES];
	struct judged q[NSCOPES], c[NSCOPES];
	int seen[NSCOPES][3] = { { 0 } };
	pid_t sink, work[3] = { -1, -1, -1 }, rec_pid;
	double start, changed;
	FILE *files[3];
	int st;

	(void)state;
	harness__require_root();
	assert_non_null(mkdtemp(dir));
	snprintf(file_path, sizeof(file_path), "%s/data", dir);
	files[0] = fopen(file_path, "w");
	assert_non_null(files[0]);
	fputs("what the workers read\n", files[0]);
	assert_int_equal(fclose(files[0]), 0);
	for (int i = 0; i < 3; i++) {
		snprintf(exe[i], sizeof(exe[i]), "%s/%s", dir, roles[i]);
		copy_self(exe[i]);
		snprintf(names[i], sizeof(names[i]), "program:%s", exe[i]);
		scopes[i] = names[i];
	}

	snprintf(port_arg, sizeof(port_arg), "%u",
		 harness__loopback_sink(&sink));

	harness__cgroup_create("dp_itest_program", work_cg, sizeof(work_cg),
			       work_name, sizeof(work_name));
	scopes[CGROUP] = work_name;
	snprintf(rec, sizeof(rec), "%s/windows.jsonl", dir);
	snprintf(err, sizeof(err), "%s/record.err", dir);
	{
		char dur[16];
		const char *argv[] = { "record", "--per-program",
				       "--per-cgroup", "-i", "1", "-d", dur,
				       "-o", rec, NULL };

		snprintf(dur, sizeof(dur), "%d",
			 LEARN_S + QUIET_S + CHANGED_S + 3);
		rec_pid = harness__spawn_logged("/dev/null", err, argv);
	}
	harness__wait_lines(rec, 1, 30);
	start = harness__wall_now();
	work[ALPHA] = spawn(ALPHA, true);
	work[BETA] = spawn(BETA, true);
	while (harness__wall_now() < start + LEARN_S + QUIET_S + 1)
		usleep(100000);
	changed = harness__wall_now();
	assert_int_equal(kill(work[ALPHA], SIGUSR1), 0);
	assert_int_equal(kill(work[BETA], SIGUSR1), 0);
	work[GAMMA] = spawn(GAMMA, false);
	assert_int_equal(harness__wait_exit(rec_pid, CHANGED_S + 30), 0);
	for (int i = 0; i < 3; i++)
		harness__kill_child(&work[i]);
	harness__kill_child(&sink);
	harness__cgroup_remove(work_cg);

	for (int i = 0; i < 3; i++) {
		snprintf(phase_path[i], sizeof(phase_path[i]), "%s/phase%d.jsonl",
			 dir, i);
		files[i] = fopen(phase_path[i], "w");
		assert_non_null(files[i]);
	}
	harness__split_records(rec, scopes, NSCOPES, start + 2, start + 1 + LEARN_S,
		      changed, files, seen);
	for (int i = 0; i < 3; i++)
		assert_int_equal(fclose(files[i]), 0);
	print_message("records (learn/quiet/after): alpha %d/%d/%d, beta "
		      "%d/%d/%d, gamma %d/%d/%d, cgroup %d/%d/%d\n",
		      seen[ALPHA][0], seen[ALPHA][1], seen[ALPHA][2],
		      seen[BETA][0], seen[BETA][1], seen[BETA][2],
		      seen[GAMMA][0], seen[GAMMA][1], seen[GAMMA][2],
		      seen[CGROUP][0], seen[CGROUP][1], seen[CGROUP][2]);
	/* Both programs learnt under their paths; gamma only after. */
	assert_true(seen[ALPHA][0] >= LEARN_S - 3);
	assert_true(seen[BETA][0] >= LEARN_S - 3);
	assert_int_equal(seen[GAMMA][0] + seen[GAMMA][1], 0);
	assert_true(seen[GAMMA][2] > 0);

	snprintf(bl, sizeof(bl), "%s/baseline.json", dir);
	snprintf(args, sizeof(args), "baseline build -o %s %s", bl,
		 phase_path[0]);
	out = harness__capture(args, &st);
	free(out);
	assert_int_equal(st, 0);
	judge(bl, phase_path[1], scopes, NSCOPES, q);
	judge(bl, phase_path[2], scopes, NSCOPES, c);
	print_message("syscall.id anomalous windows: quiet alpha %d/%d, beta "
		      "%d/%d, cgroup %d/%d; after alpha %d/%d, beta %d/%d, "
		      "cgroup %d/%d; gamma new %d, judged %d\n",
		      q[ALPHA].anomalous, q[ALPHA].windows, q[BETA].anomalous,
		      q[BETA].windows, q[CGROUP].anomalous, q[CGROUP].windows,
		      c[ALPHA].anomalous, c[ALPHA].windows, c[BETA].anomalous,
		      c[BETA].windows, c[CGROUP].anomalous, c[CGROUP].windows,
		      c[GAMMA].new_lines, c[GAMMA].windows);
	/* Both phases judged for both programs, about as long as they ran. */
	assert_in_range(q[ALPHA].windows, QUIET_S - 3, QUIET_S + 2);
	assert_in_range(q[BETA].windows, QUIET_S - 3, QUIET_S + 2);
	assert_in_range(c[ALPHA].windows, CHANGED_S - 4, CHANGED_S + 2);
	assert_in_range(c[BETA].windows, CHANGED_S - 4, CHANGED_S + 2);
	/* Quiet: neither program flagged. */
	assert_in_range(q[ALPHA].anomalous + q[BETA].anomalous, 0, 0);
	/* After: alpha flagged (almost) every window, beta a straggler. */
	assert_in_range(c[ALPHA].anomalous, c[ALPHA].windows - 1,
			c[ALPHA].windows);
	assert_in_range(c[BETA].anomalous, 0, 1);
	/* The premise: the cgroup's mix hardly moved (stragglers at most). */
	assert_in_range(q[CGROUP].anomalous + c[CGROUP].anomalous, 0, 2);
	/* gamma: new once, whatever its features and windows; not judged. */
	assert_int_equal(c[GAMMA].new_lines, 1);
	assert_int_equal(c[GAMMA].windows, 0);
	assert_int_equal(q[GAMMA].new_lines, 0);
	assert_int_equal(harness__remove_dir(dir), 0);
}

/*
 * Every syscall counted for its program, exactly, with each hook flavour:
 * a copy of this binary, forked then exec'd (so the count must follow the
 * task from the test's program to the copy's at execve), makes exactly
 * COUNTER_CALLS getppid(); its program's records hold exactly that many,
 * and the program the fork came from none of them.
 */
static void record_counts(const char *hooks)
{
	char rec[PATH_MAX], name[PATH_MAX + 16], self[PATH_MAX + 16];
	char cdir[] = "/tmp/dp_itest_program_count.XXXXXX";
	struct harness_totals t;
	pid_t rec_pid, counter;
	ssize_t n;
	const char *argv[] = { "record", "--per-program", "--hooks", hooks,
			       "-i", "1", "-d", "4", "-o", rec, NULL };

	harness__require_root();
	assert_non_null(mkdtemp(cdir));
	snprintf(exe_counter, sizeof(exe_counter), "%s/counter", cdir);
	copy_self(exe_counter);
	snprintf(name, sizeof(name), "program:%s", exe_counter);
	strcpy(self, "program:");
	n = readlink("/proc/self/exe", self + 8, sizeof(self) - 9);
	assert_true(n > 0);
	self[8 + n] = '\0';
	snprintf(rec, sizeof(rec), "%s/windows.jsonl", cdir);
	rec_pid = harness__spawn_logged("/dev/null", NULL, argv);
	harness__wait_lines(rec, 1, 30);
	counter = fork();
	assert_true(counter >= 0);
	if (counter == 0)
		exec_counter();
	assert_int_equal(harness__wait_exit(rec_pid, 30), 0);
	harness__kill_child(&counter);
	harness__sum_cgroup_records(rec, name, &t);
	print_message("hooks %s: %s getppid %llu of %d\n", hooks, name,
		      (unsigned long long)t.counts[DP_F_SYSCALL_ID][SYS_getppid],
		      COUNTER_CALLS);
	assert_int_equal(t.counts[DP_F_SYSCALL_ID][SYS_getppid], COUNTER_CALLS);
	harness__sum_cgroup_records(rec, self, &t);
	assert_int_equal(t.counts[DP_F_SYSCALL_ID][SYS_getppid], 0);
	assert_int_equal(harness__remove_dir(cdir), 0);
}

static void record__tp_btf__each_call_counted_for_its_program(void **state)
{
	(void)state;
	record_counts("tp_btf");
}

static void record__tracepoint__each_call_counted_for_its_program(void **state)
{
	(void)state;
	record_counts("tracepoint");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			record__tp_btf__each_call_counted_for_its_program),
		cmocka_unit_test(
			record__tracepoint__each_call_counted_for_its_program),
		cmocka_unit_test(
			per_program__one_program_changes__only_it_is_flagged),
	};

	if (argc == 5 && !strcmp(argv[1], WORKER_ARG))
		return worker_main(argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
