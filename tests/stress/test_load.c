// SPDX-License-Identifier: MIT
/*
 * Load test (`make stress`, root): `record -i 1` runs for STRESS_SECONDS
 * (default 30) while, after its first window, a syscall storm (two
 * processes calling getppid() as fast as they can) and a connection storm
 * on loopback (a client connecting to a server that accepts and closes)
 * run, each process counting its own calls. Checked:
 *   - counts stay consistent: recorded getppid() equals the storm's own
 *     count within 1% (and never below it: nothing lost); recorded
 *     connect() is never below the storm's count (other programs on the
 *     host connect too, so only the lower bound is exact);
 *   - cadence: exactly STRESS_SECONDS windows; the spacing of their
 *     timestamps (jitter) is reported, not asserted;
 *   - memory stays bounded: the recorder's RSS at the end of the storms is
 *     within 4 MiB of its RSS at the first window;
 *   - losses are exported: the recorder prints its health counters
 *     (start_store_failed, exit_without_start, counter_resets) at exit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "harness.h"
#include "window_io.h"

#define SYSCALL_STORMS 2
#define RSS_SLACK_KB 4096

struct shared {
	volatile int stop;
	unsigned long long getppid_calls;	/* summed at exit, atomically */
	unsigned long long connect_calls;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		sscanf(line, "VmRSS: %ld kB", &kb);
	fclose(f);
	assert_true(kb > 0);
	return kb;
}

static pid_t start_child(void (*fn)(struct shared *, int), struct shared *sh,
			 int arg)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		fn(sh, arg);
		_exit(0);
	}
	return pid;
}

static void syscall_storm(struct shared *sh, int unused)
{
	unsigned long long n = 0;

	(void)unused;
	while (!sh->stop) {
		for (int i = 0; i < 1024; i++)
			syscall(SYS_getppid);
		n += 1024;
	}
	__atomic_add_fetch(&sh->getppid_calls, n, __ATOMIC_SEQ_CST);
}

static void accept_storm(struct shared *sh, int listener)
{
	while (!sh->stop) {
		int fd = accept(listener, NULL, NULL);

		if (fd >= 0)
			close(fd);
	}
}

static void connect_storm(struct shared *sh, int listener)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	unsigned long long n = 0;

	if (getsockname(listener, (struct sockaddr *)&addr, &len))
		_exit(1);
	close(listener);
	while (!sh->stop) {
		/* Reset on close: no TIME_WAIT, no ephemeral ports used up. */
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg,
					 sizeof(lg)))
			_exit(1);
		syscall(SYS_connect, fd, (struct sockaddr *)&addr, len);
		n++;
		close(fd);
	}
	__atomic_add_fetch(&sh->connect_calls, n, __ATOMIC_SEQ_CST);
}

/* The window timestamps of a record file, in order. */
static int window_times(const char *path, double *ts, int max)
{
	struct window_reader *r;
	struct window *w;
	char err[512];
	int n = 0, ret;

	r = window_reader__open(path, err, sizeof(err));
	if (!r)
		fail_msg("%s", err);
	while ((ret = window_reader__next(r, &w, err, sizeof(err))) == 1) {
		if (n < max)
			ts[n++] = w->ts;
		window__free(w);
	}
	window_reader__close(r);
	if (ret < 0)
		fail_msg("%s", err);
	return n;
}

static void record__syscall_and_connection_storm__consistent_bounded(void **state)
{
	const char *env = getenv("STRESS_SECONDS");
	int seconds = env ? atoi(env) : 30;
	char out[] = "/tmp/dprel-load.XXXXXX", errpath[64], dur[16], line[512];
	struct harness_totals *t = calloc(1, sizeof(*t));
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	const char *args[] = { "record", "-i", "1", "-d", dur, "-o", out, NULL };
	pid_t rec, kids[SYSCALL_STORMS + 2];
	struct sockaddr_in addr = { .sin_family = AF_INET };
	double t0, *ts, max_jitter = 0, sum_dt = 0, ratio;
	long rss_first, rss_end;
	int fd = mkstemp(out), listener, nts, nkids = 0;
	bool health = false;
	FILE *f;

	(void)state;
	assert_true(seconds >= 6);
	assert_non_null(t);
	assert_true(sh != MAP_FAILED);
	assert_true(fd >= 0);
	close(fd);
	harness__require_root();
	snprintf(dur, sizeof(dur), "%d", seconds);
	snprintf(errpath, sizeof(errpath), "%s.err", out);

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(listener >= 0);
	assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(listener, 4096), 0);

	t0 = now();
	rec = harness__spawn_logged(out, errpath, args);
	harness__wait_lines(out, DP_F_COUNT, 30);	/* attached, counting */
	rss_first = rss_kb(rec);
	for (int i = 0; i < SYSCALL_STORMS; i++)
		kids[nkids++] = start_child(syscall_storm, sh, 0);
	kids[nkids++] = start_child(accept_storm, sh, listener);
	kids[nkids++] = start_child(connect_storm, sh, listener);
	/* Storms end inside the recording, which ends >= t0 + seconds. */
	while (now() < t0 + seconds - 1.5)
		usleep(100000);
	sh->stop = 1;
	shutdown(listener, SHUT_RDWR);	/* wake the accept()ing child */
	for (int i = 0; i < nkids; i++) {
		int status;

		assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	close(listener);
	rss_end = rss_kb(rec);
	assert_int_equal(harness__wait_exit(rec, seconds + 30), 0);

	harness__sum_records(out, t);
	ts = calloc(seconds + 8, sizeof(*ts));
	assert_non_null(ts);
	nts = window_times(out, ts, seconds + 8);
	for (int i = 1; i < nts; i++) {
		double dt = ts[i] - ts[i - 1];

		sum_dt += dt;
		if (fabs(dt - 1.0) > max_jitter)
			max_jitter = fabs(dt - 1.0);
	}
	f = fopen(errpath, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "probe health since attach:", 26)) {
			health = true;
			print_message("%s", line);
		}
	fclose(f);

	ratio = (double)t->counts[DP_F_SYSCALL_ID][SYS_getppid] /
		(double)sh->getppid_calls;
	print_message("%d windows (expected %d), mean spacing %.4f s, max "
		      "jitter %.1f ms\n", nts, seconds,
		      nts > 1 ? sum_dt / (nts - 1) : 0, max_jitter * 1e3);
	print_message("getppid: storm made %llu, recorded %llu (ratio %.5f)\n",
		      sh->getppid_calls,
		      (unsigned long long)t->counts[DP_F_SYSCALL_ID][SYS_getppid],
		      ratio);
	print_message("connect: storm made %llu, recorded %llu (host-wide)\n",
		      sh->connect_calls,
		      (unsigned long long)t->counts[DP_F_SYSCALL_ID][SYS_connect]);
	print_message("recorder RSS: %ld kB at the first window, %ld kB after "
		      "the storms\n", rss_first, rss_end);

	assert_int_equal(nts, seconds);
	assert_true(sh->getppid_calls > 0 && sh->connect_calls > 0);
	assert_true(ratio >= 1.0 && ratio <= 1.01);
	assert_true(t->counts[DP_F_SYSCALL_ID][SYS_connect] >=
		    sh->connect_calls);
	assert_true(rss_end <= rss_first + RSS_SLACK_KB);
	assert_true(health);
	unlink(out);
	unlink(errpath);
	free(ts);
	free(t);
	munmap(sh, sizeof(*sh));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record__syscall_and_connection_storm__consistent_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
