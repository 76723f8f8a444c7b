// SPDX-License-Identifier: MIT
/*
 * Mutual information estimators (see mi.h for the contracts). The plug-in
 * numbers must agree with scikit-learn to ~1e-12, so every sum is written in
 * the same per-cell form sklearn uses, c/N * (ln c - ln N), never as
 * p * log(p) with p rounded first. The bootstrap carries its own PRNG and
 * multinomial sampler so that a seed means the same interval everywhere.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mi.h"

/* Total of n counts; -EOVERFLOW if it does not fit in 64 bits. */
static int counts_sum(const uint64_t *c, size_t n, uint64_t *sum)
{
	uint64_t s = 0;

	for (size_t i = 0; i < n; i++)
		if (__builtin_add_overflow(s, c[i], &s))
			return -EOVERFLOW;
	*sum = s;
	return 0;
}

/* Validate a table of dims[0] x ... x dims[ndims-1] cells, get its total. */
static int table_check(const uint64_t *table, const size_t *dims,
		       size_t ndims, size_t *cells, uint64_t *n)
{
	size_t m = 1;
	int err;

	if (!table)
		return -EINVAL;
	for (size_t d = 0; d < ndims; d++)
		if (!dims[d] || __builtin_mul_overflow(m, dims[d], &m))
			return -EINVAL;
	err = counts_sum(table, m, n);
	if (err)
		return err;
	*cells = m;
	return *n ? 0 : -EINVAL;
}

/* -c/N ln(c/N), as c/N * (ln N - ln c): no rounded probability inside. */
static double entropy_term(uint64_t c, double dn, double ln_n)
{
	return c ? (double)c / dn * (ln_n - log((double)c)) : 0.0;
}

/*
 * The estimates for a table already checked to total n > 0. MI is
 * H(Y) - H(Y|X) with H(Y|X) = sum_ij n_ij/N (ln n_i - ln n_ij): the same
 * per-cell sum as sklearn's p_ij (ln p_ij - ln p_i - ln p_j), regrouped so
 * the column marginals are needed once per column instead of per cell
 * (no allocation), and exactly 0 for a single non-empty row or column.
 */
static void table_entropies(const uint64_t *t, size_t rows, size_t cols,
			    uint64_t n, struct mi_entropies *e)
{
	double dn = (double)n, ln_n = log(dn), h_y_x = 0.0;

	memset(e, 0, sizeof(*e));
	e->n = n;
	for (size_t i = 0; i < rows; i++) {
		const uint64_t *row = t + i * cols;
		uint64_t ni = 0;
		double ln_ni;

		for (size_t j = 0; j < cols; j++)
			ni += row[j];
		if (!ni)
			continue;
		e->rows_nz++;
		e->h_x += entropy_term(ni, dn, ln_n);
		ln_ni = log((double)ni);
		for (size_t j = 0; j < cols; j++) {
			if (!row[j])
				continue;
			e->cells_nz++;
			e->h_xy += entropy_term(row[j], dn, ln_n);
			h_y_x += entropy_term(row[j], dn, ln_ni);
		}
	}
	for (size_t j = 0; j < cols; j++) {
		uint64_t nj = 0;

		for (size_t i = 0; i < rows; i++)
			nj += t[i * cols + j];
		if (nj)
			e->cols_nz++;
		e->h_y += entropy_term(nj, dn, ln_n);
	}
	e->mi = e->h_y - h_y_x;
	if (e->mi < 0.0)
		e->mi = 0.0;
	e->mi_mm = e->mi + ((double)e->rows_nz + (double)e->cols_nz -
			    (double)e->cells_nz - 1.0) / (2.0 * dn);
}

int mi__entropies(const uint64_t *table, size_t rows, size_t cols,
		  struct mi_entropies *out)
{
	size_t dims[2] = { rows, cols }, cells;
	uint64_t n;
	int err;

	if (!out)
		return -EINVAL;
	err = table_check(table, dims, 2, &cells, &n);
	if (err)
		return err;
	table_entropies(table, rows, cols, n, out);
	return 0;
}

int mi__sd(const uint64_t *table, size_t rows, size_t cols, double *out)
{
	struct mi_entropies e;
	int err;

	if (!out)
		return -EINVAL;
	err = mi__entropies(table, rows, cols, &e);
	return err ? err : mi__sd_of(table, rows, cols, &e, out);
}

