/* SPDX-License-Identifier: MIT */
/*
 * Histograms drawn for a terminal, bpftrace-style: one row per bin with its
 * label, count or share, and a bar of '@'. A single histogram, or a
 * baseline and a window side by side with each bin's share of the G
 * statistic, so a person sees which bins moved. Pure text: counts in,
 * lines out; the caller prints the headers.
 */
#ifndef DRIFTPROBE_HISTVIEW_H
#define DRIFTPROBE_HISTVIEW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <driftprobe/features.h>

#define HISTVIEW_WIDTH_DEFAULT 40

/*
 * Rows for counts[0..k) of feature f: log-linear features show every bin
 * from the first to the last non-empty one (the shape), others only
 * non-empty bins. Bars are scaled to the largest count, width characters.
 * Writes "(no events)" for an all-zero histogram.
 */
void histview__single(FILE *o, enum dp_feature_id f, const uint64_t *counts,
		      size_t k, unsigned int width);

/*
 * Baseline b and window w side by side: each side's share of its events
 * with a bar (both scaled to the same largest share), the bin's share of
 * G (raw counts) and '+' / '-' when the window has more / less of it.
 * Shows bins non-empty on either side; with top > 0 only the top bins by
 * contribution. Log-linear features keep bin order, others are sorted by
 * contribution. Returns 0 or an error as divergence__top_bins.
 */
int histview__compare(FILE *o, enum dp_feature_id f, const uint64_t *b,
		      const uint64_t *w, size_t k, size_t top,
		      unsigned int width);

#endif /* DRIFTPROBE_HISTVIEW_H */
