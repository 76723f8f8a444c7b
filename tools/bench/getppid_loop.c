// SPDX-License-Identifier: MIT
/*
 * The syscall-path load: N getppid() calls on one pinned CPU, timed with
 * CLOCK_MONOTONIC; prints nanoseconds per call (the best of R repeats, so
 * a preemption in one repeat does not count).
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
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	int repeats = argc > 2 ? atoi(argv[2]) : 3;
	double best = 1e300;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("getppid_loop: sched_setaffinity");
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
