// SPDX-License-Identifier: MIT
/*
 * cgcount_loop N R CPU: getppid_loop's load (N getppid() calls, timed)
 * pinned to CPU, so that cgcount.sh can run one copy on each CPU at once,
 * both in one cgroup: the case where per-cgroup counters shared by all
 * CPUs bounce between them. Prints nanoseconds per call, the median of R
 * repeats, not the best: the best is a repeat that ran before the other
 * copy started or after it ended, without the contention to measure.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

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
	double *per;
	cpu_set_t set;

	if (argc != 4) {
		fputs("usage: cgcount_loop CALLS REPEATS CPU\n", stderr);
		return 2;
	}
	n = atol(argv[1]);
	repeats = atoi(argv[2]);
	cpu = atoi(argv[3]);
	if (n <= 0 || repeats <= 0 || repeats > 1000 || cpu < 0 ||
	    cpu >= CPU_SETSIZE) {
		fputs("cgcount_loop: CALLS must be positive, REPEATS 1 to 1000, CPU valid\n",
		      stderr);
		return 2;
	}
	per = calloc(repeats, sizeof(*per));
	if (!per) {
		perror("cgcount_loop: calloc");
		return 1;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("cgcount_loop: sched_setaffinity");
		free(per);
		return 1;
	}
	for (int r = 0; r < repeats; r++) {
		double t0 = now_ns();

		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		per[r] = (now_ns() - t0) / n;
	}
	qsort(per, repeats, sizeof(*per), cmp_double);
	printf("%.2f\n", repeats % 2 ? per[repeats / 2] :
	       (per[repeats / 2 - 1] + per[repeats / 2]) / 2);
	free(per);
	return 0;
}
