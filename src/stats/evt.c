// SPDX-License-Identifier: MIT
/*
 * Peaks-over-threshold tail model (see evt.h for the contracts).
 *
 * The fit works on Grimshaw's profile likelihood. With theta = xi / sigma,
 * for a fixed theta the log-likelihood is maximised by
 *   xi(theta) = v = mean ln(1 + theta y),   sigma(theta) = v / theta,
 * and its value there is l*(theta) = -n (ln sigma + xi + 1). Its derivative
 * has the sign of u (1 + v) - 1, u = mean 1 / (1 + theta y) (Grimshaw's
 * equation), so every maximum of the two-parameter likelihood is a maximum
 * of this one-dimensional function, and xi(theta) is increasing in theta:
 * a range of xi is a range of theta.
 *
 * SPOT looks for the roots of Grimshaw's equation with a local optimiser
 * from a few starting points, which can miss roots and has no iteration
 * bound we control. Instead the profile is evaluated on a fixed grid in
 * w = ln(1 + theta y_max) (w > -inf is the support constraint; w = 0 is the
 * exponential), dense near 0 and geometric outwards, until xi leaves
 * (EVT_FIT_XI_LO, EVT_FIT_XI_HI]; the best interior local maximum of the
 * grid brackets the answer, and Brent's method refines it.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "evt.h"
#include "stats.h"

/* Grid: w_k = +-GRID_W0 * expm1(k GRID_H), k = 1..GRID_K, and w = 0. */
#define GRID_W0		1e-3
#define GRID_H		0.1
#define GRID_K		200
/* expm1(w) overflows past ~709.78; the right half of the grid stops here. */
#define GRID_W_MAX	700.0
#define BRENT_ITERS	200
#define BRENT_TOL	3e-8	/* ~ sqrt(DBL_EPSILON): the best a maximiser can do */

/* The data, scaled: z_i = y_i / y_max, so everything is scale-free. */
struct profile {
	const double *y;
	size_t n;
	double y_max, ln_y_max, mean_z;
};

/* One point of the profile: w, the xi and ln sigma there, and l*. */
struct ppoint {
	double w, xi, ln_sigma, ll;
};

/*
 * sum ln(1 + theta y_i) with theta y_max = t = expm1(w). For w <= -1 the
 * argument 1 + t z_i can be tiny (z_i near 1, t near -1), where t z_i's
 * rounding would swamp it; there it is (1 - z_i) + z_i e^w instead, with
 * 1 - z_i = (y_max - y_i) / y_max (exact subtraction), and exactly w for
 * the largest value.
 */
static double sum_log1p(const struct profile *p, double w, double t)
{
	double s = 0.0;

	if (w > -1.0) {
		for (size_t i = 0; i < p->n; i++)
			s += log1p(t * (p->y[i] / p->y_max));
		return s;
	}
	double ew = exp(w);

	for (size_t i = 0; i < p->n; i++) {
		double y = p->y[i];

		if (y == p->y_max)
			s += w;
		else
			s += log((p->y_max - y) / p->y_max +
				 (y / p->y_max) * ew);
	}
	return s;
}

static struct ppoint profile_at(const struct profile *p, double w)
{
	struct ppoint pt = { .w = w };
	double n = (double)p->n;

	if (w == 0.0) {
		/* The exponential: xi = 0, sigma = mean y. */
		pt.xi = 0.0;
		pt.ln_sigma = p->ln_y_max + log(p->mean_z);
	} else {
		double t = expm1(w), v = sum_log1p(p, w, t) / n;

		/* v and t have the same sign; sigma = y_max v / t. */
		pt.xi = v;
		pt.ln_sigma = p->ln_y_max + log(fabs(v)) - log(fabs(t));
	}
	pt.ll = -n * (pt.ln_sigma + pt.xi + 1.0);
	if (isnan(pt.ll))
		pt.ll = -INFINITY;
	return pt;
}

static bool xi_in_range(double xi)
{
	return xi > EVT_FIT_XI_LO && xi <= EVT_FIT_XI_HI;
}

