// SPDX-License-Identifier: MIT
/*
 * src/stats/redundancy.c on series whose dependence is known: bivariate normals
 * with correlation rho (r must come out near |rho|, Linfoot's identity),
 * a deterministic monotone function (r near 1), independence (r near 0),
 * a constant series, scale invariance, and the ranking.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "redundancy.h"
#include "test_rand.h"

#define LEN 600
#define LEN_RHO 2000

/* Standard normal by Box-Muller. */
static double normal(uint64_t *s)
{
	double u = ((double)(test_rand(s) >> 11) + 0.5) / 9007199254740992.0;
	double v = ((double)(test_rand(s) >> 11) + 0.5) / 9007199254740992.0;

	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static void bivariate_normal__r_recovers_rho(void **state)
{
	static const double rhos[] = { 0.0, 0.5, 0.8, 0.95 };
	static double x[LEN_RHO], y[LEN_RHO];
	uint64_t seed = 42;

	(void)state;
	for (size_t k = 0; k < sizeof(rhos) / sizeof(rhos[0]); k++) {
		const double *series[2] = { x, y };
		double rho = rhos[k];
		struct redundancy rd;

		for (int i = 0; i < LEN_RHO; i++) {
			double a = normal(&seed), b = normal(&seed);

			x[i] = 1000 + 50 * a;	/* counts-like offset, scale */
			y[i] = rho * a + sqrt(1 - rho * rho) * b;
		}
		assert_int_equal(redundancy__compute(series, 2, LEN_RHO, 3, &rd), 0);
		/*
		 * KSG's spread at n = 2000 is ~0.02 nats (sklearn's own
		 * _compute_mi_cc scatters as much); r is steep near 0.
		 */
		if (!(fabs(rd.r[1] - rho) < (rho < 0.1 ? 0.25 : 0.1)))
			fail_msg("rho %.2f: r %.3f (MI %.4f)", rho, rd.r[1],
				 rd.mi[1]);
		assert_true(rd.r[1] == rd.r[2] && rd.r[0] == 1 && rd.r[3] == 1);
		redundancy__free(&rd);
	}
}

static void ranking__independent_signal_adds_most_constant_last(void **state)
{
	static double x[LEN], cube[LEN], z[LEN], flat[LEN];
	const double *series[4] = { x, cube, z, flat };
	uint64_t seed = 7;
	struct redundancy rd;
	size_t order[4];

	(void)state;
	for (int i = 0; i < LEN; i++) {
		x[i] = normal(&seed);
		cube[i] = x[i] * x[i] * x[i];	/* a function of x */
		z[i] = normal(&seed);
		flat[i] = 5;
	}
	assert_int_equal(redundancy__compute(series, 4, LEN, 3, &rd), 0);
	assert_true(rd.r[0 * 4 + 1] > 0.95);
	assert_true(rd.r[0 * 4 + 2] < 0.3);
	assert_true(rd.constant[3] && !rd.constant[0]);
	assert_true(rd.mi[3 * 4 + 0] == 0 && rd.unique[3] == 0);
	assert_true(rd.unique[2] > 0.7 && rd.unique[0] < 0.05 &&
		    rd.unique[1] < 0.05);
	redundancy__rank(&rd, order);
	assert_int_equal(order[0], 2);
	assert_int_equal(order[3], 3);
	redundancy__free(&rd);
}

static void scaling__does_not_change_the_matrix(void **state)
{
	static double x[LEN], y[LEN], x2[LEN];
	const double *a[2] = { x, y }, *b[2] = { x2, y };
	uint64_t seed = 3;
	struct redundancy ra, rb;

	(void)state;
	for (int i = 0; i < LEN; i++) {
		x[i] = normal(&seed);
		y[i] = x[i] + normal(&seed);
		x2[i] = 1e6 * x[i];
	}
	assert_int_equal(redundancy__compute(a, 2, LEN, 3, &ra), 0);
	assert_int_equal(redundancy__compute(b, 2, LEN, 3, &rb), 0);
	assert_true(fabs(ra.mi[1] - rb.mi[1]) < 1e-9);
	redundancy__free(&ra);
	redundancy__free(&rb);
}

static void bad_input__is_einval(void **state)
{
	double x[4] = { 1, 2, 3, NAN }, y[4] = { 1, 2, 3, 4 };
	const double *s[2] = { x, y };
	struct redundancy rd;

	(void)state;
	assert_int_equal(redundancy__compute(s, 2, 4, 3, &rd), -EINVAL);
	assert_int_equal(redundancy__compute(s, 1, 4, 3, &rd), -EINVAL);
	assert_int_equal(redundancy__compute(s, 2, 3, 3, &rd), -EINVAL);
	assert_int_equal(redundancy__compute(s, 2, 4, 0, &rd), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bivariate_normal__r_recovers_rho),
		cmocka_unit_test(ranking__independent_signal_adds_most_constant_last),
		cmocka_unit_test(scaling__does_not_change_the_matrix),
		cmocka_unit_test(bad_input__is_einval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
