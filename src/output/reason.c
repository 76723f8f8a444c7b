// SPDX-License-Identifier: MIT
/* A verdict's reason in words; see reason.h. */
#include <stdio.h>
#include <string.h>
#include "detector.h"
#include "numfmt.h"
#include "reason.h"

/*
 * "<prefix>score 9.3 > threshold 6.1 (...)": scores are surprises, 9.3 =
 * once in 10^9.3 normal windows; the parenthesis says which rule gave it.
 */
static void reason__exceeds(const struct analysis *a, const char *prefix,
			    char *buf, size_t len)
{
	char why[160];

	switch (a->reason.rule) {
	case SCORE_RULE_NOVEL:
		snprintf(why, sizeof(why), "%u bin%s never seen while "
			 "learning", a->novel_bins,
			 a->novel_bins == 1 ? "" : "s");
		break;
	case SCORE_RULE_ACCUMULATED:
		snprintf(why, sizeof(why), "accumulated over windows; this "
			 "one %.3g", a->window_score);
		break;
	default:
		snprintf(why, sizeof(why), "effect %.3g nats, G=%.1f df=%u "
			 "p=%.2g < %.1e", a->d.effect, a->d.g, a->d.df,
			 a->reason.p, a->p_limit);
		break;
	}
	snprintf(buf, len, "%sscore %.3g > threshold %.3g (%s)", prefix,
		 a->score, a->threshold, why);
}

/*
 * "score 1.23 <= threshold 6.1", the reason of nearly every line:
 * composed without snprintf, whose %g is most of its cost (4,000 lines a
 * window at 1,000 cgroups). Both numbers are finite.
 */
static void reason__within(const struct analysis *a, char *buf, size_t len)
{
	char tmp[REASON_LEN], *p = stpcpy(tmp, "score ");

	p += numfmt__g(p, a->score, 3);
	p = stpcpy(p, " <= threshold ");
	numfmt__g(p, a->threshold, 3);
	snprintf(buf, len, "%s", tmp);
}

/* What the detector's rule said, in words. */
static void reason__verdict(const struct analysis *an, char *buf, size_t len)
{
	const struct verdict_reason *r = &an->reason;
	char prefix[64];

	switch (r->kind) {
	case REASON_FEW_EVENTS:
		snprintf(buf, len, "%llu events < min-count %llu",
			 (unsigned long long)an->d.n_window,
			 (unsigned long long)r->min_count);
		break;
	case REASON_WITHIN:
		reason__within(an, buf, len);
		break;
	case REASON_NOT_SIGNIFICANT:
		snprintf(buf, len, "not significant: p=%.2g >= %.1e (effect's "
			 "score %.3g > threshold %.3g)", r->p, an->p_limit,
			 an->score_effect, an->threshold);
		break;
	case REASON_EXCEEDS:
		reason__exceeds(an, "", buf, len);
		break;
	case REASON_PENDING:
		snprintf(prefix, sizeof(prefix), "exceeds %u of %u windows "
			 "needed: ", r->run, r->consecutive);
		reason__exceeds(an, prefix, buf, len);
		break;
	case REASON_HOLDING:
		snprintf(buf, len, "holding: score %.3g > clear level %.3g "
			 "(threshold %.3g)", an->score, r->clear,
			 an->threshold);
		break;
	case REASON_CLEARED_NOT_SIGNIFICANT:
		snprintf(buf, len, "cleared: not significant: p=%.2g >= %.1e",
			 r->p, an->p_limit);
		break;
	case REASON_CLEARED_WITHIN:
		snprintf(buf, len, "cleared: score %.3g <= clear level %.3g",
			 an->score, r->clear);
		break;
	default:
		snprintf(buf, len, "unknown");
		break;
	}
}

const char *reason__format(const struct analysis *an, char *buf, size_t len)
{
	char rest[REASON_LEN];

	if (!an->muted && !an->muted_bins) {
		reason__verdict(an, buf, len);
		return buf;
	}
	reason__verdict(an, rest, sizeof(rest));
	if (an->muted)
		snprintf(buf, len, "muted (%s): %s", an->muted_by, rest);
	else
		snprintf(buf, len, "%u bin%s muted (%s): %s", an->muted_bins,
			 an->muted_bins == 1 ? "" : "s", an->muted_by, rest);
	return buf;
}
