// SPDX-License-Identifier: MIT
/*
 * stats.c against closed forms of the chi-square survival function: df = 1
 * (erfc), df = 2 (exp), every even df (a Poisson sum) and every odd df
 * (erfc plus a finite sum), through both branches of the incomplete gamma
 * code, out to results near 1e-300; then the edges and invalid inputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>
#include "stats.h"
#include "test_close.h"

#define REL_TOL		1e-10	/* what stats.h promises */
#define FLOOR		1e-300	/* below it only "finite, >= 0, tiny" */

static const double xs[] = {
	1e-12, 1e-6, 0.01, 0.1, 0.5, 0.999, 1, 1.001, 2, 3, 5, 9.99, 10,
	10.01, 20, 50, 99, 100, 101, 150, 300, 598, 599, 600, 601, 602, 700,
	900, 1000, 1200, 1300, 1500,
};

static void assert_rel(double got, long double want)
{
	if (want <= FLOOR) {
		assert_true(got >= 0 && got <= 10 * FLOOR);
		return;
	}
	if (fabsl(got - want) > REL_TOL * want)
		fail_msg("got %.17g want %.17Lg (rel %.3Lg)", got, want,
			 fabsl(got - want) / want);
}

/* Q(k, x) = e^-x sum_{j < k} x^j / j!, each term taken in logs. */
static long double poisson_q(unsigned int k, long double x)
{
	long double s = 0;

	for (unsigned int j = 0; j < k; j++)
		s += expl(-x + j * logl(x) - lgammal(j + 1));
	return s;
}

/* P(k, x) = e^-x sum_{j >= k} x^j / j!, summed until it stops changing. */
static long double poisson_p(unsigned int k, long double x)
{
	long double s = 0, t;

	for (unsigned int j = k;; j++) {
		t = expl(-x + j * logl(x) - lgammal(j + 1));
		s += t;
		if (j > x && t <= s * 1e-20L)
			return s;
	}
}

/* Q(k + 1/2, x) = erfc(sqrt x) + e^-x sum_{j=1..k} x^(j-1/2) / Gamma(j+1/2). */
static long double half_q(unsigned int k, long double x)
{
	long double s = erfcl(sqrtl(x));

	for (unsigned int j = 1; j <= k; j++)
		s += expl(-x + (j - 0.5L) * logl(x) - lgammal(j + 0.5L));
	return s;
}

static void chi2_sf__df1__matches_erfc(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
		assert_rel(stats__chi2_sf(xs[i], 1), erfcl(sqrtl(xs[i] / 2)));
}

static void chi2_sf__df2__matches_exp(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
		assert_rel(stats__chi2_sf(xs[i], 2), expl(-(long double)xs[i] / 2));
}

static void chi2_sf__even_df__matches_poisson_sum(void **state)
{
	static const unsigned int dfs[] = {
		4, 6, 10, 18, 20, 22, 40, 100, 298, 600, 1198,
	};

	(void)state;
	for (size_t d = 0; d < sizeof(dfs) / sizeof(dfs[0]); d++)
		for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
			assert_rel(stats__chi2_sf(xs[i], dfs[d]),
				   poisson_q(dfs[d] / 2, xs[i] / 2));
}

static void chi2_sf__odd_df__matches_erfc_sum(void **state)
{
	static const unsigned int dfs[] = { 3, 5, 19, 21, 99, 301, 599 };

	(void)state;
	for (size_t d = 0; d < sizeof(dfs) / sizeof(dfs[0]); d++)
		for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
			assert_rel(stats__chi2_sf(xs[i], dfs[d]),
				   half_q(dfs[d] / 2, xs[i] / 2));
}

