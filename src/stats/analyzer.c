// SPDX-License-Identifier: MIT
/*
 * The shared analysis path: baseline entries x window histograms ->
 * detector verdicts (and, for joint features, coupling against the learnt
 * band) -> the sinks it was given (report, metrics). Every series of a
 * window is judged at the one level the false-alarm budget gives for
 * that many series and that window length (score.h). Holds the per-entry
 * detector state, which is what makes --consecutive and hysteresis work
 * across windows.
 *
 * Every window's anomalies are also fused per cgroup into incidents
 * (incident.c), handed to the sinks before the window's end.
 *
 * Entries are keyed by workload (workload.h): every cgroup of a workload
 * (its replicas, or the one a restart made) is judged against the entry,
 * each with its own detector state and incidents. A workload the baseline
 * has never seen (started after learning) is not judged against nothing:
 * once it has --min-count events in a feature it is reported as new,
 * once, and left alone after that; so is a known workload's feature that
 * had no events while learning, once per feature.
 *
 * Mutes (mute.h) act in one place, analyzer__detect: a muted series is
 * judged and reported but is never an anomaly, and a muted bin is left
 * out of both sides of the comparison.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "analyzer.h"
#include "coupling.h"
#include "fc_table.h"
#include "score.h"
#include "feature.h"
#include "incident.h"
#include "mute.h"
#include "sink.h"
#include "window.h"

struct analyzer {
	const struct baseline *bl;
	struct analysis_sink sinks[ANALYZER_MAX_SINKS];
	size_t nsinks;
	struct detector_opts opts;
	struct detector_state *states;	/* per entry: of its own scope */
	struct fc_table replicas;	/* of struct replica_state: of a
					   workload's cgroups besides */
	unsigned long windows;		/* judged so far */
	uint64_t *zeros;		/* stands in for a missing histogram */
	uint32_t max_bins;
	struct fc_table cgroups;	/* of struct cgroup_seen, feature 0 */
	struct fc_table new_series;	/* of struct cgroup_seen */
	bool *judged;			/* per histogram of the window: found
					   by an entry (kept between windows) */
	size_t judged_cap;
	struct incidents *incidents;	/* per-cgroup fusion, life cycle */
	const struct window *emitting;	/* the window incidents come from */
	struct mute_set *mutes;		/* the caller's, or NULL */
	const struct watch_policy *watch;	/* the caller's, or NULL */
	double mutes_ts;		/* the window mutes were last set for */
	uint64_t *masked;		/* a window and an entry's pool and
					   modes with muted bins zeroed:
					   (2 + BASELINE_MAX_MODES) x max_bins */
};

/*
 * Per cgroup (feature 0): whether the baseline has it and whether it was
 * reported new; per (feature, cgroup) of a known cgroup: whether that
 * series, absent from the baseline, was reported new.
 */
struct cgroup_seen {
	struct fc_key key;	/* first: an fc_table element */
	bool in_baseline;
	bool reported;
};

/* The detector state of a cgroup judged under another's key. */
struct replica_state {
	struct fc_key key;	/* first: (feature, cgroup) */
	struct detector_state st;
	unsigned long window;	/* the last judged in */
};

struct analyzer *analyzer__new(const struct baseline *bl,
			       const struct detector_opts *opts)
{
	struct analyzer *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->bl = bl;
	a->cgroups = (struct fc_table)FC_TABLE_INIT(struct cgroup_seen);
	a->new_series = (struct fc_table)FC_TABLE_INIT(struct cgroup_seen);
	a->replicas = (struct fc_table)FC_TABLE_INIT(struct replica_state);
	a->opts = *opts;
	a->opts.lean = true;	/* no sink reads anything yet */
	a->opts.tests = bl->n ? (unsigned int)bl->n : 1;
	for (size_t i = 0; i < bl->n; i++)
		if (bl->entries[i].nbins > a->max_bins)
			a->max_bins = bl->entries[i].nbins;
	a->states = calloc(bl->n ? bl->n : 1, sizeof(*a->states));
	a->zeros = calloc(a->max_bins ? a->max_bins : 1, sizeof(uint64_t));
	a->masked = calloc((2 + BASELINE_MAX_MODES) *
			   (a->max_bins ? a->max_bins : 1), sizeof(uint64_t));
	a->incidents = incidents__new();
	if (!a->states || !a->zeros || !a->masked || !a->incidents)
		goto nomem;
	for (size_t i = 0; i < bl->n; i++) {
		struct cgroup_seen *c = fc_table__get(&a->cgroups, 0,
						      bl->entries[i].cgroup);

		if (!c)
			goto nomem;
		c->in_baseline = true;
	}
	return a;
nomem:
	analyzer__free(a);
	errno = ENOMEM;
	return NULL;
}

