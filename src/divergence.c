// SPDX-License-Identifier: MIT
/*
 * The statistics of the drift engine (divergence.h): smoothed KL, JS, PSI
 * and Hellinger between a baseline and a window histogram, the G-test of
 * homogeneity on the raw counts with its p-value, and the size-independent
 * effect that thresholds compare. Pure functions, no allocation.
 *
 * Precision: counts reach ~1e12 and windows often match the baseline, so the
 * textbook sums cancel (terms of 1e10 adding up to a G of a few hundred).
 * Every sum here is rewritten as a sum of non-negative terms that lose
 * nothing when added: because p, q and m each sum to 1, and the expected
 * counts of a column add up to its observed ones,
 *   sum x ln(x / y) = sum (x ln(x / y) - x + y) = sum y h(x / y - 1),
 *   h(d) = (1 + d) ln(1 + d) - d >= 0,
 * and each x - y is formed exactly first: b N_W - w N_B and o N - row col in
 * 128-bit integers, then divided. Everything else is long double.
 */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include "divergence.h"
#include "stats.h"

typedef unsigned __int128 u128;

/* Totals shared by both entry points. */
struct divergence_totals {
	uint64_t nb, nw, n;	/* N_B, N_W, N_B + N_W */
	size_t cols;		/* columns with b_i + w_i > 0 */
};

static int divergence__totals(const uint64_t *b, const uint64_t *w, size_t k,
			      double alpha, struct divergence_totals *t)
{
	if (!k || !(alpha >= 0) || isinf(alpha))
		return -EINVAL;
	if (k > UINT_MAX)
		return -EOVERFLOW;
	*t = (struct divergence_totals){ 0 };
	for (size_t i = 0; i < k; i++) {
		if (__builtin_add_overflow(t->nb, b[i], &t->nb) ||
		    __builtin_add_overflow(t->nw, w[i], &t->nw))
			return -EOVERFLOW;
		if (b[i] || w[i])
			t->cols++;
	}
	if (__builtin_add_overflow(t->nb, t->nw, &t->n))
		return -EOVERFLOW;
	return 0;
}

/* G needs both rows non-empty and at least one degree of freedom. */
static bool divergence__g_defined(const struct divergence_totals *t)
{
	return t->nb && t->nw && t->cols > 1;
}

/*
 * ln(x / y) for x, y > 0. Far from 1 the ratio is not formed, so it cannot
 * overflow where long double is only double (valgrind); the difference of
 * logarithms costs nothing there since ln(x / y) is then large.
 */
static long double divergence__log_ratio(long double x, long double y)
{
	long double r = x / y;

	/*
	 * Double-precision logarithms: callers use this only where the ratio
	 * is at least 10% from 1, where a term x ln(x/y) - (x - y) cancels
	 * by at most ~22x, so ~1e-15 relative survives; logl() would cost 4x
	 * the time for digits nobody reads (1,000 cgroups x every feature
	 * per window).
	 */
	return r > 1e-4L && r < 1e4L ? log((double)r)
				       : log((double)x) - log((double)y);
}

/*
 * x ln(x / y) - x + y = y h(x / y - 1) >= 0, for x >= 0 and y > 0, given
 * diff = x - y computed without cancellation.
 */
static long double divergence__kl_term(long double x, long double y,
				       long double diff)
{
	double d = (double)(diff / y), pw = d, sum = 0;

	if (x == 0)
		return y;
	if (fabs(d) >= 0.1)
		return x * divergence__log_ratio(x, y) - diff;
	/*
	 * h(d) = sum_{n >= 2} (-d)^n / (n (n - 1)); |d| < 0.1: at most 16
	 * terms, fewer once a term no longer changes the sum. Terms
	 * alternate and shrink, so double keeps ~1e-16 relative: the
	 * digits that matter were saved by forming diff exactly.
	 */
	for (int n = 2; n < 18; n++) {
		double term;

		pw *= -d;
		term = pw / (n * (n - 1));
		sum += term;
		if (fabs(term) <= DBL_EPSILON * fabs(sum))
			break;
	}
	return y * -sum;
}

