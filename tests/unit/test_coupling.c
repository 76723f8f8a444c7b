// SPDX-License-Identifier: MIT
/*
 * src/stats/coupling.c on tables whose coupling is known by construction: an
 * independent table sampled event by event (MI ~ 0, inside the interval's
 * reach of 0), a deterministic one (MI = H(X), NMI = 1), the band
 * comparison at its edges, and seed determinism.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>

#include "coupling.h"
#include "test_rand.h"

/* Draw a row and, independently, a column from skewed marginals. */
static void independent_table(uint64_t *t, size_t rows, size_t cols,
			      unsigned int n, uint64_t seed)
{
	for (unsigned int i = 0; i < n; i++) {
		size_t r = (size_t)(test_rand(&seed) % (rows * (rows + 1) / 2));
		size_t c = (size_t)(test_rand(&seed) % (cols * 2));
		size_t row = 0;

		while (r >= row + 1)	/* row i has weight i + 1 */
			r -= ++row;
		t[row * cols + (c < cols ? 0 : c - cols)]++;
	}
}

static void independent__mi_near_zero_and_interval_reaches_it(void **state)
{
	for (uint64_t seed = 1; seed <= 20; seed++) {
		uint64_t t[8 * 7] = { 0 };
		struct coupling c;

		(void)state;
		independent_table(t, 8, 7, 50000, seed);
		assert_int_equal(coupling__measure(t, 8, 7, COUPLING_CI_BOOTSTRAP, seed, &c), 0);
		assert_int_equal(c.n, 50000);
		/*
		 * Plug-in bias is (8-1)(7-1)/2N = 4.2e-4 and Miller-Madow
		 * removes it. The percentile interval of the plug-in MI
		 * carries the bias twice (the replicates are biased around
		 * a biased estimate), so near 0 it can sit just above mi;
		 * the learnt band has the same bias, so comparisons hold.
		 */
		if (!(fabs(c.mi_mm) < 6e-4 && c.lo < 1.2e-3 && c.lo < c.hi))
			fail_msg("seed %llu: mi %g mm %g [%g, %g]",
				 (unsigned long long)seed, c.mi, c.mi_mm, c.lo,
				 c.hi);
	}
}

static void deterministic__mi_is_h_x_and_nmi_one(void **state)
{
	/* Column = row % 7 for 7 rows with counts 1..7 times 100. */
	uint64_t t[7 * 7] = { 0 };
	double h = 0, n = 2800;
	struct coupling c;

	(void)state;
	for (int r = 0; r < 7; r++) {
		t[r * 7 + r] = 100 * (uint64_t)(r + 1);
		h -= (100.0 * (r + 1) / n) * log(100.0 * (r + 1) / n);
	}
	assert_int_equal(coupling__measure(t, 7, 7, COUPLING_CI_BOOTSTRAP, 9, &c), 0);
	assert_true(fabs(c.mi - h) < 1e-12);
	assert_true(fabs(c.nmi - 1) < 1e-12);
}

static void empty_table__is_enodata(void **state)
{
	uint64_t t[6] = { 0 };
	struct coupling c;

	(void)state;
	assert_int_equal(coupling__measure(t, 2, 3, COUPLING_CI_ASYMPTOTIC, 1, &c), -ENODATA);
	assert_int_equal(coupling__measure(NULL, 2, 3, COUPLING_CI_ASYMPTOTIC, 1, &c), -EINVAL);
}

static void compare__interval_against_band_with_margin(void **state)
{
	const struct coupling_band band = { .min = 0.10, .max = 0.20,
					    .pooled = 0.15 };
	/* margin = 0.1 * 0.20 + 0.005 = 0.025 */
	struct coupling c = { .lo = 0.226, .hi = 0.3 };

	(void)state;
	assert_int_equal(coupling__compare(&c, &band), COUPLING_STRONGER);
	c.lo = 0.224;
	assert_int_equal(coupling__compare(&c, &band), COUPLING_STEADY);
	c.lo = 0.01;
	c.hi = 0.074;
	assert_int_equal(coupling__compare(&c, &band), COUPLING_WEAKER);
	c.hi = 0.076;
	assert_int_equal(coupling__compare(&c, &band), COUPLING_STEADY);
	assert_string_equal(coupling__change_name(COUPLING_WEAKER), "weaker");
}