void analyzer__free(struct analyzer *a)
{
	if (!a)
		return;
	free(a->states);
	free(a->zeros);
	free(a->masked);
	free(a->judged);
	incidents__free(a->incidents);
	fc_table__clear(&a->cgroups);
	fc_table__clear(&a->new_series);
	fc_table__clear(&a->replicas);
	free(a);
}

/*
 * Whether the series h, absent from the baseline, is to be reported now:
 * a cgroup the baseline lacks once (whatever its features), a known
 * cgroup's feature that had no events while learning once per feature.
 * 1 to report, 0 not, -ENOMEM.
 */
static int analyzer__report_once(struct analyzer *a,
				 const struct window_hist *h,
				 bool *cgroup_known)
{
	const char *key = window_hist__key(h);
	struct cgroup_seen *c = fc_table__get(&a->cgroups, 0, key);

	if (!c)
		return -ENOMEM;
	*cgroup_known = c->in_baseline;
	if (c->in_baseline)
		c = fc_table__get(&a->new_series, h->feature, key);
	if (!c)
		return -ENOMEM;
	if (c->reported)
		return 0;
	c->reported = true;
	return 1;
}

/*
 * Histograms the baseline lacks: new cgroups, and known cgroups' new
 * features, each reported once and not judged. Those an entry judged are
 * known; the rest are looked up (a repeated histogram may still be known).
 */
