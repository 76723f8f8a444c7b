// SPDX-License-Identifier: MIT
/*
 * The verdict rules (detector.h). A window's score is the largest of three
 * surprises (score.h), each -log10 of how rare it is in normal windows:
 * - its effect against the nearest mode, among the held-out learning
 *   windows' effects, counted only when the G-test against that mode is
 *   significant at the Bonferroni-corrected level, so large-looking
 *   differences in a window of few events are not alarms;
 * - how many bins it used that learning never did (a new syscall, a new
 *   program, a new port; not for magnitudes such as latencies, whose
 *   neighbouring bins the effect weighs), against the rate at which
 *   learning windows showed bins the others lacked: counted even in a
 *   window of few events, since three new programs are news however few;
 * - the evidence accumulated over the last windows, so a drift that keeps
 *   each window only moderately rare is caught within a few windows.
 * It alarms past the level the false-alarm budget sets. The reason records
 * the rule that decided and its numbers, because that is what a person on
 * call reads (reason.c puts it in words).
 */
#include <errno.h>
#include <math.h>
#include "detector.h"
#include "feature.h"
#include "nearest.h"
#include "sequence.h"

const char *verdict__name(enum verdict v)
{
	switch (v) {
	case VERDICT_INSUFFICIENT:
		return "insufficient";
	case VERDICT_NORMAL:
		return "normal";
	case VERDICT_ANOMALY:
		return "anomaly";
	}
	return "unknown";
}

void detector_opts__defaults(struct detector_opts *o)
{
	*o = (struct detector_opts){
		.alpha = 0.5,
		.min_count = 50,
		.family_p = 0.001,
		.tests = 1,
		.consecutive = 1,
		.clear_fraction = 0.5,
		.budget = SCORE_DEFAULT_BUDGET,
	};
}

static bool detector__valid(const struct detector_opts *o, double threshold)
{
	return o->tests >= 1 && o->consecutive >= 1 &&
	       o->family_p >= 0 && o->family_p <= 1 &&
	       o->clear_fraction >= 0 && o->clear_fraction <= 1 &&
	       isfinite(o->budget) && o->budget > 0 &&
	       isfinite(threshold) && threshold >= 0;
}

/* Not raised: count exceeding windows until there are enough of them. */
static void detector__pending(const struct detector_opts *o,
			      struct detector_state *st, struct analysis *a,
			      bool significant)
{
	st->run = a->exceeds ? st->run + 1 : 0;
	st->raised = st->run >= o->consecutive;
	a->verdict = st->raised ? VERDICT_ANOMALY : VERDICT_NORMAL;
	if (st->raised) {
		a->reason.kind = REASON_EXCEEDS;
	} else if (a->exceeds) {
		a->reason.kind = REASON_PENDING;
		a->reason.run = st->run;
		a->reason.consecutive = o->consecutive;
	} else if (!significant && a->score_effect > a->threshold) {
		a->reason.kind = REASON_NOT_SIGNIFICANT;
	} else {
		a->reason.kind = REASON_WITHIN;
	}
}

/* Raised: hold while clearly above the clear level, else clear. */
static void detector__raised(const struct detector_opts *o,
			     struct detector_state *st, struct analysis *a,
			     bool significant)
{
	double clear = o->clear_fraction * a->threshold;

	a->reason.clear = clear;
	if (a->score > clear) {
		a->verdict = VERDICT_ANOMALY;
		a->reason.kind = a->exceeds ? REASON_EXCEEDS : REASON_HOLDING;
		return;
	}
	st->raised = false;
	st->run = 0;
	a->verdict = VERDICT_NORMAL;
	a->reason.kind = !significant && a->score_effect > clear ?
			 REASON_CLEARED_NOT_SIGNIFICANT : REASON_CLEARED_WITHIN;
}

/*
 * window against e's nearest mode (nearest.h): its divergence, with top
 * bins, into out. With two or more modes and a window farther from each
 * than the clear level or the accumulation's allowance, the mixtures of
 * two modes are tried too (a window that straddles a change of mode); the
 * scores of windows nearer than that decide nothing, neither alone nor
 * accumulated, so the search is spared. A sequence feature's effect and
 * top bins are then those of sequence__judge against the same counts.
 * Returns the number of top bins, or a negative errno.
 */
static int detector__nearest(const struct detector_opts *o,
			     const struct baseline_entry *e,
			     const uint64_t *window, double clear,
			     struct analysis *out)
{
	const uint64_t *modes[BASELINE_MAX_MODES];
	uint64_t mix[FEATURE_MAX_BINS];
	const uint64_t *against = e->modes[0].counts;
	struct nearest near;
	bool seq;
	int err;

