/* SPDX-License-Identifier: MIT */
/*
 * Special functions the drift engine needs: for p-values the regularized
 * incomplete gamma functions and the chi-square survival function, for the
 * KSG estimator the digamma function; and the one sort and quantile of
 * doubles the score model, the tail fit and the bootstrap share, and the
 * quantile of a histogram (latency percentiles for metrics). Our own
 * code (series + Lentz continued fraction, no GSL) so the p-value of a
 * G-test is reproducible everywhere and checked against scipy.
 *
 * Invalid arguments never produce NaN from the probability functions: they
 * return -1.0 instead, a value no probability can take, and the caller
 * checks for it.
 */
#ifndef DRIFTPROBE_STATS_H
#define DRIFTPROBE_STATS_H

#include <stddef.h>
#include <stdint.h>

/*
 * P(a, x) = gamma(a, x) / Gamma(a), the regularized lower incomplete gamma
 * function, for a > 0 and x >= 0 (x may be +inf). Returns -1.0 when a <= 0,
 * x < 0, or either is NaN or a is infinite. Relative error below 1e-10
 * wherever the result is above 1e-300, for 1e-6 <= a <= 1e7 (chi-square
 * df of 2e-6 to 2e7); smaller results are returned as they come out, or 0.
 */
double stats__gamma_p(double a, double x);

/* Q(a, x) = 1 - P(a, x), computed directly; same domain and accuracy. */
double stats__gamma_q(double a, double x);

/*
 * Survival function of the chi-square distribution with df degrees of
 * freedom: Pr[X > x] = Q(df / 2, x / 2). x <= 0 gives 1. Returns -1.0 when
 * df <= 0, or df or x is NaN, or df is infinite.
 */
double stats__chi2_sf(double x, double df);

/* Digamma psi(x) for x > 0, ~1e-15 relative; NaN for x <= 0 or NaN. */
double stats__digamma(double x);

/*
 * Sort a[0..n) ascending in place (heapsort: O(n log n), no recursion, no
 * allocation, so callers that promise not to allocate can sort). No NaN.
 */
void stats__sort(double *a, size_t n);

/*
 * Quantile q (0..1) of sorted v[0..n), n >= 1, as numpy.quantile's default
 * "linear" method computes it, operation for operation (numpy 1.24's
 * _lerp), so results match it bit for bit.
 */
double stats__quantile_sorted(const double *v, size_t n, double q);

/*
 * Quantile q (0 < q <= 1) of a histogram: counts[0..n) in bins
 * [edges[i], edges[i+1]), edges[0..n] ascending, the last one may be
 * +inf. With N the total, the rank q N falls in the first bin whose
 * cumulative count reaches it, and within that bin the value is
 * interpolated linearly, as if its events were spread evenly over it
 * (what Prometheus' histogram_quantile() does with classic buckets, so a
 * dashboard's own estimate from bucket counts would agree). A rank in an
 * open-ended last bin gives its lower edge: a lower bound. NaN when N is
 * 0 or q is outside (0, 1].
 */
double stats__hist_quantile(const uint64_t *counts, const double *edges,
			    size_t n, double q);

#endif /* DRIFTPROBE_STATS_H */
