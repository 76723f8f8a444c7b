// SPDX-License-Identifier: MIT
/*
 * stats__hist_quantile() against numpy: reads the reference file
 * tests/ref/gen_hist_quantile.py writes (path in argv[1], format described
 * there): log2, log-linear and random bin edges, open-ended or not, sparse
 * and dense counts up to 1e12 a bin, q = 0.5, 0.99, 1 and random. Every
 * value must match to REL_TOL relative. A missing or short file fails: a
 * check that compares nothing is no check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "test_ref.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define REL_TOL		1e-12
#define MIN_CASES	2000
#define MIN_OPEN	800	/* open-ended last bin */
#define MAX_REPORTED	20

static struct ref_file ref = {
	.usage = "test_stats_numpy REFERENCE_FILE (from gen_hist_quantile.py)",
};

struct tally {
	size_t cases, open_ended, bad;
};

static void quantile_record(struct cursor *c, size_t line, void *arg)
{
	struct tally *t = arg;
	double q, want, got, *edges;
	uint64_t *counts;
	size_t n;

	if (c->tag != 'H')
		fail_msg("reference line %zu: unknown record", line);
	n = next_size(c);
	q = next_double(c);
	want = next_double(c);
	edges = calloc(n + 1, sizeof(*edges));
	counts = calloc(n ? n : 1, sizeof(*counts));
	assert_true(edges && counts && n > 0);
	for (size_t i = 0; i <= n; i++)
		edges[i] = next_double(c);
	for (size_t i = 0; i < n; i++)
		counts[i] = next_u64(c);
	record_end(c, line);
	got = stats__hist_quantile(counts, edges, n, q);
	t->open_ended += isinf(edges[n]);
	if (!(fabs(got - want) <= REL_TOL * fabs(want)) &&
	    t->bad++ < MAX_REPORTED)
		fprintf(stderr, "line %zu: n %zu q %.17g: got %.17g, "
			"numpy %.17g\n", line, n, q, got, want);
	t->cases++;
	free(edges);
	free(counts);
}

static void hist_quantile__matches_numpy(void **state)
{
	struct tally t = { 0 };

	(void)state;
	for_each_record(&ref, 0, quantile_record, &t);
	if (t.bad)
		fail_msg("%zu of %zu quantiles differ from numpy", t.bad,
			 t.cases);
	if (t.cases < MIN_CASES || t.open_ended < MIN_OPEN)
		fail_msg("%s: %zu cases (%zu open-ended); expected at least "
			 "%d (%d)", ref.path, t.cases, t.open_ended, MIN_CASES,
			 MIN_OPEN);
}

/* Known cases: interpolation in a bin, the open last bin, no events. */
static void hist_quantile__known_cases(void **state)
{
	static const double e[] = { 0, 10, 20, 40 };
	static const double open_e[] = { 0, 10, 20, INFINITY };
	static const uint64_t c[] = { 2, 0, 2 };
	static const uint64_t zero[] = { 0, 0, 0 };

	(void)state;
	/* Rank 2 of 4 is the end of bin 0: its upper edge, not bin 2. */
	assert_true(stats__hist_quantile(c, e, 3, 0.5) == 10);
	assert_true(stats__hist_quantile(c, e, 3, 0.75) == 30);
	assert_true(stats__hist_quantile(c, e, 3, 0.25) == 5);
	assert_true(stats__hist_quantile(c, e, 3, 1) == 40);
	assert_true(stats__hist_quantile(c, open_e, 3, 0.99) == 20);
	assert_true(isnan(stats__hist_quantile(zero, e, 3, 0.5)));
	assert_true(isnan(stats__hist_quantile(c, e, 3, 0)));
	assert_true(isnan(stats__hist_quantile(c, e, 3, 1.5)));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hist_quantile__known_cases),
		cmocka_unit_test(hist_quantile__matches_numpy),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s REFERENCE (tests/ref/gen_hist_quantile.py)\n",
			argv[0]);
		return 2;
	}
	ref.path = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