/* The series/fraction switch is at x = a + 1: both sides agree. */
static void gamma_q__around_branch_switch__matches_poisson_sum(void **state)
{
	static const unsigned int as[] = { 1, 2, 9, 10, 11, 50, 300 };
	static const double eps[] = { -1e-9, 0, 1e-9 };

	(void)state;
	for (size_t i = 0; i < sizeof(as) / sizeof(as[0]); i++)
		for (size_t j = 0; j < sizeof(eps) / sizeof(eps[0]); j++) {
			double x = as[i] + 1 + eps[j];

			assert_rel(stats__gamma_q(as[i], x),
				   poisson_q(as[i], x));
			assert_rel(stats__gamma_p(as[i], x),
				   poisson_p(as[i], x));
		}
}

/* Small P (x well below a) keeps its relative accuracy. */
static void gamma_p__far_left_tail__matches_poisson_tail(void **state)
{
	static const unsigned int as[] = { 1, 5, 30, 300 };
	static const double fr[] = { 1e-6, 0.01, 0.3, 0.7 };

	(void)state;
	for (size_t i = 0; i < sizeof(as) / sizeof(as[0]); i++)
		for (size_t j = 0; j < sizeof(fr) / sizeof(fr[0]); j++)
			assert_rel(stats__gamma_p(as[i], as[i] * fr[j]),
				   poisson_p(as[i], as[i] * fr[j]));
}

static void gamma_p_plus_q__is_one(void **state)
{
	static const double as[] = { 1e-6, 0.3, 0.5, 1, 7.5, 10, 250.5, 1e4 };
	static const double fr[] = { 0.01, 0.5, 0.9, 1, 1.1, 2, 5 };

	(void)state;
	for (size_t i = 0; i < sizeof(as) / sizeof(as[0]); i++)
		for (size_t j = 0; j < sizeof(fr) / sizeof(fr[0]); j++) {
			double p = stats__gamma_p(as[i], as[i] * fr[j]);
			double q = stats__gamma_q(as[i], as[i] * fr[j]);

			assert_true(p >= 0 && p <= 1 && q >= 0 && q <= 1);
			assert_true(fabs(p + q - 1) < 1e-14);
		}
}

static void chi2_sf__x_not_positive__is_one(void **state)
{
	(void)state;
	assert_true(stats__chi2_sf(0, 1) == 1);
	assert_true(stats__chi2_sf(-0.0, 7) == 1);
	assert_true(stats__chi2_sf(-5, 599) == 1);
	assert_true(stats__chi2_sf(-INFINITY, 3) == 1);
	assert_true(stats__gamma_q(2, 0) == 1);
	assert_true(stats__gamma_p(2, 0) == 0);
}

static void chi2_sf__tiny_x__is_one_minus_leading_term(void **state)
{
	(void)state;
	/* Q(1/2, x/2) = 1 - sqrt(2x/pi) + ... */
	assert_rel(stats__chi2_sf(1e-300, 1), 1);
	assert_rel(stats__chi2_sf(1e-20, 1), 1 - sqrtl(2e-20L / M_PIl));
	assert_true(stats__chi2_sf(1e-300, 599) == 1);
	/* P(a, x) ~ x^a / Gamma(a + 1) for tiny x. */
	assert_rel(stats__gamma_p(0.5, 1e-300), sqrtl(1e-300L) / tgammal(1.5L));
	assert_rel(stats__gamma_p(3, 1e-20), 1e-60L / 6);
}

static void chi2_sf__huge_x__is_zero_not_nan(void **state)
{
	static const double big[] = { 1e4, 1e5, 1e6, 1e100, 1e300, INFINITY };
	static const double dfs[] = { 1, 2, 3, 599 };

	(void)state;
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++)
		for (size_t d = 0; d < sizeof(dfs) / sizeof(dfs[0]); d++) {
			double q = stats__chi2_sf(big[i], dfs[d]);

			assert_false(isnan(q));
			assert_true(q >= 0 && q <= FLOOR);
			assert_true(stats__gamma_p(dfs[d] / 2, big[i] / 2) == 1);
		}
	assert_true(stats__chi2_sf(INFINITY, 1) == 0);
	assert_true(stats__chi2_sf(1e6, 1e4) <= FLOOR);
}

