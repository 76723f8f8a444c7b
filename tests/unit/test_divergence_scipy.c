// SPDX-License-Identifier: MIT
/*
 * divergence__compute against scipy on the >= 1000 random vectors of
 * tests/ref/gen_divergence.py (path in argv[1]): every value to 1e-9
 * relative. Where scipy's own double-precision answer is off from the exact
 * one (cancellation, see the generator), the line carries the exact value
 * and that is what is compared; both kinds are counted and printed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>
#include "divergence.h"

#define MIN_VECTORS	1000
#define REL_TOL		1e-9
#define ABS_TOL		1e-12
#define P_FLOOR		1e-300
#define MAX_REPORTED	20

enum ref_quantity {
	Q_KL_WB, Q_KL_BW, Q_JS, Q_PSI, Q_HELLINGER, Q_G, Q_P_VALUE, Q_EFFECT,
	Q_COUNT,
};

static const char *const quantity_names[Q_COUNT] = {
	"kl_wb", "kl_bw", "js", "psi", "hellinger", "g", "p_value", "effect",
};

/* The undefined bit that goes with each quantity. */
static const unsigned int quantity_bits[Q_COUNT] = {
	DIV_UNDEF_KL_WB, DIV_UNDEF_KL_BW, DIV_UNDEF_SMOOTHED, DIV_UNDEF_PSI,
	DIV_UNDEF_SMOOTHED, DIV_UNDEF_G, DIV_UNDEF_G, DIV_UNDEF_G,
};

struct ref_value {
	bool undef;
	bool exact;	/* scipy disagreed with the exact value: use that */
	double scipy;
	double want;	/* what the C value is compared against */
};

struct ref_case {
	unsigned long long id;
	size_t k;
	double alpha;
	unsigned int df;
	struct ref_value v[Q_COUNT];
	uint64_t *b, *w;
};

/* How each quantity fared, over the whole file. */
struct ref_tally {
	unsigned long n_scipy, n_exact, n_undef;
	double max_rel_scipy;	/* C vs scipy, where scipy is the reference */
	double max_rel_exact;	/* C vs exact, where scipy was off */
	double max_rel_off;	/* C vs scipy, where scipy was off */
};

static const char *ref_path;

/*
 * Relative error for the tally; 0 below 1e-30, where the generator's
 * 60-digit sums leave residues (1e-59 for an exact 0) and only the absolute
 * tolerance means anything.
 */
static double rel_err(double a, double b)
{
	double m = fmax(fabs(a), fabs(b));

	return m > 1e-30 ? fabs(a - b) / m : 0;
}

static bool ref_close(enum ref_quantity q, double got, double want)
{
	if (q != Q_P_VALUE)
		return fabs(got - want) <=
		       REL_TOL * fmax(fabs(got), fabs(want)) + ABS_TOL;
	if (want > P_FLOOR)
		return fabs(got - want) <= REL_TOL * fmax(got, want);
	return got >= 0 && got <= 10 * P_FLOOR;
}

/* "undef", "S" or "S@X"; false on a malformed token. */
static bool parse_value(char **s, struct ref_value *v)
{
	char *end;

	*v = (struct ref_value){ 0 };
	*s += strspn(*s, " \t");
	if (!strncmp(*s, "undef", 5)) {
		v->undef = true;
		*s += 5;
		return true;
	}
	v->scipy = v->want = strtod(*s, &end);
	if (end == *s)
		return false;
	if (*end == '@') {
		*s = end + 1;
		v->exact = true;
		v->want = strtod(*s, &end);
		if (end == *s)
			return false;
	}
	*s = end;
	return true;
}

static bool parse_u64(char **s, unsigned long long *v)
{
	char *end;

	*v = strtoull(*s, &end, 10);
	if (end == *s)
		return false;
	*s = end;
	return true;
}

/* Parse one data line into c (which owns c->b and c->w afterwards). */
static bool parse_case(char *s, struct ref_case *c)
{
	unsigned long long k, df, x;
	char *end;

	if (!parse_u64(&s, &c->id) || !parse_u64(&s, &k) || !k)
		return false;
	c->k = k;
	c->alpha = strtod(s, &end);
	if (end == s)
		return false;
	s = end;
	if (!parse_u64(&s, &df))
		return false;
	c->df = df;
	for (int q = 0; q < Q_COUNT; q++)
		if (!parse_value(&s, &c->v[q]))
			return false;
	c->b = calloc(k, sizeof(*c->b));
	c->w = calloc(k, sizeof(*c->w));
	if (!c->b || !c->w)
		return false;
	for (size_t i = 0; i < 2 * k; i++) {
		if (!parse_u64(&s, &x))
			return false;
		(i < k ? c->b : c->w)[i % k] = x;
	}
	return true;
}

