// SPDX-License-Identifier: MIT
/*
 * report.c through its sink, into a memory stream: the JSON analysis line
 * (field order, df before p_value, the reason in words, the "undefined"
 * list by bit), the once-only new-series line, text mode's anomaly line and
 * summary table, and live mode's status line per window.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>
#include "detector.h"
#include "report.h"
#include "window.h"

#define K DP_SYSCALL_ERRNO_BINS

struct out {
	char *text;
	size_t len;
	FILE *f;
	struct report *r;
	struct analysis_sink sink;
};

static void open_report(struct out *o, enum report_mode mode)
{
	o->text = NULL;
	o->len = 0;
	o->f = open_memstream(&o->text, &o->len);
	assert_non_null(o->f);
	o->r = report__new(o->f, mode, 0);
	assert_non_null(o->r);
	o->sink = report__sink(o->r);
}

/* Everything written, as a string (free it). */
static char *close_report(struct out *o)
{
	report__free(o->r);
	assert_int_equal(fclose(o->f), 0);
	return o->text;
}

static void assert_prefix(const char *text, const char *prefix)
{
	if (strncmp(text, prefix, strlen(prefix)))
		fail_msg("\"%s\" does not start with \"%s\"", text, prefix);
}

/*
 * Judge window against baseline (alpha as given) into an: one mode, a
 * score of effect / 0.05, level 1 (so it alarms past an effect of 0.05).
 */
static void judge(const uint64_t *b, const uint64_t *w, double alpha,
		  struct analysis *an)
{
	struct baseline_entry e = {
		.nbins = K, .counts = (uint64_t *)b, .nmodes = 1,
		.modes = { { .windows = 10, .counts = (uint64_t *)b } },
		.score = { .scale = 0.05 / M_LN10,
			   .tail = { .rate = 1, .g = { .sigma = 1 } } },
	};
	struct detector_opts o;
	struct detector_state st = { 0 };

	detector_opts__defaults(&o);
	o.alpha = alpha;
	assert_int_equal(detector__judge(&o, &st, &e, w, 1, an), 0);
}

static void report_json__analysis_line__fields_in_order(void **state)
{
	uint64_t b[K] = { [0] = 900, [2] = 100 }, c[K] = { [0] = 90, [2] = 10 };
	struct window *w = window__new(1700000000, 10, "h1");
	struct analysis an;
	struct out o;
	char *text;

	(void)state;
	assert_int_equal(window__add(w, DP_F_SYSCALL_ERRNO, "/", c, K), 0);
	judge(b, c, 0.5, &an);
	open_report(&o, REPORT_JSON);
	assert_int_equal(o.sink.analysis(o.sink.ctx, w, DP_F_SYSCALL_ERRNO,
					 "/", &w->hists[0], &an, NULL), 0);
	assert_int_equal(o.sink.window_done(o.sink.ctx, w), 0);
	text = close_report(&o);
	assert_prefix(text, "{\"type\":\"analysis\",\"ts\":1700000000.000,\"host\":\"h1\","
		      "\"feature\":\"syscall.errno\",\"cgroup\":\"/\","
		      "\"n\":100,\"kl_wb\":");
	assert_non_null(strstr(text, ",\"g\":"));
	assert_true(strstr(text, ",\"g\":") < strstr(text, ",\"df\":1,"));
	assert_true(strstr(text, ",\"df\":1,") < strstr(text, "\"p_value\":"));
	assert_non_null(strstr(text, "\"verdict\":\"normal\",\"reason\":"
			       "\"score 0 <= threshold 1\",\"top\":["));
	/* The score and both levels it is compared with, before the verdict. */
	assert_non_null(strstr(text, ",\"score\":0.0,\"threshold\":1.0,"
			       "\"critical\":3.0,\"verdict\":"));
	assert_null(strstr(text, "\"undefined\""));
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_non_null(strchr(text, '\n'));
	assert_true(strchr(text, '\n') == text + strlen(text) - 1);
	free(text);
	window__free(w);
}

static void report_json__nothing_defined__undefined_listed_by_bit(void **state)
{
	uint64_t b[K] = { [0] = 900, [2] = 100 }, none[K] = { 0 };
	struct window *w = window__new(5, 10, "h");
	struct analysis an;
	struct out o;
	char *text;

	(void)state;
	judge(b, none, 0.0, &an);
	open_report(&o, REPORT_JSON);
	assert_int_equal(o.sink.analysis(o.sink.ctx, w, DP_F_SYSCALL_ERRNO,
					 "/", NULL, &an, NULL), 0);
	text = close_report(&o);
	assert_non_null(strstr(text, "\"kl_wb\":null,\"kl_bw\":null,\"js\":"
			       "null,\"psi\":null,\"hellinger\":null,"
			       "\"effect\":null,\"g\":null,\"df\":"));
	assert_non_null(strstr(text, ",\"undefined\":[\"kl_wb\",\"kl_bw\","
			       "\"psi\",\"js\",\"hellinger\",\"g\","
			       "\"p_value\"]}\n"));
	assert_non_null(strstr(text, "\"reason\":\"0 events < min-count 50\""));
	free(text);
	window__free(w);
}

