// SPDX-License-Identifier: MIT
/* Window records: write -> read round trip, grouping, and every bad line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "feature.h"
#include "window_io.h"

static char tmpdir[] = "/tmp/dp_window_io.XXXXXX";

static char *write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* A valid record line of feature f with all-zero counts but bin `hot`. */
static char *record_line(const char *feature, double ts, uint64_t hot_count)
{
	int f = feature__by_name(feature);
	size_t cap = 64 + 24 * feature_table[f].bins;
	char *s = malloc(cap);
	size_t n;

	n = snprintf(s, cap, "{\"ts\":%.3f,\"interval_s\":10,\"host\":\"h\","
		     "\"cgroup\":\"/\",\"feature\":\"%s\",\"counts\":[", ts,
		     feature);
	for (uint32_t i = 0; i < feature_table[f].bins; i++)
		n += snprintf(s + n, cap - n, i ? ",%llu" : "%llu",
			      i == 1 ? (unsigned long long)hot_count : 0ULL);
	snprintf(s + n, cap - n, "]}\n");
	return s;
}

/* The dense counts of w's histogram of (f, cgroup), which must exist. */
static const uint64_t *counts_of(const struct window *w, enum dp_feature_id f,
				 const char *cgroup)
{
	static uint64_t buf[FEATURE_MAX_BINS];
	const struct window_hist *h = window__find(w, f, cgroup);

	assert_non_null(h);
	return window_hist__dense(h, buf);
}

static void write_read__round_trip_is_exact(void **state)
{
	struct window *w = window__new(1732262400.5, 10, "host\"1");
	uint64_t id[DP_SYSCALL_ID_BINS] = { [110] = 200000, [3] = UINT64_MAX / 4 };
	uint64_t lat[DP_SYSCALL_LATENCY_BINS] = { [40] = 7 };
	uint64_t er[DP_SYSCALL_ERRNO_BINS] = { [0] = 5, [9] = 10000 };
	uint64_t ge[DP_SYSCALL_GROUPS * DP_ERRNO_CLASSES] = { [0] = 3, [55] = 4 };
	struct window_reader *r;
	struct window *back;
	char err[256], path[256];
	FILE *f;

	(void)state;
	assert_int_equal(window__add(w, DP_F_SYSCALL_ID, "/", id, DP_SYSCALL_ID_BINS), 0);
	assert_int_equal(window__add(w, DP_F_SYSCALL_LATENCY, "/a/b", lat,
				     DP_SYSCALL_LATENCY_BINS), 0);
	assert_int_equal(window__add(w, DP_F_SYSCALL_ERRNO, "/", er, DP_SYSCALL_ERRNO_BINS), 0);
	assert_int_equal(window__add(w, DP_F_SYSCALL_GROUP_ERRNO, "/", ge,
				     DP_SYSCALL_GROUPS * DP_ERRNO_CLASSES), 0);
	assert_int_equal(window__set_workload(w, DP_F_SYSCALL_LATENCY, "/a/b",
					      "k8s:ns/w\"x/c"), 0);
	assert_int_equal(window__index_workloads(w), 0);
	snprintf(path, sizeof(path), "%s/rt.jsonl", tmpdir);
	f = fopen(path, "w");
	assert_int_equal(window_io__write(f, w), 0);
	w->ts += 10;
	assert_int_equal(window_io__write(f, w), 0);
	fclose(f);

	r = window_reader__open(path, err, sizeof(err));
	assert_non_null(r);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(window_reader__next(r, &back, err, sizeof(err)), 1);
		assert_int_equal(back->n, 4);
		assert_string_equal(back->host, "host\"1");
		assert_true(back->ts == 1732262400.5 + 10 * i);
		assert_true(back->interval_s == 10);
		assert_memory_equal(counts_of(back, DP_F_SYSCALL_ID, "/"),
				    id, sizeof(id));
		assert_memory_equal(counts_of(back, DP_F_SYSCALL_LATENCY, "/a/b"),
				    lat, sizeof(lat));
		/* the workload travels; a scope that is its own has none */
		assert_string_equal(window__find(back, DP_F_SYSCALL_LATENCY,
						 "/a/b")->workload, "k8s:ns/w\"x/c");
		assert_null(window__find(back, DP_F_SYSCALL_ID, "/")->workload);
		assert_memory_equal(counts_of(back, DP_F_SYSCALL_ERRNO, "/"),
				    er, sizeof(er));
		assert_memory_equal(counts_of(back, DP_F_SYSCALL_GROUP_ERRNO, "/"),
				    ge, sizeof(ge));
		window__free(back);
	}
	assert_int_equal(window_reader__next(r, &back, err, sizeof(err)), 0);
	assert_null(back);
	window_reader__close(r);
	window__free(w);
}

