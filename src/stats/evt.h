/* SPDX-License-Identifier: MIT */
/*
 * Peaks over threshold: the tail of a sample modelled by a generalised
 * Pareto distribution (GPD), as SPOT does (Siffer et al., KDD 2017), so a
 * threshold for a probability smaller than 1 / n can be read off a few
 * hundred learning scores. This file owns the numerics only: the maximum
 * likelihood GPD fit, its survival function and inverse, and the tail model
 * a baseline stores per series. Which scores, how standardised, and what
 * probability budget are the caller's.
 *
 * Pure: numbers in, numbers out; no I/O, no allocation, no global state.
 * Errors are negative errno. The fit and the distribution functions agree
 * with scipy 1.10 (scipy.stats.genpareto with loc 0, xi = c, sigma = scale);
 * see tests/ref/gen_evt.py.
 *
 * GPD with shape xi and scale sigma > 0, for y >= 0:
 *   P(Y > y) = (1 + xi y / sigma)^(-1 / xi)      (xi != 0)
 *            = exp(-y / sigma)                     (xi == 0)
 * For xi < 0 the support ends at sigma / -xi.
 */
#ifndef DRIFTPROBE_EVT_H
#define DRIFTPROBE_EVT_H

#include <stddef.h>
#include <stdint.h>

/* Fewer excesses than this and evt__pot() does not fit a shape. */
#define EVT_MIN_TAIL		5
/*
 * The shape evt__pot() stores is clamped to [EVT_XI_MIN, EVT_XI_MAX]. With
 * a few hundred learning windows and a tail of a few tens, a shape heavier
 * than 0.25 or lighter than 0 cannot be told from noise (its standard error
 * is ~ (1 + xi) / sqrt(n_tail), 0.2 for 30 excesses). And a bounded tail
 * (xi < 0) would put an upper end on "normal", sigma / -xi above u, that
 * the next window is free to cross: a score the model calls impossible.
 * xi = 0 (exponential) is the lightest tail we believe; 0.25 keeps the
 * extrapolated levels from running away on one large learning score.
 */
#define EVT_XI_MIN		0.0
#define EVT_XI_MAX		0.25
/*
 * evt__fit_gpd() looks for a maximum with EVT_FIT_XI_LO < xi <= EVT_FIT_XI_HI.
 * Below -1 the GPD likelihood is unbounded (it grows without limit as the
 * upper end of the support closes in on the largest excess), so no maximum
 * there means anything; above 20 a tail is beyond any use.
 */
#define EVT_FIT_XI_LO		(-1.0)
#define EVT_FIT_XI_HI		20.0
/*
 * Smallest sigma evt__pot() stores, relative to the data: EVT_SIGMA_FLOOR
 * times max(x_max - x_min, |u|); DBL_MIN when both are 0 (all samples 0).
 */
#define EVT_SIGMA_FLOOR		1e-9

struct gpd {
	double xi;	/* shape */
	double sigma;	/* scale, > 0 */
};

/*
 * Maximum-likelihood GPD fit, location 0, of the excesses y[0..n) (all >= 0
 * and finite, n >= 2, not all 0). The likelihood is profiled onto
 * theta = xi / sigma (Grimshaw 1993: for a given theta it is maximised by
 * xi = mean ln(1 + theta y), sigma = xi / theta), the profile is scanned on
 * a fixed grid (at most 401 points, dense near xi = 0) covering
 * EVT_FIT_XI_LO < xi <= EVT_FIT_XI_HI, and the highest interior local
 * maximum of the grid is refined by Brent's method (at most 200 steps):
 * O(n) per point, bounded, never hangs (~3 ms for n = 2000). xi and sigma
 * come out to ~1e-7 (Brent's sqrt(DBL_EPSILON) steps in theta).
 *
 * Returns 0; -EINVAL for a NULL pointer, n < 2, a negative or non-finite
 * value, or all values 0; -EDOM when the profile has no interior maximum in
 * that range: it rises towards xi = -1 (a bounded tail closing on the
 * largest excess, e.g. all excesses equal) or towards xi = 20 (exact zeros
 * among a very heavy tail). out is written only on success. Small samples
 * often have no maximum: -EDOM for ~30% of exponential samples of 10, ~4%
 * of 20, none of 50.
 *
 * Equals scipy.stats.genpareto.fit(y, floc=0) wherever scipy converges to
 * an interior maximum with xi > -0.5 (scipy's Nelder-Mead stops ~1e-4 short
 * of it; our log-likelihood is never below scipy's).
 */
