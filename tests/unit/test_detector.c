// SPDX-License-Identifier: MIT
/*
 * Verdict rules: insufficient data, the two tests (effect over threshold,
 * Bonferroni-corrected significance), consecutive windows, hysteresis, and
 * the reason a person reads. Fixture: 8 bins, a baseline of 10,000 events
 * per bin, windows with `extra` events added to bin 5.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>
#include "detector.h"
#include "reason.h"

#define K		8
#define MOVED_BIN	5

static const uint64_t base[K] = {
	10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000,
};

/* per events in every bin, plus extra in MOVED_BIN. */
static const uint64_t *window_of(uint64_t per, uint64_t extra)
{
	static uint64_t w[K];

	for (int i = 0; i < K; i++)
		w[i] = per;
	w[MOVED_BIN] += extra;
	return w;
}

static enum verdict judge(const struct detector_opts *o,
			  struct detector_state *st, const uint64_t *w,
			  double threshold, struct analysis *an)
{
	assert_int_equal(detector__judge(o, st, base, w, K, threshold, an), 0);
	return an->verdict;
}

/* an's reason in words (reason.c), as the outputs print it. */
static const char *reason(const struct analysis *an)
{
	static char buf[REASON_LEN];

	return reason__format(an, buf, sizeof(buf));
}

static void assert_reason_has(const struct analysis *an, const char *what)
{
	if (!strstr(reason(an), what))
		fail_msg("reason \"%s\" lacks \"%s\"", reason(an), what);
}

static void verdict_name__each_verdict__has_its_word(void **state)
{
	(void)state;
	assert_string_equal(verdict__name(VERDICT_INSUFFICIENT),
			    "insufficient");
	assert_string_equal(verdict__name(VERDICT_NORMAL), "normal");
	assert_string_equal(verdict__name(VERDICT_ANOMALY), "anomaly");
}

static void opts_defaults__are_documented_values(void **state)
{
	struct detector_opts o;

	(void)state;
	detector_opts__defaults(&o);
	assert_true(o.alpha == 0.5);
	assert_int_equal(o.min_count, 50);
	assert_true(o.family_p == 0.001);
	assert_int_equal(o.tests, 1);
	assert_int_equal(o.consecutive, 1);
	assert_true(o.clear_fraction == 0.5);
}

static void judge__bad_arguments__einval(void **state)
{
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;

	(void)state;
	detector_opts__defaults(&o);
	assert_int_equal(detector__judge(&o, &st, base, base, 0, 0.1, &an),
			 -EINVAL);
	assert_int_equal(detector__judge(&o, &st, base, base, K, -0.1, &an),
			 -EINVAL);
	assert_int_equal(detector__judge(&o, &st, base, base, K, 1.0 / 0.0,
					 &an), -EINVAL);
	o.tests = 0;
	assert_int_equal(detector__judge(&o, &st, base, base, K, 0.1, &an),
			 -EINVAL);
	detector_opts__defaults(&o);
	o.consecutive = 0;
	assert_int_equal(detector__judge(&o, &st, base, base, K, 0.1, &an),
			 -EINVAL);
}

static void judge__window_below_min_count__insufficient_state_untouched(
	void **state)
{
	struct detector_opts o;
	struct detector_state st = { .run = 1, .raised = true };
	uint64_t w[K] = { [MOVED_BIN] = 12 };
	struct analysis an;

	(void)state;
	detector_opts__defaults(&o);
	assert_int_equal(judge(&o, &st, w, 0.01, &an), VERDICT_INSUFFICIENT);
	assert_string_equal(reason(&an), "12 events < min-count 50");
	assert_int_equal(st.run, 1);
	assert_true(st.raised);
	assert_false(an.exceeds);
}

static void judge__empty_baseline__insufficient(void **state)
{
	static const uint64_t empty[K];
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;

	(void)state;
	detector_opts__defaults(&o);
	assert_int_equal(detector__judge(&o, &st, empty, window_of(100, 0), K,
					 0.01, &an), 0);
	assert_int_equal(an.verdict, VERDICT_INSUFFICIENT);
	assert_string_equal(reason(&an),
			    "baseline has no events for this feature");
}

static void judge__same_shape__normal_effect_below_threshold(void **state)
{
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;

	(void)state;
	detector_opts__defaults(&o);
	assert_int_equal(judge(&o, &st, window_of(100, 0), 0.031, &an),
			 VERDICT_NORMAL);
	assert_false(an.exceeds);
	assert_true(an.d.effect == 0);
	assert_string_equal(reason(&an), "effect 0 <= threshold 0.031");
}

static void judge__moved_mass__anomaly_with_both_tests_in_reason(void **state)
{
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;

	(void)state;
	detector_opts__defaults(&o);
	o.tests = 3;
	assert_int_equal(judge(&o, &st, window_of(100, 400), 0.02, &an),
			 VERDICT_ANOMALY);
	assert_true(an.exceeds);
	assert_true(st.raised);
	assert_true(an.d.effect > 0.02);
	assert_reason_has(&an, "nats > threshold 0.02 (");
	assert_reason_has(&an, "x), G=");
	assert_reason_has(&an, " df=7 p=");
	assert_reason_has(&an, "< 3.3e-04");
}

static void judge__moved_mass__top_bin_is_the_moved_bin(void **state)
{
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;

	(void)state;
	detector_opts__defaults(&o);
	judge(&o, &st, window_of(100, 400), 0.02, &an);
	assert_true(an.ntop >= 1 && an.ntop <= ANALYSIS_TOP);
	assert_int_equal(an.top[0].bin, MOVED_BIN);
	assert_true(an.top[0].window_p > an.top[0].baseline_p);
	assert_true(an.top[0].contribution > 0.5);
	for (size_t i = 1; i < an.ntop; i++)
		assert_true(an.top[i].contribution <=
			    an.top[i - 1].contribution);
}

