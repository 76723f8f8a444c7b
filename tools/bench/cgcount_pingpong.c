// SPDX-License-Identifier: MIT
/*
 * cgcount_pingpong N R CPU CGROUP_A CGROUP_B: two processes, one in each
 * cgroup v2 directory, both pinned to CPU, pass a byte back and forth
 * through two pipes N times; prints nanoseconds per round trip (the best
 * of R repeats). Every switch on the CPU goes to another cgroup: the worst
 * case of a per-CPU cache of one cgroup's counts, which flushes at each.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

/* Pin the caller to cpu and move it into cgroup dir: 0, or -1 after saying why. */
static int place(int cpu, const char *dir)
{
	char path[4096];
	cpu_set_t set;
	int fd, ok;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("cgcount_pingpong: sched_setaffinity");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("cgcount_pingpong: open cgroup.procs");
		return -1;
	}
	ok = write(fd, "0", 1) == 1;	/* "0": the writer itself */
	if (!ok)
		perror("cgcount_pingpong: write cgroup.procs");
	close(fd);
	return ok ? 0 : -1;
}

/* The child's side: echo every byte until the parent closes its end. */
static int echo_loop(int in, int out)
{
	char c;

	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int to_child[2], to_parent[2], cpu, repeats, status, rc = 1;
	double best = 1e300;
	long n;
	pid_t child;
	char c = 'x';

	if (argc != 6) {
		fputs("usage: cgcount_pingpong N REPEATS CPU CGROUP_A CGROUP_B\n",
		      stderr);
		return 2;
	}
	n = atol(argv[1]);
	repeats = atoi(argv[2]);
	cpu = atoi(argv[3]);
	if (n <= 0 || repeats <= 0 || cpu < 0 || cpu >= CPU_SETSIZE) {
		fputs("cgcount_pingpong: N and REPEATS must be positive, CPU valid\n",
		      stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);	/* a side that quits: EPIPE, not death */
	if (pipe(to_child) || pipe(to_parent)) {
		perror("cgcount_pingpong: pipe");
		return 1;
	}
	child = fork();
	if (child < 0) {
		perror("cgcount_pingpong: fork");
		return 1;
	}
	if (child == 0) {
		close(to_child[1]);
		close(to_parent[0]);
		if (place(cpu, argv[5]))
			_exit(1);
		_exit(echo_loop(to_child[0], to_parent[1]));
	}
	close(to_child[0]);
	close(to_parent[1]);
	if (place(cpu, argv[4]))
		goto cleanup;
	/* The first round trip: the child is placed and listening. */
	if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1)
		goto cleanup;
	for (int r = 0; r < repeats; r++) {
		double t0 = now_ns(), per;

		for (long i = 0; i < n; i++)
			if (write(to_child[1], &c, 1) != 1 ||
			    read(to_parent[0], &c, 1) != 1)
				goto cleanup;
		per = (now_ns() - t0) / n;
		if (per < best)
			best = per;
	}
	printf("%.2f\n", best);
	rc = 0;
cleanup:
	close(to_child[1]);
	close(to_parent[0]);
	if (waitpid(child, &status, 0) < 0 ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		rc = 1;
	return rc;
}
