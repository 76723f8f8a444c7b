// SPDX-License-Identifier: MIT
/*
 * The score model (score.c) and the nearest mode or mixture (nearest.c):
 * known cases, and numpy / scipy references from tests/ref/gen_score.py
 * (path in argv[1]): the median and MAD scale of held-out effects, the
 * Poisson tail of novel bins, the budget's levels.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "nearest.h"
#include "score.h"

static const char *ref_path;

static void fit__too_few__prior(void **state)
{
	struct score_model m;
	double e[1] = { 0.3 }, scratch[2];

	(void)state;
	assert_int_equal(score__fit(&m, e, 1, scratch), 0);
	assert_true(m.median == 0 && m.scale == SCORE_SCALE_MIN);
	assert_true(m.tail.rate == 1 && m.tail.g.sigma == 1);
	/* effect 0.02 = z 20: P = exp(-20), a surprise of 8.69; an effect
	 * of at most SCORE_EFFECT_MIN never scores. */
	assert_true(fabs(score__surprise(&m, 0.02) - 20 / M_LN10) < 1e-12);
	assert_true(score__surprise(&m, SCORE_EFFECT_MIN) == 0);
	assert_true(score__effect_at(&m, 1) == SCORE_EFFECT_MIN);
}

static void fit__non_finite__einval(void **state)
{
	struct score_model m;
	double e[3] = { 0.1, NAN, 0.2 }, scratch[6];

	(void)state;
	assert_int_equal(score__fit(&m, e, 3, scratch), -EINVAL);
}

/*
 * All held-out effects 0 (a steady feature): the tail still has a rate of
 * at least 1 / (n + 1) and a scale of SCORE_SIGMA_MIN, so a window just
 * above 0 is not infinitely surprising.
 */
static void fit__ties__floors_keep_scores_finite(void **state)
{
	double e[40] = { 0 }, scratch[80];
	struct score_model m;

	(void)state;
	assert_int_equal(score__fit(&m, e, 40, scratch), 0);
	assert_true(m.tail.rate >= 1.0 / 41);
	assert_true(m.tail.g.sigma >= SCORE_SIGMA_MIN);
	assert_true(score__surprise(&m, 0.0001) < 2);
	assert_true(score__surprise(&m, 0.05) > 10);
	assert_true(score__surprise(&m, 0.05) < SCORE_MAX);
}

/* Surprise grows with the effect; effect_at inverts it. */
static void surprise__monotone_and_inverted_by_effect_at(void **state)
{
	double e[60], scratch[120], last = -1;
	struct score_model m;

	(void)state;
	for (int i = 0; i < 60; i++)
		e[i] = 0.01 + 0.001 * ((i * 37) % 60);
	assert_int_equal(score__fit(&m, e, 60, scratch), 0);
	for (double x = 0; x < 1; x += 0.01) {
		double s = score__surprise(&m, x);

		assert_true(s >= last);
		last = s;
	}
	for (double level = 2; level < 12; level += 1.5) {
		double x = score__effect_at(&m, level);

		assert_true(fabs(score__surprise(&m, x) - level) < 1e-6);
	}
}

static void threshold__bad_budget__nan(void **state)
{
	(void)state;
	assert_true(isnan(score__threshold(0, 10, 5)));
	assert_true(isnan(score__threshold(1, 0, 5)));
	assert_true(isnan(score__threshold(INFINITY, 10, 5)));
	/* A budget beyond every window: no level at all. */
	assert_true(score__threshold(1e9, 10, 1) == 0);
}

static void accumulate__cusum(void **state)
{
	(void)state;
	assert_true(score__accumulate(0, 1) == 0);
	assert_true(score__accumulate(0, 4) == 4 - SCORE_ALLOWANCE);
	assert_true(score__accumulate(3, 4) == 7 - SCORE_ALLOWANCE);
	assert_true(score__novel_rate(0, 59) == 0.5 / 60);
	assert_true(score__novelty(0.1, 0) == 0);
}

/*
 * A window half one mode, half the other: no mode alone is near, the
 * mixture at share 0.5 is (effect 0).
 */
