// SPDX-License-Identifier: MIT
/*
 * Verdict rules: insufficient data, the two tests (score over the level,
 * Bonferroni-corrected significance), the nearest of several modes, consecutive windows, hysteresis, and
 * the reason a person reads. Fixture: 8 bins, a baseline of 10,000 events
 * per bin, windows with `extra` events added to bin 5.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <math.h>
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

/*
 * An entry of one mode, counts, whose score model makes the score of an
 * effect e exactly e / effect_threshold: judged at level 1, it alarms past
 * effect_threshold (median 0, an exponential tail of scale 1 from z = 0,
 * so score = z / ln 10 = e / (scale ln 10)).
 */
static const struct baseline_entry *entry_of(const uint64_t *counts,
					     double effect_threshold)
{
	static struct baseline_entry e;

	e = (struct baseline_entry){
		.nbins = K, .counts = (uint64_t *)counts, .nmodes = 1,
		.modes = { { .windows = 10, .counts = (uint64_t *)counts } },
		.novel_rate = 0.5 / 61,	/* 60 windows, no novel bin */
		.score = { .median = 0, .scale = effect_threshold / M_LN10,
			   .tail = { .u = 0, .rate = 1,
				     .g = { .xi = 0, .sigma = 1 } } },
	};
	return &e;
}

static enum verdict judge(const struct detector_opts *o,
			  struct detector_state *st, const uint64_t *w,
			  double threshold, struct analysis *an)
{
	assert_int_equal(detector__judge(o, st, entry_of(base, threshold), w,
					 1, an), 0);
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
	assert_true(o.budget == 1);
}

