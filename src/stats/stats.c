// SPDX-License-Identifier: MIT
/*
 * Regularized incomplete gamma functions and the chi-square survival
 * function: what turns a G statistic into a p-value. Kept apart from
 * divergence.c because it is general numerics with its own tests.
 *
 * Method (Numerical Recipes 6.2, in double: long double cost 3x as much
 * for digits beyond the 1e-10 stats.h promises, and a p-value is computed
 * for each of 4,000 histograms a window): the power series for P when
 * x < a + 1, the Lentz continued fraction for Q otherwise; the other one is
 * 1 minus it, which loses nothing there because it is not small. The common
 * factor x^a e^-x / Gamma(a) is taken in logs; for a >= 10 it is written as
 * -a (t - ln(1 + t)) + ln(a / 2 pi) / 2 - stirling(a) with t = (x - a) / a,
 * so its error stays at the size of its own logarithm instead of a ln a.
 */
#include <float.h>
#include <math.h>
#include "stats.h"

#define STATS_EPS	DBL_EPSILON
#define STATS_TINY	(DBL_MIN / DBL_EPSILON)
#define STATS_STALL	1e-12
#define STATS_MAX_ITER	10000000
#define STATS_INVALID	(-1.0)

/* t - ln(1 + t) with t = (x - a) / a, x > 0: no cancellation near t = 0. */
static double stats__t_minus_log1p(double a, double x)
{
	double t = (x - a) / a, sum = 0, pw = t;

	if (fabs(t) >= 0.1)
		return t - log(x / a);
	/* sum_{n >= 2} (-1)^n t^n / n; |t| < 0.1: 20 terms reach 1e-20. */
	for (int n = 2; n < 24; n++) {
		pw *= -t;
		sum += pw / n;
	}
	return -sum;
}

/* lgamma(a) - ((a - 1/2) ln a - a + ln(2 pi) / 2) for a >= 10 (Stirling). */
static double stats__stirling_tail(double a)
{
	static const double c[] = {
		1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680,
		1.0 / 1188, -691.0 / 360360, 1.0 / 156, -3617.0 / 122400,
	};
	double r2 = 1 / (a * a), s = 0;

	for (int i = (int)(sizeof(c) / sizeof(c[0])) - 1; i >= 0; i--)
		s = s * r2 + c[i];
	return s / a;
}

/* ln(x^a e^-x / Gamma(a)) for a > 0, 0 < x < inf. */
static double stats__log_prefactor(double a, double x)
{
	static const double two_pi = 6.283185307179586476925286766559;

	if (a < 10)
		return a * log(x) - x - lgamma(a);
	return -a * stats__t_minus_log1p(a, x) +
	       0.5 * log(a / two_pi) - stats__stirling_tail(a);
}

/* P(a, x) by its power series; for x < a + 1. */
static double stats__series_p(double a, double x)
{
	double ap = a, del = 1 / a, sum = del;

	for (int n = 0; n < STATS_MAX_ITER; n++) {
		ap += 1;
		del *= x / ap;
		sum += del;
		if (del < sum * STATS_EPS)
			break;
	}
	return sum * exp(stats__log_prefactor(a, x));
}

/* Q(a, x) by its continued fraction (modified Lentz); for x >= a + 1. */
static double stats__cf_q(double a, double x)
{
	double b = x + 1 - a, c = 1 / STATS_TINY, d = 1 / b, h = d;
	double last = INFINITY;

	for (int i = 1; i < STATS_MAX_ITER; i++) {
		double an = -i * (i - a), del, err;

		b += 2;
		d = an * d + b;
		if (fabs(d) < STATS_TINY)
			d = STATS_TINY;
		c = b + an / c;
		if (fabs(c) < STATS_TINY)
			c = STATS_TINY;
		d = 1 / d;
		del = d * c;
		h *= del;
		err = fabs(del - 1);
		/*
		 * Converged, or rounding stopped the progress near it.
		 */
		if (err < STATS_EPS || (err < STATS_STALL && err >= last))
			break;
		last = err;
	}
	return exp(stats__log_prefactor(a, x)) * h;
}

