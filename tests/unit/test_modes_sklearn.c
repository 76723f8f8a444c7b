// SPDX-License-Identifier: MIT
/*
 * src/stats/modes.c against scipy, scikit-learn and exhaustive k-medoids:
 * reads the cases tests/ref/gen_modes.py writes (path in argv[1], format
 * described there) and checks, for every case,
 *   - the distance matrix against scipy's, to 1e-12;
 *   - modes__silhouette() on the reference's labellings (the optimal ones
 *     and arbitrary ones) against sklearn's silhouette_score, to 1e-9;
 *   - modes__pam()'s cost against the exhaustive optimum: never below it
 *     (which would mean a wrong cost or reference), at most PAM_MAX_EXCESS
 *     above it, and equal to 1e-9 in at least PAM_MIN_EXACT of all
 *     (case, k) and PAM_MIN_EXACT_SMALL of those with m <= SMALL_M. PAM
 *     is a local search: it is not exact on every small case (measured on
 *     this reference: 7 of 624 (case, k) above the optimum, 4 of them with
 *     m <= 12, the worst 4.4% at m = 6, k = 4);
 *   - modes__cluster()'s k against the k the header's rule picks from the
 *     optimal solutions: equal whenever PAM found the optimal labels for
 *     every k.
 * A missing or short file fails: a check that silently compares nothing is
 * no check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "test_ref.h"
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modes.h"

#define DIST_TOL 1e-12
#define SIL_TOL 1e-9
#define COST_TOL 1e-9
#define SMALL_M 12
#define PAM_MAX_EXCESS 0.05	/* relative, above the optimum, anywhere */
#define PAM_MIN_EXACT 0.97	/* share of (case, k) exactly optimal */
#define PAM_MIN_EXACT_SMALL 0.95	/* the same for m <= SMALL_M */

static struct ref_file ref = {
	.usage = "test_modes_sklearn REFERENCE_FILE (from gen_modes.py)",
};

/* One case as read so far. */
struct refcase {
	size_t m, nbins, min_size, true_k, nw, line;
	struct modes_window *w;
	struct modes_bin **bins;
	double *d;		/* C's matrix */
	size_t *label;		/* scratch: m labels */
	/* Per k (1-based) from the O records, and PAM's answers. */
	unsigned int kmax;
	double opt_cost[MODES_MAX + 1];
	size_t *opt_label[MODES_MAX + 1];
	int pam_optimal[MODES_MAX + 1];	/* PAM's partition is the optimum's */
};

/* Totals over every case, for the summary and the bounds. */
struct totals {
	size_t cases, dists, sils, sils_arbitrary, pams, pams_exact;
	size_t pams_small, pams_small_exact, labels_equal, chosen;
	size_t chosen_agree;
	size_t chosen_comparable, chosen_truth;
	double dist_err, sil_err, pam_excess;
};

static void case_free(struct refcase *rc)
{
	for (size_t j = 0; j < rc->nw; j++)
		free(rc->bins[j]);
	free(rc->bins);
	free(rc->w);
	free(rc->d);
	free(rc->label);
	for (int k = 0; k <= MODES_MAX; k++)
		free(rc->opt_label[k]);
	memset(rc, 0, sizeof(*rc));
}

static void case_start(struct refcase *rc, struct cursor *c, size_t line)
{
	case_free(rc);
	rc->m = next_size(c);
	rc->nbins = next_size(c);
	rc->min_size = next_size(c);
	rc->true_k = next_size(c);
	record_end(c, line);
	rc->line = line;
	assert_true(rc->m >= 2);
	rc->w = calloc(rc->m, sizeof(*rc->w));
	rc->bins = calloc(rc->m, sizeof(*rc->bins));
	rc->d = calloc(rc->m * rc->m, sizeof(*rc->d));
	rc->label = calloc(rc->m, sizeof(*rc->label));
	assert_non_null(rc->w);
	assert_non_null(rc->bins);
	assert_non_null(rc->d);
	assert_non_null(rc->label);
}

static void case_window(struct refcase *rc, struct cursor *c, size_t line)
{
	size_t nz = next_size(c);
	struct modes_bin *b = calloc(nz ? nz : 1, sizeof(*b));

	assert_non_null(b);
	assert_true(rc->nw < rc->m);
	for (size_t i = 0; i < nz; i++) {
		b[i].bin = (uint32_t)next_size(c);
		b[i].count = next_size(c);
	}
	record_end(c, line);
	rc->bins[rc->nw] = b;
	rc->w[rc->nw++] = (struct modes_window){ nz, b };
}

