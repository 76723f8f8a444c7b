/* SPDX-License-Identifier: MIT */
/*
 * Rolling refresh: `run` keeps its baseline current without letting an
 * incident teach it. The refresher is an analysis sink (sink.h) over the
 * live, mutable baseline the analyzer judges against:
 *
 * - Folding. A window of a series judged normal (verdict normal, not past
 *   the level, not held, no mute covering it or any of its bins) is
 *   folded into its nearest mode and
 *   the pool by exponential forgetting, c <- lambda c + w with lambda =
 *   2^(-1/H), H the half-life in learnt windows of that series (replicas
 *   of one workload folded in the same window count once). Each mode's
 *   counts are kept as doubles (the shadow); the uint64 counts the
 *   detector reads are the shadow rounded, the pool the sum of the
 *   rounded modes. Learnt windows are counted (entry and mode "windows").
 * - The guard. A cgroup (scope) any of whose series is anomalous or held
 *   in a window is in an incident; that window, the G windows after it,
 *   and at least G windows before it are never folded, for every series
 *   of that scope and for the host-wide "/" (which counts every scope's
 *   events). "Before" is kept by delaying: folds wait in two pending
 *   epochs of G windows per series and are committed only once they are
 *   at least G windows old; an incident of the scope drops them.
 * - Recalibration, every `every_s` seconds of window time: the score
 *   model of each series that learnt at least REFRESH_FIT_MIN windows is
 *   fitted again (score__fit) to the effects of its last REFRESH_RING
 *   committed normal windows, each scored against the modes before it was
 *   folded (out of sample, as learning's held-out effects). A refit that
 *   would put the alarm level (the series' last, a --threshold's if set)
 *   in nats past REFRESH_WIDEN_MAX times that of the model the run
 *   started with is refused: windows just under the level cannot ratchet
 *   it up.
 *
 * Memory, per series that folded a window: 3 x modes x bins doubles
 * (shadow and two pending epochs; bins x 24 B with one mode, three times
 * the entry's counts at most) and REFRESH_RING x 8 B of effects, allocated
 * on its first fold; ~40 B per scope in an incident or its guard (forgotten
 * at the next schedule after). Proportional to the baseline, not to the
 * time run nor to the guard.
 *
 * Pure: no I/O. Errors are negative errno.
 */
#ifndef DRIFTPROBE_REFRESH_H
#define DRIFTPROBE_REFRESH_H

#include <stdbool.h>
#include <stdint.h>
#include "baseline.h"
#include "sink.h"

/* Effects remembered per series for recalibration; the fewest refitted. */
#define REFRESH_RING		128
#define REFRESH_FIT_MIN		64
/* A refit's alarm level (nats) at most this times the starting one's. */
#define REFRESH_WIDEN_MAX	2.0

/* Defaults of run's --refresh-half-life, --refresh-guard, --refresh-every. */
#define REFRESH_HALF_LIFE_S	(7 * 86400.0)
#define REFRESH_GUARD_S		300.0
#define REFRESH_EVERY_S		3600.0

struct refresh_opts {
	double half_life_s;	/* > 0 (0 means off: make no refresher) */
	double guard_s;		/* >= 0; at least one window is kept */
	double every_s;		/* > 0: recalibration period */
	double interval_s;	/* of the windows, > 0 */
};

struct refresher;

/*
 * A refresher of bl, which it changes in place (counts, windows, score
 * models) and must outlive it. NULL + errno: EINVAL (an option out of
 * range, or a guard of more than 64 half-lives), ENOMEM.
 */
struct refresher *refresher__new(struct baseline *bl,
				 const struct refresh_opts *o);
void refresher__free(struct refresher *r);

/* Its sink, for analyzer__add_sink (after the outputs: it acts last). */
struct analysis_sink refresher__sink(struct refresher *r);

/*
 * Commit every pending fold that is old enough, as a save needs. Called
 * by the scheduled recalibration; callable any time.
 */
void refresher__commit(struct refresher *r);

/*
 * Whether the window just ended ran the scheduled recalibration (the time
 * to save the baseline): true once per schedule.
 */
bool refresher__recalibrated(const struct refresher *r);

struct refresh_stats {
	uint64_t folded;	/* windows committed into the baseline */
	uint64_t dropped;	/* pending windows dropped by an incident */
	uint64_t guarded;	/* normal windows not folded: guard */
	uint64_t refits;	/* score models refitted */
	uint64_t refused;	/* refits refused (would widen too far) */
	uint64_t recalibrations;	/* schedules run */
};

void refresher__stats(const struct refresher *r, struct refresh_stats *out);

/* 2^(-1 / half_life_windows): the factor of one learnt window. */
double refresh__lambda(double half_life_windows);

#endif /* DRIFTPROBE_REFRESH_H */