/* x - y, exact until the one rounding to long double. */
static long double divergence__sub(u128 x, u128 y)
{
	return x >= y ? (long double)(x - y) : -(long double)(y - x);
}

/*
 * One cell's share of the G statistic: o ln(o / E) - o + E with
 * E = row col / n, where o - E = (o n - row col) / n is exact before the
 * division. row, col > 0.
 */
static long double divergence__g_cell(uint64_t o, uint64_t row, uint64_t col,
				      uint64_t n)
{
	u128 rc = (u128)row * col;
	long double diff = divergence__sub((u128)o * n, rc) / n;

	return divergence__kl_term(o, (long double)rc / n, diff);
}

/* g_i: column i's share of G, >= 0; the caller checked G is defined. */
static long double divergence__g_bin(uint64_t b, uint64_t w,
				     const struct divergence_totals *t)
{
	uint64_t col = b + w;

	if (!col)
		return 0;
	return 2 * (divergence__g_cell(b, t->nb, col, t->n) +
		    divergence__g_cell(w, t->nw, col, t->n));
}

/*
 * p_i - q_i = ((b + a)(N_W + k a) - (w + a)(N_B + k a)) / (D_B D_W), whose
 * numerator is (b N_W - w N_B) + a ((k b + N_W) - (k w + N_B)): the a^2
 * terms cancel and both brackets are exact integers. (Unsigned 128-bit
 * only: valgrind converts negative __int128 to floating point as 0.)
 */
static long double divergence__p_minus_q(uint64_t b, uint64_t w, size_t k,
					 long double alpha,
					 const struct divergence_totals *t,
					 long double db, long double dw)
{
	long double i1 = divergence__sub((u128)b * t->nw, (u128)w * t->nb);
	long double i2 = divergence__sub((u128)k * b + t->nw,
					 (u128)k * w + t->nb);

	/* alpha / db <= 1 / k: no overflow even where long double is double. */
	return (i1 / db + alpha / db * i2) / dw;
}

/* ln(p / q) for p, q > 0 with diff = p - q, without cancellation. */
static long double divergence__log_ratio_near(long double p, long double q,
					      long double diff)
{
	long double e = diff / q;

	return fabsl(e) < 0.5L ? log1pl(e) : divergence__log_ratio(p, q);
}

/* Running sums of the smoothed divergences. */
struct smoothed_sums {
	long double kl_wb, kl_bw, js, psi, hel;
};

/*
 * Add weight times bin (b, w)'s terms to acc. Bins empty on both sides all
 * have the same terms, so the caller adds them once, weighted by how many
 * there are: a 512-bin histogram with 40 busy bins costs 41 terms, not 512.
 */
static void divergence__smoothed_bin(uint64_t b, uint64_t w, long double weight,
				     size_t k, long double a,
				     const struct divergence_totals *t,
				     long double db, long double dw,
				     struct smoothed_sums *acc,
				     struct divergence *out)
{
	long double p = (b + a) / db, q = (w + a) / dw;
	long double m, s, diff;

	if (p == 0 && q == 0)
		return;
	diff = divergence__p_minus_q(b, w, k, a, t, db, dw);
	m = (p + q) / 2;
	acc->js += weight * (divergence__kl_term(p, m, diff / 2) +
			     divergence__kl_term(q, m, -diff / 2));
	s = diff / (sqrtl(p) + sqrtl(q));
	acc->hel += weight * s * s;
	if (p > 0)
		acc->kl_wb += weight * divergence__kl_term(q, p, -diff);
	else
		out->undefined |= DIV_UNDEF_KL_WB | DIV_UNDEF_PSI;
	if (q > 0)
		acc->kl_bw += weight * divergence__kl_term(p, q, diff);
	else
		out->undefined |= DIV_UNDEF_KL_BW | DIV_UNDEF_PSI;
	if (p > 0 && q > 0)
		acc->psi += weight * diff *
			    divergence__log_ratio_near(p, q, diff);
}

/* kl_wb, kl_bw, js, psi and hellinger; both sides have a distribution. */
static void divergence__smoothed(const uint64_t *b, const uint64_t *w,
				 size_t k, double alpha,
				 const struct divergence_totals *t,
				 struct divergence *out)
{
	long double a = alpha, db = t->nb + k * a, dw = t->nw + k * a;
	struct smoothed_sums acc = { 0 };

