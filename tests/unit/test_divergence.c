// SPDX-License-Identifier: MIT
/*
 * divergence.c on cases checkable by hand (identical histograms, empty bins
 * and sides, df = 0, bad arguments, a small table worked out from the
 * definitions), the ordering and sum of divergence__top_bins, and the
 * statistical promise of the effect size on samples from a fixed-seed
 * generator: ~0 with no change at any size, ~KL(window || baseline) under a
 * known change.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>
#include "divergence.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define TOL		1e-12

static void assert_near(double got, long double want)
{
	if (!(fabsl(got - want) <= TOL * fmaxl(1, fabsl(want))))
		fail_msg("got %.17g want %.17Lg", got, want);
}

static void assert_all_finite(const struct divergence *d)
{
	assert_true(isfinite(d->kl_wb) && isfinite(d->kl_bw) &&
		    isfinite(d->js) && isfinite(d->psi) &&
		    isfinite(d->hellinger) && isfinite(d->g) &&
		    isfinite(d->p_value) && isfinite(d->effect));
}

/* ---- a PRNG and multinomial sampling of our own ---------------------- */

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* n draws from probabilities pr[0..k) into counts (inverse CDF). */
static void multinomial(uint64_t *s, const double *pr, size_t k, uint64_t n,
			uint64_t *counts)
{
	double cdf[64];

	assert_true(k <= ARRAY_SIZE(cdf));
	for (size_t i = 0; i < k; i++) {
		cdf[i] = (i ? cdf[i - 1] : 0) + pr[i];
		counts[i] = 0;
	}
	for (uint64_t j = 0; j < n; j++) {
		double u = (splitmix64(s) >> 11) * 0x1p-53 * cdf[k - 1];
		size_t i = 0;

		while (i + 1 < k && u >= cdf[i])
			i++;
		counts[i]++;
	}
}

/* ---- hand-checkable cases ------------------------------------------- */

static void divergence_compute__identical_histograms__all_zero(void **state)
{
	static const uint64_t h[] = { 7, 0, 13, 1, 400000000000ULL };
	static const uint64_t h3[] = { 21, 0, 39, 3, 1200000000000ULL };
	static const double alphas[] = { 0, 0.5, 3.25 };
	struct divergence d;

	(void)state;
	for (size_t a = 0; a < ARRAY_SIZE(alphas); a++) {
		assert_int_equal(divergence__compute(h, h, ARRAY_SIZE(h),
						     alphas[a], &d), 0);
		assert_int_equal(d.undefined, 0);
		assert_true(d.kl_wb == 0 && d.kl_bw == 0 && d.js == 0 &&
			    d.psi == 0 && d.hellinger == 0);
		assert_true(d.g == 0 && d.effect == 0 && d.p_value == 1);
		assert_int_equal(d.df, 3);
		assert_int_equal(d.n_baseline, d.n_window);
	}
	/* A window 3 times the baseline: same p, q (alpha = 0) and no G. */
	assert_int_equal(divergence__compute(h, h3, ARRAY_SIZE(h), 0, &d), 0);
	assert_int_equal(d.undefined, 0);
	assert_true(d.kl_wb == 0 && d.kl_bw == 0 && d.js == 0 &&
		    d.psi == 0 && d.hellinger == 0);
	assert_true(d.g == 0 && d.effect == 0 && d.p_value == 1);
}

/* b = {5, 0, 3}, w = {2, 4, 0}: p = {5/8, 0, 3/8}, q = {1/3, 2/3, 0}. */
static void divergence_compute__alpha_zero_empty_bin__marks_kl_undefined(
	void **state)
{
	static const uint64_t b[] = { 5, 0, 3 }, w[] = { 2, 4, 0 };
	long double p0 = 5.0L / 8, p2 = 3.0L / 8, q0 = 1.0L / 3, q1 = 2.0L / 3;
	long double m0 = (p0 + q0) / 2, m1 = q1 / 2, m2 = p2 / 2;
	struct divergence d;

	(void)state;
	assert_int_equal(divergence__compute(b, w, 3, 0, &d), 0);
	assert_int_equal(d.undefined,
			 DIV_UNDEF_KL_WB | DIV_UNDEF_KL_BW | DIV_UNDEF_PSI);
	assert_true(d.kl_wb == 0.0 && d.kl_bw == 0.0 && d.psi == 0.0);
	assert_near(d.js, (p0 * logl(p0 / m0) + p2 * logl(p2 / m2) +
			   q0 * logl(q0 / m0) + q1 * logl(q1 / m1)) / 2);
	assert_near(d.hellinger, sqrtl(1 - sqrtl(p0 * q0)));
	assert_int_equal(d.df, 2);
	assert_false(d.undefined & DIV_UNDEF_G);
}

