// SPDX-License-Identifier: MIT
/*
 * src/stats/evt.c on cases whose answer is known by construction: seeded
 * exponential and Pareto samples (the generator is test_rand.h's, not the
 * code under test's), Grimshaw's stationarity equation at the fit, the
 * sf/isf round trip, the clamps and fallbacks of evt__pot, the shape of
 * evt__level and evt__survival, and the error contract.
 * test_evt_scipy.c checks the same code against scipy.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evt.h"
#include "test_rand.h"
#include "test_close.h"

#define N_BIG 2000

static double test_uniform(uint64_t *s)
{
	return ((double)(test_rand(s) >> 11) + 0.5) * 0x1.0p-53;
}

/* n samples of GPD(xi, sigma) by inversion; xi == 0 is the exponential. */
static void gpd_sample(uint64_t seed, double xi, double sigma, double *y,
		       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		double u = test_uniform(&seed);

		y[i] = xi == 0 ? -sigma * log(u) : sigma * (pow(u, -xi) - 1) / xi;
	}
}

static void fit_gpd__exponential_n2000__xi_near_zero(void **state)
{
	static double y[N_BIG];
	struct gpd g;

	(void)state;
	/*
	 * The standard error of xi at xi = 0 is 1 / sqrt(n) = 0.022 and that
	 * of sigma ~ 1.4 sigma / sqrt(n) = 3%: +-0.07 and +-10% are ~3 se,
	 * for every one of these seeds.
	 */
	for (uint64_t seed = 1; seed <= 5; seed++) {
		gpd_sample(seed, 0.0, 2.0, y, N_BIG);
		assert_int_equal(evt__fit_gpd(y, N_BIG, &g), 0);
		assert_close(g.xi, 0.0, 0.07);
		assert_close(g.sigma, 2.0, 0.2);
	}
}

static void fit_gpd__heavy_and_bounded_tails__recovers_xi(void **state)
{
	static const double xis[] = { -0.3, 0.2, 0.5 };
	static double y[N_BIG];
	struct gpd g;

	(void)state;
	/* se(xi) = (1 + xi) / sqrt(n) <= 0.034 here: +-0.11 is > 3 se. */
	for (size_t k = 0; k < sizeof(xis) / sizeof(xis[0]); k++) {
		gpd_sample(100 + k, xis[k], 0.7, y, N_BIG);
		assert_int_equal(evt__fit_gpd(y, N_BIG, &g), 0);
		assert_close(g.xi, xis[k], 0.11);
		assert_close(g.sigma, 0.7, 0.07);
	}
}

/*
 * At the maximum, with theta = xi / sigma: xi = mean ln(1 + theta y) (the
 * profile's inner maximum) and mean 1 / (1 + theta y) * (1 + xi) = 1
 * (Grimshaw's equation). Checked for fits on either side of xi = 0 to
 * 1e-7, what Brent's ~1e-8 relative steps leave (a different maximum is off
 * by ~1e-2), and the likelihood is lower a step away in either parameter.
 */
static void fit_gpd__solves_grimshaw_equations(void **state)
{
	static const double xis[] = { -0.4, -0.1, 0.1, 0.45 };
	static const size_t ns[] = { 30, 200, 1000 };
	static double y[1000];
	struct gpd g;

	(void)state;
	for (size_t k = 0; k < 4; k++) {
		for (size_t m = 0; m < 3; m++) {
			size_t n = ns[m];
			double theta, v = 0, u = 0, ll;

			gpd_sample(7 * k + m, xis[k], 3.0, y, n);
			assert_int_equal(evt__fit_gpd(y, n, &g), 0);
			theta = g.xi / g.sigma;
			for (size_t i = 0; i < n; i++) {
				v += log1p(theta * y[i]);
				u += 1 / (1 + theta * y[i]);
			}
			v /= n;
			u /= n;
			assert_close(g.xi, v, 1e-7);
			assert_close(u * (1 + v), 1.0, 1e-7);
			ll = evt__gpd_loglik(y, n, &g);
			for (int d = -1; d <= 1; d += 2) {
				struct gpd a = { g.xi + d * 1e-3, g.sigma };
				struct gpd b = { g.xi, g.sigma * (1 + d * 1e-3) };

				assert_true(evt__gpd_loglik(y, n, &a) < ll);
				assert_true(evt__gpd_loglik(y, n, &b) < ll);
			}
		}
	}
}

