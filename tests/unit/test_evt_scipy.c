// SPDX-License-Identifier: MIT
/*
 * src/stats/evt.c against scipy: reads the reference file tests/ref/gen_evt.py
 * writes (path in argv[1], format described there).
 *
 *  - Fits ("F"), where scipy converged to an interior maximum with xi > -0.5:
 *    evt__fit_gpd() must succeed, its log-likelihood must be at least
 *    scipy's minus LL_REL |ll| (scipy's Nelder-Mead stops short of the
 *    maximum, so ours is normally higher), and its parameters must be those
 *    of the polished maximum: |xi - xi_p| <= PARAM_SE se_xi + PARAM_ABS and
 *    |sigma - sigma_p| <= (PARAM_SE se_xi + PARAM_ABS) sigma_p, where se_xi
 *    is the standard error of xi: a flat likelihood may move the
 *    maximiser further, a peaked one may not. On every fit line
 *    evt__gpd_loglik() at scipy's parameters equals scipy's logpdf sum to
 *    LOGLIK_REL.
 *  - sf ("S") and isf ("I") values to REL_TOL relative.
 *  - evt__pot()'s threshold ("P") equals numpy.quantile bit for bit, with
 *    n_tail, rate and a clamped shape consistent with it.
 * A missing or short file fails: a check that compares nothing is no check.
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

#include "evt.h"

#define REL_TOL		1e-9
#define LOGLIK_REL	1e-9
#define LL_REL		1e-6
#define PARAM_SE	1e-4
#define PARAM_ABS	1e-7
#define MIN_FITS	200
#define MIN_INTERIOR	150
#define MIN_SF		200
#define MIN_ISF		200
#define MIN_POT		100
#define MAX_REPORTED	20

static struct ref_file ref = {
	.usage = "test_evt_scipy REFERENCE_FILE (from gen_evt.py)",
};

static void next_word(struct cursor *c, char *buf, size_t len)
{
	size_t k;

	c->p += strspn(c->p, " \t");
	k = strcspn(c->p, " \t\n");
	c->ok &= k > 0 && k < len;
	if (k < len) {
		memcpy(buf, c->p, k);
		buf[k] = '\0';
	}
	c->p += k;
}

static double *next_doubles(struct cursor *c, size_t n)
{
	double *v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		fail_msg("out of memory");
	for (size_t i = 0; i < n; i++)
		v[i] = next_double(c);
	return v;
}

static bool rel_close(double got, double want, double rel)
{
	if (got == want)
		return true;
	return fabs(got - want) <= rel * fmax(fabs(got), fabs(want));
}

static double rel_err(double got, double want)
{
	double m = fmax(fabs(got), fabs(want));

	return got == want ? 0 : fabs(got - want) / m;
}

struct tally {
	unsigned long fits, interior, other, other_edom, sf, isf, pot;
	unsigned long ll_above_scipy;	/* interior fits where ours is higher */
	double worst_ll_gap;	/* min over interior of (ll_c - ll_s) / |ll_s| */
	double worst_ll_gap_p;	/* same against the polished maximum */
	double max_dxi_scipy;	/* max |xi_c - c_s| over interior fits */
	double max_dxi_p;	/* max |xi_c - c_p| */
	double max_dxi_se;	/* max |xi_c - c_p| / se_xi */
	double max_dsig_p;	/* max |sigma_c / scale_p - 1| */
	double max_dxi_other;	/* max |xi_c - c_p| over other fits we made */
	double max_loglik_rel, max_sf_rel, max_isf_rel;
	int bad, reported;
};

