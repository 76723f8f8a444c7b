// SPDX-License-Identifier: MIT
/*
 * Root integration test of the node features, with events the test makes
 * itself while `record` runs:
 *   - 100 runs of /bin/true: proc.exec's bin of "true" gets at least 100,
 *     and its exemplar names "true";
 *   - 200 synchronous direct 4 KiB writes to a file on a block device:
 *     block.io_latency counts at least 200 requests;
 *   - two busy loops pinned to one CPU for a second: sched.runq_latency
 *     sees tasks wait at least 1 ms for that CPU (a scheduler slice).
 * Then the same with --per-cgroup, the test inside a cgroup of its own:
 * all of it is charged to that cgroup (exec to the task that execs, I/O to
 * the bio's cgroup, run-queue waits to the task that waited), none to a
 * sibling cgroup whose process sleeps throughout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <driftprobe/buckets.h>
#include "harness.h"

static char dir[] = "/var/tmp/dp_itest_node.XXXXXX";
static char cgroup_root[4096];
enum { BUSY, QUIET, NGROUPS };
static const char *const groups[NGROUPS] = { "dpnode_busy", "dpnode_quiet" };

static void run_true(int times)
{
	for (int i = 0; i < times; i++) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}
}

static void direct_writes(int times)
{
	char path[300];
	void *buf = NULL;
	int fd;

	snprintf(path, sizeof(path), "%s/io", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_DIRECT | O_DSYNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(posix_memalign(&buf, 4096, 4096), 0);
	memset(buf, 0x5a, 4096);
	for (int i = 0; i < times; i++)
		assert_int_equal(pwrite(fd, buf, 4096, (off_t)i * 4096), 4096);
	close(fd);
	free(buf);
}

/* Two children spinning on CPU 0 for `seconds`. */
static void contend(double seconds)
{
	pid_t kids[2];

	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0) {
			struct timespec t0, t;
			cpu_set_t cpu0;

			CPU_ZERO(&cpu0);
			CPU_SET(0, &cpu0);
			sched_setaffinity(0, sizeof(cpu0), &cpu0);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			do
				clock_gettime(CLOCK_MONOTONIC, &t);
			while (t.tv_sec - t0.tv_sec +
				       (t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
			_exit(0);
		}
	}
	for (int k = 0; k < 2; k++)
		waitpid(kids[k], NULL, 0);
}

struct node_totals {
	uint64_t exec_true, io, runq, runq_ms;
	char exec_names[256];
};

/* Sum the records of cgroup ("/" = host-wide) in path. */
static void sum(const char *path, const char *cgroup, struct node_totals *t)
{
	unsigned int bin = dp_comm_hash("true", DP_PROC_EXEC_BITS);
	FILE *f = fopen(path, "r");
	char *line = NULL, key[16];
	size_t cap = 0;

	assert_non_null(f);
	memset(t, 0, sizeof(*t));
	snprintf(key, sizeof(key), "%u", bin);
	while (getline(&line, &cap, f) > 0) {
		struct json_object *o = json_tokener_parse(line), *x, *c, *ex;
		const char *feature;

		assert_non_null(o);
		json_object_object_get_ex(o, "cgroup", &x);
		if (strcmp(json_object_get_string(x), cgroup)) {
			json_object_put(o);
			continue;
		}
		json_object_object_get_ex(o, "feature", &x);
		feature = json_object_get_string(x);
		json_object_object_get_ex(o, "counts", &c);
		if (!strcmp(feature, "proc.exec")) {
			t->exec_true += json_object_get_int64(
				json_object_array_get_idx(c, bin));
			if (json_object_object_get_ex(o, "exemplars", &ex) &&
			    json_object_object_get_ex(ex, key, &x))
				snprintf(t->exec_names, sizeof(t->exec_names),
					 "%s", json_object_get_string(x));
		}
		for (size_t i = 0; i < json_object_array_length(c); i++) {
			uint64_t v = json_object_get_int64(
				json_object_array_get_idx(c, i));

			if (!strcmp(feature, "block.io_latency"))
				t->io += v;
			if (!strcmp(feature, "sched.runq_latency")) {
				t->runq += v;
				t->runq_ms += i >= 20 ? v : 0;	/* >= 2^20 ns */
			}
		}
		json_object_put(o);
	}
	free(line);
	fclose(f);
}