static void fit_gpd__scaled_data__same_xi_scaled_sigma(void **state)
{
	static double y[500], z[500];
	struct gpd g, h;

	(void)state;
	gpd_sample(42, 0.15, 1.0, y, 500);
	for (size_t i = 0; i < 500; i++)
		z[i] = y[i] * 1e-6;
	assert_int_equal(evt__fit_gpd(y, 500, &g), 0);
	assert_int_equal(evt__fit_gpd(z, 500, &h), 0);
	assert_close(h.xi, g.xi, 1e-7);
	assert_close(h.sigma / g.sigma, 1e-6, 1e-13);
}

static void fit_gpd__equal_excesses__edom(void **state)
{
	/* A point mass: the likelihood grows as xi runs to -infinity. */
	static const double y[] = { 2.5, 2.5, 2.5, 2.5, 2.5, 2.5 };
	struct gpd g = { 7, 7 };

	(void)state;
	assert_int_equal(evt__fit_gpd(y, 6, &g), -EDOM);
	/* out untouched on failure */
	assert_true(g.xi == 7 && g.sigma == 7);
}

static void fit_gpd__bad_arguments__einval(void **state)
{
	double y[] = { 1, 2, 3, 0.5 };
	const double zeros[] = { 0, 0, 0 };
	struct gpd g;

	(void)state;
	assert_int_equal(evt__fit_gpd(NULL, 4, &g), -EINVAL);
	assert_int_equal(evt__fit_gpd(y, 4, NULL), -EINVAL);
	assert_int_equal(evt__fit_gpd(y, 1, &g), -EINVAL);
	assert_int_equal(evt__fit_gpd(y, 0, &g), -EINVAL);
	assert_int_equal(evt__fit_gpd(zeros, 3, &g), -EINVAL);
	y[2] = -1e-300;
	assert_int_equal(evt__fit_gpd(y, 4, &g), -EINVAL);
	y[2] = NAN;
	assert_int_equal(evt__fit_gpd(y, 4, &g), -EINVAL);
	y[2] = INFINITY;
	assert_int_equal(evt__fit_gpd(y, 4, &g), -EINVAL);
}

static void gpd_sf_isf__round_trip(void **state)
{
	static const double xis[] = { -0.45, -1e-9, 0, 1e-12, 0.25, 2.0 };
	static const double ps[] = { 1, 0.9, 0.5, 0.1, 1e-3, 1e-8, 1e-15 };

	(void)state;
	for (size_t k = 0; k < sizeof(xis) / sizeof(xis[0]); k++) {
		struct gpd g = { xis[k], 1.7 };
		double prev = -1;

		for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
			double y = evt__gpd_isf(&g, ps[i]), z = y / g.sigma;
			/*
			 * sf's condition number |d ln sf / d ln y|: y's rounding
			 * is amplified by it, ~1e7 near the end of a bounded
			 * tail (xi = -0.45, p = 1e-15).
			 */
			double cond = z / (1 + g.xi * z);

			/* isf increasing as p falls, and sf inverts it */
			assert_true(y > prev);
			prev = y;
			assert_close(evt__gpd_sf(&g, y) / ps[i], 1.0,
				     1e-14 + 8 * DBL_EPSILON * cond);
		}
	}
}

static void gpd_sf_isf__closed_forms_and_edges(void **state)
{
	struct gpd e = { 0, 2 }, b = { -0.5, 1 }, h = { 1, 1 };

	(void)state;
	/* exponential */
	assert_close(evt__gpd_sf(&e, 3), exp(-1.5), 1e-16);
	assert_close(evt__gpd_isf(&e, 0.25), 2 * log(4), 1e-15);
	/* xi = 1: sf = 1 / (1 + y) */
	assert_close(evt__gpd_sf(&h, 3), 0.25, 1e-16);
	assert_close(evt__gpd_isf(&h, 0.2), 4, 1e-14);
	/* xi = -0.5, sigma 1: sf = (1 - y / 2)^2 on [0, 2] */
	assert_close(evt__gpd_sf(&b, 1), 0.25, 1e-16);
	assert_true(evt__gpd_sf(&b, 2) == 0);
	assert_true(evt__gpd_sf(&b, 1e300) == 0);
	assert_true(evt__gpd_isf(&b, 0) == 2);
	assert_true(isinf(evt__gpd_isf(&e, 0)));
	/* edges */
	assert_true(evt__gpd_sf(&e, 0) == 1 && evt__gpd_sf(&e, -5) == 1);
	assert_true(evt__gpd_sf(&h, INFINITY) == 0);
	assert_true(evt__gpd_isf(&e, 1) == 0);
	assert_true(isnan(evt__gpd_isf(&e, 1.5)));
	assert_true(isnan(evt__gpd_isf(&e, NAN)));
	assert_true(isnan(evt__gpd_sf(&e, NAN)));
}