/* D: C's matrix against scipy's, and against modes__hellinger(). */
static void case_distances(struct refcase *rc, struct cursor *c, size_t line,
			   struct totals *t)
{
	size_t m = rc->m;

	assert_int_equal(rc->nw, m);
	assert_int_equal(modes__distances(rc->w, m, rc->d), 0);
	for (size_t i = 0; i < m; i++) {
		assert_true(rc->d[i * m + i] == 0.0);
		for (size_t j = i + 1; j < m; j++) {
			double want = next_double(c), got = rc->d[i * m + j];

			assert_true(got == rc->d[j * m + i]);
			assert_true(got == modes__hellinger(&rc->w[i],
							    &rc->w[j]));
			t->dist_err = fmax(t->dist_err, fabs(got - want));
			if (!(fabs(got - want) <= DIST_TOL))
				fail_msg("line %zu: d(%zu, %zu) = %.17g, scipy "
					 "%.17g", line, i, j, got, want);
			t->dists++;
		}
	}
	record_end(c, line);
}

/*
 * Whether two labellings make the same partition: equal once each is
 * renumbered in order of first appearance. Copies of a window make medoid
 * sets of equal cost whose modes are numbered differently.
 */
static bool same_partition(const size_t *a, const size_t *b, size_t m)
{
	size_t ra[MODES_MAX], rb[MODES_MAX], na = 0, nb = 0;

	for (size_t i = 0; i < MODES_MAX; i++)
		ra[i] = rb[i] = SIZE_MAX;
	for (size_t j = 0; j < m; j++) {
		if (ra[a[j]] == SIZE_MAX)
			ra[a[j]] = na++;
		if (rb[b[j]] == SIZE_MAX)
			rb[b[j]] = nb++;
		if (ra[a[j]] != rb[b[j]])
			return false;
	}
	return true;
}

static void check_silhouette(const struct refcase *rc, const size_t *lab,
			     unsigned int k, double want, size_t line,
			     struct totals *t)
{
	double got;

	assert_int_equal(modes__silhouette(rc->d, rc->m, lab, k, &got), 0);
	t->sil_err = fmax(t->sil_err, fabs(got - want));
	if (!(fabs(got - want) <= SIL_TOL))
		fail_msg("line %zu: silhouette %.17g, sklearn %.17g", line,
			 got, want);
	t->sils++;
}

/* O: the exhaustive optimum for one k; PAM on C's matrix against it. */
static void case_optimum(struct refcase *rc, struct cursor *c, size_t line,
			 struct totals *t)
{
	unsigned int k = (unsigned int)next_size(c);
	size_t med[MODES_MAX], pam_med[MODES_MAX], m = rc->m, *lab;
	double opt, cost, sil;

	assert_in_range(k, 1, MODES_MAX);
	assert_int_equal(k, rc->kmax + 1);
	rc->kmax = k;
	opt = next_double(c);
	for (unsigned int i = 0; i < k; i++)
		med[i] = next_size(c);
	lab = rc->opt_label[k] = calloc(m, sizeof(*lab));
	assert_non_null(lab);
	for (size_t j = 0; j < m; j++)
		lab[j] = next_size(c);
	sil = next_double(c);
	record_end(c, line);
	rc->opt_cost[k] = opt;
	if (k > 1)
		check_silhouette(rc, lab, k, sil, line, t);

	assert_int_equal(modes__pam(rc->d, m, k, pam_med, rc->label, &cost),
			 0);
	t->pams++;
	if (cost < opt - COST_TOL)
		fail_msg("line %zu: PAM cost %.17g below the exhaustive "
			 "optimum %.17g: a cost or the reference is wrong",
			 line, cost, opt);
	if (cost <= opt + COST_TOL) {
		t->pams_exact++;
		t->pams_small_exact += m <= SMALL_M;
		rc->pam_optimal[k] = same_partition(rc->label, lab, m);
		t->labels_equal += rc->pam_optimal[k];
	} else {
		double excess = (cost - opt) / opt;

		t->pam_excess = fmax(t->pam_excess, excess);
		print_message("  PAM above the optimum: m = %zu, k = %u, "
			      "%.3g%% (optimal medoids %zu..)\n", m, k,
			      100 * excess, med[0]);
		if (excess > PAM_MAX_EXCESS)
			fail_msg("line %zu: PAM %.3g%% above the optimum",
				 line, 100 * excess);
	}
	t->pams_small += m <= SMALL_M;
}