/* b = {5, 0, 3}, w = {2, 4, 1}: only q has mass where p has none. */
static void divergence_compute__alpha_zero_window_only_bin__kl_bw_defined(
	void **state)
{
	static const uint64_t b[] = { 5, 0, 3 }, w[] = { 2, 4, 1 };
	long double p0 = 5.0L / 8, p2 = 3.0L / 8, q0 = 2.0L / 7, q2 = 1.0L / 7;
	struct divergence d;

	(void)state;
	assert_int_equal(divergence__compute(b, w, 3, 0, &d), 0);
	assert_int_equal(d.undefined, DIV_UNDEF_KL_WB | DIV_UNDEF_PSI);
	assert_true(d.kl_wb == 0.0 && d.psi == 0.0);
	assert_near(d.kl_bw, p0 * logl(p0 / q0) + p2 * logl(p2 / q2));
}

static void divergence_compute__alpha_zero_empty_side__marks_smoothed(
	void **state)
{
	static const uint64_t z[] = { 0, 0, 0, 0 }, h[] = { 1, 2, 0, 3 };
	const unsigned int all = DIV_UNDEF_SMOOTHED | DIV_UNDEF_KL_WB |
				 DIV_UNDEF_KL_BW | DIV_UNDEF_PSI | DIV_UNDEF_G;
	struct divergence d;

	(void)state;
	assert_int_equal(divergence__compute(z, h, 4, 0, &d), 0);
	assert_int_equal(d.undefined, all);
	assert_true(d.kl_wb == 0 && d.kl_bw == 0 && d.js == 0 &&
		    d.psi == 0 && d.hellinger == 0);
	assert_true(d.g == 0 && d.p_value == 1 && d.effect == 0);
	assert_int_equal(d.df, 2);
	assert_int_equal(divergence__compute(h, z, 4, 0, &d), 0);
	assert_int_equal(d.undefined, all);
	assert_int_equal(divergence__compute(z, z, 4, 0, &d), 0);
	assert_int_equal(d.undefined, all);
	assert_int_equal(d.df, 0);
	assert_int_equal(d.n_baseline + d.n_window, 0);
}

/* alpha > 0 gives an empty baseline the uniform distribution. */
static void divergence_compute__alpha_positive_empty_side__is_uniform(
	void **state)
{
	static const uint64_t z[] = { 0, 0, 0, 0 }, h[] = { 1, 2, 0, 3 };
	long double kl = 0;
	struct divergence d;

	(void)state;
	for (int i = 0; i < 4; i++) {
		long double q = (h[i] + 0.5L) / 8;

		kl += q * logl(q / 0.25L);
	}
	assert_int_equal(divergence__compute(z, h, 4, 0.5, &d), 0);
	assert_int_equal(d.undefined, DIV_UNDEF_G);
	assert_near(d.kl_wb, kl);
	assert_true(d.g == 0 && d.p_value == 1 && d.effect == 0);
}

/* Both sides use one and the same bin: df = 0, G undefined, p = 1. */
static void divergence_compute__single_shared_bin__df_zero_marks_g(
	void **state)
{
	static const uint64_t b[] = { 0, 5, 0 }, w[] = { 0, 7, 0 };
	struct divergence d;

	(void)state;
	assert_int_equal(divergence__compute(b, w, 3, 0, &d), 0);
	assert_int_equal(d.undefined, DIV_UNDEF_G);
	assert_int_equal(d.df, 0);
	assert_true(d.g == 0 && d.p_value == 1 && d.effect == 0);
	assert_true(d.kl_wb == 0 && d.js == 0 && d.hellinger == 0);
}

/*
 * b = {10, 20, 30, 40}, w = {20, 20, 20, 40}: N_B = N_W = 100, expected
 * counts are half of each column, so
 * G = 2 [10 ln(2/3) + 30 ln(6/5) + 20 ln(4/3) + 20 ln(4/5)], df = 3,
 * p = Q(3/2, G/2) = erfc(sqrt(G/2)) + 2 sqrt(G/(2 pi)) e^(-G/2).
 */