/*
 * Brent's minimisation (Numerical Recipes' brent) of -l* over [a, b] from
 * x, where l*(x) >= l*(a), l*(b). Returns the best point seen: never worse
 * than x.
 */
static struct ppoint brent_max(const struct profile *p, double a, double b,
			       struct ppoint x)
{
	const double cgold = 0.3819660112501051;
	struct ppoint w = x, v = x, u;
	double d = 0.0, e = 0.0;

	for (int it = 0; it < BRENT_ITERS; it++) {
		double xm = 0.5 * (a + b);
		double tol1 = BRENT_TOL * fabs(x.w) + 1e-300, tol2 = 2.0 * tol1;

		if (fabs(x.w - xm) <= tol2 - 0.5 * (b - a))
			break;
		if (fabs(e) > tol1) {
			/* Parabola through x, w, v (on -ll). */
			double r = (x.w - w.w) * (v.ll - x.ll);
			double q = (x.w - v.w) * (w.ll - x.ll);
			double pp = (x.w - v.w) * q - (x.w - w.w) * r;
			double etemp = e;

			q = 2.0 * (q - r);
			if (q > 0.0)
				pp = -pp;
			q = fabs(q);
			e = d;
			if (fabs(pp) >= fabs(0.5 * q * etemp) ||
			    pp <= q * (a - x.w) || pp >= q * (b - x.w)) {
				e = x.w >= xm ? a - x.w : b - x.w;
				d = cgold * e;
			} else {
				d = pp / q;
				if ((x.w + d) - a < tol2 || b - (x.w + d) < tol2)
					d = copysign(tol1, xm - x.w);
			}
		} else {
			e = x.w >= xm ? a - x.w : b - x.w;
			d = cgold * e;
		}
		u = profile_at(p, fabs(d) >= tol1 ? x.w + d :
						     x.w + copysign(tol1, d));
		if (u.ll >= x.ll) {
			if (u.w >= x.w)
				a = x.w;
			else
				b = x.w;
			v = w;
			w = x;
			x = u;
		} else {
			if (u.w < x.w)
				a = u.w;
			else
				b = u.w;
			if (u.ll >= w.ll || w.w == x.w) {
				v = w;
				w = u;
			} else if (u.ll >= v.ll || v.w == x.w || v.w == w.w) {
				v = u;
			}
		}
	}
	return x;
}

int evt__fit_gpd(const double *y, size_t n, struct gpd *out)
{
	struct ppoint left[GRID_K], right[GRID_K], zero, best = { 0 };
	size_t nl = 0, nr = 0, m;
	struct profile p = { .y = y, .n = n };
	double sum_z = 0.0, lo = 0.0, hi = 0.0;
	bool found = false;

	if (!y || !out || n < 2)
		return -EINVAL;
	p.y_max = 0.0;
	for (size_t i = 0; i < n; i++) {
		if (!(y[i] >= 0.0) || !isfinite(y[i]))
			return -EINVAL;
		p.y_max = fmax(p.y_max, y[i]);
	}
	if (p.y_max == 0.0)
		return -EINVAL;
	p.ln_y_max = log(p.y_max);
	for (size_t i = 0; i < n; i++)
		sum_z += y[i] / p.y_max;
	p.mean_z = sum_z / (double)n;

	/* The grid, outwards from w = 0 until xi leaves the range. */
	zero = profile_at(&p, 0.0);
	for (int k = 1; k <= GRID_K; k++) {
		double w = GRID_W0 * expm1(k * GRID_H);

		if (w > GRID_W_MAX)
			break;
		right[nr] = profile_at(&p, w);
		if (!xi_in_range(right[nr].xi))
			break;
		nr++;
	}
	for (int k = 1; k <= GRID_K; k++) {
		left[nl] = profile_at(&p, -GRID_W0 * expm1(k * GRID_H));
		if (!xi_in_range(left[nl].xi))
			break;
		nl++;
	}

	/*
	 * Walk the grid in increasing w: left[nl - 1] .. left[0], zero,
	 * right[0] .. right[nr - 1]; keep the highest point above both
	 * neighbours. The end points have one neighbour, so they never count:
	 * a profile highest there rises towards the end of the range.
	 */
	m = nl + 1 + nr;
#define GRID(i) ((i) < nl ? left[nl - 1 - (i)] : \
		 (i) == nl ? zero : right[(i) - nl - 1])
	for (size_t i = 1; i + 1 < m; i++) {
		struct ppoint c = GRID(i), a = GRID(i - 1), b = GRID(i + 1);

		if (c.ll >= a.ll && c.ll >= b.ll && (c.ll > a.ll || c.ll > b.ll) &&
		    isfinite(c.ll) && (!found || c.ll > best.ll)) {
			best = c;
			lo = a.w;
			hi = b.w;
			found = true;
		}
	}