/* L: an arbitrary labelling. */
static void case_labelling(struct refcase *rc, struct cursor *c, size_t line,
			   struct totals *t)
{
	unsigned int k = (unsigned int)next_size(c);
	double want;

	assert_in_range(k, 2, MODES_MAX);
	for (size_t j = 0; j < rc->m; j++)
		rc->label[j] = next_size(c);
	want = next_double(c);
	record_end(c, line);
	check_silhouette(rc, rc->label, k, want, line, t);
	t->sils_arbitrary++;
}

/* K: modes__cluster() on the windows, against the rule on the optimum. */
static void case_end(struct refcase *rc, struct cursor *c, size_t line,
		     struct totals *t)
{
	unsigned int want = (unsigned int)next_size(c);
	struct modes_result r;
	int comparable = 1;

	record_end(c, line);
	assert_int_equal(rc->kmax, rc->m - 1 < MODES_MAX ? rc->m - 1 :
				   MODES_MAX);
	assert_int_equal(modes__cluster(rc->w, rc->m, MODES_MAX, rc->min_size,
					0, rc->label, &r), 0);
	assert_true(r.cost <= rc->opt_cost[r.k] * (1 + PAM_MAX_EXCESS) +
			       COST_TOL);
	for (unsigned int k = 2; k <= rc->kmax; k++)
		comparable &= rc->pam_optimal[k];
	t->chosen++;
	t->chosen_agree += r.k == want;
	t->chosen_truth += r.k == rc->true_k;
	if (comparable) {
		t->chosen_comparable++;
		if (r.k != want)
			fail_msg("case at line %zu: k = %u, the rule on the "
				 "optimum picks %u", rc->line, r.k, want);
		if (r.k > 1 &&
		    !same_partition(rc->label, rc->opt_label[r.k], rc->m))
			fail_msg("case at line %zu: assignment differs from "
				 "the optimum's", rc->line);
	}
	t->cases++;
}

/* The case being read and the totals, for the record callback. */
struct reading {
	struct refcase *rc;
	struct totals *t;
};

/* One record of any tag, in the order of the file. */
static void case_record(struct cursor *c, size_t line, void *arg)
{
	struct reading *r = arg;

	switch (c->tag) {
	case 'C':
		case_start(r->rc, c, line);
		break;
	case 'W':
		case_window(r->rc, c, line);
		break;
	case 'D':
		case_distances(r->rc, c, line, r->t);
		break;
	case 'O':
		case_optimum(r->rc, c, line, r->t);
		break;
	case 'L':
		case_labelling(r->rc, c, line, r->t);
		break;
	case 'K':
		case_end(r->rc, c, line, r->t);
		break;
	default:
		fail_msg("reference line %zu: unknown record", line);
	}
}

static void modes__match_scipy_sklearn_and_brute_force(void **state)
{
	struct refcase rc = { 0 };
	struct totals t = { 0 };

	(void)state;
	for_each_record(&ref, 0, case_record,
			&(struct reading){ .rc = &rc, .t = &t });
	case_free(&rc);

	print_message("  %zu cases; distances: %zu compared, max abs error "
		      "%.2g\n", t.cases, t.dists, t.dist_err);
	print_message("  silhouettes: %zu compared (%zu arbitrary labellings),"
		      " max abs error %.2g\n", t.sils, t.sils_arbitrary,
		      t.sil_err);
	print_message("  PAM: %zu of %zu (case, k) exactly optimal (%zu of "
		      "%zu with m <= %d), worst %.3g%% above; same partition "
		      "as the optimum in %zu\n", t.pams_exact, t.pams,
		      t.pams_small_exact, t.pams_small, SMALL_M,
		      100 * t.pam_excess, t.labels_equal);
	print_message("  k chosen: as the rule on the optimum in %zu of %zu "
		      "(%zu comparable, all equal); the true k in %zu\n",
		      t.chosen_agree, t.chosen, t.chosen_comparable,
		      t.chosen_truth);
	assert_true(t.cases >= 150);
	assert_true(t.dists >= 50000);
	assert_true(t.sils_arbitrary >= 3 * t.cases);
	assert_true(t.pams_small >= 100);
	assert_true((double)t.pams_exact >= PAM_MIN_EXACT * (double)t.pams);
	assert_true((double)t.pams_small_exact >=
		    PAM_MIN_EXACT_SMALL * (double)t.pams_small);
	assert_true(t.chosen_agree >= t.cases * 97 / 100);
	assert_true(t.chosen_comparable >= t.cases * 9 / 10);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(modes__match_scipy_sklearn_and_brute_force),
	};

	ref.path = argc > 1 ? argv[1] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
