/* SPDX-License-Identifier: MIT */
/*
 * Baselines made from baselines: the fleet baseline that pools the
 * baselines of hosts of one role (`baseline merge`), and a baseline whose
 * series of one key stand in for another's (`analyze --compare NEW=OLD`,
 * the canary against the old version). Pure: baselines in, a new baseline
 * out; no I/O, the inputs are never changed.
 *
 * Errors follow baseline.h: NULL with errno set, and a one-line message in
 * err naming the input (its name as the caller gave it) and what was
 * expected.
 */
#ifndef DRIFTPROBE_BASELINE_MERGE_H
#define DRIFTPROBE_BASELINE_MERGE_H

#include <stddef.h>
#include "baseline.h"

/*
 * The surprise at which two score models of one series are compared
 * (score__effect_at): 6, once in a million normal windows, about the
 * warning level of the default budget (1 false alarm a day) for 100
 * series judged every 10 s.
 */
#define BASELINE_MERGE_LEVEL		6.0
/* Window lengths of the inputs may differ by this share of the shortest. */
#define BASELINE_MERGE_INTERVAL_TOL	0.05

struct baseline_merge_stats {
	size_t series;			/* in the merged baseline */
	size_t partial;			/* of those: not in every input */
};

/*
 * Pool in[0..n) (n >= 2; names[i] names in[i] in messages) into one
 * baseline labelled host, created at `created` (unix seconds).
 *
 * Refused (EINVAL), naming the input that differs and how: another
 * format version than in[0]'s; other features watched than in[0] (the
 * features of the host-wide series "/", which has every watched feature
 * with events or not; an input without one: the features of all its
 * series); a feature's bin count other than where it was first seen; and
 * window lengths more than BASELINE_MERGE_INTERVAL_TOL apart (naming the
 * shortest and the longest). EOVERFLOW when a pooled count or a window
 * count would pass 2^64 (naming the series); ENOMEM.
 *
 * Per series (feature, key) found in any input:
 *  - counts, windows and trimmed are summed;
 *  - modes: every input's modes with events, then, while there are more
 *    than BASELINE_MAX_MODES, the closest two (Hellinger distance of their
 *    proportions, modes__hellinger; ties to the first pair in input order)
 *    are pooled into one;
 *  - the score model is the most tolerant of the inputs' models: the one
 *    whose effect at BASELINE_MERGE_LEVEL (score__effect_at) is largest,
 *    the first on a tie. A baseline file keeps no held-out effects, so the
 *    models cannot be refitted; the fleet is as tolerant, per series, as
 *    its noisiest host;
 *  - novel_rate is the largest; a joint feature's coupling band spans
 *    every input's band that had events (the widest), its pooled MI is
 *    that of the summed counts.
 * The merged baseline's windows are the sum, its interval the
 * window-weighted mean of the inputs', its kernel theirs when they all
 * agree, else "mixed". Series are in order of first appearance. st (may be
 * NULL) gets the number of series and of those some input lacks.
 */
struct baseline *baseline__merge(const struct baseline *const *in,
				 const char *const *names, size_t n,
				 const char *host, double created,
				 struct baseline_merge_stats *st, char *err,
				 size_t errlen);

/* One --compare pair: windows of key `now` judged as key `as` was learnt. */
struct baseline_alias {
	const char *now, *as;
};

/*
 * A copy of bl in which, for each pair, the series keyed `now` are
 * replaced by copies of those keyed `as` (counts, modes, score model:
 * everything), keyed `now`. Every pair reads bl as it was (pairs do not
 * chain). EINVAL when bl has no series keyed `as`, when `now` equals
 * `as`, or two pairs share a `now`; ENOMEM.
 */
struct baseline *baseline__aliased(const struct baseline *bl,
				   const struct baseline_alias *pairs,
				   size_t n, char *err, size_t errlen);

#endif /* DRIFTPROBE_BASELINE_MERGE_H */