int evt__fit_gpd(const double *y, size_t n, struct gpd *out);

/*
 * Log-likelihood of y[0..n) under *g (location 0): sum of ln pdf(y_i), as
 * scipy's genpareto.logpdf(y, xi, 0, sigma).sum(). -INFINITY if any y_i
 * lies outside the support (y_i < 0, or y_i >= sigma / -xi for xi < 0);
 * NaN for a NaN y_i or sigma <= 0.
 */
double evt__gpd_loglik(const double *y, size_t n, const struct gpd *g);

/*
 * P(Y > y) under *g (sigma > 0): 1 for y <= 0; for xi < 0, 0 from the end of
 * the support sigma / -xi on; xi == 0 is the exponential. NaN for NaN y.
 * Same formula as scipy (exp(-log1p(xi y / sigma) / xi)), ~1e-15 relative.
 */
double evt__gpd_sf(const struct gpd *g, double y);

/*
 * The y with P(Y > y) = p under *g: sigma (p^-xi - 1) / xi, or -sigma ln p
 * for xi == 0. 0 for p == 1; for p <= 0 the end of the support (+INFINITY
 * for xi >= 0, sigma / -xi for xi < 0); NaN for p > 1 or NaN.
 */
double evt__gpd_isf(const struct gpd *g, double p);

struct tail_model {		/* what a baseline stores per series */
	double u;		/* threshold: the (1 - tail_fraction) quantile */
	double rate;		/* n_tail / n: fraction of samples above u */
	struct gpd g;		/* fitted to the excesses, xi clamped */
	uint32_t n, n_tail;	/* samples; samples strictly above u */
};

/*
 * Fit a tail model to x[0..n) (any order). scratch holds n doubles: the
 * function sorts a copy there (heapsort, no allocation) and leaves it
 * overwritten. x and scratch must not overlap.
 *
 * u is numpy.quantile(x, 1 - tail_fraction) with numpy's default "linear"
 * method: h = (n - 1)(1 - tail_fraction), j = floor(h), and u interpolates
 * between the sorted x[j] and x[j + 1] exactly as numpy 1.24 does (bit for
 * bit). The excesses are x - u for the n_tail samples x > u.
 *
 * The GPD: n_tail >= EVT_MIN_TAIL and evt__fit_gpd() succeeds: its xi,
 * clamped to [EVT_XI_MIN, EVT_XI_MAX] (see there why), and, when the clamp
 * moved xi, sigma re-fitted by maximum likelihood for the clamped xi (for
 * xi = 0, the mean excess). Otherwise (few excesses, fit -EDOM) the
 * exponential tail: xi = 0, sigma = the mean excess, the same model the
 * clamp gives a fit with xi < 0. sigma is then raised to
 * the floor EVT_SIGMA_FLOOR * max(x_max - x_min, |u|) (DBL_MIN if that is
 * 0): it is the whole of sigma when there are no excesses (all samples
 * equal, or tied at the top).
 *
 * Returns 0 or -EINVAL (NULL pointer, n < 2 or above UINT32_MAX, non-finite
 * sample, x_max - x_min overflowing, tail_fraction outside (0, 1)); out is
 * written only on success.
 */
int evt__pot(const double *x, size_t n, double tail_fraction, double *scratch,
	     struct tail_model *out);

/*
 * The level exceeded with probability q by one more sample from the model:
 * for 0 < q < rate, u + evt__gpd_isf(g, q / rate); for q >= rate, exactly u
 * (the model says nothing below u: the caller's empirical quantiles do).
 * Continuous at q = rate and non-increasing in q; +INFINITY for q <= 0
 * (xi >= 0 in a stored model, so the tail has no end), NaN for NaN q.
 */
double evt__level(const struct tail_model *t, double q);

/*
 * P(X > x) under the model: rate * evt__gpd_sf(g, x - u) for x > u, and
 * exactly rate for x <= u (below u the caller uses its own empirical
 * survival). Continuous and non-increasing in x; NaN for NaN x.
 */
double evt__survival(const struct tail_model *t, double x);

#endif /* DRIFTPROBE_EVT_H */
