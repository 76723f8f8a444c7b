// SPDX-License-Identifier: MIT
/*
 * Coupling of a joint feature's two axes: MI estimates and a seeded
 * bootstrap interval for one window, and the comparison with the band of
 * MI values the baseline's learning windows showed. See coupling.h.
 */
#include <errno.h>
#include <math.h>
#include "coupling.h"
#include "mi.h"
#include "mi_bootstrap.h"

#define COUPLING_MARGIN_REL	0.10
#define COUPLING_MARGIN_ABS	0.005

static int all_zero(const uint64_t *table, size_t cells)
{
	for (size_t i = 0; i < cells; i++)
		if (table[i])
			return 0;
	return 1;
}

int coupling__measure(const uint64_t *table, size_t rows, size_t cols,
		      enum coupling_interval how, uint64_t seed,
		      struct coupling *out)
{
	struct mi_entropies e;
	double sd;
	int err;

	if (table && all_zero(table, rows * cols))
		return -ENODATA;
	/* Entropies once: nmi and sd are built on them. */
	err = mi__entropies(table, rows, cols, &e);
	if (!err)
		out->nmi = mi__nmi_of(&e, MI_NORM_ARITHMETIC);
	if (!err && how == COUPLING_CI_BOOTSTRAP)
		err = mi__bootstrap_ci(table, rows, cols, COUPLING_REPS, seed,
				       COUPLING_LEVEL, &out->lo, &out->hi);
	if (!err && how == COUPLING_CI_ASYMPTOTIC) {
		err = mi__sd_of(table, rows, cols, &e, &sd);
		out->lo = fmax(0.0, e.mi - COUPLING_Z * sd);
		out->hi = e.mi + COUPLING_Z * sd;
	}
	if (err)
		return err;
	out->n = e.n;
	out->mi = e.mi;
	out->mi_mm = e.mi_mm;
	return 0;
}

const char *coupling__change_name(enum coupling_change c)
{
	switch (c) {
	case COUPLING_STRONGER:
		return "stronger";
	case COUPLING_WEAKER:
		return "weaker";
	default:
		return "steady";
	}
}

enum coupling_change coupling__compare(const struct coupling *c,
				       const struct coupling_band *band)
{
	double margin = COUPLING_MARGIN_REL * band->max + COUPLING_MARGIN_ABS;

	if (c->lo > band->max + margin)
		return COUPLING_STRONGER;
	if (c->hi < band->min - margin)
		return COUPLING_WEAKER;
	return COUPLING_STEADY;
}

/* FNV-1a over the window's timestamp (ms), feature and cgroup. */
uint64_t coupling__seed(double ts, unsigned int feature, const char *cgroup)
{
	uint64_t h = 1469598103934665603ull;
	uint64_t v[2] = { (uint64_t)llround(ts * 1000.0), feature };

	for (size_t i = 0; i < sizeof(v); i++) {
		h ^= ((const unsigned char *)v)[i];
		h *= 1099511628211ull;
	}
	for (; *cgroup; cgroup++) {
		h ^= (unsigned char)*cgroup;
		h *= 1099511628211ull;
	}
	return h;
}