static void nearest__half_and_half__mixture_found(void **state)
{
	static const uint64_t a[4] = { 1000, 1000, 0, 0 };
	static const uint64_t b[4] = { 0, 0, 3000, 3000 };
	static const uint64_t w[4] = { 100, 100, 100, 100 };
	const uint64_t *modes[2] = { a, b };
	uint64_t mix[4];
	struct nearest n;

	(void)state;
	assert_int_equal(nearest__modes(modes, 2, w, 4, 0.5, false, mix, &n),
			 0);
	assert_true(n.effect > 0.5 && n.other == n.mode && n.share == 1);
	assert_int_equal(nearest__modes(modes, 2, w, 4, 0.5, true, mix, &n),
			 0);
	assert_int_equal(n.mode, 0);
	assert_int_equal(n.other, 1);
	print_message("share %.4f effect %.3g\n", n.share, n.effect);
	assert_true(fabs(n.share - 0.5) < 0.01);
	assert_true(n.effect < 0.001);
	assert_true(mix[0] > 1400 && mix[0] < 1600);
	assert_true(mix[2] > 1400 && mix[2] < 1600);
}

static void nearest__no_events__enodata(void **state)
{
	static const uint64_t z[3], w[3] = { 1, 2, 3 };
	const uint64_t *modes[1] = { z };
	uint64_t mix[3];
	struct nearest n;

	(void)state;
	assert_int_equal(nearest__modes(modes, 1, w, 3, 0.5, true, mix, &n),
			 -ENODATA);
	assert_int_equal(nearest__modes(modes, 0, w, 3, 0.5, true, mix, &n),
			 -EINVAL);
}

static double rel(double a, double b)
{
	return fabs(a - b) / fmax(fabs(b), 1e-300);
}

/* Every reference record of gen_score.py against the C code. */
static void references__numpy_scipy__agree(void **state)
{
	FILE *f = ref_path ? fopen(ref_path, "r") : NULL;
	unsigned int nf = 0, nn = 0, nl = 0;
	double maxf = 0, maxn = 0, maxl = 0;
	char kind[4];

	(void)state;
	if (!f)
		fail_msg("no reference file (argv[1]: %s)",
			 ref_path ? ref_path : "none");
	while (fscanf(f, "%3s", kind) == 1) {
		if (!strcmp(kind, "F")) {
			size_t n;
			double *e, *scratch, med, scale;
			struct score_model m;

			assert_int_equal(fscanf(f, "%zu", &n), 1);
			e = calloc(n, sizeof(*e));
			scratch = calloc(2 * n, sizeof(*scratch));
			for (size_t i = 0; i < n; i++)
				assert_int_equal(fscanf(f, "%lf", &e[i]), 1);
			assert_int_equal(fscanf(f, "%lf %lf", &med, &scale), 2);
			assert_int_equal(score__fit(&m, e, n, scratch), 0);
			maxf = fmax(maxf, fmax(fabs(m.median - med),
					       rel(m.scale, scale)));
			nf++;
			free(e);
			free(scratch);
		} else if (!strcmp(kind, "N")) {
			double rate, s;
			unsigned int k;

			assert_int_equal(fscanf(f, "%lf %u %lf", &rate, &k, &s),
					 3);
			maxn = fmax(maxn, fabs(score__novelty(rate, k) - s) /
					  fmax(s, 1e-3));
			nn++;
		} else if (!strcmp(kind, "L")) {
			double budget, interval, level;
			size_t series;

			assert_int_equal(fscanf(f, "%lf %lf %zu %lf", &budget,
						&interval, &series, &level), 4);
			maxl = fmax(maxl, rel(score__threshold(budget, interval,
							       series), level));
			nl++;
		} else {
			fail_msg("unknown record kind %s", kind);
		}
	}
	fclose(f);
	print_message("median/MAD %u cases max err %.2g; novelty %u max rel "
		      "%.2g; levels %u max rel %.2g\n", nf, maxf, nn, maxn, nl,
		      maxl);
	assert_in_range(nf, 150, 250);
	assert_in_range(nn, 200, 300);
	assert_in_range(nl, 30, 50);
	assert_true(maxf < 1e-12);
	assert_true(maxn < 1e-8);
	assert_true(maxl < 1e-12);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fit__too_few__prior),
		cmocka_unit_test(fit__non_finite__einval),
		cmocka_unit_test(fit__ties__floors_keep_scores_finite),
		cmocka_unit_test(surprise__monotone_and_inverted_by_effect_at),
		cmocka_unit_test(threshold__bad_budget__nan),
		cmocka_unit_test(accumulate__cusum),
		cmocka_unit_test(nearest__half_and_half__mixture_found),
		cmocka_unit_test(nearest__no_events__enodata),
		cmocka_unit_test(references__numpy_scipy__agree),
	};

	ref_path = argc > 1 ? argv[1] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
