/* SPDX-License-Identifier: MIT */
/*
 * The compact view `run` keeps on a terminal: one line per feature with its
 * current effect against its threshold, redrawn in place each window
 * (ANSI cursor-up + erase), while anomaly blocks printed between redraws
 * stay in the scrollback above it. Only used when stdout is a terminal;
 * the caller falls back to plain lines otherwise.
 */
#ifndef DRIFTPROBE_LIVEVIEW_H
#define DRIFTPROBE_LIVEVIEW_H

#include <stdio.h>
#include <driftprobe/features.h>

struct analysis;
struct window;
struct liveview;

/* cols: the terminal's width (every line is cut to cols - 1). */
struct liveview *liveview__new(FILE *out, unsigned int cols);
void liveview__free(struct liveview *v);

/* Erase the view drawn last (if any) so other text can be printed. */
void liveview__erase(struct liveview *v);

/*
 * The latest analysis of (f, cgroup), shown at the next draw. Returns 1
 * when it raises an anomaly the view did not show yet, else 0; -ENOMEM.
 */
int liveview__update(struct liveview *v, enum dp_feature_id f,
		     const char *cgroup, const struct analysis *an);

/* Draw the view for window w (erasing the previous one first). */
void liveview__draw(struct liveview *v, const struct window *w);

#endif /* DRIFTPROBE_LIVEVIEW_H */
