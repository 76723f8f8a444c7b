// SPDX-License-Identifier: MIT
/*
 * Root integration test of terminal escape injection (issue 24 item 2).
 * A process names itself "\x1b[2K\x1b[1Aevil" (PR_SET_NAME: any user can)
 * and runs a getppid storm inside a cgroup named "dpesc\x1b]0;x\x07"
 * (any user with a delegated subtree can). `run --per-cgroup` against a
 * synthetic baseline reports the new cgroup and the getppid drift with the
 * process as exemplar, in text, while recording; `analyze`, `show` and
 * `mi` then read the recording back in text, and an error message quotes
 * a file name with an ESC in it. In every output no raw ESC or BEL byte
 * may appear, and the escaped name must (so the check cannot pass on
 * output that lost the names altogether).
 * The process, the cgroup and the files are removed even when an
 * assertion fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "harness.h"

#define COMM		"\x1b[2K\x1b[1Aevil"
#define COMM_ESC	"\\x1b[2K\\x1b[1Aevil"
#define GROUP		"dpesc\x1b]0;x\x07"
#define GROUP_ESC	"dpesc\\x1b]0;x\\x07"

static char dir[] = "/tmp/dp_itest_escape.XXXXXX";
static char group[PATH_MAX + 16], baseline[PATH_MAX], rec[PATH_MAX];
static pid_t storm = -1;

/* A getppid storm named COMM inside GROUP. */
static pid_t start_storm(void)
{
	char procs[sizeof(group) + 16];
	pid_t pid;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", group);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *f = fopen(procs, "w");

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f) ||
		    prctl(PR_SET_NAME, COMM))
			_exit(1);
		for (;;)
			syscall(SYS_getppid);
	}
	return pid;
}

/* Read a whole file (the caller frees); *len its length. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 22);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 22) - 1, f);
	fclose(f);
	return buf;
}

/* No raw ESC or BEL in out[0..len); want (escaped) is there. */
static void check_output(const char *what, const char *out, size_t len,
			 const char *want)
{
	size_t raw = 0;

	for (size_t i = 0; i < len; i++)
		raw += out[i] == '\x1b' || out[i] == '\a';
	print_message("%s: %zu bytes, %zu raw ESC/BEL, escaped name %s\n",
		      what, len, raw, strstr(out, want) ? "found" : "missing");
	assert_int_equal(raw, 0);
	assert_non_null(strstr(out, want));
}

/* `driftprobe args 2>&1` checked as above (what names it). */
static void check_command(const char *what, const char *args,
			  const char *want)
{
	char cmd[PATH_MAX * 3];
	char *out;
	int status;

	snprintf(cmd, sizeof(cmd), "%s 2>&1", args);
	out = harness__capture(cmd, &status);
	check_output(what, out, strlen(out), want);
	free(out);
}

static int setup(void **state)
{
	char mount[PATH_MAX], learn[PATH_MAX], cmd[PATH_MAX * 3];

	(void)state;
	harness__require_root();
	assert_non_null(mkdtemp(dir));
	harness__cgroup2_mount(mount, sizeof(mount));
	snprintf(group, sizeof(group), "%s/%s", mount, GROUP);
	if (mkdir(group, 0755) && errno != EEXIST)
		fail_msg("%s: %s", group, strerror(errno));
	snprintf(learn, sizeof(learn), "%s/learn.jsonl", dir);
	snprintf(baseline, sizeof(baseline), "%s/baseline.json", dir);
	snprintf(rec, sizeof(rec), "%s/rec.jsonl", dir);
	harness__write_windows(learn, 8);
	snprintf(cmd, sizeof(cmd), "'%s' baseline build -o '%s' '%s'",
		 harness__binary(), baseline, learn);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness__kill_child(&storm);
	if (rmdir(group) && errno != ENOENT)
		print_error("rmdir %s: %s\n", group, strerror(errno));
	return harness__remove_dir(dir);
}

static void run__hostile_names__escaped_in_text(void **state)
{
	char out[PATH_MAX], err[PATH_MAX];
	const char *args[] = { "run", "--interval", "1", "--duration", "4",
			       "--per-cgroup", "--baseline", baseline,
			       "--record", rec, NULL };
	char *text;
	size_t len;
	pid_t probe;

	(void)state;
	snprintf(out, sizeof(out), "%s/run.txt", dir);
	snprintf(err, sizeof(err), "%s/run.err", dir);
	storm = start_storm();
	probe = harness__spawn_logged(out, err, args);
	assert_int_equal(harness__wait_exit(probe, 30), 0);
	harness__kill_child(&storm);

	/* The NEW cgroup line and the getppid exemplar name them both. */
	text = slurp(out, &len);
	check_output("run (text)", text, len, GROUP_ESC);
	check_output("run (text)", text, len, COMM_ESC);
	free(text);
	text = slurp(err, &len);
	check_output("run (stderr)", text, len, "");
	free(text);
}

static void offline__hostile_names__escaped_in_text(void **state)
{
	char args[PATH_MAX * 3];

	(void)state;
	/* Needs the recording of the test before. */
	snprintf(args, sizeof(args), "analyze --baseline '%s' '%s'", baseline,
		 rec);
	check_command("analyze", args, COMM_ESC);
	check_command("analyze", args, GROUP_ESC);
	snprintf(args, sizeof(args), "show '%s'", rec);
	check_command("show", args, GROUP_ESC);
	snprintf(args, sizeof(args), "mi '%s'", rec);
	check_command("mi", args, GROUP_ESC);
	/* An error line quoting a name. */
	snprintf(args, sizeof(args), "show '%s/" COMM ".jsonl'", dir);
	check_command("show (error)", args, COMM_ESC ".jsonl: cannot open");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(run__hostile_names__escaped_in_text),
		cmocka_unit_test(offline__hostile_names__escaped_in_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
