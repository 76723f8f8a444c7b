// SPDX-License-Identifier: MIT
/*
 * Root integration test of `driftprobe record` with real BPF programs:
 * a child makes exactly 200,000 getppid() and 10,000 close(-1) calls while
 * driftprobe records; the windows must hold them in the right bins, with
 * both hook flavours (tp_btf and the classic tracepoint fallback).
 */
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

static void workload(void)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		for (int i = 0; i < GETPPID_CALLS; i++)
			syscall(SYS_getppid);
		for (int i = 0; i < CLOSE_CALLS; i++)
			syscall(SYS_close, -1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void record_counts_workload(const char *hooks)
{
	const char *args[] = { "record", "--interval", "1", "--duration", "5",
			       "--hooks", hooks, NULL };
	char out[] = "/tmp/dp_itest_record.XXXXXX";
	struct harness_totals *t = calloc(1, sizeof(*t));
	double lat_ratio;
	int fd = mkstemp(out);
	pid_t pid;

	assert_true(fd >= 0);
	close(fd);
	harness__require_root();
	pid = harness__spawn(out, args);
	/* The first window is out: the probe is attached and counting. */
	harness__wait_lines(out, DP_F_COUNT, 15);
	workload();
	assert_int_equal(harness__wait_exit(pid, 20), 0);
	harness__sum_records(out, t);
	unlink(out);

	print_message("hooks %s: %lu windows, getppid %lu, EBADF %lu, "
		      "syscall.id total %lu, latency total %lu\n", hooks,
		      (unsigned long)t->windows,
		      (unsigned long)t->counts[DP_F_SYSCALL_ID][SYS_getppid],
		      (unsigned long)t->counts[DP_F_SYSCALL_ERRNO][EBADF],
		      (unsigned long)t->total[DP_F_SYSCALL_ID],
		      (unsigned long)t->total[DP_F_SYSCALL_LATENCY]);
	assert_int_equal(t->windows, 5);
	assert_true(t->counts[DP_F_SYSCALL_ID][SYS_getppid] >= GETPPID_CALLS);
	assert_true(t->counts[DP_F_SYSCALL_ERRNO][EBADF] >= CLOSE_CALLS);
	/* Every syscall that entered and exited inside the recording is timed. */
	lat_ratio = (double)t->total[DP_F_SYSCALL_LATENCY] /
		    (double)t->total[DP_F_SYSCALL_ID];
	assert_true(lat_ratio > 0.99 && lat_ratio < 1.01);
	free(t);
}

static void record__tp_btf__counts_getppid_and_ebadf(void **state)
{
	(void)state;
	record_counts_workload("tp_btf");
}

static void record__tracepoint_fallback__counts_getppid_and_ebadf(void **state)
{
	(void)state;
	harness__require_root();
	harness__mount_tracefs();
	record_counts_workload("tracepoint");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record__tp_btf__counts_getppid_and_ebadf),
		cmocka_unit_test(record__tracepoint_fallback__counts_getppid_and_ebadf),
		cmocka_unit_test(record__sigterm__flushes_full_windows_and_exits_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