int mi__sd_of(const uint64_t *table, size_t rows, size_t cols,
	      const struct mi_entropies *e, double *out)
{
	double dn, *row, *col, s2 = 0, df;

	row = calloc(rows, sizeof(*row));
	col = calloc(cols, sizeof(*col));
	if (!row || !col) {
		free(row);
		free(col);
		return -ENOMEM;
	}
	dn = (double)e->n;
	for (size_t i = 0; i < rows; i++)
		for (size_t j = 0; j < cols; j++) {
			row[i] += (double)table[i * cols + j];
			col[j] += (double)table[i * cols + j];
		}
	for (size_t i = 0; i < rows; i++)
		for (size_t j = 0; j < cols; j++) {
			double c = (double)table[i * cols + j], l;

			if (!c)
				continue;
			l = log(c * dn / (row[i] * col[j]));
			s2 += c / dn * l * l;
		}
	df = ((double)e->rows_nz - 1) * ((double)e->cols_nz - 1);
	*out = sqrt(fmax(0.0, s2 - e->mi * e->mi) / dn +
		    2.0 * df / (4.0 * dn * dn));
	free(row);
	free(col);
	return 0;
}

int mi__nmi(const uint64_t *table, size_t rows, size_t cols,
	    enum mi_norm norm, double *out)
{
	struct mi_entropies e;
	int err;

	if (!out || (unsigned int)norm > MI_NORM_MAX)
		return -EINVAL;
	err = mi__entropies(table, rows, cols, &e);
	if (err)
		return err;
	*out = mi__nmi_of(&e, norm);
	return 0;
}

double mi__nmi_of(const struct mi_entropies *e, enum mi_norm norm)
{
	double h;

	/* sklearn: no split on either side is a perfect match. */
	if (e->rows_nz == 1 && e->cols_nz == 1)
		return 1.0;
	/* MI > 0 implies both entropies > 0, so h below is never 0. */
	if (e->mi == 0.0)
		return 0.0;
	switch (norm) {
	case MI_NORM_ARITHMETIC:
		h = (e->h_x + e->h_y) / 2.0;
		break;
	case MI_NORM_GEOMETRIC:
		h = sqrt(e->h_x * e->h_y);
		break;
	case MI_NORM_MIN:
		h = fmin(e->h_x, e->h_y);
		break;
	default:
		h = fmax(e->h_x, e->h_y);
		break;
	}
	return e->mi / h;
}

int mi__conditional(const uint64_t *table, size_t nz, size_t rows,
		    size_t cols, double *out)
{
	size_t dims[3] = { nz, rows, cols }, cells, slice = rows * cols;
	struct mi_entropies e;
	double cmi = 0.0;
	uint64_t n;
	int err;

	if (!out)
		return -EINVAL;
	err = table_check(table, dims, 3, &cells, &n);
	if (err)
		return err;
	for (size_t z = 0; z < nz; z++) {
		const uint64_t *t = table + z * slice;
		uint64_t n_z = 0;

		counts_sum(t, slice, &n_z);	/* n_z <= n: cannot fail */
		if (!n_z)
			continue;
		table_entropies(t, rows, cols, n_z, &e);
		cmi += (double)n_z / (double)n * e.mi;
	}
	*out = cmi;
	return 0;
}

/*
 * Recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the asymptotic
 * series ln x - 1/(2x) - sum B_2k / (2k x^2k) to B_14, whose next term is
 * below 1e-17 there. Relative accuracy degrades only near the root of psi
 * (x ~ 1.4616), where the absolute error stays ~1e-16.
 */
double mi__digamma(double x)
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

/* Insert d into the ascending best[0..*len) capped at k entries. */
static void knn_insert(double *best, unsigned int *len, unsigned int k,
		       double d)
{
	unsigned int i;

	if (*len == k && d >= best[k - 1])
		return;
	i = *len < k ? (*len)++ : k - 1;
	for (; i > 0 && best[i - 1] > d; i--)
		best[i] = best[i - 1];
	best[i] = d;
}

