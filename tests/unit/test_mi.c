// SPDX-License-Identifier: MIT
/*
 * src/stats/mi.c on cases whose answer is known in closed form or by
 * construction: independent and diagonal tables, Miller-Madow bias
 * direction, NMI edge cases, KSG on series with known MI, bootstrap
 * (mi_bootstrap.c) coverage and determinism, and the error contract.
 * test_mi_sklearn.c checks the same code against sklearn.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "mi.h"
#include "mi_bootstrap.h"
#include "test_rand.h"
#include "test_close.h"

/* NMI of the table, as mi's NMI column gets it. */
static int nmi(const uint64_t *t, size_t rows, size_t cols, enum mi_norm m,
	       double *v)
{
	struct mi_entropies e;
	int err = mi__entropies(t, rows, cols, &e);

	*v = err ? NAN : mi__nmi_of(&e, m);
	return err;
}

static double test_uniform(uint64_t *s)
{
	return ((double)(test_rand(s) >> 11) + 0.5) * 0x1.0p-53;
}

static double test_normal(uint64_t *s)
{
	double u = test_uniform(s), v = test_uniform(s);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

static void entropies__independent_table__mi_is_zero(void **state)
{
	/* n_ij = r_i c_j: exactly the product of its marginals. */
	static const uint64_t r[3] = { 1, 2, 7 }, c[4] = { 3, 1, 4, 2 };
	uint64_t t[12];
	struct mi_entropies e;

	(void)state;
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 4; j++)
			t[i * 4 + j] = r[i] * c[j];
	assert_int_equal(mi__entropies(t, 3, 4, &e), 0);
	assert_true(e.mi < 1e-15);
	assert_close(e.h_xy, e.h_x + e.h_y, 1e-14);
	assert_int_equal(e.n, 100);
	assert_int_equal(e.rows_nz, 3);
	assert_int_equal(e.cols_nz, 4);
	assert_int_equal(e.cells_nz, 12);
}

static void entropies__diagonal_table__mi_equals_h_x(void **state)
{
	static const uint64_t t[16] = {
		4, 0, 0, 0,
		0, 9, 0, 0,
		0, 0, 1, 0,
		0, 0, 0, 6,
	};
	double h = 0.0;
	struct mi_entropies e;

	(void)state;
	for (int i = 0; i < 4; i++)
		h -= t[i * 5] / 20.0 * log(t[i * 5] / 20.0);
	assert_int_equal(mi__entropies(t, 4, 4, &e), 0);
	assert_close(e.h_x, h, 1e-15);
	assert_close(e.h_y, h, 1e-15);
	assert_close(e.h_xy, h, 1e-15);
	assert_close(e.mi, h, 1e-15);
	assert_int_equal(e.cells_nz, 4);
}

static void entropies__single_row_or_column__mi_is_exactly_zero(void **state)
{
	static const uint64_t t[3] = { 3, 0, 5 };
	struct mi_entropies e;

	(void)state;
	assert_int_equal(mi__entropies(t, 1, 3, &e), 0);
	assert_true(e.mi == 0.0);
	assert_int_equal(mi__entropies(t, 3, 1, &e), 0);
	assert_true(e.mi == 0.0);
	assert_int_equal(e.rows_nz, 2);
}

/*
 * Tables of 200 events drawn from an independent 4 x 5 uniform: the true MI
 * is 0, the plug-in mean is biased up by ~(4-1)(5-1)/(2*200) = 0.03, and
 * Miller-Madow removes that first-order bias.
 */
static void miller_madow__removes_plug_in_bias(void **state)
{
	double mean_mi = 0.0, mean_mm = 0.0;
	uint64_t seed = 42;
	const int reps = 400;

	(void)state;
	for (int r = 0; r < reps; r++) {
		uint64_t t[20] = { 0 };
		struct mi_entropies e;

		for (int i = 0; i < 200; i++)
			t[test_rand(&seed) % 20]++;
		assert_int_equal(mi__entropies(t, 4, 5, &e), 0);
		assert_close(e.mi_mm - e.mi,
				   ((double)e.rows_nz + e.cols_nz -
				    e.cells_nz - 1) / 400.0, 1e-15);
		mean_mi += e.mi / reps;
		mean_mm += e.mi_mm / reps;
	}
	assert_true(mean_mi > 0.02);
	assert_true(fabs(mean_mm) < 0.3 * mean_mi);
}

