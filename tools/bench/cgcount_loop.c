// SPDX-License-Identifier: MIT
/*
 * cgcount_loop N R CPU: getppid_loop's load (N getppid() calls, timed, the
 * best of R repeats, nanoseconds per call on stdout) pinned to CPU, so
 * that cgcount.sh can run one copy on each CPU at once, both in one
 * cgroup: the case where per-cgroup counters shared by all CPUs bounce
 * between them.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv)
{
	long n;
	int repeats, cpu;
	double best = 1e300;
	cpu_set_t set;

	if (argc != 4) {
		fputs("usage: cgcount_loop CALLS REPEATS CPU\n", stderr);
		return 2;
	}
	n = atol(argv[1]);
	repeats = atoi(argv[2]);
	cpu = atoi(argv[3]);
	if (n <= 0 || repeats <= 0 || cpu < 0 || cpu >= CPU_SETSIZE) {
		fputs("cgcount_loop: CALLS and REPEATS must be positive, CPU valid\n",
		      stderr);
		return 2;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("cgcount_loop: sched_setaffinity");
		return 1;
	}
	for (int r = 0; r < repeats; r++) {
		double t0 = now_ns(), per;

		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		per = (now_ns() - t0) / n;
		if (per < best)
			best = per;
	}
	printf("%.2f\n", best);
	return 0;
}