static void divergence_compute__small_table__matches_definitions(
	void **state)
{
	static const uint64_t b[] = { 10, 20, 30, 40 }, w[] = { 20, 20, 20, 40 };
	long double g = 2 * (10 * logl(2.0L / 3) + 30 * logl(6.0L / 5) +
			     20 * logl(4.0L / 3) + 20 * logl(4.0L / 5));
	long double kl_wb = 0, kl_bw = 0, js = 0, psi = 0, bc = 0;
	struct divergence d;

	(void)state;
	for (int i = 0; i < 4; i++) {
		long double p = b[i] / 100.0L, q = w[i] / 100.0L;
		long double m = (p + q) / 2;

		kl_wb += q * logl(q / p);
		kl_bw += p * logl(p / q);
		js += (p * logl(p / m) + q * logl(q / m)) / 2;
		psi += (q - p) * logl(q / p);
		bc += sqrtl(p * q);
	}
	assert_int_equal(divergence__compute(b, w, 4, 0, &d), 0);
	assert_int_equal(d.undefined, 0);
	assert_int_equal(d.n_baseline, 100);
	assert_int_equal(d.n_window, 100);
	assert_near(d.kl_wb, kl_wb);
	assert_near(d.kl_bw, kl_bw);
	assert_near(d.js, js);
	assert_near(d.psi, psi);
	assert_near(d.hellinger, sqrtl(1 - bc));
	assert_near(d.g, g);
	assert_int_equal(d.df, 3);
	assert_near(d.p_value, erfcl(sqrtl(g / 2)) +
			       2 * sqrtl(g / (2 * M_PIl)) * expl(-g / 2));
	assert_near(d.effect, (g - 3) / (2 * 50));
	/* Smoothing moves p and q towards each other. */
	assert_int_equal(divergence__compute(b, w, 4, 0.5, &d), 0);
	assert_true(d.kl_wb < kl_wb && d.kl_wb > 0);
	assert_near(d.g, g);
}

static void divergence_compute__bad_arguments__einval(void **state)
{
	static const uint64_t b[] = { 1, 2 }, w[] = { 3, 4 };
	static const uint64_t big[] = { UINT64_MAX, 1 }, half[] = { 1ULL << 63 };
	struct divergence d;

	(void)state;
	assert_int_equal(divergence__compute(b, w, 0, 0, &d), -EINVAL);
	assert_int_equal(divergence__compute(b, w, 2, -1, &d), -EINVAL);
	assert_int_equal(divergence__compute(b, w, 2, -1e-300, &d), -EINVAL);
	assert_int_equal(divergence__compute(b, w, 2, NAN, &d), -EINVAL);
	assert_int_equal(divergence__compute(b, w, 2, INFINITY, &d), -EINVAL);
	assert_int_equal(divergence__compute(b, w, 2, -0.0, &d), 0);
	/* Totals that do not fit in 64 bits. */
	assert_int_equal(divergence__compute(big, w, 2, 0, &d), -EOVERFLOW);
	assert_int_equal(divergence__compute(half, half, 1, 0, &d),
			 -EOVERFLOW);
	assert_int_equal(divergence__compute(b, w, (size_t)UINT_MAX + 1, 0, &d),
			 -EOVERFLOW);
	assert_int_equal(divergence__top_bins(b, w, 0, 0, NULL, 0), -EINVAL);
	assert_int_equal(divergence__top_bins(b, w, 2, NAN, NULL, 0), -EINVAL);
	assert_int_equal(divergence__top_bins(big, w, 2, 0, NULL, 0),
			 -EOVERFLOW);
}

/* Counts near 2^63 and lopsided tables stay finite. */
static void divergence_compute__extreme_counts__never_nan(void **state)
{
	static const uint64_t b[] = { 1ULL << 62, 0, 1, 3 };
	static const uint64_t w[] = { 1, 1ULL << 61, 0, 3 };
	static const double alphas[] = { 0, 1e-300, 0.5, 1e300 };
	struct divergence d;

	(void)state;
	for (size_t a = 0; a < ARRAY_SIZE(alphas); a++) {
		assert_int_equal(divergence__compute(b, w, 4, alphas[a], &d),
				 0);
		assert_all_finite(&d);
		assert_true(d.p_value >= 0 && d.p_value <= 1);
		assert_true(d.g > 1e18 && d.effect > 0);
	}
}