static void nmi__sklearn_edge_cases(void **state)
{
	static const uint64_t one[1] = { 7 }, row[3] = { 3, 0, 5 };
	static const uint64_t lone[3] = { 0, 7, 0 };
	static const uint64_t diag[4] = { 5, 0, 0, 3 }, indep[4] = { 2, 4, 1, 2 };
	double v;

	(void)state;
	for (enum mi_norm m = MI_NORM_ARITHMETIC; m <= MI_NORM_MAX; m++) {
		/* Both sides a single cluster: a perfect match. */
		assert_int_equal(nmi(one, 1, 1, m, &v), 0);
		assert_true(v == 1.0);
		/* A single non-empty row among several is still one cluster. */
		assert_int_equal(nmi(lone, 3, 1, m, &v), 0);
		assert_true(v == 1.0);
		/* One side split, the other not: MI = 0, so NMI = 0. */
		assert_int_equal(nmi(row, 1, 3, m, &v), 0);
		assert_true(v == 0.0);
		assert_int_equal(nmi(row, 3, 1, m, &v), 0);
		assert_true(v == 0.0);
		assert_int_equal(nmi(diag, 2, 2, m, &v), 0);
		assert_close(v, 1.0, 1e-15);
		assert_int_equal(nmi(indep, 2, 2, m, &v), 0);
		assert_true(v < 1e-15);
	}
}

static void nmi__normalizations_order(void **state)
{
	/* H(X) < H(Y): MI/max <= MI/arith <= MI/geom <= MI/min. */
	static const uint64_t t[6] = { 10, 2, 0, 1, 5, 6 };
	double v[4];

	(void)state;
	for (enum mi_norm m = MI_NORM_ARITHMETIC; m <= MI_NORM_MAX; m++)
		assert_int_equal(nmi(t, 2, 3, m, &v[m]), 0);
	assert_true(v[MI_NORM_MAX] <= v[MI_NORM_ARITHMETIC]);
	assert_true(v[MI_NORM_ARITHMETIC] <= v[MI_NORM_GEOMETRIC]);
	assert_true(v[MI_NORM_GEOMETRIC] <= v[MI_NORM_MIN]);
	assert_true(v[MI_NORM_MIN] <= 1.0);
}

static void ksg__independent_uniform__near_zero(void **state)
{
	enum { N = 1000 };
	double x[N], y[N], mi;
	uint64_t seed = 7;

	(void)state;
	for (int i = 0; i < N; i++) {
		x[i] = test_uniform(&seed);
		y[i] = test_uniform(&seed);
	}
	assert_int_equal(mi__ksg(x, y, N, MI_KSG_K_DEFAULT, &mi), 0);
	assert_true(mi >= 0.0 && mi < 0.03);
}

static void ksg__identical_series__large(void **state)
{
	enum { N = 500 };
	double x[N], y[N], mi;
	uint64_t seed = 11;

	(void)state;
	for (int i = 0; i < N; i++) {
		x[i] = test_normal(&seed);
		y[i] = x[i] + 1e-9 * test_normal(&seed);
	}
	assert_int_equal(mi__ksg(x, y, N, MI_KSG_K_DEFAULT, &mi), 0);
	assert_true(mi > 4.0);
}

static void ksg__gaussian__matches_closed_form(void **state)
{
	enum { N = 2000 };
	static double x[N], y[N];
	const double rho[] = { 0.3, -0.6, 0.9 };
	uint64_t seed = 3;

	(void)state;
	for (size_t r = 0; r < sizeof(rho) / sizeof(rho[0]); r++) {
		double mi, s = sqrt(1.0 - rho[r] * rho[r]);

		for (int i = 0; i < N; i++) {
			x[i] = test_normal(&seed);
			y[i] = rho[r] * x[i] + s * test_normal(&seed);
		}
		assert_int_equal(mi__ksg(x, y, N, MI_KSG_K_DEFAULT, &mi), 0);
		assert_close(mi, -0.5 * log(1.0 - rho[r] * rho[r]), 0.05);
	}
}

/*
 * Table proportional to p = [[.4 .1] [.1 .4]]: the plug-in MI is the true
 * MI. The interval must contain it, and its width must match the delta
 * method, sd^2 = (sum p_ij ln^2(p_ij / p_i p_j) - MI^2) / N, which checks
 * the multinomial sampler's spread at small N (inversion) and at large N
 * (the Beta splitting path).
 */