static void record__exec_io_and_contention__counted(void **state)
{
	char out[320];
	const char *args[] = { "record", "--interval", "1", "--duration", "5",
			       "-o", out, NULL };
	struct node_totals t;
	pid_t probe;

	(void)state;
	harness__require_root();
	snprintf(out, sizeof(out), "%s/node.jsonl", dir);
	probe = harness__spawn("/dev/null", args);
	harness__wait_lines(out, 1, 30);	/* attached, one window out */
	run_true(100);
	direct_writes(200);
	contend(1.0);
	assert_int_equal(harness__wait_exit(probe, 30), 0);
	sum(out, "/", &t);
	print_message("node: exec of true %llu (exemplar \"%s\"), block "
		      "requests %llu, run-queue waits %llu (%llu >= 1 ms)\n",
		      (unsigned long long)t.exec_true, t.exec_names,
		      (unsigned long long)t.io, (unsigned long long)t.runq,
		      (unsigned long long)t.runq_ms);
	assert_true(t.exec_true >= 100);
	assert_non_null(strstr(t.exec_names, "true"));
	assert_true(t.io >= 200);
	assert_true(t.runq_ms >= 1);
}

/* Move pid into group (NULL: back to the root cgroup). */
static void join(pid_t pid, const char *group)
{
	char procs[4400];
	FILE *f;

	snprintf(procs, sizeof(procs), "%s%s%s/cgroup.procs", cgroup_root,
		 group ? "/" : "", group ? group : "");
	f = fopen(procs, "w");
	assert_non_null(f);
	assert_true(fprintf(f, "%d\n", (int)pid) > 0);
	assert_int_equal(fclose(f), 0);
}

static void record_per_cgroup__each_event_charged_to_its_owner(void **state)
{
	char out[320], busy[300], quiet[300];
	const char *args[] = { "record", "--per-cgroup", "--interval", "1",
			       "--duration", "5", "-o", out, NULL };
	struct node_totals b, q;
	pid_t probe, sleeper;

	(void)state;
	harness__require_root();
	harness__cgroup2_mount(cgroup_root, sizeof(cgroup_root));
	for (int g = 0; g < NGROUPS; g++) {
		char path[4400];

		snprintf(path, sizeof(path), "%s/%s", cgroup_root, groups[g]);
		assert_true(!mkdir(path, 0755) || errno == EEXIST);
	}
	snprintf(out, sizeof(out), "%s/node_cgroup.jsonl", dir);
	sleeper = fork();
	assert_true(sleeper >= 0);
	if (sleeper == 0) {
		pause();
		_exit(0);
	}
	join(sleeper, groups[QUIET]);
	probe = harness__spawn("/dev/null", args);
	harness__wait_lines(out, 1, 30);
	join(getpid(), groups[BUSY]);
	run_true(100);
	direct_writes(200);
	contend(1.0);
	join(getpid(), NULL);
	assert_int_equal(harness__wait_exit(probe, 30), 0);
	harness__kill_child(&sleeper);
	snprintf(busy, sizeof(busy), "/%s", groups[BUSY]);
	snprintf(quiet, sizeof(quiet), "/%s", groups[QUIET]);
	sum(out, busy, &b);
	sum(out, quiet, &q);
	print_message("per cgroup: %s: exec of true %llu, block requests "
		      "%llu, run-queue waits %llu (%llu >= 1 ms); %s: %llu, "
		      "%llu, %llu\n", busy, (unsigned long long)b.exec_true,
		      (unsigned long long)b.io, (unsigned long long)b.runq,
		      (unsigned long long)b.runq_ms, quiet,
		      (unsigned long long)q.exec_true, (unsigned long long)q.io,
		      (unsigned long long)q.runq);
	assert_true(b.exec_true >= 100);
	assert_true(b.io >= 200);
	assert_true(b.runq_ms >= 1);
	assert_int_equal(q.exec_true, 0);
	assert_int_equal(q.io, 0);
	/* the sleeper ran once at most, when it was moved */
	assert_true(q.runq <= 1);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[4400];

	(void)state;
	for (int g = 0; g < NGROUPS && cgroup_root[0]; g++) {
		snprintf(cmd, sizeof(cmd), "%s/%s", cgroup_root, groups[g]);
		rmdir(cmd);
	}
	return harness__remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record__exec_io_and_contention__counted),
		cmocka_unit_test(
			record_per_cgroup__each_event_charged_to_its_owner),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