static void write_read__exemplars_round_trip(void **state)
{
	struct window *w = window__new(5, 1, "h"), *back;
	uint64_t peer[DP_NET_PEER_BINS] = { [17] = 4096, [3] = 10 };
	const struct window_hist *h;
	struct window_reader *r;
	char err[256], path[256];
	FILE *f;

	(void)state;
	assert_non_null(w);
	assert_int_equal(window__add(w, DP_F_NET_PEER, "/", peer,
				     DP_NET_PEER_BINS), 0);
	assert_int_equal(window__set_exemplar(w, DP_F_NET_PEER, "/", 17,
					      "10.0.0.2:443, [fd00::2]:53"), 0);
	assert_int_equal(window__set_exemplar(w, DP_F_NET_PEER, "/", 64, "x"),
			 -ENOENT);
	snprintf(path, sizeof(path), "%s/ex.jsonl", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(window_io__write(f, w), 0);
	fclose(f);
	r = window_reader__open(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(window_reader__next(r, &back, err, sizeof(err)), 1);
	h = window__find(back, DP_F_NET_PEER, "/");
	assert_non_null(h);
	assert_int_equal(window_hist__count(h, 17), 4096);
	assert_string_equal(window_hist__exemplar(h, 17),
			    "10.0.0.2:443, [fd00::2]:53");
	assert_null(window_hist__exemplar(h, 3));
	window__free(back);
	window_reader__close(r);
	window__free(w);
}

static void read__blank_lines_skipped_and_ts_splits_windows(void **state)
{
	char *a = record_line("syscall.id", 1, 5), *b = record_line("syscall.errno", 1, 6);
	char *c = record_line("syscall.id", 2, 7);
	char text[64 * 1024], err[256];
	struct window_reader *r;
	struct window *w;

	(void)state;
	snprintf(text, sizeof(text), "%s\n\n%s%s", a, b, c);
	r = window_reader__open(write_file("split.jsonl", text), err, sizeof(err));
	assert_int_equal(window_reader__next(r, &w, err, sizeof(err)), 1);
	assert_int_equal(w->n, 2);
	window__free(w);
	assert_int_equal(window_reader__next(r, &w, err, sizeof(err)), 1);
	assert_int_equal(w->n, 1);
	assert_int_equal(window_hist__count(&w->hists[0], 1), 7);
	window__free(w);
	assert_int_equal(window_reader__next(r, &w, err, sizeof(err)), 0);
	window_reader__close(r);
	free(a), free(b), free(c);
}

struct bad_case {
	const char *text;	/* "%s" is replaced by a valid counts array */
	const char *expect;	/* must appear in the error message */
};

static const char *const good_prefix =
	"{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\","
	"\"feature\":\"syscall.errno\",\"counts\":";

static void read__bad_lines__fail_with_file_line_and_reason(void **state)
{
	static const struct bad_case cases[] = {
		{ "not json", "not a JSON object" },
		{ "[1,2,3]", "not a JSON object" },
		{ "{\"ts\":1,", "not a JSON object" },
		{ "{\"ts\":1} trailing", "trailing data" },
		{ "{\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.errno\",\"counts\":%s}", "\"ts\"" },
		{ "{\"ts\":-5,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.errno\",\"counts\":%s}", "\"ts\"" },
		{ "{\"ts\":9.3e18,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.errno\",\"counts\":%s}", "\"ts\" missing, bad or out of range" },
		{ "{\"ts\":253402300800,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.errno\",\"counts\":%s}", "out of range" },
		{ "{\"ts\":\"x\",\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.errno\",\"counts\":%s}", "\"ts\"" },
		{ "{\"ts\":1,\"interval_s\":0,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.errno\",\"counts\":%s}", "interval_s" },
		{ "{\"ts\":1,\"interval_s\":10,\"cgroup\":\"/\",\"feature\":\"syscall.errno\",\"counts\":%s}", "\"host\"" },
		{ "{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"net.nope\",\"counts\":%s}", "unknown feature" },
		{ "{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.errno\"}", "\"counts\" missing" },
		{ "{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.errno\",\"counts\":[1,2,3]}", "has 3 bins" },
		{ "NEG", "negative" },
		{ "FRAC", "not an integer" },
		{ "NAN", "not an integer" },
		{ "HUGE", "overflows" },
		{ "SUMOVF", "overflows" },
		{ "{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.errno\",\"shape\":[2,68],\"counts\":%s}", "\"shape\" of syscall.errno is not [1,136]" },
		{ "{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.group_errno\",\"counts\":[1]}", "\"shape\" missing; syscall.group_errno is a joint feature, expected [8,7]" },
		{ "{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.group_errno\",\"shape\":[7,8],\"counts\":[1]}", "is not [8,7]" },
		{ "{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.group_errno\",\"shape\":\"8x7\",\"counts\":[1]}", "is not [8,7]" },
		{ "{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.errno\",\"counts\":%s,\"exemplars\":[1]}", "\"exemplars\" is not an object" },
		{ "{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.errno\",\"counts\":%s,\"exemplars\":{\"136\":\"x\"}}", "exemplars key \"136\" is not a bin of syscall.errno" },
		{ "{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.errno\",\"counts\":%s,\"exemplars\":{\"-1\":\"x\"}}", "exemplars key \"-1\"" },
		{ "{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/\",\"feature\":\"syscall.errno\",\"counts\":%s,\"exemplars\":{\"3\":7}}", "exemplars[\"3\"] is not a string" },
		{ "{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/a\",\"workload\":\"\",\"feature\":\"syscall.errno\",\"counts\":%s}", "\"workload\" is not a name" },
		{ "{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/a\",\"workload\":7,\"feature\":\"syscall.errno\",\"counts\":%s}", "\"workload\" is not a name" },
		{ "{\"ts\":1,\"interval_s\":10,\"host\":\"h\",\"cgroup\":\"/a\",\"workload\":\"program:/bin/sh\",\"feature\":\"syscall.errno\",\"counts\":%s}", "a program scope only for a program" },
	};
	char counts[8192], line[16384], err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *t = cases[i].text;
		struct window_reader *r;
		struct window *w;
		size_t n = 0;

		n += snprintf(counts + n, sizeof(counts) - n, "[");
		for (int b = 0; b < DP_SYSCALL_ERRNO_BINS; b++) {
			const char *v = "1";

			if (b == 5 && !strcmp(t, "NEG"))
				v = "-3";
			else if (b == 5 && !strcmp(t, "FRAC"))
				v = "2.5";
			else if (b == 5 && !strcmp(t, "NAN"))
				v = "NaN";
			else if (b == 5 && !strcmp(t, "HUGE"))
				v = "184467440737095516150";
			else if (b < 2 && !strcmp(t, "SUMOVF"))
				v = "18446744073709551000";
			n += snprintf(counts + n, sizeof(counts) - n, "%s%s",
				      b ? "," : "", v);
		}
		snprintf(counts + n, sizeof(counts) - n, "]");
		if (strchr(t, '%'))
			snprintf(line, sizeof(line), t, counts);
		else if (!strcmp(t, "NEG") || !strcmp(t, "FRAC") ||
			 !strcmp(t, "NAN") || !strcmp(t, "HUGE") ||
			 !strcmp(t, "SUMOVF"))
			snprintf(line, sizeof(line), "%s%s}", good_prefix, counts);
		else
			snprintf(line, sizeof(line), "%s", t);
		strcat(line, "\n");
		r = window_reader__open(write_file("bad.jsonl", line), err, sizeof(err));
		assert_non_null(r);
		err[0] = '\0';
		if (window_reader__next(r, &w, err, sizeof(err)) != -EINVAL ||
		    !strstr(err, cases[i].expect) || !strstr(err, "bad.jsonl:1: "))
			fail_msg("case %zu (%s): got '%s', expected '%s'", i,
				 cases[i].text, err, cases[i].expect);
		assert_null(w);
		window_reader__close(r);
	}
}

static void read__duplicate_feature_in_window__is_an_error(void **state)
{
	char *a = record_line("syscall.id", 1, 5), text[32 * 1024], err[256];
	struct window_reader *r;
	struct window *w;

	(void)state;
	snprintf(text, sizeof(text), "%s%s", a, a);
	r = window_reader__open(write_file("dup.jsonl", text), err, sizeof(err));
	assert_int_equal(window_reader__next(r, &w, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "dup.jsonl:2: "));
	assert_non_null(strstr(err, "twice"));
	window_reader__close(r);
	free(a);
}

static void read__line_without_end__bounded_error(void **state)
{
	char path[256], err[256];
	struct window_reader *r;
	struct window *w;
	FILE *f;

	(void)state;
	/* 17 MiB of NULs and no newline: /dev/zero's kind, but it ends. */
	snprintf(path, sizeof(path), "%s/zero.jsonl", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fseek(f, (17 << 20) - 1, SEEK_SET), 0);
	fputc('\0', f);
	fclose(f);
	r = window_reader__open(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(window_reader__next(r, &w, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "zero.jsonl:1: line longer than 16 MiB"));
	window_reader__close(r);
}

static void read__mixed_interval__warns_once_and_reads_all(void **state)
{
	char *a = record_line("syscall.id", 1, 5), *b = record_line("syscall.id", 2, 5);
	char *c = record_line("syscall.id", 3, 5), text[64 * 1024], err[256];
	const char *warning;
	struct window_reader *r;
	struct window *w;
	char *at;
	int n = 0;

	(void)state;
	at = strstr(b, "\"interval_s\":10");	/* window 2 covers 30 s */
	assert_non_null(at);
	memcpy(at, "\"interval_s\":30", 15);
	snprintf(text, sizeof(text), "%s%s%s%s", a, b, c, b);
	r = window_reader__open(write_file("mix.jsonl", text), err, sizeof(err));
	assert_non_null(r);
	assert_null(window_reader__warning(r));
	while (window_reader__next(r, &w, err, sizeof(err)) == 1) {
		n++;
		warning = window_reader__warning(r);
		if (n == 2) {
			assert_non_null(warning);
			assert_non_null(strstr(warning, "mix.jsonl:2: window of "
						       "30 s among windows of 10 s"));
		} else {
			assert_null(warning);	/* once, not again at 4 */
		}
		window__free(w);
	}
	assert_int_equal(n, 4);
	window_reader__close(r);
	free(a);
	free(b);
	free(c);
}

static void append__disk_full__cuts_back_to_whole_lines(void **state)
{
	struct window *w = window__new(1732262400.5, 10, "h");
	uint64_t id[DP_SYSCALL_ID_BINS] = { [3] = 12345 };
	struct rlimit old, small;
	struct stat st, after;
	char path[256];
	int fd, ret;

	(void)state;
	assert_int_equal(window__add(w, DP_F_SYSCALL_ID, "/", id, DP_SYSCALL_ID_BINS), 0);
	snprintf(path, sizeof(path), "%s/full.jsonl", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	assert_true(fd >= 0);
	assert_int_equal(window_io__append(fd, w), 0);
	assert_int_equal(fstat(fd, &st), 0);
	/* Room for half of the next window: the file size limit as a disk. */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = st.st_size + st.st_size / 2;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	ret = window_io__append(fd, w);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(ret, -EFBIG);
	close(fd);
	/* What was there before, not a torn half window after it. */
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(after.st_size, st.st_size);
	window__free(w);
}

static void open__missing_file__names_it(void **state)
{
	char err[256];

	(void)state;
	assert_null(window_reader__open("/nonexistent/x.jsonl", err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.jsonl"));
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(write_read__round_trip_is_exact),
		cmocka_unit_test(write_read__exemplars_round_trip),
		cmocka_unit_test(read__blank_lines_skipped_and_ts_splits_windows),
		cmocka_unit_test(read__bad_lines__fail_with_file_line_and_reason),
		cmocka_unit_test(read__duplicate_feature_in_window__is_an_error),
		cmocka_unit_test(read__line_without_end__bounded_error),
		cmocka_unit_test(read__mixed_interval__warns_once_and_reads_all),
		cmocka_unit_test(append__disk_full__cuts_back_to_whole_lines),
		cmocka_unit_test(open__missing_file__names_it),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
