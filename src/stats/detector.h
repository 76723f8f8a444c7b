/* SPDX-License-Identifier: MIT */
/*
 * Verdicts: one window's histogram against its baseline entry. A window is
 * anomalous when its score passes the budget's level (normal windows are
 * rarely this far from their nearest mode, rarely use this many new bins,
 * or rarely drift this long; detector.c), for `consecutive` windows in a
 * row; a raised anomaly holds until the score falls well below the level
 * (hysteresis), so a feature hovering at its threshold does not flap.
 * Pure: no I/O, no allocation; the caller keeps one detector_state per
 * (feature, cgroup).
 */
#ifndef DRIFTPROBE_DETECTOR_H
#define DRIFTPROBE_DETECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "baseline.h"
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
	double clear_fraction;	/* a raised anomaly clears when score <=
				   clear_fraction * threshold or p is not
				   significant; default 0.5 */
	double budget;		/* expected false alarms a day for the
				   host (score.h); default 1 */
	/*
	 * Quiet verdicts (normal or insufficient, not held) without the
	 * smoothed divergences (divergence__compute_g: left undefined),
	 * which no verdict reads; the others get them all. For callers
	 * whose outputs print quiet verdicts without them. Default false.
	 */
	bool lean;
};

void detector_opts__defaults(struct detector_opts *o);

/* Per (feature, cgroup); zero-initialise. */
struct detector_state {
	unsigned int run;	/* exceeding windows in a row (not raised) */
	bool raised;
	double evidence;	/* score__accumulate over past windows */
};

/* Which rule decided a verdict; reason.h puts it in words. */
enum reason_kind {
	REASON_FEW_EVENTS,	/* window events < min_count: insufficient */
	REASON_WITHIN,		/* score <= threshold */
	REASON_NOT_SIGNIFICANT,	/* score > threshold but p >= p_limit */
	REASON_EXCEEDS,		/* both tests agree: anomaly */
	REASON_PENDING,		/* both agree, run < consecutive so far */
	REASON_HOLDING,		/* raised, score still above the clear level */
	REASON_CLEARED_NOT_SIGNIFICANT,	/* raised, cleared: p >= p_limit */
	REASON_CLEARED_WITHIN,	/* raised, cleared: score <= clear level */
};

/* Which surprise gave the score (score.h). */
enum score_rule {
	SCORE_RULE_EFFECT,	/* the effect against the nearest mode */
	SCORE_RULE_NOVEL,	/* bins learning never saw */
	SCORE_RULE_ACCUMULATED,	/* evidence over the last windows */
};

/* The numbers behind a verdict besides the analysis' own (d, threshold). */
struct verdict_reason {
	enum reason_kind kind;
	enum score_rule rule;	/* of the score (EXCEEDS, PENDING) */
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
	 * All three are surprises, -log10 P (score.h).
	 */
	double score, threshold, critical;
	/* The surprises behind score: of this window alone, of its effect
	 * (whether significant or not), of its novel bins. */
	double window_score, score_effect, score_novel;
	uint32_t novel_bins;		/* used now, never while learning */
	unsigned int mode;	/* the nearest of the entry's modes (of a
				   mixture, its first) */
	double p_limit;			/* p_limit = family_p / tests */
	enum verdict verdict;
	bool exceeds;		/* the score (this window's, or the
				   evidence accumulated) passes the level */
	bool held;		/* the (feature, cgroup) is raised after
				   this window; an insufficient window
				   leaves a raised anomaly raised */
	struct verdict_reason reason;	/* which test decided, and why */
	/*
	 * Set by the analyzer (mute.h): a mute covers the series now, so it
	 * is never an anomaly, never in an incident, never learnt (the
	 * verdict the numbers gave is kept in exceeds); muted_bins of its
	 * bins were left out of both sides. muted_by: the covering rule's
	 * reason, else its spec (valid until the next window).
	 */
	bool muted;
	unsigned int muted_bins;
	const char *muted_by;
	size_t ntop;
	struct bin_contribution top[ANALYSIS_TOP]; /* largest shares of G */
};

/*
 * Judge window[0..e->nbins) against entry e's nearest mode with the
 * warning level threshold (score__threshold), updating st. The window is
 * seen as learning saw it (feature__score_counts: ephemeral ports folded). Returns 0, or
 * -EINVAL for a negative or non-finite threshold, an entry without modes,
 * or options out of range (tests or consecutive 0, family_p or
 * clear_fraction outside [0, 1], budget <= 0, bad alpha); -EOVERFLOW if
 * counts overflow.
 */
int detector__judge(const struct detector_opts *o, struct detector_state *st,
		    const struct baseline_entry *e, const uint64_t *window,
		    double threshold, struct analysis *out);

#endif /* DRIFTPROBE_DETECTOR_H */