static double quantity_value(const struct divergence *d, enum ref_quantity q)
{
	const double v[Q_COUNT] = {
		d->kl_wb, d->kl_bw, d->js, d->psi, d->hellinger, d->g,
		d->p_value, d->effect,
	};

	return v[q];
}

/* Value of q when its bit is set: 0, except a p-value of 1. */
static double undefined_value(enum ref_quantity q)
{
	return q == Q_P_VALUE ? 1 : 0;
}

/* Compare one case; returns how many values disagreed (and prints them). */
static int check_case(const struct ref_case *c, struct ref_tally *tally,
		      int *reported)
{
	struct divergence d;
	int bad = 0;

	assert_int_equal(divergence__compute(c->b, c->w, c->k, c->alpha, &d),
			 0);
	if (d.df != c->df) {
		print_error("case %llu: df %u, want %u\n", c->id, d.df, c->df);
		bad++;
	}
	for (int q = 0; q < Q_COUNT; q++) {
		const struct ref_value *v = &c->v[q];
		struct ref_tally *t = &tally[q];
		double got = quantity_value(&d, q);
		bool is_undef = d.undefined & quantity_bits[q], ok;

		if (!isfinite(got) || is_undef != v->undef) {
			ok = false;
		} else if (v->undef) {
			t->n_undef++;
			ok = got == undefined_value(q);
		} else {
			bool tiny_p = q == Q_P_VALUE && v->want <= P_FLOOR;
			double rel = tiny_p ? 0 : rel_err(got, v->want);

			ok = ref_close(q, got, v->want);
			if (v->exact) {
				t->n_exact++;
				t->max_rel_exact = fmax(t->max_rel_exact, rel);
				t->max_rel_off = fmax(t->max_rel_off,
						      rel_err(got, v->scipy));
			} else {
				t->n_scipy++;
				t->max_rel_scipy = fmax(t->max_rel_scipy, rel);
			}
		}
		if (ok)
			continue;
		bad++;
		if ((*reported)++ < MAX_REPORTED)
			print_error("case %llu (k %zu alpha %g): %s = %.17g "
				    "undefined %d, want %s%.17g\n", c->id, c->k,
				    c->alpha, quantity_names[q], got, is_undef,
				    v->undef ? "undef " : "", v->want);
	}
	return bad;
}

static void divergence_compute__scipy_reference__matches_every_vector(
	void **state)
{
	struct ref_tally tally[Q_COUNT] = { 0 };
	unsigned long n_vectors = 0, n_scipy = 0, n_exact = 0;
	int bad = 0, reported = 0;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	(void)state;
	if (!ref_path)
		fail_msg("usage: test_divergence_scipy REFERENCE_FILE");
	f = fopen(ref_path, "r");
	if (!f)
		fail_msg("cannot open reference file %s", ref_path);
	while (getline(&line, &cap, f) > 0) {
		struct ref_case c = { 0 };

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!parse_case(line, &c))
			fail_msg("%s: malformed line after %lu vectors",
				 ref_path, n_vectors);
		bad += check_case(&c, tally, &reported);
		n_vectors++;
		free(c.b);
		free(c.w);
	}
	free(line);
	fclose(f);

	print_message("compared %lu vectors from %s\n", n_vectors, ref_path);
	print_message("%-10s %7s %10s %7s %10s %12s %6s\n", "quantity",
		      "scipy", "max rel", "exact", "max rel", "vs scipy",
		      "undef");
	for (int q = 0; q < Q_COUNT; q++) {
		const struct ref_tally *t = &tally[q];

		print_message("%-10s %7lu %10.2e %7lu %10.2e %12.2e %6lu\n",
			      quantity_names[q], t->n_scipy, t->max_rel_scipy,
			      t->n_exact, t->max_rel_exact, t->max_rel_off,
			      t->n_undef);
		n_scipy += t->n_scipy;
		n_exact += t->n_exact;
	}
	assert_int_equal(bad, 0);
	if (n_vectors < MIN_VECTORS)
		fail_msg("%s has %lu vectors, need at least %d", ref_path,
			 n_vectors, MIN_VECTORS);
	/* Mostly scipy itself, not the generator's exact values. */
	assert_true(n_scipy > 2 * n_exact);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			divergence_compute__scipy_reference__matches_every_vector),
	};

	ref_path = argc > 1 ? argv[1] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