static void judge__bad_arguments__einval(void **state)
{
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;

	(void)state;
	detector_opts__defaults(&o);
	struct baseline_entry e = *entry_of(base, 0.1);

	assert_int_equal(detector__judge(&o, &st, &e, base, -0.1, &an),
			 -EINVAL);
	assert_int_equal(detector__judge(&o, &st, &e, base, 1.0 / 0.0, &an),
			 -EINVAL);
	e.nmodes = 0;
	assert_int_equal(detector__judge(&o, &st, &e, base, 1, &an), -EINVAL);
	e.nmodes = BASELINE_MAX_MODES + 1;
	assert_int_equal(detector__judge(&o, &st, &e, base, 1, &an), -EINVAL);
	e.nmodes = 1;
	o.tests = 0;
	assert_int_equal(detector__judge(&o, &st, &e, base, 1, &an), -EINVAL);
	detector_opts__defaults(&o);
	o.consecutive = 0;
	assert_int_equal(detector__judge(&o, &st, &e, base, 1, &an), -EINVAL);
	detector_opts__defaults(&o);
	o.budget = 0;
	assert_int_equal(detector__judge(&o, &st, &e, base, 1, &an), -EINVAL);
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

/*
 * A series that learnt no events (a web server that never ran a program):
 * one new bin in a window of 3 events is too little to say anything, three
 * are judged by novelty alone, below min-count: P(Poisson(0.5 / 61) >= 3)
 * = 9.2e-8, a score of 7.04.
 */
static void judge__empty_baseline__new_bins_judged_by_novelty(void **state)
{
	static const uint64_t empty[K];
	static const uint64_t one[K] = { [3] = 3 };
	static const uint64_t three[K] = { [1] = 1, [3] = 1, [6] = 1 };
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;

	(void)state;
	detector_opts__defaults(&o);
	assert_int_equal(detector__judge(&o, &st, entry_of(empty, 0.01), one,
					 6, &an), 0);
	assert_int_equal(an.verdict, VERDICT_INSUFFICIENT);
	assert_int_equal(an.novel_bins, 1);
	assert_string_equal(reason(&an), "3 events < min-count 50");
	assert_int_equal(detector__judge(&o, &st, entry_of(empty, 0.01), three,
					 6, &an), 0);
	assert_int_equal(an.verdict, VERDICT_ANOMALY);
	assert_int_equal(an.novel_bins, 3);
	assert_true(fabs(an.score - 7.036) < 0.01);
	assert_string_equal(reason(&an), "score 7.04 > threshold 6 (3 bins "
			    "never seen while learning)");
}

/*
 * Windows each only moderately rare (score ~4 at a level of 6) add up:
 * the third passes, by accumulation; a calm window then lets it decay.
 */
static void judge__moderate_drift__accumulates_to_an_alarm(void **state)
{
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;
	double own;

	(void)state;
	detector_opts__defaults(&o);
	/* 10,000 extra of 90,000: effect 0.0331, scored 4.28. */
	const double expect[4] = { 4.28 - 2, 2 * 4.28 - 4, 3 * 4.28 - 6 };
	const struct baseline_entry *e;
	struct divergence d;

	(void)state;
	assert_int_equal(divergence__compute(base, window_of(10000, 10000), K,
					     0.5, &d), 0);
	e = entry_of(base, d.effect / 4.28);
	detector_opts__defaults(&o);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(detector__judge(&o, &st, e,
						 window_of(10000, 10000), 6,
						 &an), 0);
		own = an.window_score;
		assert_true(fabs(own - 4.28) < 0.01);
		assert_true(fabs(st.evidence - expect[i]) < 0.03);
		assert_int_equal(an.verdict, i < 2 ? VERDICT_NORMAL :
						     VERDICT_ANOMALY);
	}
	assert_int_equal(an.reason.rule, SCORE_RULE_ACCUMULATED);
	assert_reason_has(&an, "(accumulated over windows; this one 4.28)");
	/* Calm: 6.84 - 2 = 4.84 holds above the clear level 3, then not. */
	assert_int_equal(detector__judge(&o, &st, e, window_of(10000, 0), 6,
					 &an), 0);
	assert_int_equal(an.verdict, VERDICT_ANOMALY);
	assert_int_equal(an.reason.kind, REASON_HOLDING);
	assert_int_equal(detector__judge(&o, &st, e, window_of(10000, 0), 6,
					 &an), 0);
	assert_int_equal(an.verdict, VERDICT_NORMAL);
	/* A long drift: the evidence stops one decade past the level, and
	 * the alarm lets go within three calm windows. */
	for (int i = 0; i < 40; i++)
		assert_int_equal(detector__judge(&o, &st, e,
						 window_of(10000, 10000), 6,
						 &an), 0);
	assert_true(st.evidence <= 6 + SCORE_EVIDENCE_MARGIN);
	assert_true(an.score < an.critical);
	for (int i = 0; i < 3; i++)
		assert_int_equal(detector__judge(&o, &st, e,
						 window_of(10000, 0), 6, &an),
				 0);
	assert_int_equal(an.verdict, VERDICT_NORMAL);
	assert_false(an.held);
	/* A storm explains itself: no evidence lingers after it. */
	assert_int_equal(detector__judge(&o, &st, e, window_of(10000, 20000),
					 6, &an), 0);
	assert_int_equal(an.reason.rule, SCORE_RULE_EFFECT);
	assert_true(st.evidence == 0);
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
	assert_string_equal(reason(&an), "score 0 <= threshold 1");
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
	assert_reason_has(&an, " > threshold 1 (effect ");
	assert_reason_has(&an, " nats, G=");
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
	const uint64_t *w = window_of(50, 40);	/* effect 0.0169, p 2.8e-3 */

	(void)state;
	detector_opts__defaults(&o);
	o.min_count = 0;
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
	assert_reason_has(&an, "exceeds 1 of 2 windows needed: score");
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
	/* At 10,000 per bin: extra 15000 -> effect ~0.0616, 10000 -> ~0.0331,
	 * 6000 -> ~0.0142; threshold 0.05 (score 1), clear level score 0.5. */
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;

	(void)state;
	detector_opts__defaults(&o);
	assert_int_equal(judge(&o, &st, window_of(10000, 15000), 0.05, &an),
			 VERDICT_ANOMALY);
	assert_int_equal(judge(&o, &st, window_of(10000, 10000), 0.05, &an),
			 VERDICT_ANOMALY);
	assert_false(an.exceeds);
	assert_int_equal(an.reason.kind, REASON_HOLDING);
	assert_true(an.reason.clear == 0.5);
	assert_reason_has(&an, "holding: score 0.662 > clear level 0.5");
	assert_int_equal(judge(&o, &st, window_of(10000, 6000), 0.05, &an),
			 VERDICT_NORMAL);
	assert_false(st.raised);
	assert_reason_has(&an, "cleared: score 0.283 <= clear level 0.5");
	/* Once cleared, the in-between level no longer counts. */
	assert_int_equal(judge(&o, &st, window_of(10000, 10000), 0.05, &an),
			 VERDICT_NORMAL);
	assert_reason_has(&an, "score 0.662 <= threshold 1");
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

/*
 * Two modes, 0 with mass in the low bins and 1 in the high ones: a window
 * like mode 1 is judged against mode 1 (normal, effect ~0), while the
 * pool of both would call it far off; a window like neither is anomalous.
 */
static void judge__two_modes__scored_against_the_nearest(void **state)
{
	static uint64_t low[K] = { 5000, 5000, 5000, 5000, 10, 10, 10, 10 };
	static uint64_t high[K] = { 10, 10, 10, 10, 5000, 5000, 5000, 5000 };
	static uint64_t pool[K];
	static const uint64_t like_high[K] = { 1, 1, 1, 1, 500, 500, 500, 500 };
	static const uint64_t neither[K] = { 500, 1, 1, 1, 1, 1, 1, 500 };
	struct baseline_entry e;
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;

	(void)state;
	for (int i = 0; i < K; i++)
		pool[i] = low[i] + high[i];
	e = *entry_of(pool, 0.02);
	e.nmodes = 2;
	e.modes[0] = (struct baseline_mode){ .windows = 5, .counts = low };
	e.modes[1] = (struct baseline_mode){ .windows = 5, .counts = high };
	detector_opts__defaults(&o);
	assert_int_equal(detector__judge(&o, &st, &e, like_high, 1, &an), 0);
	assert_int_equal(an.verdict, VERDICT_NORMAL);
	assert_int_equal(an.mode, 1);
	assert_true(an.d.effect < 0.002);
	assert_true(an.d.n_baseline == 20040);
	assert_int_equal(detector__judge(&o, &st, &e, neither, 1, &an), 0);
	assert_int_equal(an.verdict, VERDICT_ANOMALY);
	assert_true(an.score > 10);
	/* The pool alone: like_high is far from it. */
	e.nmodes = 1;
	e.modes[0].counts = pool;
	st = (struct detector_state){ 0 };
	assert_int_equal(detector__judge(&o, &st, &e, like_high, 1, &an), 0);
	assert_int_equal(an.verdict, VERDICT_ANOMALY);
}

/* critical is SCORE_CRITICAL_DECADES past the warning level. */
static void judge__critical_level__above_threshold(void **state)
{
	struct detector_opts o;
	struct detector_state st = { 0 };
	struct analysis an;

	(void)state;
	detector_opts__defaults(&o);
	judge(&o, &st, window_of(100, 0), 0.02, &an);
	assert_true(an.threshold == 1);
	assert_true(an.critical == 1 + SCORE_CRITICAL_DECADES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verdict_name__each_verdict__has_its_word),
		cmocka_unit_test(opts_defaults__are_documented_values),
		cmocka_unit_test(judge__bad_arguments__einval),
		cmocka_unit_test(
		    judge__window_below_min_count__insufficient_state_untouched),
		cmocka_unit_test(judge__empty_baseline__new_bins_judged_by_novelty),
		cmocka_unit_test(judge__moderate_drift__accumulates_to_an_alarm),
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
		cmocka_unit_test(judge__two_modes__scored_against_the_nearest),
		cmocka_unit_test(judge__critical_level__above_threshold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
