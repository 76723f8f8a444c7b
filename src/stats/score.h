/* SPDX-License-Identifier: MIT */
/*
 * What a series' score means. The raw statistic is divergence.effect of a
 * window against its nearest mode (bias-corrected: ~0 for any window size
 * when nothing changed). While learning, every window is scored out of
 * sample (against modes that leave it out); those held-out effects are
 * standardised robustly, z = (effect - median) / scale with scale =
 * max(1.4826 MAD, SCORE_SCALE_MIN), and their upper tail is modelled by
 * peaks over threshold with a generalised Pareto tail (evt.h). A window's
 * score is then its surprise: score = -log10 P(a normal window has a z this
 * large), so 6 reads "once in a million normal windows" whatever the
 * feature. The warning level comes from one budget, expected false alarms
 * per day for the whole host: each of S series gets q = budget *
 * interval_s / 86400 / S per window, threshold = -log10 q; critical is
 * SCORE_CRITICAL_DECADES more (a hundred times rarer than the budget).
 * Pure: no I/O, no allocation.
 */
#ifndef DRIFTPROBE_SCORE_H
#define DRIFTPROBE_SCORE_H

#include <stddef.h>
#include <stdint.h>
#include "evt.h"

/*
 * The smallest scale of held-out effects, in nats: a feature whose windows
 * never differ (MAD 0) still needs a real change of about
 * threshold-in-z x 0.001 nats to alarm, not any rounding.
 */
#define SCORE_SCALE_MIN		0.001
/*
 * An effect this small never scores, however rare among the held-out
 * ones: a steady feature whose learning windows never differed (MAD 0)
 * would otherwise alarm on a shift of a fraction of a percent of its mass,
 * which nobody should be paged for. 0.01 nats: about 1.4% of the mass
 * moved between two bins of equal share.
 */
#define SCORE_EFFECT_MIN	0.01
/*
 * The tail is never thinner than this, in z (robust sd) units, nor rarer
 * than one more learning window would make it (rate >= 1 / (n + 1)):
 * when every held-out score ties (a steady feature's effects are all 0),
 * nothing was above u, yet the next window may well be a little.
 */
#define SCORE_SIGMA_MIN		0.5
/* The upper fifth of held-out z scores is the tail the GPD is fitted to. */
#define SCORE_TAIL_FRACTION	0.2
/* Decades of surprise from warning to critical. */
#define SCORE_CRITICAL_DECADES	2.0
/* Scores are capped here (P = 1e-300): beyond it nothing is rarer. */
#define SCORE_MAX		300.0
/*
 * Evidence over windows: E_t = max(0, E_(t-1) + s_t - SCORE_ALLOWANCE), a
 * CUSUM of the window scores s_t. With scores calibrated (P(s > x) =
 * 10^-x) its tail is ~10^-0.99h, the single window's, so it shares the
 * level; a drift of windows at 4 (each once in 10,000) passes a level of
 * 6 in the third.
 */
#define SCORE_ALLOWANCE		2.0
/* The evidence goes at most this far past the level (detector.c). */
#define SCORE_EVIDENCE_MARGIN	1.0
/* The default budget: expected false alarms per day for the whole host. */
#define SCORE_DEFAULT_BUDGET	1.0

struct score_model {
	double median, scale;		/* of held-out effects */
	struct tail_model tail;		/* of held-out z */
};

/*
 * Fit m to the held-out effects[0..n); scratch holds 2n doubles. With
 * fewer than 2 effects the model is the prior: median 0, scale
 * SCORE_SCALE_MIN, an exponential tail of scale 1 from z = 0 with rate 1,
 * so only a large effect is surprising. 0 or -EINVAL (non-finite effect).
 */
int score__fit(struct score_model *m, const double *effects, size_t n,
	       double *scratch);

/* z of an effect under m. */
double score__z(const struct score_model *m, double effect);

/*
 * The surprise of effect under m, in [0, SCORE_MAX]: -log10 of the tail
 * model's P(Z > z); 0 for an effect of at most SCORE_EFFECT_MIN. Below the tail's start u the exponential of the tail
 * is extended down (capped at P = 1): approximate there, and never near a
 * threshold, since thresholds lie far beyond u.
 */
double score__surprise(const struct score_model *m, double effect);

/*
 * The warning level of each of `series` series judged every interval_s
 * seconds when the host may have budget false alarms a day: -log10 q, q =
 * budget * interval_s / 86400 / series (q capped at 1). NAN for a budget
 * or interval <= 0 or not finite.
 */
double score__threshold(double budget, double interval_s, size_t series);

/*
 * The surprise of k novel bins (used now, never while learning) when
 * learning windows showed bins the others lacked at rate novel_rate a
 * window: -log10 P(Poisson(novel_rate) >= k), 0 for k == 0, capped at
 * SCORE_MAX.
 */
double score__novelty(double novel_rate, uint32_t k);

/*
 * The rate of novel bins per window from learning: each window's bins that
 * no other window used (held out, like the effects), novel in all over
 * `windows` windows, as (novel + 0.5) / (windows + 1) so a series that
 * never showed one still has a small, non-zero rate.
 */
double score__novel_rate(uint64_t novel, uint64_t windows);

/* The evidence after a window scored s, from prev (SCORE_ALLOWANCE). */
double score__accumulate(double prev, double s);

/* The effect at which the surprise under m reaches level (for a person). */
double score__effect_at(const struct score_model *m, double level);

#endif /* DRIFTPROBE_SCORE_H */
