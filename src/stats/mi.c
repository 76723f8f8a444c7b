// SPDX-License-Identifier: MIT
/*
 * Mutual information estimators (see mi.h for the contracts). The plug-in
 * numbers must agree with scikit-learn to ~1e-12, so every sum is written in
 * the same per-cell form sklearn uses, c/N * (ln c - ln N), never as
 * p * log(p) with p rounded first.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mi.h"
#include "stats.h"

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
		sx += stats__digamma((double)nx + 1.0);
		sy += stats__digamma((double)ny + 1.0);
	}
	free(best);
	mi = stats__digamma((double)n) + stats__digamma(k) - sx / (double)n -
	     sy / (double)n;
	*out = mi > 0.0 ? mi : 0.0;
	return 0;
}