int mi__ksg(const double *x, const double *y, size_t n, unsigned int k,
	    double *out)
{
	double sx = 0.0, sy = 0.0, *best, mi;

	if (!x || !y || !out || !k || n <= k)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return -EINVAL;
	best = malloc(k * sizeof(*best));
	if (!best)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		unsigned int len = 0;
		uint64_t nx = 0, ny = 0;
		double r;

		for (size_t j = 0; j < n; j++)
			if (j != i)
				knn_insert(best, &len, k,
					   fmax(fabs(x[i] - x[j]),
						fabs(y[i] - y[j])));
		/*
		 * Strictly inside eps: |d| <= the double just below eps, which
		 * is sklearn's query_radius(nextafter(eps, 0)) and, for
		 * eps == 0, counts exact ties.
		 */
		r = nextafter(best[k - 1], 0.0);
		for (size_t j = 0; j < n; j++) {
			if (j == i)
				continue;
			nx += fabs(x[i] - x[j]) <= r;
			ny += fabs(y[i] - y[j]) <= r;
		}
		sx += mi__digamma((double)nx + 1.0);
		sy += mi__digamma((double)ny + 1.0);
	}
	free(best);
	mi = mi__digamma((double)n) + mi__digamma(k) - sx / (double)n -
	     sy / (double)n;
	*out = mi > 0.0 ? mi : 0.0;
	return 0;
}

/* xoshiro256** seeded through splitmix64 (Blackman & Vigna). */
struct mi_rng {
	uint64_t s[4];
};

static void rng_seed(struct mi_rng *g, uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		g->s[i] = z ^ (z >> 31);
	}
}

static uint64_t rotl(uint64_t v, int k)
{
	return (v << k) | (v >> (64 - k));
}

