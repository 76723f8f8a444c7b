// SPDX-License-Identifier: MIT
/*
 * The verdict rules (detector.h). Two tests must agree before a window
 * counts against a feature: the effect (bias-corrected divergence, a size
 * that does not depend on the window's event count) must exceed the
 * feature's calibrated threshold, so tiny but real differences in a huge
 * window are not alarms; and the G-test must be significant at the
 * Bonferroni-corrected level, so large-looking differences in a small
 * window are not alarms either. The reason string names the test that
 * decided and by how much, because that is what a person on call reads.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "detector.h"
#include "numfmt.h"

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

/* "<prefix>effect 0.84 nats > threshold 0.031 (27.1x), G=.. df=.. p=.. < .." */
static void detector__exceeds_reason(struct analysis *a, double p,
				     const char *prefix)
{
	char ratio[32] = "";

	if (a->threshold > 0)
		snprintf(ratio, sizeof(ratio), " (%.1fx)",
			 a->d.effect / a->threshold);
	snprintf(a->reason, sizeof(a->reason), "%seffect %.3g nats > "
		 "threshold %.3g%s, G=%.1f df=%u p=%.2g < %.1e", prefix,
		 a->d.effect, a->threshold, ratio, a->d.g, a->d.df, p,
		 a->p_limit);
}

/*
 * "effect 0.0123 <= threshold 0.201", the reason of nearly every line:
 * composed without snprintf, whose %g is most of its cost (4,000 lines a
 * window at 1,000 cgroups). Both numbers are finite.
 */
static void detector__within_reason(struct analysis *a)
{
	char *p = stpcpy(a->reason, "effect ");

	p += numfmt__g(p, a->d.effect, 3);
	p = stpcpy(p, " <= threshold ");
	numfmt__g(p, a->threshold, 3);
}

/* Not raised: count exceeding windows until there are enough of them. */
static void detector__pending(const struct detector_opts *o,
			      struct detector_state *st, struct analysis *a,
			      double p)
{
	char prefix[64];

	st->run = a->exceeds ? st->run + 1 : 0;
	st->raised = st->run >= o->consecutive;
	a->verdict = st->raised ? VERDICT_ANOMALY : VERDICT_NORMAL;
	if (st->raised) {
		detector__exceeds_reason(a, p, "");
	} else if (a->exceeds) {
		snprintf(prefix, sizeof(prefix), "exceeds %u of %u windows "
			 "needed: ", st->run, o->consecutive);
		detector__exceeds_reason(a, p, prefix);
	} else if (a->d.effect <= a->threshold) {
		detector__within_reason(a);
	} else {
		snprintf(a->reason, sizeof(a->reason), "not significant: "
			 "p=%.2g >= %.1e (effect %.3g > threshold %.3g)", p,
			 a->p_limit, a->d.effect, a->threshold);
	}
}

/* Raised: hold while clearly above the clear level, else clear. */
static void detector__raised(const struct detector_opts *o,
			     struct detector_state *st, struct analysis *a,
			     double p)
{
	double clear = o->clear_fraction * a->threshold;
	bool significant = p < a->p_limit;

	if (a->d.effect > clear && significant) {
		a->verdict = VERDICT_ANOMALY;
		if (a->exceeds)
			detector__exceeds_reason(a, p, "");
		else
			snprintf(a->reason, sizeof(a->reason), "holding: "
				 "effect %.3g > clear level %.3g (threshold "
				 "%.3g), p=%.2g < %.1e", a->d.effect, clear,
				 a->threshold, p, a->p_limit);
		return;
	}
	st->raised = false;
	st->run = 0;
	a->verdict = VERDICT_NORMAL;
	if (!significant)
		snprintf(a->reason, sizeof(a->reason), "cleared: not "
			 "significant: p=%.2g >= %.1e", p, a->p_limit);
	else
		snprintf(a->reason, sizeof(a->reason), "cleared: effect %.3g "
			 "<= clear level %.3g", a->d.effect, clear);
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
		.p_limit = o->family_p / o->tests,
		.verdict = VERDICT_INSUFFICIENT,
	};
	n = divergence__compute_top(baseline, window, k, o->alpha, &out->d,
				    out->top, ANALYSIS_TOP);
	if (n < 0)
		return n;
	out->ntop = n;
	if (out->d.n_window < o->min_count) {
		snprintf(out->reason, sizeof(out->reason), "%llu events < "
			 "min-count %llu", (unsigned long long)out->d.n_window,
			 (unsigned long long)o->min_count);
		return 0;
	}
	if (!out->d.n_baseline) {
		snprintf(out->reason, sizeof(out->reason), "baseline has no "
			 "events for this feature");
		return 0;
	}
	/* No G (one bin used on both sides): nothing differs, p = 1. */
	p = out->d.undefined & DIV_UNDEF_G ? 1 : out->d.p_value;
	out->exceeds = out->d.effect > threshold && p < out->p_limit;
	if (st->raised)
		detector__raised(o, st, out, p);
	else
		detector__pending(o, st, out, p);
	return 0;
}
