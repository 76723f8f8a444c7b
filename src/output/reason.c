// SPDX-License-Identifier: MIT
/* A verdict's reason in words; see reason.h. */
#include <stdio.h>
#include <string.h>
#include "detector.h"
#include "numfmt.h"
#include "reason.h"

/* "<prefix>effect 0.84 nats > threshold 0.031 (27.1x), G=.. df=.. p=.. < .." */
static void reason__exceeds(const struct analysis *a, const char *prefix,
			    char *buf, size_t len)
{
	char ratio[32] = "";

	if (a->threshold > 0)
		snprintf(ratio, sizeof(ratio), " (%.1fx)",
			 a->d.effect / a->threshold);
	snprintf(buf, len, "%seffect %.3g nats > threshold %.3g%s, G=%.1f "
		 "df=%u p=%.2g < %.1e", prefix, a->d.effect, a->threshold,
		 ratio, a->d.g, a->d.df, a->reason.p, a->p_limit);
}

/*
 * "effect 0.0123 <= threshold 0.201", the reason of nearly every line:
 * composed without snprintf, whose %g is most of its cost (4,000 lines a
 * window at 1,000 cgroups). Both numbers are finite.
 */
static void reason__within(const struct analysis *a, char *buf, size_t len)
{
	char tmp[REASON_LEN], *p = stpcpy(tmp, "effect ");

	p += numfmt__g(p, a->d.effect, 3);
	p = stpcpy(p, " <= threshold ");
	numfmt__g(p, a->threshold, 3);
	snprintf(buf, len, "%s", tmp);
}

const char *reason__format(const struct analysis *an, char *buf, size_t len)
{
	const struct verdict_reason *r = &an->reason;
	char prefix[64];

	switch (r->kind) {
	case REASON_FEW_EVENTS:
		snprintf(buf, len, "%llu events < min-count %llu",
			 (unsigned long long)an->d.n_window,
			 (unsigned long long)r->min_count);
		break;
	case REASON_NO_BASELINE:
		snprintf(buf, len, "baseline has no events for this feature");
		break;
	case REASON_WITHIN:
		reason__within(an, buf, len);
		break;
	case REASON_NOT_SIGNIFICANT:
		snprintf(buf, len, "not significant: p=%.2g >= %.1e (effect "
			 "%.3g > threshold %.3g)", r->p, an->p_limit,
			 an->d.effect, an->threshold);
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
		snprintf(buf, len, "holding: effect %.3g > clear level %.3g "
			 "(threshold %.3g), p=%.2g < %.1e", an->d.effect,
			 r->clear, an->threshold, r->p, an->p_limit);
		break;
	case REASON_CLEARED_NOT_SIGNIFICANT:
		snprintf(buf, len, "cleared: not significant: p=%.2g >= %.1e",
			 r->p, an->p_limit);
		break;
	case REASON_CLEARED_WITHIN:
		snprintf(buf, len, "cleared: effect %.3g <= clear level %.3g",
			 an->d.effect, r->clear);
		break;
	default:
		snprintf(buf, len, "unknown");
		break;
	}
	return buf;
}
