// SPDX-License-Identifier: MIT
/*
 * Root integration test of `driftprobe record` with real BPF programs:
 * a child makes exactly 200,000 getppid() and 10,000 close(-1) calls, and
 * two processes on one CPU bounce a byte over pipes 20,000 times (every
 * read blocks: a context switch inside the syscall), while driftprobe
 * records; the windows must hold them in the right bins, with both hook
 * flavours (tp_btf and the classic tracepoint fallback), and time every
 * syscall with --latency-sample 1 or about one in 16 by default. The
 * workload runs in a cgroup of its own and is counted there exactly (the
 * host is never silent: host-wide, the same bins hold at least as much).
 */
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "harness.h"

#define GETPPID_CALLS 200000
#define CLOSE_CALLS 10000
#define PING_PONGS 20000

static char cgroup_path[4400], cgroup_name[64];

/* Bounce a byte PING_PONGS times between this process and a child. */
static void ping_pong(void)
{
	int to_child[2], to_parent[2];
	char c = 0;
	pid_t pid;

	assert_int_equal(pipe(to_child), 0);
	assert_int_equal(pipe(to_parent), 0);
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < PING_PONGS; i++)
			if (read(to_child[0], &c, 1) != 1 ||
			    write(to_parent[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	for (int i = 0; i < PING_PONGS && pid > 0; i++)
		if (write(to_child[1], &c, 1) != 1 ||
		    read(to_parent[0], &c, 1) != 1)
			_exit(1);
	_exit(pid > 0 && waitpid(pid, NULL, 0) == pid ? 0 : 1);
}

static void workload(void)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		cpu_set_t one;

		harness__cgroup_join(cgroup_path, 0);
		for (int i = 0; i < GETPPID_CALLS; i++)
			syscall(SYS_getppid);
		for (int i = 0; i < CLOSE_CALLS; i++)
			syscall(SYS_close, -1);
		CPU_ZERO(&one);
		CPU_SET(0, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			_exit(1);
		ping_pong();
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * Record the workload with the given hooks, timing one syscall in
 * latency_sample ("1": every one; NULL: the default, 16).
 */
static void record_counts_workload(const char *hooks,
				   const char *latency_sample)
{
	const char *args[] = { "record", "--per-cgroup", "--interval", "1",
			       "--duration", "5", "--hooks", hooks,
			       "--latency-sample", latency_sample, NULL };
	char out[] = "/tmp/dp_itest_record.XXXXXX";
	struct harness_totals *t = calloc(1, sizeof(*t));
	struct harness_totals *own = calloc(1, sizeof(*own));
	double lat_ratio, expected = latency_sample ? 1.0 / 1 : 1.0 / 16;
	int fd = mkstemp(out);
	pid_t pid;

	assert_true(fd >= 0);
	close(fd);
	if (!latency_sample)
		args[8] = NULL;
	harness__require_root();
	pid = harness__spawn(out, args);
	/* The first window is out: the probe is attached and counting. */
	harness__wait_lines(out, DP_F_COUNT, 15);
	workload();
	assert_int_equal(harness__wait_exit(pid, 20), 0);
	harness__sum_records(out, t);
	harness__sum_cgroup_records(out, cgroup_name, own);
	unlink(out);

	print_message("hooks %s, latency sample %s: %lu windows, getppid %lu, "
		      "EBADF %lu, read %lu, syscall.id total %lu, latency total "
		      "%lu\n", hooks, latency_sample ? latency_sample : "default",
		      (unsigned long)t->windows,
		      (unsigned long)t->counts[DP_F_SYSCALL_ID][SYS_getppid],
		      (unsigned long)t->counts[DP_F_SYSCALL_ERRNO][EBADF],
		      (unsigned long)t->counts[DP_F_SYSCALL_ID][SYS_read],
		      (unsigned long)t->total[DP_F_SYSCALL_ID],
		      (unsigned long)t->total[DP_F_SYSCALL_LATENCY]);
	print_message("in %s: getppid %lu, EBADF %lu, read %lu\n", cgroup_name,
		      (unsigned long)own->counts[DP_F_SYSCALL_ID][SYS_getppid],
		      (unsigned long)own->counts[DP_F_SYSCALL_ERRNO][EBADF],
		      (unsigned long)own->counts[DP_F_SYSCALL_ID][SYS_read]);
	assert_int_equal(t->windows, 5);
	/* The workload's own cgroup: exactly what it did, no more, no less. */
	assert_int_equal(own->counts[DP_F_SYSCALL_ID][SYS_getppid],
			 GETPPID_CALLS);
	assert_int_equal(own->counts[DP_F_SYSCALL_ERRNO][EBADF], CLOSE_CALLS);
	assert_int_equal(own->counts[DP_F_SYSCALL_ID][SYS_read],
			 2 * PING_PONGS);
	/* Host-wide, others add to the same bins. */
	assert_true(t->counts[DP_F_SYSCALL_ID][SYS_getppid] >= GETPPID_CALLS);
	assert_true(t->counts[DP_F_SYSCALL_ERRNO][EBADF] >= CLOSE_CALLS);
	assert_true(t->counts[DP_F_SYSCALL_ID][SYS_read] >= 2 * PING_PONGS);
	/*
	 * Every syscall that entered and exited inside the recording is
	 * timed, or the expected share of them (16,000+ samples: a 10 %
	 * band is over ten standard deviations). A syscall switched out
	 * inside (the pipe reads) must neither lose its entry's decision nor
	 * take another's.
	 */
	lat_ratio = (double)t->total[DP_F_SYSCALL_LATENCY] /
		    (double)t->total[DP_F_SYSCALL_ID];
	print_message("timed share %.5f, expected %.5f\n", lat_ratio,
		      expected);
	assert_true(lat_ratio > expected * (latency_sample ? 0.99 : 0.9) &&
		    lat_ratio < expected * (latency_sample ? 1.01 : 1.1));
	free(own);
	free(t);
}

static void record__tp_btf__times_every_syscall(void **state)
{
	(void)state;
	record_counts_workload("tp_btf", "1");
}

static void record__tp_btf__times_one_in_16_by_default(void **state)
{
	(void)state;
	record_counts_workload("tp_btf", NULL);
}

static void record__tracepoint_fallback__times_every_syscall(void **state)
{
	(void)state;
	harness__require_root();
	record_counts_workload("tracepoint", "1");
}

static void record__tracepoint_fallback__times_one_in_16_by_default(void **state)
{
	(void)state;
	harness__require_root();
	record_counts_workload("tracepoint", NULL);
}

static void record__sigterm__flushes_full_windows_and_exits_zero(void **state)
{
	const char *args[] = { "record", "--interval", "1", NULL };
	char out[] = "/tmp/dp_itest_sigterm.XXXXXX";
	struct harness_totals *t = calloc(1, sizeof(*t));
	int fd = mkstemp(out);
	pid_t pid;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	harness__require_root();
	pid = harness__spawn(out, args);
	harness__wait_lines(out, 2 * DP_F_COUNT, 15);
	kill(pid, SIGTERM);
	assert_int_equal(harness__wait_exit(pid, 10), 0);
	/* Only whole windows: every feature of every window is there. */
	harness__sum_records(out, t);
	assert_true(t->windows >= 2);
	unlink(out);
	free(t);
}

static int setup(void **state)
{
	char name[64];

	(void)state;
	snprintf(name, sizeof(name), "dp_itest_record_%d", (int)getpid());
	harness__cgroup_create(name, cgroup_path, sizeof(cgroup_path),
			       cgroup_name, sizeof(cgroup_name));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness__cgroup_remove(cgroup_path);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record__tp_btf__times_every_syscall),
		cmocka_unit_test(record__tp_btf__times_one_in_16_by_default),
		cmocka_unit_test(record__tracepoint_fallback__times_every_syscall),
		cmocka_unit_test(record__tracepoint_fallback__times_one_in_16_by_default),
		cmocka_unit_test(record__sigterm__flushes_full_windows_and_exits_zero),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