static void report_json__new_series__one_line(void **state)
{
	struct window *w = window__new(7.5, 10, "h");
	struct out o;
	char *text;

	(void)state;
	open_report(&o, REPORT_JSON);
	assert_int_equal(o.sink.new_series(o.sink.ctx, w, DP_F_SYSCALL_ERRNO,
					   "/x", 60, false), 0);
	assert_int_equal(o.sink.new_series(o.sink.ctx, w, DP_F_SYSCALL_ID,
					   "/", 70, true), 0);
	text = close_report(&o);
	assert_string_equal(text,
		"{\"type\":\"analysis\",\"ts\":7.500,\"host\":\"h\",\"feature\":\"syscall.errno\","
		"\"cgroup\":\"/x\",\"n\":60,\"verdict\":\"new\",\"reason\":"
		"\"cgroup not in the baseline: reported once, not judged\"}\n"
		"{\"type\":\"analysis\",\"ts\":7.500,\"host\":\"h\",\"feature\":\"syscall.id\","
		"\"cgroup\":\"/\",\"n\":70,\"verdict\":\"new\",\"reason\":"
		"\"no events of this feature in the cgroup's baseline: "
		"reported once, not judged\"}\n");
	free(text);
	window__free(w);
}

/* A program's scope is said as a program's, in JSON and in text. */
static void report__new_program__said_as_a_program(void **state)
{
	struct window *w = window__new(7.5, 10, "h");
	struct out o;
	char *text;

	(void)state;
	open_report(&o, REPORT_JSON);
	assert_int_equal(o.sink.new_series(o.sink.ctx, w, DP_F_SYSCALL_ID,
					   "program:/usr/bin/nc", 60, false), 0);
	assert_int_equal(o.sink.new_series(o.sink.ctx, w, DP_F_SYSCALL_ERRNO,
					   "program:/bin/sh[x]", 70, true), 0);
	text = close_report(&o);
	assert_non_null(strstr(text, "\"cgroup\":\"program:/usr/bin/nc\",\"n\":60,"
			       "\"verdict\":\"new\",\"reason\":\"program not in "
			       "the baseline: reported once, not judged\"}\n"));
	assert_non_null(strstr(text, "\"no events of this feature in the "
			       "program's baseline: reported once"));
	free(text);
	open_report(&o, REPORT_TEXT);
	assert_int_equal(o.sink.new_series(o.sink.ctx, w, DP_F_SYSCALL_ID,
					   "program:/usr/bin/nc", 60, false), 0);
	assert_int_equal(o.sink.new_series(o.sink.ctx, w, DP_F_SYSCALL_ID,
					   "/a.slice", 60, false), 0);
	text = close_report(&o);
	assert_non_null(strstr(text, " NEW program:/usr/bin/nc: 60 syscall.id "
			       "events; not in the baseline"));
	assert_non_null(strstr(text, " NEW cgroup /a.slice: 60 syscall.id "));
	free(text);
	window__free(w);
}

static void report_text__anomaly_line_only__then_summary(void **state)
{
	uint64_t b[K] = { [0] = 900, [2] = 100 };
	uint64_t same[K] = { [0] = 90, [2] = 10 }, moved[K] = { [0] = 10,
							       [2] = 90 };
	struct window *w = window__new(0, 10, "h");
	struct analysis normal, anomaly;
	struct out o;
	char *text;

	(void)state;
	judge(b, same, 0.5, &normal);
	judge(b, moved, 0.5, &anomaly);
	assert_int_equal(anomaly.verdict, VERDICT_ANOMALY);
	open_report(&o, REPORT_TEXT);
	o.sink.analysis(o.sink.ctx, w, DP_F_SYSCALL_ERRNO, "/", NULL, &normal,
			NULL);
	o.sink.analysis(o.sink.ctx, w, DP_F_SYSCALL_ERRNO, "/", NULL, &anomaly,
			NULL);
	report__summary(o.r);
	text = close_report(&o);
	assert_prefix(text, "1970-01-01T00:00:00Z ANOMALY syscall.errno "
		      "cgroup=/ n=100: score ");
	assert_null(strstr(strchr(text, '\n') + 1, "ANOMALY"));
	assert_non_null(strstr(text, "\nfeature "));
	assert_non_null(strstr(text, "\nsyscall.errno        /                   "
			       "2         1            0"));
	free(text);
	window__free(w);
}

static void report_live__status_line_per_window(void **state)
{
	uint64_t b[K] = { [0] = 900, [2] = 100 }, c[K] = { [0] = 90, [2] = 10 };
	struct window *w = window__new(60, 10, "h");
	struct analysis an;
	struct out o;
	char *text;

	(void)state;
	judge(b, c, 0.5, &an);
	open_report(&o, REPORT_TEXT_LIVE);
	o.sink.analysis(o.sink.ctx, w, DP_F_SYSCALL_ERRNO, "/", NULL, &an,
			NULL);
	o.sink.window_done(o.sink.ctx, w);
	text = close_report(&o);
	assert_string_equal(text, "1970-01-01T00:01:00Z window 10s: 0 "
			    "syscalls, 1 features checked, 0 anomalies\n");
	free(text);
	window__free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report_json__analysis_line__fields_in_order),
		cmocka_unit_test(report_json__nothing_defined__undefined_listed_by_bit),
		cmocka_unit_test(report_json__new_series__one_line),
		cmocka_unit_test(report__new_program__said_as_a_program),
		cmocka_unit_test(report_text__anomaly_line_only__then_summary),
		cmocka_unit_test(report_live__status_line_per_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
