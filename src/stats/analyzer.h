/* SPDX-License-Identifier: MIT */
/*
 * One window against the baseline: for every baseline entry, judge the
 * window's histogram and hand the verdict to the sinks (sink.h). `analyze` (offline) and `run` (live)
 * both go through analyzer__window, so they agree on the same data.
 */
#ifndef DRIFTPROBE_ANALYZER_H
#define DRIFTPROBE_ANALYZER_H

#include "baseline.h"
#include "detector.h"

struct analysis_sink;
struct mute_set;
struct watch_policy;
struct window;
struct analyzer;

/* opts->tests is set here to the number of baseline entries. */
struct analyzer *analyzer__new(const struct baseline *bl,
			       const struct detector_opts *opts);
void analyzer__free(struct analyzer *a);

/* At most this many sinks. */
#define ANALYZER_MAX_SINKS 8

/*
 * Hand every result to s (copied) as well, after the sinks added before.
 * While every sink added is quiet_lean (sink.h), quiet verdicts are judged
 * lean (detector_opts.lean). 0, or -ENOSPC past ANALYZER_MAX_SINKS.
 */
int analyzer__add_sink(struct analyzer *a, const struct analysis_sink *s);

/*
 * Apply mutes and the watch policy (mute.h) from the next window on: both
 * stay the caller's and may be NULL. Call again after changing either
 * (a reload). The mutes' active flags are set for each window's ts.
 */
void analyzer__set_mutes(struct analyzer *a, struct mute_set *mutes,
			 const struct watch_policy *watch);

/* Judge every entry, tell the sinks. Returns anomalies found, or -errno. */
int analyzer__window(struct analyzer *a, const struct window *w);

#endif /* DRIFTPROBE_ANALYZER_H */
