// SPDX-License-Identifier: MIT
/*
 * The shared analysis path: baseline entries x window histograms ->
 * detector verdicts (and, for joint features, coupling against the learnt
 * band) -> report. Holds the per-entry detector state, which is what makes
 * --consecutive and hysteresis work across windows.
 */
#include <errno.h>
#include <stdlib.h>
#include "analyzer.h"
#include "coupling.h"
#include "feature.h"
#include "report.h"
#include "window.h"

struct analyzer {
	const struct baseline *bl;
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

/*
 * A joint feature's coupling in this window against the baseline's band.
 * Returns 1 with cv filled, 0 when there is none (not joint, no events),
 * or -errno.
 */
static int analyzer__coupling(const struct baseline_entry *e,
			      const struct window_hist *h,
			      struct coupling_verdict *cv)
{
	const struct feature_info *fi = &feature_table[e->feature];
	int err;

	if (fi->rows < 2 || !h)
		return 0;
	err = coupling__measure(h->counts, fi->rows, fi->cols,
				COUPLING_CI_ASYMPTOTIC, 0, &cv->now);
	if (err == -ENODATA)
		return 0;
	if (err)
		return err;
	cv->band = e->coupling;
	cv->change = coupling__compare(&cv->now, &cv->band);
	return 1;
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
		struct coupling_verdict cv;
		struct analysis an;
		int err, joint;

		err = detector__judge(&a->opts, &a->states[i], e->counts,
				      counts, e->nbins, e->threshold, &an);
		if (err)
			return err;
		joint = analyzer__coupling(e, h, &cv);
		if (joint < 0)
			return joint;
		anomalies += an.verdict == VERDICT_ANOMALY;
		report__analysis(r, w, e->feature, e->cgroup, &an,
				 joint ? &cv : NULL);
	}
	report__window_done(r, w);
	return anomalies;
}