static void chi2_sf__large_df__stays_accurate(void **state)
{
	(void)state;
	/* Around the mean of chi2(20000), through the a >= 10 prefactor. */
	assert_rel(stats__chi2_sf(20000, 20000), poisson_q(10000, 10000));
	assert_rel(stats__chi2_sf(21000, 20000), poisson_q(10000, 10500));
	assert_rel(stats__chi2_sf(24000, 20000), poisson_q(10000, 12000));
	assert_rel(stats__gamma_p(10000, 8000), poisson_p(10000, 8000));
}

static void stats__invalid_inputs__return_minus_one(void **state)
{
	(void)state;
	assert_true(stats__chi2_sf(1, 0) == -1.0);
	assert_true(stats__chi2_sf(1, -2) == -1.0);
	assert_true(stats__chi2_sf(1, NAN) == -1.0);
	assert_true(stats__chi2_sf(1, INFINITY) == -1.0);
	assert_true(stats__chi2_sf(NAN, 3) == -1.0);
	assert_true(stats__gamma_q(0, 1) == -1.0);
	assert_true(stats__gamma_q(-1, 1) == -1.0);
	assert_true(stats__gamma_q(NAN, 1) == -1.0);
	assert_true(stats__gamma_q(INFINITY, 1) == -1.0);
	assert_true(stats__gamma_q(1, -1e-300) == -1.0);
	assert_true(stats__gamma_q(1, NAN) == -1.0);
	assert_true(stats__gamma_p(0, 1) == -1.0);
	assert_true(stats__gamma_p(1, -1) == -1.0);
	assert_true(stats__gamma_p(1, NAN) == -1.0);
	assert_true(stats__gamma_p(NAN, NAN) == -1.0);
}

#define EULER_GAMMA 0.57721566490153286061

static void digamma__identities__hold_across_the_series_switch(void **state)
{
	(void)state;
	assert_close(stats__digamma(1.0), -EULER_GAMMA, 1e-15);
	assert_close(stats__digamma(0.5), -EULER_GAMMA - 2.0 * M_LN2,
			   1e-15);
	/* psi(n) = H_{n-1} - gamma for integers, across the x = 10 switch. */
	for (int n = 2; n < 30; n++) {
		double harmonic = 0.0;

		for (int i = 1; i < n; i++)
			harmonic += 1.0 / i;
		assert_close(stats__digamma(n), harmonic - EULER_GAMMA,
				   1e-14);
	}
	for (double x = 0.01; x < 40.0; x *= 1.37)
		assert_close(stats__digamma(x + 1.0),
				   stats__digamma(x) + 1.0 / x,
				   1e-14 * (1.0 / x + fabs(stats__digamma(x))));
	assert_true(isnan(stats__digamma(0.0)));
	assert_true(isnan(stats__digamma(-1.5)));
	assert_true(isnan(stats__digamma(NAN)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(digamma__identities__hold_across_the_series_switch),
		cmocka_unit_test(chi2_sf__df1__matches_erfc),
		cmocka_unit_test(chi2_sf__df2__matches_exp),
		cmocka_unit_test(chi2_sf__even_df__matches_poisson_sum),
		cmocka_unit_test(chi2_sf__odd_df__matches_erfc_sum),
		cmocka_unit_test(
			gamma_q__around_branch_switch__matches_poisson_sum),
		cmocka_unit_test(gamma_p__far_left_tail__matches_poisson_tail),
		cmocka_unit_test(gamma_p_plus_q__is_one),
		cmocka_unit_test(chi2_sf__x_not_positive__is_one),
		cmocka_unit_test(chi2_sf__tiny_x__is_one_minus_leading_term),
		cmocka_unit_test(chi2_sf__huge_x__is_zero_not_nan),
		cmocka_unit_test(chi2_sf__large_df__stays_accurate),
		cmocka_unit_test(stats__invalid_inputs__return_minus_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