	out->mode = 0;
	for (unsigned int k = 0; e->nmodes > 1 && k < e->nmodes; k++)
		modes[k] = e->modes[k].counts;
	/* One mode (most series): it is the nearest, no search. */
	err = e->nmodes > 1 ? nearest__modes(modes, e->nmodes, window,
					      e->nbins, o->alpha, false, mix,
					      &near) : -ENODATA;
	if (!err && score__surprise(&e->score, near.effect) >
		    fmin(clear, SCORE_ALLOWANCE))
		err = nearest__modes(modes, e->nmodes, window, e->nbins,
				     o->alpha, true, mix, &near);
	if (err && err != -ENODATA)
		return err;
	if (!err) {
		out->mode = near.mode;
		against = near.other != near.mode ? mix : modes[near.mode];
	}
	/* A sequence's effect and top bins are its model's (sequence.h):
	 * its divergence gives the G-test, no ranking of bins. */
	seq = feature__is_sequence(e->feature);
	err = (o->lean ? divergence__compute_g : divergence__compute_top)(
		against, window, e->nbins, o->alpha, &out->d, out->top,
		seq ? 0 : ANALYSIS_TOP);
	if (err < 0 || !seq)
		return err;
	return sequence__judge(against, window, feature_table[e->feature].rows,
			       &out->d.effect, out->top, ANALYSIS_TOP);
}

/*
 * Bins the window used that no kept learning window did, for features
 * whose bins are kinds of events (feature__bins_are_kinds); 0 for others.
 */
static uint32_t detector__novel_bins(const struct baseline_entry *e,
				     const uint64_t *window)
{
	uint32_t n = 0;

	if (!feature__bins_are_kinds(e->feature))
		return 0;
	for (uint32_t i = 0; i < e->nbins; i++)
		n += window[i] && !e->counts[i];
	return n;
}

/*
 * The window's own score: the effect's surprise if the G-test backs it,
 * the novel bins' surprise, whichever is larger; then the evidence
 * accumulated over windows (score__accumulate) if that is larger still.
 * A window that passes the level on its own explains itself: the evidence
 * starts again from 0, so one storm does not linger in the windows after
 * it; and the evidence never goes more than SCORE_EVIDENCE_MARGIN past the
 * level, so a long drift neither turns critical by its length alone nor
 * holds the alarm long after it stops.
 */
static void detector__score(struct detector_state *st, struct analysis *out,
			    bool significant, double threshold)
{
	double own = significant ? out->score_effect : 0;

	out->reason.rule = SCORE_RULE_EFFECT;
	if (out->score_novel > own) {
		own = out->score_novel;
		out->reason.rule = SCORE_RULE_NOVEL;
	}
	out->window_score = own;
	st->evidence = own > threshold ? 0 :
		       fmin(score__accumulate(st->evidence, own),
			    threshold + SCORE_EVIDENCE_MARGIN);
	out->score = own;
	if (st->evidence > own) {
		out->score = st->evidence;
		out->reason.rule = SCORE_RULE_ACCUMULATED;
	}
}

/*
 * With o->lean, a verdict that is not quiet (an anomaly, or an alarm held)
 * gets the smoothed divergences it went without: the comparison again in
 * full, against the same mode or mixture, which gives the same G, effect
 * and top bins. 0 or a negative errno.
 */
static int detector__measure_all(const struct detector_opts *o,
				 const struct baseline_entry *e,
				 const uint64_t *window, struct analysis *out)
{
	struct detector_opts full;
	struct analysis again;
	int n;

	if (!o->lean || (out->verdict != VERDICT_ANOMALY && !out->held))
		return 0;
	full = *o;
	full.lean = false;
	n = detector__nearest(&full, e, window,
			      o->clear_fraction * out->threshold, &again);
	if (n < 0)
		return n;
	out->d = again.d;
	return 0;
}

int detector__judge(const struct detector_opts *o, struct detector_state *st,
		    const struct baseline_entry *e, const uint64_t *window,
		    double threshold, struct analysis *out)
{
	uint64_t folded[FEATURE_MAX_BINS];
	bool significant;
	double p;
	int n;

	if (!detector__valid(o, threshold) || !e->nmodes ||
	    e->nmodes > BASELINE_MAX_MODES || !e->nbins ||
	    e->nbins > FEATURE_MAX_BINS)
		return -EINVAL;
	*out = (struct analysis){
		.threshold = threshold,
		.critical = threshold + SCORE_CRITICAL_DECADES,
		.p_limit = o->family_p / o->tests,
		.verdict = VERDICT_INSUFFICIENT,
	};
	window = feature__score_counts(e->feature, window, folded);
	n = detector__nearest(o, e, window, o->clear_fraction * threshold,
			      out);
	if (n < 0)
		return n;
	out->ntop = n;
	out->novel_bins = detector__novel_bins(e, window);
	out->score_effect = score__surprise(&e->score, out->d.effect);
	out->score_novel = score__novelty(e->novel_rate, out->novel_bins);
	/* Few events say nothing, unless they are new kinds of events. */
	if (out->d.n_window < o->min_count && out->score_novel <= threshold) {
		st->evidence = score__accumulate(st->evidence, 0);
		out->reason.kind = REASON_FEW_EVENTS;
		out->reason.min_count = o->min_count;
		out->held = st->raised;
		return detector__measure_all(o, e, window, out);
	}
	/* No G (one bin used on both sides): nothing differs, p = 1. */
	p = out->d.undefined & DIV_UNDEF_G ? 1 : out->d.p_value;
	out->reason.p = p;
	significant = out->d.n_window >= o->min_count && out->d.n_baseline &&
		      p < out->p_limit;
	detector__score(st, out, significant, threshold);
	out->exceeds = out->score > threshold;
	if (st->raised)
		detector__raised(o, st, out, significant);
	else
		detector__pending(o, st, out, significant);
	out->held = st->raised;
	return detector__measure_all(o, e, window, out);
}