static void gpd_loglik__closed_form_and_support(void **state)
{
	const double y[] = { 0.5, 1.0, 1.5 };
	struct gpd e = { 0, 2 }, h = { 1, 1 }, b = { -0.5, 1 };

	(void)state;
	assert_close(evt__gpd_loglik(y, 3, &e), -3 * log(2) - 1.5, 1e-14);
	/* xi = 1, sigma 1: pdf = (1 + y)^-2 */
	assert_close(evt__gpd_loglik(y, 3, &h),
		     -2 * (log(1.5) + log(2) + log(2.5)), 1e-14);
	/* support of xi = -0.5, sigma 1 ends at 2 */
	assert_true(isfinite(evt__gpd_loglik(y, 3, &b)));
	b.sigma = 0.7;
	assert_true(evt__gpd_loglik(y, 3, &b) == -INFINITY);
}

static void pot__quantile__is_numpy_linear(void **state)
{
	const double x[] = { 5, 3, 1, 4, 2 };
	double scratch[5];
	struct tail_model t;

	(void)state;
	/* h = 4 * 0.75 = 3: x_(3) exactly */
	assert_int_equal(evt__pot(x, 5, 0.25, scratch, &t), 0);
	assert_true(t.u == 4);
	assert_int_equal(t.n_tail, 1);
	assert_int_equal(t.n, 5);
	assert_true(t.rate == 0.2);
	/* h = 3.6: numpy's b - (b - a)(1 - 0.6) = 5 - 0.4 */
	assert_int_equal(evt__pot(x, 5, 0.1, scratch, &t), 0);
	assert_true(t.u == 5 - 1 * (1 - (4 * 0.9 - 3)));
	/* h = 0.4: a + (b - a) 0.4 */
	assert_int_equal(evt__pot(x, 5, 0.9, scratch, &t), 0);
	assert_true(t.u == 1 + 1 * (4 * (1 - 0.9)));
	assert_int_equal(t.n_tail, 4);
}

static void pot__exponential_scores__gpd_kept(void **state)
{
	static double x[N_BIG], scratch[N_BIG];
	struct tail_model t;

	(void)state;
	/* Exponential scores, shifted: the excesses over any u are Exp(2). */
	gpd_sample(9, 0.0, 2.0, x, N_BIG);
	for (size_t i = 0; i < N_BIG; i++)
		x[i] -= 3;
	assert_int_equal(evt__pot(x, N_BIG, 0.1, scratch, &t), 0);
	/* (n - 1) 0.9 = 1799.1: the 200 values above x_(1799) */
	assert_int_equal(t.n_tail, 200);
	assert_true(t.rate == 0.1);
	/* u ~ 2 ln 10 - 3 = 1.605 (se ~ 0.14); the tail ~ Exp(2) */
	assert_close(t.u, 2 * log(10) - 3, 0.3);
	assert_true(t.g.xi >= EVT_XI_MIN && t.g.xi <= EVT_XI_MAX);
	assert_close(t.g.sigma, 2.0, 0.4);
}

static void pot__bounded_tail__xi_zero_sigma_mean_excess(void **state)
{
	static double x[N_BIG], scratch[N_BIG];
	struct tail_model t;
	double s = 0;

	(void)state;
	/* Uniform scores: the tail is bounded (xi = -1), clamped to 0. */
	gpd_sample(11, -1.0, 1.0, x, N_BIG);
	assert_int_equal(evt__pot(x, N_BIG, 0.05, scratch, &t), 0);
	assert_true(t.g.xi == 0);
	for (size_t i = 0; i < N_BIG; i++)
		if (x[i] > t.u)
			s += x[i] - t.u;
	assert_close(t.g.sigma, s / t.n_tail, 1e-12);
}