#undef GRID
	if (!found)
		return -EDOM;
	best = brent_max(&p, lo, hi, best);
	if (!xi_in_range(best.xi) || !isfinite(best.ln_sigma))
		return -EDOM;
	out->xi = best.xi;
	out->sigma = exp(best.ln_sigma);
	if (!(out->sigma > 0.0) || !isfinite(out->sigma))
		return -EDOM;
	return 0;
}

double evt__gpd_loglik(const double *y, size_t n, const struct gpd *g)
{
	double xi = g->xi, s = g->sigma, sum = 0.0;

	if (!(s > 0.0))
		return NAN;
	for (size_t i = 0; i < n; i++) {
		double z = y[i] / s, a = xi * z;

		if (isnan(y[i]))
			return NAN;
		if (y[i] < 0.0 || a <= -1.0)
			return -INFINITY;
		/* ln pdf = -ln sigma - (1 + 1/xi) ln(1 + xi z); xi = 0: -z. */
		sum -= xi == 0.0 ? z : (1.0 + xi) * log1p(a) / xi;
	}
	return sum - (double)n * log(s);
}

/* ln(1 + a) / a, 1 at a = 0 (and for a's too small to matter). */
static double log1p_ratio(double a)
{
	return a == 0.0 ? 1.0 : log1p(a) / a;
}

/* expm1(b) / b, 1 at b = 0. */
static double expm1_ratio(double b)
{
	return b == 0.0 ? 1.0 : expm1(b) / b;
}

double evt__gpd_sf(const struct gpd *g, double y)
{
	double z, a;

	if (isnan(y))
		return NAN;
	if (y <= 0.0)
		return 1.0;
	z = y / g->sigma;
	if (isinf(z))
		return 0.0;
	a = g->xi * z;
	if (a <= -1.0)
		return 0.0;
	/* ln sf = -ln(1 + xi z) / xi = -z ln(1 + a) / a. */
	return exp(-z * log1p_ratio(a));
}

double evt__gpd_isf(const struct gpd *g, double p)
{
	double l, b;

	if (isnan(p) || p > 1.0)
		return NAN;
	if (p == 1.0)
		return 0.0;
	if (p <= 0.0)
		return g->xi >= 0.0 ? INFINITY : g->sigma / -g->xi;
	/* sigma (p^-xi - 1) / xi = sigma (-ln p) expm1(b) / b, b = -xi ln p. */
	l = -log(p);
	b = g->xi * l;
	return g->sigma * l * expm1_ratio(b);
}

/*
 * The sigma maximising the likelihood of y[0..n) (all >= 0, y_max > 0) for
 * a fixed xi >= 0: the mean for xi = 0; else a = xi / sigma solves
 * mean(a y / (1 + a y)) = xi / (1 + xi), whose left side rises with a from
 * 0 to the fraction of y > 0. Bisection on ln a, bounded. -EDOM if the
 * fraction of positive y is too small for a root.
 */
