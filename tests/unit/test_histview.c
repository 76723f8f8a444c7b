// SPDX-License-Identifier: MIT
/*
 * histview.c: which bins a terminal histogram shows (shape for log-linear,
 * non-empty bins otherwise), bar lengths, the side-by-side ordering by
 * contribution, --top, and the direction marks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "histview.h"

#define W 10

static char *capture_single(enum dp_feature_id f, const uint64_t *c, size_t k)
{
	char *text = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&text, &len);

	assert_non_null(o);
	histview__single(o, f, c, k, W);
	assert_int_equal(fclose(o), 0);
	return text;
}

static char *capture_compare(enum dp_feature_id f, const uint64_t *b,
			     const uint64_t *w, size_t k, size_t top)
{
	char *text = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&text, &len);

	assert_non_null(o);
	assert_int_equal(histview__compare(o, f, b, w, k, top, W), 0);
	assert_int_equal(fclose(o), 0);
	return text;
}

static int count_lines(const char *t)
{
	int n = 0;

	for (; *t; t++)
		n += *t == '\n';
	return n;
}

/* The n-th line (0-based) without its newline, in a static buffer. */
static const char *line(const char *t, int n)
{
	static char buf[512];
	const char *end;

	while (n-- > 0) {
		t = strchr(t, '\n');
		assert_non_null(t);
		t++;
	}
	end = strchr(t, '\n');
	assert_non_null(end);
	snprintf(buf, sizeof(buf), "%.*s", (int)(end - t), t);
	return buf;
}

static void single__loglin_shows_the_shape_with_empty_bins(void **state)
{
	uint64_t c[DP_SYSCALL_LATENCY_BINS] = {};
	char *t;

	(void)state;
	c[20] = 40;	/* [64,80) */
	c[23] = 10;	/* [112,128) */
	t = capture_single(DP_F_SYSCALL_LATENCY, c, DP_SYSCALL_LATENCY_BINS);
	assert_int_equal(count_lines(t), 4);
	assert_string_equal(line(t, 0), "[64,80)                      40  80.00% |@@@@@@@@@@|");
	assert_string_equal(line(t, 1), "[80,96)                       0   0.00% |          |");
	assert_string_equal(line(t, 2), "[96,112)                      0   0.00% |          |");
	assert_string_equal(line(t, 3), "[112,128)                    10  20.00% |@@@       |");
	free(t);
}

static void single__categorical_shows_non_empty_bins_only(void **state)
{
	uint64_t c[DP_SYSCALL_ID_BINS] = {};
	char *t;

	(void)state;
	c[0] = 1;	/* read: a tiny share still gets one '@' */
	c[110] = 999;	/* getppid */
	t = capture_single(DP_F_SYSCALL_ID, c, DP_SYSCALL_ID_BINS);
	assert_int_equal(count_lines(t), 2);
	assert_string_equal(line(t, 0), "read                          1   0.10% |@         |");
	assert_string_equal(line(t, 1), "getppid                     999  99.90% |@@@@@@@@@@|");
	free(t);
}

static void single__no_events(void **state)
{
	uint64_t c[DP_SYSCALL_ERRNO_BINS] = {};
	char *t;

	(void)state;
	t = capture_single(DP_F_SYSCALL_ERRNO, c, DP_SYSCALL_ERRNO_BINS);
	assert_string_equal(t, "  (no events)\n");
	free(t);
}

static void compare__sorted_by_contribution_with_direction(void **state)
{
	uint64_t b[DP_SYSCALL_ID_BINS] = {}, w[DP_SYSCALL_ID_BINS] = {};
	char *t;

	(void)state;
	b[110] = 900, w[110] = 500;	/* getppid: down */
	b[0] = 100, w[0] = 100;		/* read: the same 10% share */
	w[257] = 400;			/* openat: new, the biggest mover */
	t = capture_compare(DP_F_SYSCALL_ID, b, w, DP_SYSCALL_ID_BINS, 0);
	assert_int_equal(count_lines(t), 4);	/* header + 3 bins */
	assert_non_null(strstr(line(t, 0), "baseline"));
	assert_int_equal(strncmp(line(t, 1), "openat ", 7), 0);
	assert_int_equal(strncmp(line(t, 2), "getppid ", 8), 0);
	assert_int_equal(strncmp(line(t, 3), "read ", 5), 0);
	assert_non_null(strstr(line(t, 1), "   0.00% |          |   40.00% |"));
	assert_true(line(t, 1)[strlen(line(t, 1)) - 1] == '+');
	assert_true(line(t, 2)[strlen(line(t, 2)) - 1] == '-');
	assert_true(line(t, 3)[strlen(line(t, 3)) - 1] == ' ');
	/* Both sides scaled to the largest share: 50/90 of 10 is 6. */
	assert_non_null(strstr(line(t, 2), "  90.00% |@@@@@@@@@@|   50.00% |@@@@@@    |"));
	free(t);

	t = capture_compare(DP_F_SYSCALL_ID, b, w, DP_SYSCALL_ID_BINS, 1);
	assert_int_equal(count_lines(t), 2);
	assert_int_equal(strncmp(line(t, 1), "openat ", 7), 0);
	free(t);
}

static void compare__loglin_keeps_bin_order(void **state)
{
	uint64_t b[DP_SYSCALL_LATENCY_BINS] = {}, w[DP_SYSCALL_LATENCY_BINS] = {};
	char *t;

	(void)state;
	b[20] = 100, b[21] = 100;
	w[21] = 100, w[23] = 100;
	t = capture_compare(DP_F_SYSCALL_LATENCY, b, w,
			    DP_SYSCALL_LATENCY_BINS, 0);
	assert_int_equal(count_lines(t), 5);	/* header + [20..23] */
	assert_int_equal(strncmp(line(t, 1), "[64,80) ", 8), 0);
	assert_int_equal(strncmp(line(t, 2), "[80,96) ", 8), 0);
	assert_int_equal(strncmp(line(t, 3), "[96,112) ", 9), 0);
	assert_int_equal(strncmp(line(t, 4), "[112,128) ", 10), 0);
	assert_true(line(t, 2)[strlen(line(t, 2)) - 1] == ' ');	/* 50% both */
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(single__loglin_shows_the_shape_with_empty_bins),
		cmocka_unit_test(single__categorical_shows_non_empty_bins_only),
		cmocka_unit_test(single__no_events),
		cmocka_unit_test(compare__sorted_by_contribution_with_direction),
		cmocka_unit_test(compare__loglin_keeps_bin_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