/* ---- divergence__top_bins ------------------------------------------- */

static void divergence_top_bins__random_tables__sorted_and_sum_to_one(
	void **state)
{
	uint64_t s = 42, b[40], w[40];
	struct bin_contribution top[40];
	struct divergence d;

	(void)state;
	for (int rep = 0; rep < 200; rep++) {
		size_t k = 2 + splitmix64(&s) % 39;
		double sum = 0;
		int n;

		for (size_t i = 0; i < k; i++) {
			b[i] = splitmix64(&s) % 4 ? splitmix64(&s) % 1000 : 0;
			w[i] = splitmix64(&s) % 4 ? splitmix64(&s) % 1000 : 0;
		}
		assert_int_equal(divergence__compute(b, w, k, 0.5, &d), 0);
		n = divergence__top_bins(b, w, k, 0.5, top, k);
		assert_true(n >= 0 && (size_t)n <= k);
		if (d.undefined & DIV_UNDEF_G) {
			assert_int_equal(n, 0);
			continue;
		}
		for (int j = 0; j < n; j++) {
			assert_true(top[j].contribution > 0 &&
				    top[j].contribution <= 1);
			assert_true(top[j].bin < k);
			if (j)
				assert_true(top[j - 1].contribution >
					    top[j].contribution ||
					    (top[j - 1].contribution ==
					     top[j].contribution &&
					     top[j - 1].bin < top[j].bin));
			sum += top[j].contribution;
		}
		assert_true(fabs(sum - 1) < 1e-12);
	}
}

/*
 * divergence__compute_g is divergence__compute_top without the smoothed
 * measures: on generated tables (empty sides, alpha 0 and not, counts up
 * to 2^40, widths up to 1,024 with long empty runs) every field it fills
 * and every top bin are bit for bit compute_top's, and the smoothed ones
 * are 0 and marked undefined.
 */
static void divergence_compute_g__generated__same_as_compute_top(void **state)
{
	static uint64_t b[1024], w[1024];
	const unsigned int smoothed = DIV_UNDEF_SMOOTHED | DIV_UNDEF_KL_WB |
				      DIV_UNDEF_KL_BW | DIV_UNDEF_PSI;
	struct bin_contribution tf[5], tg[5];
	struct divergence f, g;
	uint64_t s = 7;

	(void)state;
	for (int rep = 0; rep < 500; rep++) {
		size_t k = 1 + splitmix64(&s) % 1024;
		unsigned int density = 1 + splitmix64(&s) % 16;
		uint64_t scale = 1ull << (splitmix64(&s) % 41);
		double alpha = rep % 3 ? 0.5 : 0;
		int nf, ng;

		for (size_t i = 0; i < k; i++) {
			b[i] = splitmix64(&s) % density ? 0 :
			       splitmix64(&s) % scale;
			w[i] = splitmix64(&s) % density ? 0 :
			       splitmix64(&s) % scale;
		}
		if (rep % 11 == 0)	/* an empty window */
			memset(w, 0, k * sizeof(*w));
		nf = divergence__compute_top(b, w, k, alpha, &f, tf, 5);
		ng = divergence__compute_g(b, w, k, alpha, &g, tg, 5);
		assert_int_equal(nf, ng);
		assert_true(nf >= 0);
		assert_true(f.n_baseline == g.n_baseline &&
			    f.n_window == g.n_window && f.df == g.df);
		assert_memory_equal(&f.g, &g.g, sizeof(f.g));
		assert_memory_equal(&f.p_value, &g.p_value, sizeof(f.p_value));
		assert_memory_equal(&f.effect, &g.effect, sizeof(f.effect));
		assert_int_equal(g.undefined & ~smoothed,
				 f.undefined & ~smoothed);
		assert_int_equal(g.undefined & smoothed, smoothed);
		assert_true(g.kl_wb == 0 && g.kl_bw == 0 && g.js == 0 &&
			    g.psi == 0 && g.hellinger == 0);
		assert_memory_equal(tf, tg, (size_t)nf * sizeof(*tf));
	}
}