/* Rounding may leave 1 - P or 1 - Q a hair outside [0, 1]. */
static double stats__prob(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : (double)v;
}

static int stats__gamma_invalid(double a, double x)
{
	return !(a > 0) || isinf(a) || !(x >= 0);
}

double stats__gamma_p(double a, double x)
{
	if (stats__gamma_invalid(a, x))
		return STATS_INVALID;
	if (x == 0)
		return 0;
	if (isinf(x))
		return 1;
	if (x < a + 1)
		return stats__prob(stats__series_p(a, x));
	return stats__prob(1 - stats__cf_q(a, x));
}

double stats__gamma_q(double a, double x)
{
	if (stats__gamma_invalid(a, x))
		return STATS_INVALID;
	if (x == 0)
		return 1;
	if (isinf(x))
		return 0;
	if (x < a + 1)
		return stats__prob(1 - stats__series_p(a, x));
	return stats__prob(stats__cf_q(a, x));
}

double stats__chi2_sf(double x, double df)
{
	if (!(df > 0) || isinf(df) || isnan(x))
		return STATS_INVALID;
	if (x <= 0)
		return 1;
	return stats__gamma_q(df / 2, x / 2);
}

/*
 * Recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the asymptotic
 * series ln x - 1/(2x) - sum B_2k / (2k x^2k) to B_14, whose next term is
 * below 1e-17 there. Relative accuracy degrades only near the root of psi
 * (x ~ 1.4616), where the absolute error stays ~1e-16.
 */
double stats__digamma(double x)
{
	double s = 0.0, r, r2, series;

	if (!(x > 0.0))
		return NAN;
	while (x < 10.0) {
		s += 1.0 / x;
		x += 1.0;
	}
	r = 1.0 / x;
	r2 = r * r;
	series = r2 * (1.0 / 12 - r2 * (1.0 / 120 - r2 * (1.0 / 252 -
		 r2 * (1.0 / 240 - r2 * (1.0 / 132 - r2 * (691.0 / 32760 -
		 r2 / 12))))));
	return log(x) - 0.5 * r - series - s;
}

/* Move a[root] down its heap of n. */
static void stats__sift_down(double *a, size_t root, size_t n)
{
	double v = a[root];

	for (;;) {
		size_t c = 2 * root + 1;

		if (c >= n)
			break;
		if (c + 1 < n && a[c + 1] > a[c])
			c++;
		if (!(a[c] > v))
			break;
		a[root] = a[c];
		root = c;
	}
	a[root] = v;
}

void stats__sort(double *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		stats__sift_down(a, i, n);
	for (size_t end = n; end-- > 1;) {
		double t = a[0];

		a[0] = a[end];
		a[end] = t;
		stats__sift_down(a, 0, end);
	}
}

double stats__quantile_sorted(const double *v, size_t n, double q)
{
	double h = (double)(n - 1) * q, diff, t;
	size_t j;

	if (h >= (double)(n - 1))
		return v[n - 1];
	j = (size_t)floor(h);
	t = h - (double)j;
	diff = v[j + 1] - v[j];
	return t >= 0.5 ? v[j + 1] - diff * (1.0 - t) : v[j] + diff * t;
}

double stats__hist_quantile(const uint64_t *counts, const double *edges,
			    size_t n, double q)
{
	double total = 0, rank, below = 0;
	size_t i;

	for (i = 0; i < n; i++)
		total += (double)counts[i];
	if (!(q > 0 && q <= 1) || total == 0)
		return NAN;
	rank = q * total;
	for (i = 0; i + 1 < n && below + (double)counts[i] < rank; i++)
		below += (double)counts[i];
	if (isinf(edges[i + 1]) || !counts[i])
		return edges[i];
	return edges[i] + (edges[i + 1] - edges[i]) *
			  ((rank - below) / (double)counts[i]);
}
