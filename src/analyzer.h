/* SPDX-License-Identifier: MIT */
/*
 * One window against the baseline: for every baseline entry, judge the
 * window's histogram and report it. `analyze` (offline) and `run` (live)
 * both go through analyzer__window, so they agree on the same data.
 */
#ifndef DRIFTPROBE_ANALYZER_H
#define DRIFTPROBE_ANALYZER_H

#include "baseline.h"
#include "detector.h"

struct metrics;
struct report;
struct window;
struct analyzer;

/* opts->tests is set here to the number of baseline entries. */
struct analyzer *analyzer__new(const struct baseline *bl,
			       const struct detector_opts *opts);
void analyzer__free(struct analyzer *a);

/* Also hand every verdict to m (run --listen); NULL stops that. */
void analyzer__set_metrics(struct analyzer *a, struct metrics *m);

/* Judge and report every entry. Returns anomalies found, or -errno. */
int analyzer__window(struct analyzer *a, const struct window *w,
		     struct report *r);

#endif /* DRIFTPROBE_ANALYZER_H */
