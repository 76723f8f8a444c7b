// SPDX-License-Identifier: MIT
/*
 * src/stats/mi.c against scikit-learn and scipy: reads the reference file that
 * tests/ref/gen_mi.py writes (path in argv[1], format described there) and
 * compares every record to 1e-9 relative (+1e-12 absolute near 0). A missing
 * or short file fails: a check that silently compares nothing is no check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "test_ref.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mi.h"
#include "stats.h"

#define REL_TOL 1e-9
#define ABS_TOL 1e-12

static struct ref_file ref = {
	.usage = "test_mi_sklearn REFERENCE_FILE (from gen_mi.py)",
};

/* A quantity computed by scikit-learn, to REL_TOL (+ ABS_TOL near 0). */
#define SKLEARN(n) { .name = n, .ref = "sklearn", .rel_tol = REL_TOL, \
		     .abs_tol = ABS_TOL }

static uint64_t *read_counts(struct cursor *c, size_t n)
{
	uint64_t *t = malloc(n * sizeof(*t));

	assert_non_null(t);
	for (size_t i = 0; i < n; i++)
		t[i] = next_u64(c);
	return t;
}

enum { ST_MI, ST_HX, ST_HY, ST_HXY, ST_NMI0, ST_COUNT = ST_NMI0 + 4 };

static void table_record(struct cursor *c, size_t line, void *ctx)
{
	static const enum mi_norm norms[] = {
		MI_NORM_ARITHMETIC, MI_NORM_GEOMETRIC, MI_NORM_MIN, MI_NORM_MAX,
	};
	struct err_stat *s = ctx;
	size_t rows = next_u64(c), cols = next_u64(c);
	uint64_t *t = read_counts(c, rows * cols);
	double want[ST_COUNT], got[ST_COUNT];
	struct mi_entropies e;

	for (int i = 0; i < ST_COUNT; i++)
		want[i] = next_double(c);
	record_end(c, line);
	assert_int_equal(mi__entropies(t, rows, cols, &e), 0);
	got[ST_MI] = e.mi;
	got[ST_HX] = e.h_x;
	got[ST_HY] = e.h_y;
	got[ST_HXY] = e.h_xy;
	for (int i = 0; i < 4; i++)
		got[ST_NMI0 + i] = mi__nmi_of(&e, norms[i]);
	for (int i = 0; i < ST_COUNT; i++)
		if (!isnan(want[i]))
			check_close(&s[i], got[i], want[i], line);
	free(t);
}

static void tables__match_sklearn(void **state)
{
	struct err_stat s[ST_COUNT] = {
		SKLEARN("mi"), SKLEARN("h_x"), SKLEARN("h_y"),
		SKLEARN("h_xy"), SKLEARN("nmi arithmetic"),
		SKLEARN("nmi geometric"), SKLEARN("nmi min"),
		SKLEARN("nmi max"),
	};

	(void)state;
	for_each_record(&ref, 'T', table_record, s);
	print_stats(s, ST_COUNT);
	assert_true(s[ST_MI].n >= 1000);
	for (int i = ST_NMI0; i < ST_COUNT; i++)
		assert_true(s[i].n >= 1000);
}

static void digamma_record(struct cursor *c, size_t line, void *ctx)
{
	double x = next_double(c), want = next_double(c);

	record_end(c, line);
	check_close(ctx, stats__digamma(x), want, line);
}

static void digamma__matches_scipy(void **state)
{
	/* 1e-12 relative; absolute 1e-15 covers the root at x ~ 1.4616. */
	struct err_stat s = {
		.name = "digamma", .ref = "scipy", .rel_tol = 1e-12,
		.abs_tol = 1e-15,
	};

	(void)state;
	for_each_record(&ref, 'D', digamma_record, &s);
	print_stats(&s, 1);
	assert_true(s.n >= 200);
}

static void ksg_record(struct cursor *c, size_t line, void *ctx)
{
	size_t n = next_u64(c);
	unsigned int k = next_u64(c);
	double *x = malloc(2 * n * sizeof(*x)), want, got;

	assert_non_null(x);
	for (size_t i = 0; i < 2 * n; i++)
		x[i] = next_double(c);
	want = next_double(c);
	record_end(c, line);
	assert_int_equal(mi__ksg(x, x + n, n, k, &got), 0);
	check_close(ctx, got, want, line);
	free(x);
}

static void ksg__matches_sklearn_compute_mi_cc(void **state)
{
	struct err_stat s = SKLEARN("ksg");

	(void)state;
	for_each_record(&ref, 'K', ksg_record, &s);
	print_stats(&s, 1);
	assert_true(s.n >= 50);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tables__match_sklearn),
		cmocka_unit_test(digamma__matches_scipy),
		cmocka_unit_test(ksg__matches_sklearn_compute_mi_cc),
	};

	ref.path = argc > 1 ? argv[1] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
