// SPDX-License-Identifier: MIT
/*
 * The shared analysis path: baseline entries x window histograms ->
 * detector verdicts -> report. Holds the per-entry detector state, which
 * is what makes --consecutive and hysteresis work across windows.
 */
#include <errno.h>
#include <stdlib.h>
#include "analyzer.h"
#include "metrics.h"
#include "report.h"
#include "window.h"

struct analyzer {
	const struct baseline *bl;
	struct metrics *metrics;	/* optional */
	struct detector_opts opts;
	struct detector_state *states;	/* one per baseline entry */
	uint64_t *zeros;		/* stands in for a missing histogram */
	uint32_t max_bins;
};

struct analyzer *analyzer__new(const struct baseline *bl,
			       const struct detector_opts *opts)
{
	struct analyzer *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->bl = bl;
	a->opts = *opts;
	a->opts.tests = bl->n ? (unsigned int)bl->n : 1;
	for (size_t i = 0; i < bl->n; i++)
		if (bl->entries[i].nbins > a->max_bins)
			a->max_bins = bl->entries[i].nbins;
	a->states = calloc(bl->n ? bl->n : 1, sizeof(*a->states));
	a->zeros = calloc(a->max_bins ? a->max_bins : 1, sizeof(uint64_t));
	if (!a->states || !a->zeros) {
		analyzer__free(a);
		errno = ENOMEM;
		return NULL;
	}
	return a;
}

void analyzer__free(struct analyzer *a)
{
	if (!a)
		return;
	free(a->states);
	free(a->zeros);
	free(a);
}

void analyzer__set_metrics(struct analyzer *a, struct metrics *m)
{
	a->metrics = m;
}

int analyzer__window(struct analyzer *a, const struct window *w,
		     struct report *r)
{
	int anomalies = 0;

	for (size_t i = 0; i < a->bl->n; i++) {
		const struct baseline_entry *e = &a->bl->entries[i];
		const struct window_hist *h = window__find(w, e->feature,
							   e->cgroup);
		const uint64_t *counts = h ? h->counts : a->zeros;
		struct analysis an;
		int err;

		err = detector__judge(&a->opts, &a->states[i], e->counts,
				      counts, e->nbins, e->threshold, &an);
		if (err)
			return err;
		anomalies += an.verdict == VERDICT_ANOMALY;
		report__analysis(r, w, e->feature, e->cgroup, &an);
		if (a->metrics) {
			err = metrics__analysis(a->metrics, e->feature,
						e->cgroup, &an);
			if (err)
				return err;
		}
	}
	report__window_done(r, w);
	return anomalies;
}
