/* SPDX-License-Identifier: MIT */
/*
 * Verdicts: one window's histogram against its baseline entry. A window is
 * anomalous when its effect exceeds the calibrated threshold (it drifted
 * far enough to matter) and the G-test says so beyond chance (it is not
 * noise of a small window), for `consecutive` windows in a row; a raised
 * anomaly holds until the effect falls well below the threshold
 * (hysteresis), so a feature hovering at its threshold does not flap.
 * Pure: no I/O, no allocation; the caller keeps one detector_state per
 * (feature, cgroup).
 */
#ifndef DRIFTPROBE_DETECTOR_H
#define DRIFTPROBE_DETECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "divergence.h"

enum verdict {
	VERDICT_INSUFFICIENT,
	VERDICT_NORMAL,
	VERDICT_ANOMALY,
};

/* "insufficient", "normal", "anomaly" ("unknown" for anything else). */
const char *verdict__name(enum verdict v);

struct detector_opts {
	double alpha;		/* smoothing, default 0.5 */
	uint64_t min_count;	/* fewer window events: insufficient; 50 */
	double family_p;	/* family-wise significance, default 0.001 */
	unsigned int tests;	/* features tested per window (Bonferroni
				   m), >= 1; default 1 */
	unsigned int consecutive; /* exceeding windows before raising, >= 1;
				     default 1 */
	double clear_fraction;	/* a raised anomaly clears when effect <=
				   clear_fraction * threshold or p is not
				   significant; default 0.5 */
};

void detector_opts__defaults(struct detector_opts *o);

/* Per (feature, cgroup); zero-initialise. */
struct detector_state {
	unsigned int run;	/* exceeding windows in a row (not raised) */
	bool raised;
};

/* Which rule decided a verdict; reason.h puts it in words. */
enum reason_kind {
	REASON_FEW_EVENTS,	/* window events < min_count: insufficient */
	REASON_NO_BASELINE,	/* the entry learnt no events: insufficient */
	REASON_WITHIN,		/* effect <= threshold */
	REASON_NOT_SIGNIFICANT,	/* effect > threshold but p >= p_limit */
	REASON_EXCEEDS,		/* both tests agree: anomaly */
	REASON_PENDING,		/* both agree, run < consecutive so far */
	REASON_HOLDING,		/* raised, effect still above the clear level */
	REASON_CLEARED_NOT_SIGNIFICANT,	/* raised, cleared: p >= p_limit */
	REASON_CLEARED_WITHIN,	/* raised, cleared: effect <= clear level */
};

/* The numbers behind a verdict besides the analysis' own (d, threshold). */
struct verdict_reason {
	enum reason_kind kind;
	double p;		/* the G-test's p (1 when G is undefined) */
	double clear;		/* clear level (HOLDING, CLEARED_WITHIN) */
	unsigned int run, consecutive;	/* PENDING */
	uint64_t min_count;	/* FEW_EVENTS */
};

#define ANALYSIS_TOP 5

struct analysis {
	struct divergence d;
	/*
	 * How unusual the window is (score), and the levels it is compared
	 * with: threshold raises a warning, critical a critical incident.
	 * All three in the same units (see baseline.h).
	 */
	double score, threshold, critical;
	double p_limit;			/* p_limit = family_p / tests */
	enum verdict verdict;
	bool exceeds;		/* this window alone exceeds the threshold
				   and is significant */
	struct verdict_reason reason;	/* which test decided, and why */
	size_t ntop;
	struct bin_contribution top[ANALYSIS_TOP]; /* largest shares of G */
};

/*
 * Judge window[0..k) against baseline[0..k) with the entry's threshold,
 * updating st. Returns 0, or -EINVAL for k == 0, a negative or non-finite
 * threshold, or options out of range (tests or consecutive 0, family_p or
 * clear_fraction outside [0, 1], bad alpha); -EOVERFLOW if counts overflow.
 */
int detector__judge(const struct detector_opts *o, struct detector_state *st,
		    const uint64_t *baseline, const uint64_t *window, size_t k,
		    double threshold, struct analysis *out);

#endif /* DRIFTPROBE_DETECTOR_H */