/* All four columns of {5,1,5,1} / {1,5,1,5} carry the same g_i. */
static void divergence_top_bins__equal_contributions__ordered_by_bin(
	void **state)
{
	static const uint64_t b[] = { 5, 1, 5, 1 }, w[] = { 1, 5, 1, 5 };
	struct bin_contribution top[4];

	(void)state;
	assert_int_equal(divergence__top_bins(b, w, 4, 0, top, 4), 4);
	for (unsigned int j = 0; j < 4; j++) {
		assert_int_equal(top[j].bin, j);
		assert_true(top[j].contribution == 0.25);
	}
	assert_int_equal(divergence__top_bins(b, w, 4, 0, top, 3), 3);
	assert_int_equal(top[2].bin, 2);
}

/*
 * The small table again: columns 1 and 3 are in proportion (g_i = 0, left
 * out); g_0 = 2 [10 ln(2/3) + 20 ln(4/3)], g_2 = 2 [30 ln(6/5) + 20 ln(4/5)].
 */
static void divergence_top_bins__small_table__largest_first_zeros_skipped(
	void **state)
{
	static const uint64_t b[] = { 10, 20, 30, 40 }, w[] = { 20, 20, 20, 40 };
	long double g0 = 2 * (10 * logl(2.0L / 3) + 20 * logl(4.0L / 3));
	long double g2 = 2 * (30 * logl(6.0L / 5) + 20 * logl(4.0L / 5));
	struct bin_contribution top[4];

	(void)state;
	assert_int_equal(divergence__top_bins(b, w, 4, 0.5, top, 4), 2);
	assert_int_equal(top[0].bin, 0);
	assert_int_equal(top[1].bin, 2);
	assert_near(top[0].contribution, g0 / (g0 + g2));
	assert_near(top[1].contribution, g2 / (g0 + g2));
	assert_near(top[0].baseline_p, 10.5L / 102);
	assert_near(top[0].window_p, 20.5L / 102);
	assert_int_equal(divergence__top_bins(b, w, 4, 0.5, top, 1), 1);
	assert_int_equal(top[0].bin, 0);
	assert_int_equal(divergence__top_bins(b, w, 4, 0.5, top, 0), 0);
}

static void divergence_top_bins__g_undefined__returns_none(void **state)
{
	static const uint64_t z[] = { 0, 0, 0 }, h[] = { 1, 2, 3 };
	static const uint64_t one_b[] = { 0, 4, 0 }, one_w[] = { 0, 9, 0 };
	struct bin_contribution top[3];

	(void)state;
	assert_int_equal(divergence__top_bins(z, h, 3, 0.5, top, 3), 0);
	assert_int_equal(divergence__top_bins(h, z, 3, 0, top, 3), 0);
	assert_int_equal(divergence__top_bins(one_b, one_w, 3, 0, top, 3), 0);
}

/* Every column in proportion: g = 0, so no bin moved. */
static void divergence_top_bins__no_change__returns_none(void **state)
{
	static const uint64_t b[] = { 1, 2, 0, 7 }, w[] = { 3, 6, 0, 21 };
	struct bin_contribution top[4];
	struct divergence d;

	(void)state;
	assert_int_equal(divergence__compute(b, w, 4, 0.5, &d), 0);
	assert_true(d.g == 0 && !(d.undefined & DIV_UNDEF_G));
	assert_int_equal(divergence__top_bins(b, w, 4, 0.5, top, 4), 0);
}

/* ---- the effect size on samples -------------------------------------- */

static const double base_pr[] = {
	0.30, 0.20, 0.15, 0.10, 0.08, 0.07, 0.05, 0.03, 0.015, 0.005,
};

/*
 * Mean effect over reps pairs of samples of n each from base_pr, and the
 * mean of the unclamped (g - df) / (2 n_eff).
 */
static void same_distribution_effect(uint64_t n, int reps, double *clamped,
				     double *raw)
{
	const size_t k = ARRAY_SIZE(base_pr);
	uint64_t s = 0x5eed + n, b[ARRAY_SIZE(base_pr)], w[ARRAY_SIZE(base_pr)];
	struct divergence d;

	*clamped = *raw = 0;
	for (int r = 0; r < reps; r++) {
		multinomial(&s, base_pr, k, n, b);
		multinomial(&s, base_pr, k, n, w);
		assert_int_equal(divergence__compute(b, w, k, 0.5, &d), 0);
		assert_all_finite(&d);
		*clamped += d.effect;
		*raw += (d.g - d.df) / (2.0 * n / 2);
	}
	*clamped /= reps;
	*raw /= reps;
}

