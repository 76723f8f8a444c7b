/* SPDX-License-Identifier: MIT */
/*
 * Analysis output: JSON Lines for machines (one line per window x feature),
 * text for a person (offline: a line per anomaly and a summary table; live:
 * a status line per window and a block per anomaly; live on a terminal:
 * the compact view of liveview.c).
 */
#ifndef DRIFTPROBE_REPORT_H
#define DRIFTPROBE_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include <driftprobe/features.h>

struct analysis;
struct coupling_verdict;
struct window;
struct window_hist;

enum report_mode {
	REPORT_JSON,
	REPORT_TEXT,		/* offline: anomalies + summary */
	REPORT_TEXT_LIVE,	/* live: status per window + anomaly blocks */
	REPORT_TEXT_TTY,	/* live on a terminal: a view redrawn in place
				   + a block per newly raised anomaly */
};

struct report;

/* cols: terminal width, used by REPORT_TEXT_TTY only. */
struct report *report__new(FILE *out, enum report_mode mode,
			   unsigned int cols);
void report__free(struct report *r);

/*
 * h: w's histogram of (f, cgroup), NULL when w has none; cv: a joint
 * feature's coupling, or NULL.
 */
void report__analysis(struct report *r, const struct window *w,
		      enum dp_feature_id f, const char *cgroup,
		      const struct window_hist *h, const struct analysis *an,
		      const struct coupling_verdict *cv);
void report__window_done(struct report *r, const struct window *w);

/*
 * A series the baseline lacks, with n events of feature f in this window:
 * a cgroup it never saw (cgroup_known false), or a known cgroup's feature
 * that had no events while learning. Said once (the analyzer remembers),
 * never judged.
 */
void report__new_series(struct report *r, const struct window *w,
			enum dp_feature_id f, const char *cgroup, uint64_t n,
			bool cgroup_known);

/* Text mode: the per-feature summary table (no-op for JSON). */
void report__summary(struct report *r);

#endif /* DRIFTPROBE_REPORT_H */
