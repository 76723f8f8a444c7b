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
#include "stats.h"
#include "rng.h"

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
	stats__sort(v, reps);
	*lo = stats__quantile_sorted(v, reps, (1.0 - level) / 2.0);
	*hi = stats__quantile_sorted(v, reps, (1.0 + level) / 2.0);
	free(sample);
	free(v);
	return 0;
}