static int gpd_scale_for_xi(const double *y, size_t n, double xi, double y_max,
			    double *sigma)
{
	double target = xi / (1.0 + xi), mean_z = 0.0, lo, hi;

	for (size_t i = 0; i < n; i++)
		mean_z += y[i] / y_max;
	mean_z /= (double)n;
	if (xi == 0.0) {
		*sigma = mean_z * y_max;
		return 0;
	}
	/* In s = a y_max: h(s) = mean(s z / (1 + s z)) < s mean_z. */
	lo = hi = target / mean_z;
	for (int it = 0;; it++) {
		double h = 0.0;

		for (size_t i = 0; i < n; i++) {
			double sz = hi * (y[i] / y_max);

			h += sz / (1.0 + sz);
		}
		if (h / (double)n > target)
			break;
		if (it == 1100 || isinf(hi))
			return -EDOM;
		hi *= 2.0;
	}
	for (int it = 0; it < 200 && hi - lo > 4 * DBL_EPSILON * hi; it++) {
		double mid = 0.5 * (lo + hi), h = 0.0;

		for (size_t i = 0; i < n; i++) {
			double sz = mid * (y[i] / y_max);

			h += sz / (1.0 + sz);
		}
		if (h / (double)n > target)
			hi = mid;
		else
			lo = mid;
	}
	*sigma = xi * y_max / (0.5 * (lo + hi));
	return 0;
}

/*
 * The clamped GPD of evt__pot() for the excesses ex[0..n) (sorted, > 0):
 * false when there are too few or the fit fails, and the caller falls back
 * to the exponential.
 */
static bool tail_gpd(const double *ex, size_t n, struct gpd *g)
{
	double xi;

	if (n < EVT_MIN_TAIL || evt__fit_gpd(ex, n, g))
		return false;
	xi = fmin(fmax(g->xi, EVT_XI_MIN), EVT_XI_MAX);
	if (xi == g->xi)
		return true;
	g->xi = xi;
	return !gpd_scale_for_xi(ex, n, xi, ex[n - 1], &g->sigma);
}

int evt__pot(const double *x, size_t n, double tail_fraction, double *scratch,
	     struct tail_model *out)
{
	double u, sigma_min, *ex;
	size_t first, n_tail;
	struct gpd g;

	if (!x || !scratch || !out || n < 2 || n > UINT32_MAX ||
	    !(tail_fraction > 0.0 && tail_fraction < 1.0))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return -EINVAL;
	memcpy(scratch, x, n * sizeof(*scratch));
	stats__sort(scratch, n);
	if (!isfinite(scratch[n - 1] - scratch[0]))
		return -EINVAL;

	u = stats__quantile_sorted(scratch, n, 1.0 - tail_fraction);

	/* The excesses, in place over the sorted tail. */
	first = n;
	while (first > 0 && scratch[first - 1] > u)
		first--;
	n_tail = n - first;
	ex = scratch + first;
	for (size_t i = 0; i < n_tail; i++)
		ex[i] -= u;

	if (!tail_gpd(ex, n_tail, &g)) {
		/* Exponential: sigma = mean excess (0 with no excesses). */
		double s = 0.0;

		for (size_t i = 0; i < n_tail; i++)
			s += ex[i];
		g.xi = 0.0;
		g.sigma = n_tail ? s / (double)n_tail : 0.0;
	}
	sigma_min = EVT_SIGMA_FLOOR * fmax(scratch[n - 1] - scratch[0], fabs(u));
	if (sigma_min == 0.0)
		sigma_min = DBL_MIN;
	if (!(g.sigma >= sigma_min))
		g.sigma = sigma_min;

	out->u = u;
	out->rate = (double)n_tail / (double)n;
	out->g = g;
	out->n = (uint32_t)n;
	out->n_tail = (uint32_t)n_tail;
	return 0;
}

double evt__level(const struct tail_model *t, double q)
{
	if (isnan(q))
		return NAN;
	if (q <= 0.0)
		return INFINITY;
	if (q >= t->rate)
		return t->u;
	return t->u + evt__gpd_isf(&t->g, q / t->rate);
}

double evt__survival(const struct tail_model *t, double x)
{
	if (isnan(x))
		return NAN;
	if (x <= t->u)
		return t->rate;
	return t->rate * evt__gpd_sf(&t->g, x - t->u);
}
