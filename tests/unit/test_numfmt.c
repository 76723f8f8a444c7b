// SPDX-License-Identifier: MIT
/*
 * numfmt__g against glibc's snprintf "%.*g", byte for byte: random doubles
 * over the whole range and every precision, the ties and near-ties of
 * short decimals, carries (9.995 -> 10), and the edges (zero, signs,
 * subnormals, powers of ten).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>
#include "numfmt.h"
#include "test_rand.h"

static int mismatches;

static void check(double v, int prec)
{
	char got[NUMFMT_BUFSZ], want[NUMFMT_BUFSZ];
	size_t n = numfmt__g(got, v, prec);

	snprintf(want, sizeof(want), "%.*g", prec, v);
	if (strcmp(got, want) || n != strlen(want)) {
		if (mismatches++ < 10)
			print_error("%.17g prec %d: got %s want %s\n", v, prec,
				    got, want);
	}
}

static void numfmt_g__random_doubles__match_printf(void **state)
{
	uint64_t s = 1;

	(void)state;
	mismatches = 0;
	for (int i = 0; i < 300000; i++) {
		uint64_t bits = test_rand(&s);
		double v;

		memcpy(&v, &bits, sizeof(v));
		if (!isfinite(v))
			continue;
		check(v, 1 + i % NUMFMT_MAX_PREC);
	}
	/* Magnitudes where analysis numbers live, uniformly in log scale. */
	for (int i = 0; i < 300000; i++) {
		double u = (double)(test_rand(&s) >> 11) * 0x1p-53;

		check(pow(10, -30 + 60 * u), 1 + i % NUMFMT_MAX_PREC);
		check(-pow(10, -30 + 60 * u), 1 + i % NUMFMT_MAX_PREC);
	}
	assert_int_equal(mismatches, 0);
}

static void numfmt_g__short_decimals_and_ties__match_printf(void **state)
{
	(void)state;
	mismatches = 0;
	/* k / 10^j: exact ties in binary (0.125, 2.5) and near-ties (0.15). */
	for (int j = 0; j <= 6; j++)
		for (int k = -2000; k <= 2000; k++)
			for (int prec = 1; prec <= NUMFMT_MAX_PREC; prec++) {
				check(k / pow(10, j), prec);
				check(k / pow(2, j + 3), prec);
			}
	assert_int_equal(mismatches, 0);
}

static void numfmt_g__edges__match_printf(void **state)
{
	static const double v[] = {
		0.0, -0.0, 1, -1, 9.995, 9.9999999999999995, 99999.5,
		999999999.5, 1e-5, 1e-4, 0.0001, 1e15, 1e16, 1e22, 1e23,
		1e-22, 1e-23, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
		0.1, 0.5, 123456789012345678.0,
	};

	(void)state;
	mismatches = 0;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (int prec = 1; prec <= NUMFMT_MAX_PREC; prec++) {
			check(v[i], prec);
			check(nextafter(v[i], INFINITY), prec);
			check(nextafter(v[i], -INFINITY), prec);
		}
	assert_int_equal(mismatches, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numfmt_g__random_doubles__match_printf),
		cmocka_unit_test(numfmt_g__short_decimals_and_ties__match_printf),
		cmocka_unit_test(numfmt_g__edges__match_printf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
