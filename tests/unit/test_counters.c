// SPDX-License-Identifier: MIT
/* Sum of per-CPU counters and snapshot diff: wrap, reset, plain increment. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "counters.h"

static void counters__diff__plain_increment(void **state)
{
	uint64_t prev[3] = { 1, 5, 100 }, cur[3] = { 4, 5, 1100 }, d[3];

	(void)state;
	assert_int_equal(counters__diff(prev, cur, 3, d), 0);
	assert_int_equal(d[0], 3);
	assert_int_equal(d[1], 0);
	assert_int_equal(d[2], 1000);
}

static void counters__diff__counter_wrap__yields_true_increment(void **state)
{
	uint64_t prev[1] = { UINT64_MAX - 2 }, cur[1] = { 7 }, d[1];

	(void)state;
	assert_int_equal(counters__diff(prev, cur, 1, d), 0);
	assert_int_equal(d[0], 10);
}

static void counters__diff__counter_reset__yields_zero(void **state)
{
	uint64_t prev[2] = { 1000000, 10 }, cur[2] = { 5, 12 }, d[2];

	(void)state;
	assert_int_equal(counters__diff(prev, cur, 2, d), 1);
	assert_int_equal(d[0], 0);
	assert_int_equal(d[1], 2);
}

static void counters__sum_cpus__adds_each_bin_across_cpus(void **state)
{
	uint64_t percpu[2 * 4] = { 1, 2, 3, 99, 10, 20, 30, 99 }, out[3];

	(void)state;
	counters__sum_cpus(percpu, 2, 4, out, 3);
	assert_int_equal(out[0], 11);
	assert_int_equal(out[1], 22);
	assert_int_equal(out[2], 33);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counters__diff__plain_increment),
		cmocka_unit_test(counters__diff__counter_wrap__yields_true_increment),
		cmocka_unit_test(counters__diff__counter_reset__yields_zero),
		cmocka_unit_test(counters__sum_cpus__adds_each_bin_across_cpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
