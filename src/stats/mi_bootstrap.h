/* SPDX-License-Identifier: MIT */
/*
 * Bootstrap interval of the plug-in MI (mi.h) of a contingency table, for
 * `mi`'s coupling lines. Pure; it allocates (and says so).
 */
#ifndef DRIFTPROBE_MI_BOOTSTRAP_H
#define DRIFTPROBE_MI_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Percentile bootstrap interval at confidence level (0 < level < 1) for the
 * plug-in MI of the table: reps tables of N events drawn from the
 * multinomial of the table's cell proportions. [*lo, *hi] are the
 * (1 - level)/2 and (1 + level)/2 quantiles of the replicates (linear
 * interpolation, numpy's default). The same seed gives the same interval.
 * Allocates O(rows * cols + reps). Returns 0, -EINVAL (as mi__entropies(),
 * reps == 0, level outside (0, 1)), -EOVERFLOW, -ENOMEM.
 */
int mi__bootstrap_ci(const uint64_t *table, size_t rows, size_t cols,
		     unsigned int reps, uint64_t seed, double level,
		     double *lo, double *hi);

#endif /* DRIFTPROBE_MI_BOOTSTRAP_H */
