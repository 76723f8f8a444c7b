/* SPDX-License-Identifier: MIT */
/*
 * Mutes and maintenance: which series, bins and times are not to be
 * alerted on nor learnt from, and how each feature is watched (its level,
 * whether it is judged at all). Pure: rules are parsed from text and
 * matched against (feature, series key, time); the files they come from
 * are mute_file.c's and the config's.
 *
 * A mute spec is whitespace-separated key=value tokens (a value with
 * spaces in double quotes):
 *
 *   feature=NAME       only this feature (default: every feature)
 *   workload=GLOB      only series whose key (workload name or cgroup
 *                      path) matches GLOB (fnmatch; default: every series)
 *   bin=LABEL|INDEX    only this bin of feature= (its label as `driftprobe
 *                      features` prints it, or its index): the rest of
 *                      the series is still judged
 *   until=TIME         muted until TIME (2026-12-07T05:00:00Z, or @UNIX)
 *   for=DURATION       muted for DURATION from now (90s, 10m, 2h, 1d; the
 *                      end rounded up to a whole second), or
 *                      with schedule= how long each occurrence lasts
 *   schedule="M H DOM MON DOW [DURATION]"
 *                      cron-like: occurrences start at the minutes the five
 *                      fields match (local time; *, lists, ranges,
 *                      steps; DOM and DOW both restricted: either matches)
 *                      and last for= (or the sixth field)
 *   reason=TEXT        shown wherever the mute is
 *
 * A mute always ends: it needs until=, for= or schedule= (a schedule with
 * until= ends at until).
 */
#ifndef DRIFTPROBE_MUTE_H
#define DRIFTPROBE_MUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <driftprobe/features.h>

/* The longest occurrence of a schedule: a week. */
#define MUTE_MAX_SCHEDULE_S	(7 * 86400.0)

/* Which minutes, hours, ... a schedule matches: one bit per value. */
struct mute_cron {
	uint64_t minute;	/* 0..59 */
	uint32_t hour;		/* 0..23 */
	uint32_t dom;		/* 1..31 */
	uint16_t month;		/* 1..12 */
	uint8_t dow;		/* 0..6, Sunday 0 (7 is read as 0) */
	bool dom_any, dow_any;	/* the field was '*' */
};

struct mute_rule {
	int feature;		/* dp_feature_id, or -1: every feature */
	char *glob;		/* of series keys, or NULL: every series */
	int64_t bin;		/* of feature, or -1: the whole series */
	double until;		/* unix seconds, or 0: none */
	bool scheduled;
	struct mute_cron cron;
	double duration_s;	/* of each occurrence (scheduled) */
	char *reason;		/* or NULL */
	char *spec;		/* the rule as text (normalised) */
	bool active;		/* at the time of mute_set__at */
	unsigned long id;	/* in the mute file, or 0 */
};

struct mute_set {
	size_t n;
	struct mute_rule *rules;
	size_t active;		/* rules active at the time of mute_set__at */
};

/*
 * Parse one spec into r (zeroed first) at time now (for= alone ends at
 * now + for). 0, or -EINVAL with "mute 'SPEC': what was wrong; what was
 * expected" in err (-ENOMEM: "out of memory").
 */
int mute__parse(const char *spec, double now, struct mute_rule *r, char *err,
		size_t errlen);
void mute_rule__clear(struct mute_rule *r);

/*
 * Whether a schedule has an occurrence covering t: a matching minute m
 * with m <= t < m + duration_s (local time, as cron).
 */
bool mute__cron_covers(const struct mute_cron *c, double duration_s,
		       double t);

/* Whether r mutes anything at time t. */
bool mute_rule__active_at(const struct mute_rule *r, double t);
/* Whether r has ended for good at t (an until= in the past). */
bool mute_rule__expired(const struct mute_rule *r, double t);

/* Append a copy of spec parsed at now. 0 or mute__parse's error. */
int mute_set__add(struct mute_set *s, const char *spec, double now,
		  char *err, size_t errlen);
void mute_set__clear(struct mute_set *s);
/* Mark each rule's active flag for time t (once per window). */
void mute_set__at(struct mute_set *s, double t);

/*
 * The active rule muting the whole series (f, key) as of mute_set__at, or
 * NULL. Bin rules never mute a whole series.
 */
const struct mute_rule *mute__covers(const struct mute_set *s,
				     enum dp_feature_id f, const char *key);

/*
 * Zero in counts[0..nbins) each bin an active bin rule mutes for (f, key).
 * Returns how many bins were zeroed (0: counts untouched); the first rule
 * that zeroed one in *by (may be NULL). counts NULL: only count them.
 */
unsigned int mute__mask_bins(const struct mute_set *s, enum dp_feature_id f,
			     const char *key, uint64_t *counts, uint32_t nbins,
			     const struct mute_rule **by);

struct window;

/*
 * What of w learning may take, as of mute_set__at: w without the series
 * an active rule mutes whole, the bins one mutes zeroed (exemplars left
 * behind). NULL with errno 0 when nothing of w is muted (learn w itself);
 * NULL with errno ENOMEM.
 */
struct window *mute__learnable(const struct mute_set *s,
			       const struct window *w);

/*
 * How each feature is watched: --features (judged or not at all) and
 * --threshold FEATURE=LEVEL (a level in decades of surprise replacing the
 * budget's).
 */
struct watch_policy {
	bool only;			/* --features given */
	bool watched[DP_F_COUNT];	/* with only */
	double level[DP_F_COUNT];	/* 0: the budget's */
};

/* "syscall.id,net.dport" -> p->only, p->watched. 0 or -EINVAL + err. */
int watch_policy__features(struct watch_policy *p, const char *list,
			   char *err, size_t errlen);
/* "FEATURE=LEVEL" -> p->level. 0 or -EINVAL + err. */
int watch_policy__threshold(struct watch_policy *p, const char *arg,
			    char *err, size_t errlen);
static inline bool watch_policy__watches(const struct watch_policy *p,
					 enum dp_feature_id f)
{
	return !p || !p->only || p->watched[f];
}

#endif /* DRIFTPROBE_MUTE_H */