static void pot__heavy_tail__xi_clamped_sigma_refitted(void **state)
{
	static double x[N_BIG], scratch[N_BIG], ex[N_BIG];
	struct tail_model t;
	size_t m = 0;
	double lhs = 0, ll;

	(void)state;
	/* Pareto scores, xi = 1: clamped to EVT_XI_MAX. */
	gpd_sample(13, 1.0, 1.0, x, N_BIG);
	assert_int_equal(evt__pot(x, N_BIG, 0.1, scratch, &t), 0);
	assert_true(t.g.xi == EVT_XI_MAX);
	for (size_t i = 0; i < N_BIG; i++)
		if (x[i] > t.u)
			ex[m++] = x[i] - t.u;
	assert_int_equal(m, t.n_tail);
	/* sigma is the MLE for xi = 0.25: d ll / d sigma = 0 there. */
	for (size_t i = 0; i < m; i++) {
		double a = t.g.xi * ex[i] / t.g.sigma;

		lhs += a / (1 + a);
	}
	assert_close(lhs / m, EVT_XI_MAX / (1 + EVT_XI_MAX), 1e-12);
	ll = evt__gpd_loglik(ex, m, &t.g);
	for (int d = -1; d <= 1; d += 2) {
		struct gpd g = { t.g.xi, t.g.sigma * (1 + d * 1e-4) };

		assert_true(evt__gpd_loglik(ex, m, &g) < ll);
	}
}

static void pot__few_excesses__exponential_fallback(void **state)
{
	double x[40], scratch[40], s = 0;
	struct tail_model t;

	(void)state;
	gpd_sample(17, 0.5, 1.0, x, 40);
	/* 39 * 0.9 = 35.1: 4 values above u, fewer than EVT_MIN_TAIL */
	assert_int_equal(evt__pot(x, 40, 0.1, scratch, &t), 0);
	assert_int_equal(t.n_tail, 4);
	assert_true(t.g.xi == 0);
	for (size_t i = 0; i < 40; i++)
		if (x[i] > t.u)
			s += x[i] - t.u;
	assert_close(t.g.sigma, s / 4, 1e-15);
}

static void pot__equal_samples__sigma_floor(void **state)
{
	double x[10], scratch[10];
	struct tail_model t;

	(void)state;
	for (int i = 0; i < 10; i++)
		x[i] = 3;
	assert_int_equal(evt__pot(x, 10, 0.2, scratch, &t), 0);
	assert_true(t.u == 3 && t.n_tail == 0 && t.rate == 0);
	assert_true(t.g.xi == 0 && t.g.sigma == EVT_SIGMA_FLOOR * 3);
	assert_true(evt__level(&t, 1e-3) == 3);
	assert_true(evt__survival(&t, 2) == 0 && evt__survival(&t, 4) == 0);
	memset(x, 0, sizeof(x));
	assert_int_equal(evt__pot(x, 10, 0.2, scratch, &t), 0);
	assert_true(t.g.sigma == DBL_MIN);
	/* Tied at the top: one excess per tie, all equal, fit -EDOM. */
	for (int i = 0; i < 10; i++)
		x[i] = i < 4 ? 0 : 1;
	assert_int_equal(evt__pot(x, 10, 0.7, scratch, &t), 0);
	assert_int_equal(t.n_tail, 6);
	assert_true(t.g.xi == 0);
	assert_close(t.g.sigma, 1 - t.u, 1e-15);
}