	for (size_t i = 0; i < k; i++)
		if (b[i] || w[i])
			divergence__smoothed_bin(b[i], w[i], 1, k, a, t, db, dw,
						 &acc, out);
	if (k > t->cols)
		divergence__smoothed_bin(0, 0, (long double)(k - t->cols), k,
					 a, t, db, dw, &acc, out);
	/* 1 - sum sqrt(p q) = sum (sqrt p - sqrt q)^2 / 2. */
	out->hellinger = sqrtl(acc.hel / 2);
	out->js = acc.js / 2;
	if (!(out->undefined & DIV_UNDEF_KL_WB))
		out->kl_wb = acc.kl_wb;
	if (!(out->undefined & DIV_UNDEF_KL_BW))
		out->kl_bw = acc.kl_bw;
	if (!(out->undefined & DIV_UNDEF_PSI))
		out->psi = acc.psi;
}

/* g, p_value and effect; G is defined. */
static void divergence__g_test(const uint64_t *b, const uint64_t *w, size_t k,
			       const struct divergence_totals *t,
			       struct divergence *out)
{
	long double g = 0, effect;

	for (size_t i = 0; i < k; i++)
		if (b[i] || w[i])
			g += divergence__g_bin(b[i], w[i], t);
	/* (g - df) / (2 n_eff), n_eff = N_B N_W / N. */
	effect = (g - out->df) * t->n / (2.0L * t->nb * t->nw);
	out->g = g;
	out->p_value = stats__chi2_sf(out->g, out->df);
	out->effect = effect > 0 ? effect : 0;
}

int divergence__compute(const uint64_t *b, const uint64_t *w, size_t k,
			double alpha, struct divergence *out)
{
	struct divergence_totals t;
	int err = divergence__totals(b, w, k, alpha, &t);

	if (err)
		return err;
	*out = (struct divergence){
		.n_baseline = t.nb,
		.n_window = t.nw,
		.df = t.cols ? t.cols - 1 : 0,
		.p_value = 1,
	};
	if (alpha == 0 && (!t.nb || !t.nw))
		out->undefined |= DIV_UNDEF_SMOOTHED | DIV_UNDEF_KL_WB |
				  DIV_UNDEF_KL_BW | DIV_UNDEF_PSI;
	else
		divergence__smoothed(b, w, k, alpha, &t, out);
	if (divergence__g_defined(&t))
		divergence__g_test(b, w, k, &t, out);
	else
		out->undefined |= DIV_UNDEF_G;
	return 0;
}

int divergence__top_bins(const uint64_t *b, const uint64_t *w, size_t k,
			 double alpha, struct bin_contribution *top,
			 size_t ntop)
{
	struct divergence_totals t;
	long double g = 0, a = alpha, db, dw;
	size_t n = 0;
	int err = divergence__totals(b, w, k, alpha, &t);

	if (err)
		return err;
	if (!divergence__g_defined(&t))
		return 0;
	if (ntop > INT_MAX)
		ntop = INT_MAX;
	db = t.nb + k * a;
	dw = t.nw + k * a;
	/* One pass: rank by g_i itself, divide by the total at the end. */
	for (size_t i = 0; i < k; i++) {
		double c;
		size_t pos = n;

		if (!b[i] && !w[i])
			continue;
		c = divergence__g_bin(b[i], w[i], &t);
		g += c;
		if (c == 0)
			continue;
		/* Insert after every larger-or-equal (hence earlier) bin. */
		while (pos && top[pos - 1].contribution < c)
			pos--;
		if (pos == ntop)
			continue;
		if (n < ntop)
			n++;
		for (size_t j = n - 1; j > pos; j--)
			top[j] = top[j - 1];
		top[pos] = (struct bin_contribution){
			.bin = i,
			.baseline_p = (b[i] + a) / db,
			.window_p = (w[i] + a) / dw,
			.contribution = c,
		};
	}
	for (size_t j = 0; j < n; j++)
		top[j].contribution /= g;
	return (int)n;
}
