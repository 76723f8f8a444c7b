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

static const char *ref_path;

/* Reference magnitude from which the relative error is reported. */
#define REL_REPORT_FLOOR 1e-6

/* Largest errors seen per quantity, for the summary line. */
struct err_stat {
	const char *name;
	size_t n;
	double max_rel;		/* over |reference| >= REL_REPORT_FLOOR */
	double max_abs;
};

static void check_close(struct err_stat *s, double got, double want,
			double rel_tol, double abs_tol, size_t line)
{
	double diff = fabs(got - want);

	if (fabs(want) >= REL_REPORT_FLOOR)
		s->max_rel = fmax(s->max_rel, diff / fabs(want));
	s->max_abs = fmax(s->max_abs, diff);
	s->n++;
	if (!(diff <= rel_tol * fabs(want) + abs_tol))
		fail_msg("%s, line %zu: got %.17g, sklearn %.17g", s->name,
			 line, got, want);
}

static void print_stats(const struct err_stat *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		print_message("  %-16s %5zu compared, max rel error %.2g, "
			      "max abs error %.2g\n", s[i].name, s[i].n,
			      s[i].max_rel, s[i].max_abs);
}

/*
 * Call fn on every record whose tag is tag; returns how many. Fails if the
 * reference file cannot be opened.
 */
static size_t for_each_record(char tag,
			      void (*fn)(struct cursor *c, size_t line,
					 void *ctx),
			      void *ctx)
{
	size_t cap = 0, lineno = 0, count = 0;
	char *buf = NULL;
	FILE *f;

	if (!ref_path)
		fail_msg("usage: test_mi_sklearn REFERENCE_FILE (from gen_mi.py)");
	f = fopen(ref_path, "r");
	if (!f)
		fail_msg("reference '%s': failed to open: %s", ref_path,
			 strerror(errno));
	while (getline(&buf, &cap, f) > 0) {
		struct cursor c = { buf + 1, true };

		lineno++;
		if (buf[0] != tag)
			continue;
		fn(&c, lineno, ctx);
		count++;
	}
	free(buf);
	fclose(f);
	return count;
}

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
			check_close(&s[i], got[i], want[i], REL_TOL, ABS_TOL,
				    line);
	free(t);
}

static void tables__match_sklearn(void **state)
{
	struct err_stat s[ST_COUNT] = {
		{ .name = "mi" }, { .name = "h_x" }, { .name = "h_y" },
		{ .name = "h_xy" }, { .name = "nmi arithmetic" },
		{ .name = "nmi geometric" }, { .name = "nmi min" },
		{ .name = "nmi max" },
	};

	(void)state;
	for_each_record('T', table_record, s);
	print_stats(s, ST_COUNT);
	assert_true(s[ST_MI].n >= 1000);
	for (int i = ST_NMI0; i < ST_COUNT; i++)
		assert_true(s[i].n >= 1000);
}

static void digamma_record(struct cursor *c, size_t line, void *ctx)
{
	double x = next_double(c), want = next_double(c);

	record_end(c, line);
	/* 1e-12 relative; absolute 1e-15 covers the root at x ~ 1.4616. */
	check_close(ctx, stats__digamma(x), want, 1e-12, 1e-15, line);
}

static void digamma__matches_scipy(void **state)
{
	struct err_stat s = { .name = "digamma" };

	(void)state;
	for_each_record('D', digamma_record, &s);
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
	check_close(ctx, got, want, REL_TOL, ABS_TOL, line);
	free(x);
}

static void ksg__matches_sklearn_compute_mi_cc(void **state)
{
	struct err_stat s = { .name = "ksg" };

	(void)state;
	for_each_record('K', ksg_record, &s);
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

	ref_path = argc > 1 ? argv[1] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