static void pot__input_order__same_model_input_untouched(void **state)
{
	static double x[300], y[300], keep[300], scratch[300];
	struct tail_model a, b;

	(void)state;
	gpd_sample(19, 0.1, 1.0, x, 300);
	memcpy(keep, x, sizeof(x));
	for (size_t i = 0; i < 300; i++)
		y[i] = x[(i * 7) % 300];	/* a permutation: 7 coprime */
	assert_int_equal(evt__pot(x, 300, 0.1, scratch, &a), 0);
	assert_int_equal(evt__pot(y, 300, 0.1, scratch, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_memory_equal(x, keep, sizeof(x));
}

static void pot__bad_arguments__einval(void **state)
{
	double x[4] = { 1, 2, 3, 4 }, scratch[4];
	struct tail_model t = { .u = 42 };

	(void)state;
	assert_int_equal(evt__pot(NULL, 4, 0.1, scratch, &t), -EINVAL);
	assert_int_equal(evt__pot(x, 4, 0.1, NULL, &t), -EINVAL);
	assert_int_equal(evt__pot(x, 4, 0.1, scratch, NULL), -EINVAL);
	assert_int_equal(evt__pot(x, 1, 0.1, scratch, &t), -EINVAL);
	assert_int_equal(evt__pot(x, 4, 0, scratch, &t), -EINVAL);
	assert_int_equal(evt__pot(x, 4, 1, scratch, &t), -EINVAL);
	assert_int_equal(evt__pot(x, 4, -0.1, scratch, &t), -EINVAL);
	assert_int_equal(evt__pot(x, 4, NAN, scratch, &t), -EINVAL);
	x[1] = NAN;
	assert_int_equal(evt__pot(x, 4, 0.1, scratch, &t), -EINVAL);
	x[1] = -INFINITY;
	assert_int_equal(evt__pot(x, 4, 0.1, scratch, &t), -EINVAL);
	x[1] = -1.5e308;
	x[2] = 1.5e308;
	assert_int_equal(evt__pot(x, 4, 0.1, scratch, &t), -EINVAL);
	assert_true(t.u == 42);
}

/* A fitted model with xi inside the clamp, for level and survival. */
static void fitted_model(struct tail_model *t)
{
	static double x[N_BIG], scratch[N_BIG];

	gpd_sample(23, 0.12, 1.0, x, N_BIG);
	assert_int_equal(evt__pot(x, N_BIG, 0.05, scratch, t), 0);
	assert_true(t->g.xi > 0 && t->g.xi < EVT_XI_MAX);
}

static void level__at_rate_and_above__is_u(void **state)
{
	struct tail_model t;

	(void)state;
	fitted_model(&t);
	assert_true(evt__level(&t, t.rate) == t.u);
	assert_true(evt__level(&t, 0.5) == t.u);
	assert_true(evt__level(&t, 1) == t.u);
	/* continuous there */
	assert_close(evt__level(&t, t.rate * (1 - 1e-9)), t.u, 1e-6);
	assert_true(isinf(evt__level(&t, 0)));
	assert_true(isnan(evt__level(&t, NAN)));
}

static void level__q_falling__level_rising_and_inverts_survival(void **state)
{
	struct tail_model t;
	double prev;

	(void)state;
	fitted_model(&t);
	prev = t.u;
	for (double q = t.rate * 0.9; q > 1e-12; q *= 0.5) {
		double l = evt__level(&t, q);

		assert_true(l > prev);
		prev = l;
		assert_close(evt__survival(&t, l) / q, 1.0, 1e-12);
	}
	/* xi = 0.12: the 1e-6 level is far above u, but finite */
	assert_true(evt__level(&t, 1e-6) > t.u + 10 * t.g.sigma);
	assert_true(isfinite(evt__level(&t, 1e-300)));
}

static void survival__monotone_and_rate_below_u(void **state)
{
	struct tail_model t;
	double prev = 1;

	(void)state;
	fitted_model(&t);
	assert_true(evt__survival(&t, t.u) == t.rate);
	assert_true(evt__survival(&t, t.u - 100) == t.rate);
	assert_true(evt__survival(&t, -INFINITY) == t.rate);
	assert_true(isnan(evt__survival(&t, NAN)));
	for (double x = t.u - 5; x < t.u + 1e6; x += 0.01 + fabs(x - t.u)) {
		double s = evt__survival(&t, x);

		assert_true(s <= prev && s >= 0 && s <= t.rate);
		prev = s;
	}
	assert_true(prev < 1e-9);
	assert_true(evt__survival(&t, INFINITY) == 0);
	/* continuous at u */
	assert_close(evt__survival(&t, nextafter(t.u, INFINITY)), t.rate, 1e-15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fit_gpd__exponential_n2000__xi_near_zero),
		cmocka_unit_test(fit_gpd__heavy_and_bounded_tails__recovers_xi),
		cmocka_unit_test(fit_gpd__solves_grimshaw_equations),
		cmocka_unit_test(fit_gpd__scaled_data__same_xi_scaled_sigma),
		cmocka_unit_test(fit_gpd__equal_excesses__edom),
		cmocka_unit_test(fit_gpd__bad_arguments__einval),
		cmocka_unit_test(gpd_sf_isf__round_trip),
		cmocka_unit_test(gpd_sf_isf__closed_forms_and_edges),
		cmocka_unit_test(gpd_loglik__closed_form_and_support),
		cmocka_unit_test(pot__quantile__is_numpy_linear),
		cmocka_unit_test(pot__exponential_scores__gpd_kept),
		cmocka_unit_test(pot__bounded_tail__xi_zero_sigma_mean_excess),
		cmocka_unit_test(pot__heavy_tail__xi_clamped_sigma_refitted),
		cmocka_unit_test(pot__few_excesses__exponential_fallback),
		cmocka_unit_test(pot__equal_samples__sigma_floor),
		cmocka_unit_test(pot__input_order__same_model_input_untouched),
		cmocka_unit_test(pot__bad_arguments__einval),
		cmocka_unit_test(level__at_rate_and_above__is_u),
		cmocka_unit_test(level__q_falling__level_rising_and_inverts_survival),
		cmocka_unit_test(survival__monotone_and_rate_below_u),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