/*
 * Under no change G ~ chi2(df): E[g - df] ~ 0 and sd(g) ~ sqrt(2 df) ~ 4.2
 * for df = 9, so effect has sd ~4.2 / n and the mean of reps has sd
 * ~4.2 / (n sqrt(reps)). At n = 100 the tail bins expect < 1 count and G has
 * its known small-sample bias (Williams: E[G] ~ df (1 + 0.1) for this table,
 * effect +0.009); the bounds are that bias plus > 4 standard errors, and
 * well below the KL of a change worth reporting (0.05 at n = 100).
 */
static void divergence_compute__same_distribution_n100__effect_near_zero(
	void **state)
{
	double clamped, raw;

	(void)state;
	same_distribution_effect(100, 2000, &clamped, &raw);
	assert_true(fabs(raw) < 0.015);
	assert_true(clamped < 0.03);
}

static void divergence_compute__same_distribution_n1e5__effect_near_zero(
	void **state)
{
	double clamped, raw;

	(void)state;
	same_distribution_effect(100000, 40, &clamped, &raw);
	assert_true(fabs(raw) < 3e-5);
	assert_true(clamped < 4e-5);
}

/*
 * A known change, a window of 1e5 draws against a baseline of exact
 * expected counts at 1e12 (a baseline much larger than the window, as in
 * use): effect estimates KL(window || baseline) of the distributions. Its
 * sd is ~sqrt(2 (df + 2 lambda)) / (2 n), lambda = 2 n KL: ~3% here.
 */
static void divergence_compute__known_shift_large_n__effect_is_true_kl(
	void **state)
{
	const size_t k = ARRAY_SIZE(base_pr);
	uint64_t s = 7, b[ARRAY_SIZE(base_pr)], w[ARRAY_SIZE(base_pr)];
	double win_pr[ARRAY_SIZE(base_pr)], sum = 0;
	long double kl = 0;
	struct divergence d;

	(void)state;
	for (size_t i = 0; i < k; i++) {
		win_pr[i] = base_pr[i] * (i % 2 ? 1.4 : 0.7);
		sum += win_pr[i];
	}
	for (size_t i = 0; i < k; i++) {
		win_pr[i] /= sum;
		kl += win_pr[i] * logl((long double)win_pr[i] / base_pr[i]);
		b[i] = llround(base_pr[i] * 1e12);
	}
	multinomial(&s, win_pr, k, 100000, w);
	assert_int_equal(divergence__compute(b, w, k, 0, &d), 0);
	assert_true(kl > 0.02);
	assert_true(fabsl(d.effect - kl) < 0.1 * kl);
	assert_true(d.p_value < 1e-100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			divergence_compute__identical_histograms__all_zero),
		cmocka_unit_test(
			divergence_compute__alpha_zero_empty_bin__marks_kl_undefined),
		cmocka_unit_test(
			divergence_compute__alpha_zero_window_only_bin__kl_bw_defined),
		cmocka_unit_test(
			divergence_compute__alpha_zero_empty_side__marks_smoothed),
		cmocka_unit_test(
			divergence_compute__alpha_positive_empty_side__is_uniform),
		cmocka_unit_test(
			divergence_compute__single_shared_bin__df_zero_marks_g),
		cmocka_unit_test(
			divergence_compute__small_table__matches_definitions),
		cmocka_unit_test(divergence_compute__bad_arguments__einval),
		cmocka_unit_test(
			divergence_compute__extreme_counts__never_nan),
		cmocka_unit_test(
			divergence_top_bins__random_tables__sorted_and_sum_to_one),
		cmocka_unit_test(
			divergence_top_bins__equal_contributions__ordered_by_bin),
		cmocka_unit_test(
			divergence_top_bins__small_table__largest_first_zeros_skipped),
		cmocka_unit_test(divergence_top_bins__g_undefined__returns_none),
		cmocka_unit_test(
			divergence_compute_g__generated__same_as_compute_top),
		cmocka_unit_test(divergence_top_bins__no_change__returns_none),
		cmocka_unit_test(
			divergence_compute__same_distribution_n100__effect_near_zero),
		cmocka_unit_test(
			divergence_compute__same_distribution_n1e5__effect_near_zero),
		cmocka_unit_test(
			divergence_compute__known_shift_large_n__effect_is_true_kl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
