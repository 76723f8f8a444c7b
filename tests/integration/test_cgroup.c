// SPDX-License-Identifier: MIT
/*
 * Root integration test of --per-cgroup. Two cgroup v2 groups created by
 * the test run the same steady workload; `run --per-cgroup` learns them,
 * then the second group's syscall mix changes (an openat/fstat/close
 * storm starts in it) and a third group appears:
 *   - the changed group is flagged on syscall.id, openat among the top bins;
 *   - the unchanged group raises nothing on what it does (syscall.id,
 *     syscall.errno, syscall.group_errno). Its syscall.latency may move,
 *     rightly: the storm next door competes for the same two CPUs, and a
 *     noisy neighbour is what per-cgroup latency is there to show; the
 *     count is printed;
 *   - the group that appeared after learning is reported as new exactly
 *     once, not as a storm of anomalies.
 * Groups and processes are removed even when an assertion fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
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
#include "feature.h"
#include "harness.h"

#define LEARN 20
#define WINDOWS 30

static char dir[] = "/tmp/dp_itest_cgroup.XXXXXX";
static char mount_point[4096];
static const char *const groups[] = { "dpcg_steady", "dpcg_changes",
				      "dpcg_late" };
static pid_t pids[8];
static size_t npids;

static void find_cgroup2(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[8192];

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " - cgroup2 ") &&
		    sscanf(line, "%*s %*s %*s %*s %4095s", mount_point) == 1)
			break;
	fclose(f);
	if (!mount_point[0])
		fail_msg("no cgroup2 mount in /proc/self/mountinfo");
}

static void group_path(const char *group, const char *file, char *buf,
		       size_t len)
{
	snprintf(buf, len, "%s/%s%s%s", mount_point, group, file ? "/" : "",
		 file ? file : "");
}

/* fork a child that joins group, then runs body forever. */
static pid_t start_in(const char *group, void (*body)(void))
{
	char procs[4400];
	pid_t pid;

	group_path(group, "cgroup.procs", procs, sizeof(procs));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *f = fopen(procs, "w");

		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f))
			_exit(1);
		body();
		_exit(0);
	}
	pids[npids++] = pid;
	return pid;
}

/* ~20k syscalls per second of a fixed mix. */
static void steady(void)
{
	int fd = open("/dev/zero", O_RDONLY);
	struct timespec ms = { 0, 1000000 };
	char buf[64];

	for (;;) {
		for (int i = 0; i < 16; i++)
			syscall(SYS_getppid);
		for (int i = 0; i < 4; i++)
			if (read(fd, buf, sizeof(buf)) < 0)
				_exit(1);
		nanosleep(&ms, NULL);
	}
}

static void file_storm(void)
{
	struct stat st;

	for (;;) {
		int fd = open("/etc/hostname", O_RDONLY);

		fstat(fd, &st);
		close(fd);
	}
}

struct per_group {
	int windows, anomalies, news;
	bool openat_on_top;
};

static void scan(const char *path, const char *cgroup, const char *feature,
		 struct per_group *g)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, want[300];
	size_t cap = 0;

	snprintf(want, sizeof(want), "/%s", cgroup);
	assert_non_null(f);
	memset(g, 0, sizeof(*g));
	while (getline(&line, &cap, f) > 0) {
		struct json_object *o = json_tokener_parse(line), *x, *top;
		const char *verdict;

		assert_non_null(o);
		json_object_object_get_ex(o, "cgroup", &x);
		if (strcmp(json_object_get_string(x), want)) {
			json_object_put(o);
			continue;
		}
		json_object_object_get_ex(o, "verdict", &x);
		verdict = json_object_get_string(x);
		g->news += !strcmp(verdict, "new");
		json_object_object_get_ex(o, "feature", &x);
		if (feature && strcmp(json_object_get_string(x), feature)) {
			json_object_put(o);
			continue;
		}
		g->windows += strcmp(verdict, "new") != 0;
		if (!strcmp(verdict, "anomaly")) {
			g->anomalies++;
			json_object_object_get_ex(o, "top", &top);
			for (size_t i = 0; i < json_object_array_length(top); i++) {
				json_object_object_get_ex(
					json_object_array_get_idx(top, i),
					"label", &x);
				g->openat_on_top |=
					!strcmp(json_object_get_string(x),
						"openat");
			}
		}
		json_object_put(o);
	}
	free(line);
	fclose(f);
}

static void run__one_group_changes__only_it_is_flagged_and_late_group_is_new(
	void **state)
{
	char out[320], seconds[16];
	const char *args[] = { "run", "--per-cgroup", "--interval", "1",
			       "--learn", "20", "--duration", seconds, "--json",
			       NULL };
	struct per_group g;
	pid_t probe;

	(void)state;
	harness__require_root();
	snprintf(seconds, sizeof(seconds), "%d", LEARN + WINDOWS);
	snprintf(out, sizeof(out), "%s/cgroup.jsonl", dir);
	start_in(groups[0], steady);
	start_in(groups[1], steady);
	probe = harness__spawn(out, args);
	sleep(LEARN + 2);
	start_in(groups[1], file_storm);
	start_in(groups[2], steady);
	assert_int_equal(harness__wait_exit(probe, LEARN + WINDOWS + 30), 0);

	scan(out, groups[1], "syscall.id", &g);
	print_message("changed group: %d windows, %d anomalies, openat on top "
		      "%d\n", g.windows, g.anomalies, g.openat_on_top);
	assert_int_equal(g.windows, WINDOWS);
	assert_true(g.anomalies >= 1);
	assert_true(g.openat_on_top);

	for (int f = 0; f < DP_F_COUNT; f++) {
		if (feature_table[f].group != DP_GROUP_SYSCALL)
			continue;	/* not kept per cgroup */
		scan(out, groups[0], feature_table[f].name, &g);
		print_message("steady group: %s: %d windows, %d anomalies\n",
			      feature_table[f].name, g.windows, g.anomalies);
		assert_int_equal(g.windows, WINDOWS);
		if (f != DP_F_SYSCALL_LATENCY)
			assert_int_equal(g.anomalies, 0);
	}

	scan(out, groups[2], NULL, &g);
	print_message("late group: reported new %d time(s), %d judged lines\n",
		      g.news, g.windows);
	assert_int_equal(g.news, 1);
	assert_int_equal(g.windows, 0);
}

static int setup(void **state)
{
	char path[4400];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	find_cgroup2();
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		group_path(groups[i], NULL, path, sizeof(path));
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
	}
	return 0;
}

/* Kill every child, then remove the (now empty) groups and the temp dir. */
static int teardown(void **state)
{
	char path[4400], cmd[300];

	(void)state;
	for (size_t i = 0; i < npids; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		group_path(groups[i], NULL, path, sizeof(path));
		rmdir(path);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    run__one_group_changes__only_it_is_flagged_and_late_group_is_new),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