static void judge__large_effect_small_window__not_significant(void **state)
{
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;

	(void)state;
	detector_opts__defaults(&o);
	o.min_count = 0;
	/* 8 bins of 10 and 14 extra: effect > 0.001 but p ~ 0.08. */
	assert_int_equal(judge(&o, &st, window_of(10, 14), 0.001, &an),
			 VERDICT_NORMAL);
	assert_true(an.d.effect > 0.001);
	assert_false(an.exceeds);
	assert_int_equal(st.run, 0);
	assert_reason_has(&an, "not significant: p=");
	assert_reason_has(&an, ">= 1.0e-03");
}

static void judge__bonferroni__p_limit_is_family_p_over_tests(void **state)
{
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;
	const uint64_t *w = window_of(10000, 750);	/* p ~ 1.3e-3 */

	(void)state;
	detector_opts__defaults(&o);
	o.family_p = 0.01;
	o.tests = 1;
	assert_int_equal(judge(&o, &st, w, 0.0001, &an), VERDICT_ANOMALY);
	assert_true(an.p_limit == 0.01);
	assert_in_range(an.d.p_value * 1e6, 1e-3 * 1e6, 1e-2 * 1e6);

	st = (struct detector_state){ 0 };
	o.tests = 10;
	assert_int_equal(judge(&o, &st, w, 0.0001, &an), VERDICT_NORMAL);
	assert_true(an.p_limit == 0.001);
	assert_reason_has(&an, "not significant");
}

static void judge__consecutive_two__second_exceeding_window_raises(
	void **state)
{
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;

	(void)state;
	detector_opts__defaults(&o);
	o.consecutive = 2;
	assert_int_equal(judge(&o, &st, window_of(100, 400), 0.02, &an),
			 VERDICT_NORMAL);
	assert_true(an.exceeds);
	assert_int_equal(an.reason.kind, REASON_PENDING);
	assert_int_equal(an.reason.run, 1);
	assert_int_equal(an.reason.consecutive, 2);
	assert_reason_has(&an, "exceeds 1 of 2 windows needed: effect");
	/* A calm window in between starts the count again. */
	assert_int_equal(judge(&o, &st, window_of(100, 0), 0.02, &an),
			 VERDICT_NORMAL);
	assert_int_equal(st.run, 0);
	assert_int_equal(judge(&o, &st, window_of(100, 400), 0.02, &an),
			 VERDICT_NORMAL);
	assert_int_equal(judge(&o, &st, window_of(100, 400), 0.02, &an),
			 VERDICT_ANOMALY);
	assert_true(st.raised);
}

static void judge__hysteresis__holds_above_clear_level_then_clears(
	void **state)
{
	/* At 10,000 per bin: extra 4000 -> effect ~0.0069, 3000 -> ~0.0041,
	 * 1750 -> ~0.0014; threshold 0.005, clear level 0.0025. */
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;

	(void)state;
	detector_opts__defaults(&o);
	assert_int_equal(judge(&o, &st, window_of(10000, 4000), 0.005, &an),
			 VERDICT_ANOMALY);
	assert_int_equal(judge(&o, &st, window_of(10000, 3000), 0.005, &an),
			 VERDICT_ANOMALY);
	assert_false(an.exceeds);
	assert_int_equal(an.reason.kind, REASON_HOLDING);
	assert_true(an.reason.clear == 0.0025);
	assert_reason_has(&an, "holding: effect 0.00405 > clear level 0.0025");
	assert_int_equal(judge(&o, &st, window_of(10000, 1750), 0.005, &an),
			 VERDICT_NORMAL);
	assert_false(st.raised);
	assert_reason_has(&an, "cleared: effect 0.00142 <= clear level 0.0025");
	/* Once cleared, the in-between level no longer counts. */
	assert_int_equal(judge(&o, &st, window_of(10000, 3000), 0.005, &an),
			 VERDICT_NORMAL);
	assert_reason_has(&an, "effect 0.00405 <= threshold 0.005");
}

static void judge__hysteresis__raised_clears_when_not_significant(
	void **state)
{
	struct detector_opts o;
	struct detector_state st = { .raised = true };
	struct analysis an;

	(void)state;
	detector_opts__defaults(&o);
	o.min_count = 0;
	assert_int_equal(judge(&o, &st, window_of(10, 14), 0.001, &an),
			 VERDICT_NORMAL);
	assert_false(st.raised);
	assert_reason_has(&an, "cleared: not significant: p=");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verdict_name__each_verdict__has_its_word),
		cmocka_unit_test(opts_defaults__are_documented_values),
		cmocka_unit_test(judge__bad_arguments__einval),
		cmocka_unit_test(
		    judge__window_below_min_count__insufficient_state_untouched),
		cmocka_unit_test(judge__empty_baseline__insufficient),
		cmocka_unit_test(judge__same_shape__normal_effect_below_threshold),
		cmocka_unit_test(
		    judge__moved_mass__anomaly_with_both_tests_in_reason),
		cmocka_unit_test(judge__moved_mass__top_bin_is_the_moved_bin),
		cmocka_unit_test(
		    judge__large_effect_small_window__not_significant),
		cmocka_unit_test(
		    judge__bonferroni__p_limit_is_family_p_over_tests),
		cmocka_unit_test(
		    judge__consecutive_two__second_exceeding_window_raises),
		cmocka_unit_test(
		    judge__hysteresis__holds_above_clear_level_then_clears),
		cmocka_unit_test(
		    judge__hysteresis__raised_clears_when_not_significant),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
