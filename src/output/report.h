/* SPDX-License-Identifier: MIT */
/*
 * Analysis output: JSON Lines for machines (one line per window x feature),
 * text for a person (offline: a line per anomaly and a summary table; live:
 * a status line per window and a block per anomaly; live on a terminal:
 * the compact view of liveview.c).
 */
#ifndef DRIFTPROBE_REPORT_H
#define DRIFTPROBE_REPORT_H

#include <stdio.h>
#include "sink.h"

enum report_mode {
	REPORT_JSON,
	REPORT_TEXT,		/* offline: anomalies + summary */
	REPORT_TEXT_LIVE,	/* live: status per window + anomaly blocks */
	REPORT_TEXT_TTY,	/* live on a terminal: a view redrawn in place
				   + a block per newly raised anomaly */
};

/*
 * What REPORT_JSON writes for a quiet verdict (normal, or too few events
 * to judge; neither muted nor holding an alarm): the full analysis line
 * (the default), a compact one (the line's head, n, effect, score,
 * threshold and verdict), or nothing. At 1,000 cgroups a window is
 * 17,000 lines, nearly all quiet; anomalies, held and muted verdicts, new
 * series and incidents always get their full lines.
 */
enum report_normal {
	REPORT_NORMAL_FULL,
	REPORT_NORMAL_COMPACT,
	REPORT_NORMAL_NONE,
};

/* The --normal-lines argument's names, in enum order. */
#define REPORT_NORMAL_NAMES "full, compact or none"

struct report;

/* cols: terminal width, used by REPORT_TEXT_TTY only. */
struct report *report__new(FILE *out, enum report_mode mode,
			   unsigned int cols);
void report__free(struct report *r);

/* How r writes normal verdicts (REPORT_JSON only; full until set). */
void report__set_normal(struct report *r, enum report_normal how);

/* name ("full", "compact", "none") into *how: 0, or -EINVAL. */
int report__parse_normal(const char *name, enum report_normal *how);

/*
 * The sink (sink.h) through which the analyzer hands r every verdict, new
 * series and the end of each window; valid while r is.
 */
struct analysis_sink report__sink(struct report *r);

/* Text mode: the per-feature summary table (no-op for JSON). */
void report__summary(struct report *r);

#endif /* DRIFTPROBE_REPORT_H */
