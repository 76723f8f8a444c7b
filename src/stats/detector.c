// SPDX-License-Identifier: MIT
/*
 * The verdict rules (detector.h). Two tests must agree before a window
 * counts against a feature: the effect (bias-corrected divergence, a size
 * that does not depend on the window's event count) must exceed the
 * feature's calibrated threshold, so tiny but real differences in a huge
 * window are not alarms; and the G-test must be significant at the
 * Bonferroni-corrected level, so large-looking differences in a small
 * window are not alarms either. The reason records the rule that decided
 * and its numbers, because that is what a person on call reads (reason.c
 * puts it in words).
 */
#include <errno.h>
#include <math.h>
#include "detector.h"

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
	};
}

static bool detector__valid(const struct detector_opts *o, double threshold)
{
	return o->tests >= 1 && o->consecutive >= 1 &&
	       o->family_p >= 0 && o->family_p <= 1 &&
	       o->clear_fraction >= 0 && o->clear_fraction <= 1 &&
	       isfinite(threshold) && threshold >= 0;
}

/* Not raised: count exceeding windows until there are enough of them. */
static void detector__pending(const struct detector_opts *o,
			      struct detector_state *st, struct analysis *a,
			      double p)
{
	st->run = a->exceeds ? st->run + 1 : 0;
	st->raised = st->run >= o->consecutive;
	a->verdict = st->raised ? VERDICT_ANOMALY : VERDICT_NORMAL;
	a->reason.p = p;
	if (st->raised) {
		a->reason.kind = REASON_EXCEEDS;
	} else if (a->exceeds) {
		a->reason.kind = REASON_PENDING;
		a->reason.run = st->run;
		a->reason.consecutive = o->consecutive;
	} else if (a->d.effect <= a->threshold) {
		a->reason.kind = REASON_WITHIN;
	} else {
		a->reason.kind = REASON_NOT_SIGNIFICANT;
	}
}

/* Raised: hold while clearly above the clear level, else clear. */
static void detector__raised(const struct detector_opts *o,
			     struct detector_state *st, struct analysis *a,
			     double p)
{
	double clear = o->clear_fraction * a->threshold;
	bool significant = p < a->p_limit;

	a->reason.p = p;
	a->reason.clear = clear;
	if (a->d.effect > clear && significant) {
		a->verdict = VERDICT_ANOMALY;
		a->reason.kind = a->exceeds ? REASON_EXCEEDS : REASON_HOLDING;
		return;
	}
	st->raised = false;
	st->run = 0;
	a->verdict = VERDICT_NORMAL;
	a->reason.kind = significant ? REASON_CLEARED_WITHIN :
				       REASON_CLEARED_NOT_SIGNIFICANT;
}

int detector__judge(const struct detector_opts *o, struct detector_state *st,
		    const uint64_t *baseline, const uint64_t *window, size_t k,
		    double threshold, struct analysis *out)
{
	double p;
	int n;

	if (!detector__valid(o, threshold))
		return -EINVAL;
	*out = (struct analysis){
		.threshold = threshold,
		.critical = 2 * threshold,
		.p_limit = o->family_p / o->tests,
		.verdict = VERDICT_INSUFFICIENT,
	};
	n = divergence__compute_top(baseline, window, k, o->alpha, &out->d,
				    out->top, ANALYSIS_TOP);
	if (n < 0)
		return n;
	out->ntop = n;
	if (out->d.n_window < o->min_count) {
		out->reason.kind = REASON_FEW_EVENTS;
		out->reason.min_count = o->min_count;
		return 0;
	}
	if (!out->d.n_baseline) {
		out->reason.kind = REASON_NO_BASELINE;
		return 0;
	}
	/* No G (one bin used on both sides): nothing differs, p = 1. */
	p = out->d.undefined & DIV_UNDEF_G ? 1 : out->d.p_value;
	out->score = out->d.effect;
	out->exceeds = out->score > threshold && p < out->p_limit;
	if (st->raised)
		detector__raised(o, st, out, p);
	else
		detector__pending(o, st, out, p);
	return 0;
}
