/* SPDX-License-Identifier: MIT */
/*
 * Coupling: how strongly the two axes of a joint feature depend on each
 * other in one window (plug-in and Miller-Madow MI, NMI, an interval), and
 * whether that differs from the baseline's learnt band. Pure: tables in,
 * numbers out. Two kinds of interval: a seeded bootstrap (the `mi`
 * command; the same window always gives the same interval) and the
 * asymptotic one from mi__sd() (analyze and run, where a bootstrap for
 * every joint feature of every cgroup of every window costs ~1 ms each).
 */
#ifndef DRIFTPROBE_COUPLING_H
#define DRIFTPROBE_COUPLING_H

#include <stddef.h>
#include <stdint.h>

#define COUPLING_REPS	200	/* bootstrap replicates */
#define COUPLING_LEVEL	0.99	/* interval level */
#define COUPLING_Z	2.5758293035489004	/* its normal quantile */

enum coupling_interval {
	COUPLING_CI_ASYMPTOTIC,	/* mi +- z * mi__sd(), lo clipped at 0 */
	COUPLING_CI_BOOTSTRAP,	/* percentile bootstrap, seeded */
};

struct coupling {
	uint64_t n;		/* events in the table */
	double mi, mi_mm, nmi;	/* nats, nats, [0, 1] (arithmetic mean) */
	double lo, hi;		/* COUPLING_LEVEL interval of mi */
};

/*
 * Measure the rows x cols table (seed: for the bootstrap only). Returns 0,
 * -ENODATA for an all-zero table (nothing to measure), -EINVAL,
 * -EOVERFLOW or -ENOMEM from mi.c.
 */
int coupling__measure(const uint64_t *table, size_t rows, size_t cols,
		      enum coupling_interval how, uint64_t seed,
		      struct coupling *out);

/* The band of MI a baseline learnt: per-window min and max, and pooled. */
struct coupling_band {
	double min, max, pooled;
};

enum coupling_change {
	COUPLING_STEADY,	/* the interval meets the band */
	COUPLING_STRONGER,	/* the whole interval is above the band */
	COUPLING_WEAKER,	/* the whole interval is below the band */
};

/* "steady", "stronger", "weaker". */
const char *coupling__change_name(enum coupling_change c);

/*
 * A coupling appears or breaks when the window's interval lies entirely
 * outside the band, by more than a margin of 10% of the band's upper end
 * (plus 0.005 nats), so sampling noise and ordinary window-to-window
 * spread do not count.
 */
enum coupling_change coupling__compare(const struct coupling *c,
				       const struct coupling_band *band);

/* One window's coupling against its baseline band, for the report. */
struct coupling_verdict {
	struct coupling now;
	struct coupling_band band;
	enum coupling_change change;
};

/* A seed that depends only on the window's identity. */
uint64_t coupling__seed(double ts, unsigned int feature, const char *cgroup);

#endif /* DRIFTPROBE_COUPLING_H */
