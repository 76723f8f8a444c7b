// SPDX-License-Identifier: MIT
/*
 * liveview.c: the rows it draws (effect against threshold, bar, verdict),
 * lines cut to the terminal width, erasing exactly what was drawn, and
 * reporting an anomaly as new only when it is raised.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "detector.h"
#include "liveview.h"
#include "window.h"

static struct analysis analysis(double score, double threshold,
				enum verdict v)
{
	struct analysis an;

	memset(&an, 0, sizeof(an));
	an.score = score;
	an.d.n_window = 1234;
	an.threshold = threshold;
	an.verdict = v;
	return an;
}

static void draws_rows_and_erases_exactly_them(void **state)
{
	struct window w = { .ts = 0, .interval_s = 10 };
	struct analysis a = analysis(0.05, 0.1, VERDICT_NORMAL);
	struct analysis b = analysis(0.3, 0.1, VERDICT_ANOMALY);
	char *text = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&text, &len);
	struct liveview *v = liveview__new(o, 120);

	(void)state;
	assert_non_null(v);
	assert_int_equal(liveview__update(v, DP_F_SYSCALL_ID, "/", &a), 0);
	assert_int_equal(liveview__update(v, DP_F_SYSCALL_LATENCY, "/", &b), 1);
	liveview__draw(v, &w);
	liveview__erase(v);
	liveview__erase(v);		/* nothing drawn: nothing to erase */
	fclose(o);
	assert_string_equal(text,
		"\n"
		"driftprobe 1970-01-01T00:00:00Z, 10s windows: score/threshold\n"
		"syscall.id          0.05/0.1      [####            ]   50% normal  n=1234\n"
		"syscall.latency      0.3/0.1      [########!!!!!!!!]  300% ANOMALY n=1234\n"
		"\033[4A\r\033[J");
	free(text);
	liveview__free(v);
}

static void anomaly_is_new_only_when_raised(void **state)
{
	struct analysis normal = analysis(0.01, 0.1, VERDICT_NORMAL);
	struct analysis anomaly = analysis(0.5, 0.1, VERDICT_ANOMALY);
	struct liveview *v = liveview__new(stdout, 80);

	(void)state;
	assert_int_equal(liveview__update(v, DP_F_SYSCALL_ID, "/", &normal), 0);
	assert_int_equal(liveview__update(v, DP_F_SYSCALL_ID, "/", &anomaly), 1);
	assert_int_equal(liveview__update(v, DP_F_SYSCALL_ID, "/", &anomaly), 0);
	assert_int_equal(liveview__update(v, DP_F_SYSCALL_ID, "/", &normal), 0);
	assert_int_equal(liveview__update(v, DP_F_SYSCALL_ID, "/", &anomaly), 1);
	/* Another cgroup is another row with its own history. */
	assert_int_equal(liveview__update(v, DP_F_SYSCALL_ID, "/a", &anomaly), 1);
	liveview__free(v);
}

static void lines_are_cut_and_undefined_is_na(void **state)
{
	struct window w = { .ts = 0, .interval_s = 1 };
	struct analysis u = analysis(0, 0.1, VERDICT_INSUFFICIENT);
	char *text = NULL, *row;
	size_t len = 0;
	FILE *o = open_memstream(&text, &len);
	struct liveview *v = liveview__new(o, 30);

	(void)state;
	u.d.undefined = DIV_UNDEF_G;
	assert_int_equal(liveview__update(v, DP_F_SYSCALL_ERRNO, "/x", &u), 0);
	liveview__draw(v, &w);
	fclose(o);
	row = strstr(text, "syscall.errno@/x");
	assert_non_null(row);
	assert_int_equal(strcspn(row, "\n"), 29);
	assert_int_equal(strncmp(row, "syscall.errno@/x      n/a/0.1 ", 29), 0);
	free(text);
	liveview__free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(draws_rows_and_erases_exactly_them),
		cmocka_unit_test(anomaly_is_new_only_when_raised),
		cmocka_unit_test(lines_are_cut_and_undefined_is_na),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
