// SPDX-License-Identifier: MIT
/*
 * Terminal histograms. Shares are of raw counts (what a person expects to
 * read: "33% of syscalls were openat"); the contribution column is the
 * bin's share of the unsmoothed G statistic, the same number analyze's
 * "top" reports with --alpha 0.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "divergence.h"
#include "feature.h"
#include "histview.h"

#define LABEL_WIDTH 18

static void bar(FILE *o, double fraction, unsigned int width)
{
	unsigned int n = (unsigned int)(fraction * width + 0.5);

	if (n > width)
		n = width;
	if (!n && fraction > 0)
		n = 1;			/* non-empty is never drawn empty */
	fputc('|', o);
	for (unsigned int i = 0; i < width; i++)
		fputc(i < n ? '@' : ' ', o);
	fputc('|', o);
}

static uint64_t total(const uint64_t *c, size_t k)
{
	uint64_t t = 0;

	for (size_t i = 0; i < k; i++)
		t += c[i];
	return t;
}

/* The bins a view shows: [*lo, *hi] and whether empty ones in between do. */
static bool shown_range(enum dp_feature_id f, const uint64_t *a,
			const uint64_t *b, size_t k, size_t *lo, size_t *hi)
{
	bool any = false;

	for (size_t i = 0; i < k; i++) {
		if (!a[i] && !(b && b[i]))
			continue;
		if (!any)
			*lo = i;
		*hi = i;
		any = true;
	}
	return any && feature_table[f].kind == DP_BUCKET_LOGLIN;
}

void histview__single(FILE *o, enum dp_feature_id f, const uint64_t *counts,
		      size_t k, unsigned int width)
{
	uint64_t max = 0, sum = total(counts, k);
	size_t lo = 0, hi = 0;
	bool dense = shown_range(f, counts, NULL, k, &lo, &hi);
	char label[64];

	if (!sum) {
		fputs("  (no events)\n", o);
		return;
	}
	for (size_t i = 0; i < k; i++)
		if (counts[i] > max)
			max = counts[i];
	for (size_t i = lo; i <= hi; i++) {
		if (!dense && !counts[i])
			continue;
		feature__label(f, (uint32_t)i, label, sizeof(label));
		fprintf(o, "%-*s %12llu %6.2f%% ", LABEL_WIDTH, label,
			(unsigned long long)counts[i],
			100.0 * (double)counts[i] / (double)sum);
		bar(o, (double)counts[i] / (double)max, width);
		fputc('\n', o);
	}
}

struct row {
	size_t bin;
	double contribution;
};

static int by_contribution(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	if (a->contribution != b->contribution)
		return a->contribution < b->contribution ? 1 : -1;
	return a->bin < b->bin ? -1 : a->bin > b->bin;
}

static int by_bin(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	return a->bin < b->bin ? -1 : a->bin > b->bin;
}

int histview__compare(FILE *o, enum dp_feature_id f, const uint64_t *b,
		      const uint64_t *w, size_t k, size_t top,
		      unsigned int width)
{
	uint64_t nb = total(b, k), nw = total(w, k);
	struct bin_contribution *contrib = calloc(k ? k : 1, sizeof(*contrib));
	struct row *rows = calloc(k ? k : 1, sizeof(*rows));
	size_t lo = 0, hi = 0, nrows = 0;
	bool dense = shown_range(f, b, w, k, &lo, &hi);
	double max = 0;
	char label[64];
	int nc, ret = 0;

	if (!contrib || !rows) {
		ret = -ENOMEM;
		goto cleanup;
	}
	nc = divergence__top_bins(b, w, k, 0, contrib, k);
	if (nc < 0) {
		ret = nc;
		goto cleanup;
	}
	if (!nb && !nw) {
		fputs("  (no events on either side)\n", o);
		goto cleanup;
	}
	for (size_t i = lo; i <= hi; i++)
		if (dense || b[i] || w[i])
			rows[nrows++] = (struct row){ .bin = i };
	for (int j = 0; j < nc; j++)
		for (size_t i = 0; i < nrows; i++)
			if (rows[i].bin == contrib[j].bin)
				rows[i].contribution = contrib[j].contribution;
	qsort(rows, nrows, sizeof(*rows), by_contribution);
	if (top && nrows > top)
		nrows = top;
	if (dense)
		qsort(rows, nrows, sizeof(*rows), by_bin);
	for (size_t i = 0; i < nrows; i++) {
		double pb = nb ? (double)b[rows[i].bin] / (double)nb : 0;
		double pw = nw ? (double)w[rows[i].bin] / (double)nw : 0;

		max = pb > max ? pb : max;
		max = pw > max ? pw : max;
	}
	fprintf(o, "%-*s %8s %-*s %8s %-*s %7s\n", LABEL_WIDTH, "bin",
		"baseline", width + 2, "", "window", width + 2, "", "share G");
	for (size_t i = 0; i < nrows; i++) {
		size_t bin = rows[i].bin;
		double pb = nb ? (double)b[bin] / (double)nb : 0;
		double pw = nw ? (double)w[bin] / (double)nw : 0;

		feature__label(f, (uint32_t)bin, label, sizeof(label));
		fprintf(o, "%-*s %7.2f%% ", LABEL_WIDTH, label, 100 * pb);
		bar(o, max > 0 ? pb / max : 0, width);
		fprintf(o, " %7.2f%% ", 100 * pw);
		bar(o, max > 0 ? pw / max : 0, width);
		fprintf(o, " %6.1f%% %c\n", 100 * rows[i].contribution,
			pw > pb ? '+' : pw < pb ? '-' : ' ');
	}
cleanup:
	free(contrib);
	free(rows);
	return ret;
}