static void bootstrap_ci__covers_true_mi_with_delta_method_width(void **state)
{
	const uint64_t scale[] = { 100, 10000000 };

	(void)state;
	for (size_t s = 0; s < 2; s++) {
		uint64_t t[4] = { 4 * scale[s], scale[s], scale[s], 4 * scale[s] };
		double n = 10.0 * scale[s], l = log(0.4 / 0.25), m = log(0.1 / 0.25);
		double mi = 0.8 * l + 0.2 * m, sd, lo, hi;
		struct mi_entropies e;

		sd = sqrt((0.8 * l * l + 0.2 * m * m - mi * mi) / n);
		assert_int_equal(mi__entropies(t, 2, 2, &e), 0);
		assert_close(e.mi, mi, 1e-14);
		assert_int_equal(mi__bootstrap_ci(t, 2, 2, 2000, 1, 0.95, &lo,
						  &hi), 0);
		assert_true(lo < mi && mi < hi);
		assert_close((hi - lo) / (2 * 1.959964 * sd), 1.0, 0.12);
	}
}

static void bootstrap_ci__fixed_seed__is_deterministic(void **state)
{
	static const uint64_t t[6] = { 30, 5, 1, 2, 40, 9 };
	double lo1, hi1, lo2, hi2, lo3, hi3;

	(void)state;
	assert_int_equal(mi__bootstrap_ci(t, 2, 3, 300, 99, 0.9, &lo1, &hi1), 0);
	assert_int_equal(mi__bootstrap_ci(t, 2, 3, 300, 99, 0.9, &lo2, &hi2), 0);
	assert_int_equal(mi__bootstrap_ci(t, 2, 3, 300, 100, 0.9, &lo3, &hi3), 0);
	assert_true(lo1 == lo2 && hi1 == hi2);
	assert_true(lo1 != lo3 || hi1 != hi3);
	assert_true(lo1 <= hi1);
}

static void invalid_inputs__einval(void **state)
{
	static const uint64_t t[4] = { 1, 2, 3, 4 }, zero[4] = { 0 };
	static const uint64_t big[2] = { UINT64_MAX, 1 };
	static const double x[4] = { 0, 1, 2, 3 }, bad[4] = { 0, NAN, 2, 3 };
	struct mi_entropies e;
	double v, lo, hi;

	(void)state;
	assert_int_equal(mi__entropies(NULL, 2, 2, &e), -EINVAL);
	assert_int_equal(mi__entropies(t, 0, 2, &e), -EINVAL);
	assert_int_equal(mi__entropies(t, 2, 0, &e), -EINVAL);
	assert_int_equal(mi__entropies(t, 2, 2, NULL), -EINVAL);
	assert_int_equal(mi__entropies(zero, 2, 2, &e), -EINVAL);
	assert_int_equal(mi__entropies(t, SIZE_MAX, 2, &e), -EINVAL);
	assert_int_equal(mi__entropies(big, 1, 2, &e), -EOVERFLOW);
	assert_int_equal(mi__ksg(x, x, 4, 0, &v), -EINVAL);
	assert_int_equal(mi__ksg(x, x, 3, 3, &v), -EINVAL);
	assert_int_equal(mi__ksg(x, bad, 4, 1, &v), -EINVAL);
	assert_int_equal(mi__ksg(NULL, x, 4, 1, &v), -EINVAL);
	assert_int_equal(mi__ksg(x, x, 4, 1, NULL), -EINVAL);
	assert_int_equal(mi__bootstrap_ci(t, 2, 2, 0, 1, 0.9, &lo, &hi), -EINVAL);
	assert_int_equal(mi__bootstrap_ci(t, 2, 2, 10, 1, 0.0, &lo, &hi), -EINVAL);
	assert_int_equal(mi__bootstrap_ci(t, 2, 2, 10, 1, 1.0, &lo, &hi), -EINVAL);
	assert_int_equal(mi__bootstrap_ci(t, 2, 2, 10, 1, NAN, &lo, &hi), -EINVAL);
	assert_int_equal(mi__bootstrap_ci(zero, 2, 2, 10, 1, 0.9, &lo, &hi),
			 -EINVAL);
	assert_int_equal(mi__bootstrap_ci(t, 2, 2, 10, 1, 0.9, NULL, &hi),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entropies__independent_table__mi_is_zero),
		cmocka_unit_test(entropies__diagonal_table__mi_equals_h_x),
		cmocka_unit_test(entropies__single_row_or_column__mi_is_exactly_zero),
		cmocka_unit_test(miller_madow__removes_plug_in_bias),
		cmocka_unit_test(nmi__sklearn_edge_cases),
		cmocka_unit_test(nmi__normalizations_order),
		cmocka_unit_test(ksg__independent_uniform__near_zero),
		cmocka_unit_test(ksg__identical_series__large),
		cmocka_unit_test(ksg__gaussian__matches_closed_form),
		cmocka_unit_test(bootstrap_ci__covers_true_mi_with_delta_method_width),
		cmocka_unit_test(bootstrap_ci__fixed_seed__is_deterministic),
		cmocka_unit_test(invalid_inputs__einval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
