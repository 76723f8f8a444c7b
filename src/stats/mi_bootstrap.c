// SPDX-License-Identifier: MIT
/*
 * Percentile bootstrap interval of the plug-in MI (mi_bootstrap.h): reps
 * multinomial resamples of the table (rng.h), the MI of each, quantiles.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "mi.h"
#include "mi_bootstrap.h"
#include "rng.h"

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

int mi__bootstrap_ci(const uint64_t *table, size_t rows, size_t cols,
		     unsigned int reps, uint64_t seed, double level,
		     double *lo, double *hi)
{
	struct mi_entropies e;
	uint64_t *sample;
	struct rng g;
	double *v;
	int err;

	err = mi__entropies(table, rows, cols, &e);
	if (err)
		return err;
	if (!lo || !hi || !reps || !(level > 0.0 && level < 1.0))
		return -EINVAL;
	sample = calloc(rows * cols, sizeof(*sample));
	v = calloc(reps, sizeof(*v));
	if (!sample || !v) {
		free(sample);
		free(v);
		return -ENOMEM;
	}
	rng__seed(&g, seed);
	for (unsigned int r = 0; r < reps; r++) {
		struct mi_entropies re;

		rng__multinomial(&g, table, rows * cols, e.n, e.n, sample);
		/* A replicate holds e.n events, so it is a valid table. */
		mi__entropies(sample, rows, cols, &re);
		v[r] = re.mi;
	}
	qsort(v, reps, sizeof(*v), cmp_double);
	*lo = quantile_sorted(v, reps, (1.0 - level) / 2.0);
	*hi = quantile_sorted(v, reps, (1.0 + level) / 2.0);
	free(sample);
	free(v);
	return 0;
}
