// SPDX-License-Identifier: MIT
/*
 * Stalls: the live loop stopped by SIGSTOP, or blocked on a stdout nobody
 * reads, must not corrupt what it records. After the stall one window
 * covers the time it really lasted (its interval_s says so), then the
 * schedule restarts: no burst of near-empty catch-up windows, no two
 * windows sharing a ts, and the recording stays readable by the offline
 * commands.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "harness.h"
#include "window.h"
#include "window_io.h"

#define INTERVAL 0.5

static char dir[] = "/tmp/dprel-stall.XXXXXX";

/*
 * Check a recording made with INTERVAL: every window's ts later than the
 * one before, no window shorter than half an interval, and exactly one
 * window of min to max seconds, whose interval_s matches the ts gap before
 * it.
 */
static void check_recording(const char *path, double min, double max)
{
	struct window_reader *r;
	struct window *w;
	double prev_ts = 0;
	int windows = 0, long_ones = 0, ret;
	char err[512];

	r = window_reader__open(path, err, sizeof(err));
	if (!r)
		fail_msg("%s", err);
	while ((ret = window_reader__next(r, &w, err, sizeof(err))) == 1) {
		print_message("window ts %.3f interval_s %.3f\n", w->ts,
			      w->interval_s);
		if (windows && w->ts <= prev_ts)
			fail_msg("window ts %.3f not after %.3f", w->ts, prev_ts);
		if (w->interval_s < INTERVAL / 2)
			fail_msg("window of %.3f s: a catch-up window",
				 w->interval_s);
		if (w->interval_s >= min) {
			long_ones++;
			assert_true(w->interval_s <= max);
			/* its length is the time since the window before */
			assert_true(windows > 0);
			assert_true(w->ts - prev_ts > w->interval_s - 0.1 &&
				    w->ts - prev_ts < w->interval_s + 0.1);
		}
		prev_ts = w->ts;
		windows++;
		window__free(w);
	}
	if (ret < 0)
		fail_msg("recording unreadable: %s", err);
	window_reader__close(r);
	assert_true(windows >= 5);
	assert_int_equal(long_ones, 1);
}

/* The offline commands read it: baseline build and analyze exit 0. */
static void check_offline(const char *path)
{
	char *cmd, *out;
	int status;

	assert_true(asprintf(&cmd, "baseline build -o %s/b.json %s 2>/dev/null",
			     dir, path) > 0);
	free(harness__capture(cmd, &status));
	free(cmd);
	assert_int_equal(status, 0);
	assert_true(asprintf(&cmd, "analyze -b %s/b.json %s 2>/dev/null", dir,
			     path) > 0);
	out = harness__capture(cmd, &status);
	free(cmd);
	free(out);
	assert_int_equal(status, 0);
}

static void record__sigstop__one_long_window_then_on_schedule(void **state)
{
	char out[PATH_MAX], rec[PATH_MAX];
	const char *args[] = { "record", "-i", "0.5", "-o", rec, NULL };
	pid_t pid;

	(void)state;
	harness__require_root();
	snprintf(out, sizeof(out), "%s/record.out", dir);
	snprintf(rec, sizeof(rec), "%s/record.jsonl", dir);
	pid = harness__spawn(out, args);
	harness__wait_lines(rec, 2 * DP_F_COUNT, 10);
	assert_int_equal(kill(pid, SIGSTOP), 0);
	sleep(3);
	assert_int_equal(kill(pid, SIGCONT), 0);
	usleep(1600 * 1000);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(harness__wait_exit(pid, 10), 0);
	check_recording(rec, 2.9, 4.0);
	check_offline(rec);
}

static void run_json__slow_reader__one_long_window_then_on_schedule(void **state)
{
	char fifo[PATH_MAX], rec[PATH_MAX], err[PATH_MAX], buf[65536];
	const char *args[] = { "run", "--json", "-i", "0.5", "--learn", "1",
			       "--record", rec, NULL };
	int fd, size, status = 0;
	bool exited = false;
	pid_t pid;

	(void)state;
	harness__require_root();
	snprintf(fifo, sizeof(fifo), "%s/stdout.fifo", dir);
	snprintf(rec, sizeof(rec), "%s/run.jsonl", dir);
	snprintf(err, sizeof(err), "%s/run.err", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid = harness__spawn_logged(fifo, err, args);
	fd = open(fifo, O_RDONLY);
	assert_true(fd >= 0);
	/* One page of pipe: the first judged window's lines fill it. */
	size = fcntl(fd, F_SETPIPE_SZ, 4096);
	assert_true(size >= 4096 && size < 65536);
	/* Learning (2 windows) plus a judged window, then 3 s unread. */
	harness__wait_lines(rec, 3 * DP_F_COUNT, 10);
	sleep(3);
	/* Read on, quickly, for 2 s more. */
	assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	for (int i = 0; i < 200; i++) {
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		usleep(10 * 1000);
	}
	assert_int_equal(kill(pid, SIGTERM), 0);
	for (int i = 0; i < 1000 && !exited; i++) {
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		exited = waitpid(pid, &status, WNOHANG) == pid;
		usleep(10 * 1000);
	}
	close(fd);
	assert_true(exited && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* Blocked from the judged window's lines until the 3 s were up. */
	check_recording(rec, 2.4, 4.5);
	check_offline(rec);
}

static int teardown(void **state)
{
	(void)state;
	return harness__remove_dir(dir);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record__sigstop__one_long_window_then_on_schedule),
		cmocka_unit_test(run_json__slow_reader__one_long_window_then_on_schedule),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