static int analyzer__new_series(struct analyzer *a, const struct window *w)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct window_hist *h = &w->hists[i];
		bool cgroup_known;
		uint64_t n;
		int fresh;

		if (a->judged[i] ||
		    !watch_policy__watches(a->watch, h->feature) ||
		    baseline__find(a->bl, h->feature, window_hist__key(h)))
			continue;
		n = window_hist__total(h);
		if (n < a->opts.min_count)
			continue;
		fresh = analyzer__report_once(a, h, &cgroup_known);
		if (fresh < 0)
			return fresh;
		for (size_t s = 0; fresh && s < a->nsinks; s++) {
			const struct analysis_sink *k = &a->sinks[s];
			int err = k->new_series ?
				k->new_series(k->ctx, w, h->feature, h->cgroup,
					      n, cgroup_known) : 0;

			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * A joint feature's coupling in this window (its counts, NULL: none)
 * against the baseline's band. Returns 1 with cv filled, 0 when there is none (not joint, no events),
 * or -errno.
 */
static int analyzer__coupling(const struct baseline_entry *e,
			      const uint64_t *counts,
			      struct coupling_verdict *cv)
{
	const struct feature_info *fi = &feature_table[e->feature];
	int err;

	if (fi->rows < 2 || !counts)
		return 0;
	err = coupling__measure(counts, fi->rows, fi->cols,
				COUPLING_CI_ASYMPTOTIC, 0, &cv->now);
	if (err == -ENODATA)
		return 0;
	if (err)
		return err;
	cv->band = e->coupling;
	cv->change = coupling__compare(&cv->now, &cv->band);
	return 1;
}

/* One incident of the window being ended, to every sink. */
static int analyzer__emit_incident(void *ctx, const struct incident *inc)
{
	struct analyzer *a = ctx;

	for (size_t s = 0; s < a->nsinks; s++) {
		const struct analysis_sink *k = &a->sinks[s];
		int err = k->incident ?
			  k->incident(k->ctx, a->emitting, inc) : 0;

		if (err)
			return err;
	}
	return 0;
}

/*
 * The window's analyses fused per cgroup (incident.h), handed to the
 * sinks: after the per-feature ones, before window_done.
 */
static int analyzer__incidents(struct analyzer *a, const struct window *w)
{
	int err;

	a->emitting = w;
	err = incidents__end(a->incidents, w->ts, analyzer__emit_incident, a);
	a->emitting = NULL;
	return err;
}

void analyzer__set_mutes(struct analyzer *a, struct mute_set *mutes,
			 const struct watch_policy *watch)
{
	a->mutes = mutes;
	a->watch = watch;
	a->mutes_ts = NAN;
}

/*
 * Entry e and the window's counts with the bins an active mute covers
 * zeroed on both sides (in a->masked; *masked shares the rest of e).
 * How many bins were muted: 0 leaves *counts and *masked alone.
 */
static unsigned int analyzer__mask(struct analyzer *a,
				   const struct baseline_entry *e,
				   const uint64_t **counts,
				   struct baseline_entry *masked,
				   const struct mute_rule **by)
{
	size_t bytes = e->nbins * sizeof(uint64_t);
	uint64_t *win = a->masked, *pool = win + e->nbins;
	unsigned int n = mute__mask_bins(a->mutes, e->feature, e->cgroup,
					 NULL, e->nbins, by);

	if (!n)			/* the usual case: copy nothing */
		return 0;
	memcpy(win, *counts, bytes);
	mute__mask_bins(a->mutes, e->feature, e->cgroup, win, e->nbins, NULL);
	*counts = win;
	*masked = *e;
	memcpy(pool, e->counts, bytes);
	mute__mask_bins(a->mutes, e->feature, e->cgroup, pool, e->nbins, NULL);
	masked->counts = pool;
	for (unsigned int k = 0; k < e->nmodes; k++) {
		uint64_t *mode = pool + (1 + k) * e->nbins;

		if (e->modes[k].counts == e->counts) {
			masked->modes[k].counts = pool;
			continue;
		}
		memcpy(mode, e->modes[k].counts, bytes);
		mute__mask_bins(a->mutes, e->feature, e->cgroup, mode,
				e->nbins, NULL);
		masked->modes[k].counts = mode;
	}
	return n;
}

/*
 * detector__judge for entry i (state st) as the watch policy and the
 * mutes say: a
 * feature not watched is not judged at all (1); a --threshold of its own
 * replaces the budget's level; the bins a mute covers are left out of the
 * window and of the entry alike (its pool and modes: the score model
 * stays the one learnt with them); a series a mute covers is judged for
 * the report, but its verdict is never an anomaly and its detector state
 * is left as it was before the window. 0, 1 or -errno.
 */
static int analyzer__detect(struct analyzer *a, size_t i,
			    struct detector_state *st, const struct window *w,
			    const uint64_t *counts, double threshold,
			    struct analysis *an)
{
	const struct baseline_entry *e = &a->bl->entries[i];
	struct detector_state before = *st;
	const struct mute_rule *by = NULL, *whole = NULL;
	struct detector_opts opts = a->opts;
	struct baseline_entry masked;
	unsigned int nmasked = 0;
	int err;

	if (!watch_policy__watches(a->watch, e->feature))
		return 1;
	if (a->watch && a->watch->level[e->feature] > 0)
		threshold = a->watch->level[e->feature];
	if (a->mutes && a->mutes_ts != w->ts) {
		mute_set__at(a->mutes, w->ts);
		a->mutes_ts = w->ts;
	}
	if (a->mutes && a->mutes->active) {
		nmasked = analyzer__mask(a, e, &counts, &masked, &by);
		whole = mute__covers(a->mutes, e->feature, e->cgroup);
	}
	/* A muted verdict is never quiet to the outputs: in full. */
	opts.lean = opts.lean && !nmasked && !whole;
	err = detector__judge(&opts, st, nmasked ? &masked : e, counts,
			      threshold, an);
	if (err)
		return err;
	an->muted_bins = nmasked;
	if (whole) {
		by = whole;
		*st = before;
		an->muted = true;
		an->held = false;
		if (an->verdict == VERDICT_ANOMALY)
			an->verdict = VERDICT_NORMAL;
	}
	if (by)
		an->muted_by = by->reason ? by->reason : by->spec;
	return 0;
}

int analyzer__add_sink(struct analyzer *a, const struct analysis_sink *s)
{
	if (a->nsinks == ANALYZER_MAX_SINKS)
		return -ENOSPC;
	a->sinks[a->nsinks++] = *s;
	a->opts.lean = a->opts.lean && s->quiet_lean;	/* sink.h */
	return 0;
}

/* Room for w's judged marks, all clear. 0 or -ENOMEM. */
static int analyzer__clear_judged(struct analyzer *a, const struct window *w)
{
	bool *p;

	if (w->n > a->judged_cap) {
		p = realloc(a->judged, w->n * sizeof(*p));
		if (!p)
			return -ENOMEM;
		a->judged = p;
		a->judged_cap = w->n;
	}
	if (w->n)
		memset(a->judged, 0, w->n * sizeof(*a->judged));
	return 0;
}

/*
 * Entry i's next histogram in w from *cursor (start at 0): NULL when no
 * more, or past the last entry.
 */
static const struct window_hist *analyzer__hist(const struct analyzer *a,
						const struct window *w,
						size_t i, size_t *cursor)
{
	const struct baseline_entry *e;

	if (i >= a->bl->n)
		return NULL;
	e = &a->bl->entries[i];
	return window__next_of_key(w, e->feature, e->cgroup, cursor);
}

/*
 * Ask for entry i's counts while the one before it is judged: at 1,000
 * cgroups a baseline is 20 MB that comes from memory, and the first miss
 * of each of its 17,000 arrays would otherwise be waited for.
 */
static void analyzer__prefetch(const struct analyzer *a, size_t i)
{
	const struct baseline_entry *e;

	if (i >= a->bl->n)
		return;
	e = &a->bl->entries[i];
	for (uint32_t j = 0; j < e->nbins; j += 64 / sizeof(*e->counts))
		__builtin_prefetch(e->counts + j);
}

/*
 * The detector state of cgroup judged under entry i: the entry's own when
 * cgroup is its key, else the replica's. NULL: no memory.
 */
static struct detector_state *analyzer__state(struct analyzer *a, size_t i,
					      const char *cgroup)
{
	const struct baseline_entry *e = &a->bl->entries[i];
	struct replica_state *r;

	if (!strcmp(cgroup, e->cgroup))
		return &a->states[i];
	r = fc_table__get(&a->replicas, e->feature, cgroup);
	if (!r)
		return NULL;
	r->window = a->windows;
	return &r->st;
}

static bool replica_judged_now(const void *elem, void *ctx)
{
	return ((const struct replica_state *)elem)->window ==
	       *(const unsigned long *)ctx;
}

/*
 * Judge cgroup's histogram h (NULL: none in w, its counts zero) against
 * entry i, and hand the verdict to the incidents and the sinks. Returns
 * 1 for an anomaly, 0, or -errno.
 */
static int analyzer__judge(struct analyzer *a, const struct window *w,
			   size_t i, const char *cgroup,
			   const struct window_hist *h, double threshold)
{
	const struct baseline_entry *e = &a->bl->entries[i];
	struct detector_state *st = analyzer__state(a, i, cgroup);
	uint64_t dense[FEATURE_MAX_BINS];
	const uint64_t *counts = h ? window_hist__dense(h, dense) : NULL;
	struct coupling_verdict cv;
	struct analysis an;
	int joint, err;

	if (!st)
		return -ENOMEM;
	if (h)
		a->judged[h - w->hists] = true;
	err = analyzer__detect(a, i, st, w, counts ? counts : a->zeros,
			       threshold, &an);
	if (err)	/* an error, or a feature not watched (1) */
		return err < 0 ? err : 0;
	joint = analyzer__coupling(e, counts, &cv);
	if (joint < 0)
		return joint;
	err = incidents__add(a->incidents, e->feature, cgroup, h, &an);
	for (size_t s = 0; !err && s < a->nsinks; s++) {
		const struct analysis_sink *k = &a->sinks[s];

		err = k->analysis ?
		      k->analysis(k->ctx, w, e->feature, cgroup, h, &an,
				  joint ? &cv : NULL) : 0;
	}
	return err ? err : an.verdict == VERDICT_ANOMALY;
}

int analyzer__window(struct analyzer *a, const struct window *w)
{
	size_t cursor = 0, next_cursor = 0;
	int anomalies = 0, err = analyzer__clear_judged(a, w);
	const struct window_hist *next = analyzer__hist(a, w, 0, &next_cursor);
	double threshold = score__threshold(a->opts.budget, w->interval_s,
					    a->bl->n);

	if (err)
		return err;
	a->windows++;
	incidents__begin(a->incidents);
	for (size_t i = 0; i < a->bl->n; i++) {
		const struct baseline_entry *e = &a->bl->entries[i];
		const struct window_hist *h = next;

		cursor = next_cursor;
		next_cursor = 0;
		next = analyzer__hist(a, w, i + 1, &next_cursor);
		analyzer__prefetch(a, i + 1);
		/* Without a histogram the entry is judged as itself, its
		   counts zero: that may hold a raised alarm, or clear it. */
		if (!h)
			err = analyzer__judge(a, w, i, e->cgroup, NULL,
					      threshold);
		for (; h && err >= 0; h = analyzer__hist(a, w, i, &cursor)) {
			anomalies += err;
			err = analyzer__judge(a, w, i, h->cgroup, h, threshold);
		}
		if (err < 0)
			return err;
		anomalies += err;
		err = 0;
	}
	/* Replicas not in this window are gone: their state with them. */
	err = fc_table__retain(&a->replicas, replica_judged_now, &a->windows);
	if (!err)
		err = analyzer__new_series(a, w);
	if (!err)
		err = analyzer__incidents(a, w);
	if (err)
		return err;
	for (size_t s = 0; s < a->nsinks; s++) {
		const struct analysis_sink *k = &a->sinks[s];

		err = k->window_done ? k->window_done(k->ctx, w) : 0;
		if (err)
			return err;
	}
	return anomalies;
}