static void report(struct tally *t, const char *fmt, ...)
{
	va_list ap;

	t->bad++;
	if (t->reported++ >= MAX_REPORTED)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void check_fit(struct cursor *c, struct tally *t)
{
	double xi, sigma, c_s, scale_s, ll_s, c_p, scale_p, ll_p, se, *y;
	size_t id = next_size(c), n = next_size(c);
	char kind[16];
	struct gpd g, gs;
	int err;

	xi = next_double(c);
	sigma = next_double(c);
	next_word(c, kind, sizeof(kind));
	c_s = next_double(c);
	scale_s = next_double(c);
	ll_s = next_double(c);
	c_p = next_double(c);
	scale_p = next_double(c);
	ll_p = next_double(c);
	se = next_double(c);
	y = next_doubles(c, n);
	if (!c->ok)
		fail_msg("%s: malformed fit line %zu", ref.path, id);
	(void)xi;
	(void)sigma;
	t->fits++;

	gs = (struct gpd){ .xi = c_s, .sigma = scale_s };
	if (isfinite(ll_s)) {
		double ll = evt__gpd_loglik(y, n, &gs);

		t->max_loglik_rel = fmax(t->max_loglik_rel, rel_err(ll, ll_s));
		if (!rel_close(ll, ll_s, LOGLIK_REL))
			report(t, "fit %zu: loglik at scipy's fit %.17g, scipy "
			       "%.17g\n", id, ll, ll_s);
	}

	err = evt__fit_gpd(y, n, &g);
	if (strcmp(kind, "interior")) {
		t->other++;
		t->other_edom += err == -EDOM;
		if (err && err != -EDOM)
			report(t, "fit %zu (other): returned %d\n", id, err);
		else if (!err && !(g.xi > EVT_FIT_XI_LO &&
				   g.xi <= EVT_FIT_XI_HI && g.sigma > 0))
			report(t, "fit %zu (other): xi %g sigma %g\n", id, g.xi,
			       g.sigma);
		else if (!err)
			t->max_dxi_other = fmax(t->max_dxi_other,
						fabs(g.xi - c_p));
		free(y);
		return;
	}
	t->interior++;
	if (err) {
		report(t, "fit %zu: returned %d, scipy xi %.17g sigma %.17g\n",
		       id, err, c_s, scale_s);
		free(y);
		return;
	}

	double ll = evt__gpd_loglik(y, n, &g);
	double gap = (ll - ll_s) / fabs(ll_s), gap_p = (ll - ll_p) / fabs(ll_p);
	double dxi = fabs(g.xi - c_p), dsig = fabs(g.sigma / scale_p - 1);
	double allowed = PARAM_SE * se + PARAM_ABS;

	t->ll_above_scipy += ll > ll_s;
	t->worst_ll_gap = fmin(t->worst_ll_gap, gap);
	t->worst_ll_gap_p = fmin(t->worst_ll_gap_p, gap_p);
	t->max_dxi_scipy = fmax(t->max_dxi_scipy, fabs(g.xi - c_s));
	t->max_dxi_p = fmax(t->max_dxi_p, dxi);
	t->max_dxi_se = fmax(t->max_dxi_se, dxi / se);
	t->max_dsig_p = fmax(t->max_dsig_p, dsig);
	if (!(gap >= -LL_REL))
		report(t, "fit %zu: ll %.17g below scipy's %.17g\n", id, ll,
		       ll_s);
	if (!(dxi <= allowed && dsig <= allowed))
		report(t, "fit %zu (n %zu, se_xi %.3g): xi %.17g sigma %.17g, "
		       "polished scipy %.17g %.17g\n", id, n, se, g.xi,
		       g.sigma, c_p, scale_p);
	free(y);
}

static void check_sf(struct cursor *c, struct tally *t, bool inverse)
{
	struct gpd g;
	double x, want, got;

	g.xi = next_double(c);
	g.sigma = next_double(c);
	x = next_double(c);
	want = next_double(c);
	if (!c->ok)
		fail_msg("%s: malformed %s line", ref.path, inverse ? "I" : "S");
	got = inverse ? evt__gpd_isf(&g, x) : evt__gpd_sf(&g, x);
	if (inverse) {
		t->isf++;
		t->max_isf_rel = fmax(t->max_isf_rel, rel_err(got, want));
	} else {
		t->sf++;
		t->max_sf_rel = fmax(t->max_sf_rel, rel_err(got, want));
	}
	if (!rel_close(got, want, REL_TOL))
		report(t, "%s(xi %.17g, sigma %.17g, %.17g) = %.17g, scipy "
		       "%.17g\n", inverse ? "isf" : "sf", g.xi, g.sigma, x, got,
		       want);
}

static void check_pot(struct cursor *c, struct tally *t)
{
	size_t id = next_size(c), n_tail = 0;
	double tf = next_double(c), u, *x, *scratch;
	size_t n = next_size(c);
	struct tail_model m;
	int err;

	x = next_doubles(c, n);
	u = next_double(c);
	if (!c->ok)
		fail_msg("%s: malformed pot line %zu", ref.path, id);
	t->pot++;
	scratch = calloc(n, sizeof(*scratch));
	if (!scratch)
		fail_msg("out of memory");
	for (size_t i = 0; i < n; i++)
		n_tail += x[i] > u;
	err = evt__pot(x, n, tf, scratch, &m);
	if (err)
		report(t, "pot %zu: returned %d\n", id, err);
	else if (m.u != u)
		report(t, "pot %zu (n %zu, tf %g): u %.17g, numpy %.17g\n", id, n,
		       tf, m.u, u);
	else if (m.n != n || m.n_tail != n_tail ||
		 m.rate != (double)n_tail / (double)n)
		report(t, "pot %zu: n %u n_tail %u rate %g, want %zu %zu\n", id,
		       m.n, m.n_tail, m.rate, n, n_tail);
	else if (!(m.g.xi >= EVT_XI_MIN && m.g.xi <= EVT_XI_MAX &&
		   m.g.sigma > 0 && isfinite(m.g.sigma)))
		report(t, "pot %zu: xi %g sigma %g\n", id, m.g.xi, m.g.sigma);
	free(scratch);
	free(x);
}

/* One record of any tag; comments and blank lines pass. */
static void evt_record(struct cursor *c, size_t line, void *arg)
{
	struct tally *t = arg;

	(void)line;
	switch (c->tag) {
	case 'F':
		check_fit(c, t);
		break;
	case 'S':
	case 'I':
		check_sf(c, t, c->tag == 'I');
		break;
	case 'P':
		check_pot(c, t);
		break;
	case '#':
	case '\n':
		break;
	default:
		fail_msg("%s: unknown record '%c'", ref.path, c->tag);
	}
}

static void evt__scipy_reference__matches_every_record(void **state)
{
	struct tally t = { 0 };

	(void)state;
	for_each_record(&ref, 0, evt_record, &t);

	print_message("fits: %lu (%lu interior, %lu other: %lu -EDOM, the "
		      "rest max |xi - polished| %.2e)\n", t.fits, t.interior,
		      t.other, t.other_edom, t.max_dxi_other);
	print_message("interior: ll above scipy's in %lu; worst (ll - ll_scipy)"
		      "/|ll| %.2e, vs polished %.2e\n", t.ll_above_scipy,
		      t.worst_ll_gap, t.worst_ll_gap_p);
	print_message("interior: max |xi - scipy| %.2e; vs polished: |xi| "
		      "%.2e (%.2e se), sigma rel %.2e\n", t.max_dxi_scipy,
		      t.max_dxi_p, t.max_dxi_se, t.max_dsig_p);
	print_message("loglik at scipy's fit: max rel %.2e; sf %lu max rel "
		      "%.2e; isf %lu max rel %.2e; pot %lu\n", t.max_loglik_rel,
		      t.sf, t.max_sf_rel, t.isf, t.max_isf_rel, t.pot);
	assert_int_equal(t.bad, 0);
	if (t.fits < MIN_FITS || t.interior < MIN_INTERIOR || t.sf < MIN_SF ||
	    t.isf < MIN_ISF || t.pot < MIN_POT)
		fail_msg("%s: too few records", ref.path);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(evt__scipy_reference__matches_every_record),
	};

	ref.path = argc > 1 ? argv[1] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