static void seed__same_window_same_interval(void **state)
{
	uint64_t t[8 * 7] = { 0 };
	struct coupling a, b, c;

	(void)state;
	independent_table(t, 8, 7, 3000, 5);
	assert_int_equal(coupling__seed(1.5, 3, "/"), coupling__seed(1.5, 3, "/"));
	assert_true(coupling__seed(1.5, 3, "/") != coupling__seed(1.501, 3, "/"));
	assert_true(coupling__seed(1.5, 3, "/") != coupling__seed(1.5, 2, "/"));
	assert_true(coupling__seed(1.5, 3, "/") != coupling__seed(1.5, 3, "/a"));
	assert_int_equal(coupling__measure(t, 8, 7, COUPLING_CI_BOOTSTRAP, coupling__seed(1.5, 3, "/"), &a), 0);
	assert_int_equal(coupling__measure(t, 8, 7, COUPLING_CI_BOOTSTRAP, coupling__seed(1.5, 3, "/"), &b), 0);
	assert_int_equal(coupling__measure(t, 8, 7, COUPLING_CI_BOOTSTRAP, coupling__seed(9.5, 3, "/"), &c), 0);
	assert_true(a.lo == b.lo && a.hi == b.hi);
	assert_true(a.lo != c.lo || a.hi != c.hi);
}

/*
 * The asymptotic interval (analyze/run) against the bootstrap (mi) on
 * random dependent tables of 2,000 to 2,000,000 events: same width within
 * a factor 1.5, and each contains the other's midpoint.
 */
static void asymptotic__agrees_with_bootstrap(void **state)
{
	uint64_t seed = 11;
	double worst = 1;

	(void)state;
	for (int k = 0; k < 60; k++) {
		uint64_t t[8 * 7] = { 0 }, n = 2000ull << (k % 11);
		struct coupling a, b;
		double wa, wb, ratio;

		/* Row-dependent column preference, k-dependent strength. */
		for (int c = 0; c < 8 * 7; c++) {
			unsigned int row = c / 7, col = c % 7;
			uint64_t w = 1 + test_rand(&seed) % 5 +
				     (col == row % 7 ? (uint64_t)(k % 7) * 4 : 0);

			t[c] = w * n / 300;
		}
		assert_int_equal(coupling__measure(t, 8, 7, COUPLING_CI_ASYMPTOTIC,
						   0, &a), 0);
		assert_int_equal(coupling__measure(t, 8, 7, COUPLING_CI_BOOTSTRAP,
						   (uint64_t)k, &b), 0);
		wa = a.hi - a.lo;
		wb = b.hi - b.lo;
		ratio = wa > wb ? wa / wb : wb / wa;
		worst = ratio > worst ? ratio : worst;
		if (ratio > 1.5 || a.lo > (b.lo + b.hi) / 2 ||
		    a.hi < (b.lo + b.hi) / 2 || b.lo > (a.lo + a.hi) / 2 ||
		    b.hi < (a.lo + a.hi) / 2)
			fail_msg("table %d (n %llu, mi %g): asymptotic [%g, %g], "
				 "bootstrap [%g, %g]", k,
				 (unsigned long long)a.n, a.mi, a.lo, a.hi,
				 b.lo, b.hi);
	}
	print_message("asymptotic vs bootstrap: worst width ratio %.3f\n",
		      worst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(independent__mi_near_zero_and_interval_reaches_it),
		cmocka_unit_test(deterministic__mi_is_h_x_and_nmi_one),
		cmocka_unit_test(empty_table__is_enodata),
		cmocka_unit_test(compare__interval_against_band_with_margin),
		cmocka_unit_test(seed__same_window_same_interval),
		cmocka_unit_test(asymptotic__agrees_with_bootstrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