static uint64_t rng_next(struct mi_rng *g)
{
	uint64_t *s = g->s, r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* Uniform in the open interval (0, 1): safe to take the log of. */
static double rng_uniform(struct mi_rng *g)
{
	return ((double)(rng_next(g) >> 11) + 0.5) * 0x1.0p-53;
}

static double rng_normal(struct mi_rng *g)
{
	double u = rng_uniform(g), v = rng_uniform(g);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* Gamma(a, 1) for a >= 1 (Marsaglia & Tsang 2000). */
static double rng_gamma(struct mi_rng *g, double a)
{
	double d = a - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);

	for (;;) {
		double z = rng_normal(g), v = 1.0 + c * z;

		if (v <= 0.0)
			continue;
		v = v * v * v;
		if (log(rng_uniform(g)) < 0.5 * z * z + d - d * v + d * log(v))
			return d * v;
	}
}

/* Binomial(n, p) by inversion; for small n only (q^n must not underflow). */
static uint64_t binomial_inversion(struct mi_rng *g, uint64_t n, double p)
{
	bool flip = p > 0.5;
	double q, s, a, f, u;
	uint64_t x = 0;

	if (flip)
		p = 1.0 - p;
	q = 1.0 - p;
	s = p / q;
	a = (double)(n + 1) * s;
	f = pow(q, (double)n);
	u = rng_uniform(g);
	while (u > f && x < n) {
		u -= f;
		x++;
		f *= a / (double)x - s;
	}
	return flip ? n - x : x;
}

#define MI_BINOMIAL_SMALL 64

/*
 * Binomial(n, p), exact for any n: while n is large, the median order
 * statistic X ~ Beta(a, n + 1 - a) of n uniforms splits them into a - 1
 * below X and n - a above it, so the count below p is Binomial(a - 1, p/X)
 * if X >= p, else a + Binomial(n - a, (p - X)/(1 - X)) (Knuth, TAOCP 3.4.1).
 * O(log n) Beta draws, then inversion on at most MI_BINOMIAL_SMALL trials.
 */
static uint64_t rng_binomial(struct mi_rng *g, uint64_t n, double p)
{
	uint64_t base = 0;

	while (n > MI_BINOMIAL_SMALL && p > 0.0 && p < 1.0) {
		uint64_t a = 1 + n / 2, b = n + 1 - a;
		double ga = rng_gamma(g, (double)a);
		double x = ga / (ga + rng_gamma(g, (double)b));

		if (x >= p) {
			n = a - 1;
			p /= x;
		} else {
			base += a;
			n = b - 1;
			p = (p - x) / (1.0 - x);
		}
	}
	if (p <= 0.0)
		return base;
	if (p >= 1.0)
		return base + n;
	return base + binomial_inversion(g, n, p);
}

/*
 * draws events into out[0..k) with probabilities c_i / total, as
 * sequential conditional binomials on the integer counts left.
 */
static void rng_multinomial(struct mi_rng *g, const uint64_t *c, size_t k,
			    uint64_t total, uint64_t draws, uint64_t *out)
{
	for (size_t i = 0; i < k; i++) {
		if (!draws || !c[i])
			out[i] = 0;
		else if (c[i] == total)
			out[i] = draws;
		else
			out[i] = rng_binomial(g, draws,
					      (double)c[i] / (double)total);
		draws -= out[i];
		total -= c[i];
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Quantile q of sorted v[0..n), numpy's default linear interpolation. */
static double quantile_sorted(const double *v, size_t n, double q)
{
	double h = (double)(n - 1) * q, f = floor(h);
	size_t i = (size_t)f;

	return i + 1 < n ? v[i] + (h - f) * (v[i + 1] - v[i]) : v[n - 1];
}

/* A statistic of resampled counts c[0..k) totalling n. */
typedef double (*mi_boot_stat)(const uint64_t *c, uint64_t n,
			       const void *ctx);

/*
 * The percentile bootstrap shared by both intervals: reps multinomial
 * resamples of n events from counts[0..k) (totalling n), stat on each.
 */
static int bootstrap(const uint64_t *counts, size_t k, uint64_t n,
		     unsigned int reps, uint64_t seed, double level,
		     mi_boot_stat stat, const void *ctx, double *lo,
		     double *hi)
{
	uint64_t *sample;
	struct mi_rng g;
	double *v;

	if (!lo || !hi || !reps || !(level > 0.0 && level < 1.0))
		return -EINVAL;
	sample = calloc(k, sizeof(*sample));
	v = calloc(reps, sizeof(*v));
	if (!sample || !v) {
		free(sample);
		free(v);
		return -ENOMEM;
	}
	rng_seed(&g, seed);
	for (unsigned int r = 0; r < reps; r++) {
		rng_multinomial(&g, counts, k, n, n, sample);
		v[r] = stat(sample, n, ctx);
	}
	qsort(v, reps, sizeof(*v), cmp_double);
	*lo = quantile_sorted(v, reps, (1.0 - level) / 2.0);
	*hi = quantile_sorted(v, reps, (1.0 + level) / 2.0);
	free(sample);
	free(v);
	return 0;
}

struct mi_table_shape {
	size_t rows, cols;
};

static double boot_stat_mi(const uint64_t *c, uint64_t n, const void *ctx)
{
	const struct mi_table_shape *shape = ctx;
	struct mi_entropies e;

	table_entropies(c, shape->rows, shape->cols, n, &e);
	return e.mi;
}

int mi__bootstrap_ci(const uint64_t *table, size_t rows, size_t cols,
		     unsigned int reps, uint64_t seed, double level,
		     double *lo, double *hi)
{
	struct mi_table_shape shape = { rows, cols };
	size_t dims[2] = { rows, cols }, cells;
	uint64_t n;
	int err;

	err = table_check(table, dims, 2, &cells, &n);
	if (err)
		return err;
	return bootstrap(table, cells, n, reps, seed, level, boot_stat_mi,
			 &shape, lo, hi);
}

struct mi_kl_baseline {
	const uint64_t *b;
	size_t k;
	uint64_t n_b;
	double alpha;
};

/*
 * KL(q || p) = sum q_i ln(q_i / p_i) with additive smoothing on both sides;
 * bins with q_i = 0 add nothing. The caller rules out q_i > 0 = p_i. Local
 * on purpose: mi.c depends on no other module.
 */
static double boot_stat_kl(const uint64_t *w, uint64_t n_w, const void *ctx)
{
	const struct mi_kl_baseline *base = ctx;
	size_t k = base->k;
	double a = base->alpha, kl = 0.0;
	double zp = (double)base->n_b + (double)k * a;
	double zq = (double)n_w + (double)k * a;

	for (size_t i = 0; i < k; i++) {
		double q = ((double)w[i] + a) / zq;
		double p = ((double)base->b[i] + a) / zp;

		if (q > 0.0)
			kl += q * log(q / p);
	}
	return kl;
}

int mi__bootstrap_kl_ci(const uint64_t *b, const uint64_t *w, size_t k,
			double alpha, unsigned int reps, uint64_t seed,
			double level, double *lo, double *hi)
{
	struct mi_kl_baseline base = { .b = b, .k = k, .alpha = alpha };
	size_t cells;
	uint64_t n_w;
	int err;

	if (!b || !(alpha >= 0.0) || !isfinite(alpha))
		return -EINVAL;
	err = table_check(w, &k, 1, &cells, &n_w);
	if (!err)
		err = counts_sum(b, k, &base.n_b);
	if (err)
		return err;
	if (alpha == 0.0) {
		if (!base.n_b)
			return -EINVAL;
		for (size_t i = 0; i < k; i++)
			if (w[i] && !b[i])
				return -EDOM;
	}
	return bootstrap(w, k, n_w, reps, seed, level, boot_stat_kl, &base,
			 lo, hi);
}
