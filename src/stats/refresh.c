// SPDX-License-Identifier: MIT
/*
 * Rolling refresh (refresh.h): the sink that folds normal windows into the
 * live baseline by exponential forgetting, keeps incidents and the guard
 * around them out through a delay of two pending epochs, and refits the
 * score models on a schedule.
 *
 * Pending folds are kept scaled, so that a fold costs a pass over the
 * window and not over every mode: the i-th window folded in an epoch adds
 * lambda^-i w to the epoch's accumulator A, and committing the epoch's m
 * windows is c <- lambda^m (c + A), exactly the m steps c <- lambda c + w
 * in order. i <= the guard in windows, hence the guard's bound of 64
 * half-lives (lambda^-i <= 2^64).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "detector.h"
#include "fc_table.h"
#include "feature.h"
#include "refresh.h"
#include "score.h"
#include "window.h"

/* One epoch of pending folds of a series. */
struct pending {
	uint64_t epoch;			/* valid while folds > 0 */
	unsigned int folds;		/* distinct windows (the clock) */
	uint64_t mode_windows[BASELINE_MAX_MODES];	/* folds per mode */
	double *acc;			/* nmodes x nbins */
};

/* A baseline entry that has folded a window. */
struct series {
	double *shadow;			/* nmodes x nbins, committed */
	struct pending pend[2];
	uint64_t last_seq;		/* window of the last fold + 1 */
	float ring_eff[REFRESH_RING];	/* effects, oldest at ring_head */
	uint32_t ring_seq[REFRESH_RING];	/* their windows */
	unsigned int ring_head, ring_n;
	struct score_model start;	/* the model the run started with */
	double level;			/* its alarm level, last learnt */
};

/* A scope (the analyses' cgroup string) in an incident or its guard. */
struct scope {
	struct fc_key key;		/* first: an fc_table element */
	uint64_t guard_until;		/* folds wait until this window */
	const char *series_key;		/* its entries' key, this window */
	bool alarm;			/* anomalous or held this window */
};

/* A normal window of a series, folded at the window's end if allowed. */
struct candidate {
	size_t entry;
	unsigned int mode;
	double effect, level;
	const char *scope;		/* the window's, valid until then */
	const struct window_hist *hist;	/* the window's, valid until then */
};

struct refresher {
	struct baseline *bl;
	double lambda;
	uint64_t guard;			/* windows, >= 1 */
	double every_s, next_ts;	/* next_ts: NAN until the first */
	struct series **series;		/* per entry; NULL until a fold */
	struct fc_table scopes;
	struct candidate *cand;
	size_t ncand, capcand;
	uint64_t seq;			/* windows ended */
	bool recalibrated;
	struct refresh_stats stats;
	double scratch[3 * REFRESH_RING];
};

#define ROOT_SCOPE "/"

double refresh__lambda(double half_life_windows)
{
	return exp2(-1.0 / half_life_windows);
}

struct refresher *refresher__new(struct baseline *bl,
				 const struct refresh_opts *o)
{
	struct refresher *r;
	double h = o->half_life_s / o->interval_s;
	double g = ceil(o->guard_s / o->interval_s - 1e-9);

	if (!(o->interval_s > 0) || !(h > 0) || !isfinite(h) ||
	    !(o->guard_s >= 0) || !(o->every_s > 0) || !isfinite(g) ||
	    fmax(g, 1) > 64 * h) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->bl = bl;
	r->lambda = refresh__lambda(h);
	r->guard = g < 1 ? 1 : (uint64_t)g;
	r->every_s = o->every_s;
	r->next_ts = NAN;
	r->scopes = (struct fc_table)FC_TABLE_INIT(struct scope);
	r->series = calloc(bl->n ? bl->n : 1, sizeof(*r->series));
	if (!r->series) {
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	return r;
}

static void series__free(struct series *s)
{
	if (!s)
		return;
	free(s->shadow);
	free(s->pend[0].acc);
	free(s->pend[1].acc);
	free(s);
}

void refresher__free(struct refresher *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->bl->n; i++)
		series__free(r->series[i]);
	free(r->series);
	free(r->cand);
	fc_table__clear(&r->scopes);
	free(r);
}

/* Entry e's series, made from its learnt counts on first use. */
static struct series *series__get(struct refresher *r, size_t i)
{
	const struct baseline_entry *e = &r->bl->entries[i];
	size_t n = (size_t)e->nmodes * e->nbins;
	struct series *s = r->series[i];

	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->shadow = malloc(n * sizeof(*s->shadow));
	s->pend[0].acc = calloc(n, sizeof(double));
	s->pend[1].acc = calloc(n, sizeof(double));
	if (!s->shadow || !s->pend[0].acc || !s->pend[1].acc) {
		series__free(s);
		return NULL;
	}
	for (unsigned int k = 0; k < e->nmodes; k++)
		for (uint32_t b = 0; b < e->nbins; b++)
			s->shadow[k * e->nbins + b] =
				(double)e->modes[k].counts[b];
	s->start = e->score;
	return r->series[i] = s;
}

/* x rounded to a count, saturating. */
static uint64_t refresh__round(double x)
{
	if (!(x > 0.5))
		return 0;
	return x >= 0x1p63 ? UINT64_C(1) << 63 : (uint64_t)llround(x);
}

/* The counts the detector reads, from the shadow: modes, then the pool. */
static void series__publish(const struct series *s, struct baseline_entry *e)
{
	for (unsigned int k = 0; k < e->nmodes; k++)
		for (uint32_t b = 0; b < e->nbins; b++)
			e->modes[k].counts[b] =
				refresh__round(s->shadow[k * e->nbins + b]);
	if (e->nmodes == 1)	/* the pool is the mode */
		return;
	for (uint32_t b = 0; b < e->nbins; b++) {
		uint64_t sum = 0;

		for (unsigned int k = 0; k < e->nmodes; k++)
			sum += e->modes[k].counts[b];
		e->counts[b] = sum;
	}
}

/* Pending epoch p into the shadow and the entry. */
static void refresher__commit_pending(struct refresher *r, struct series *s,
				      struct pending *p,
				      struct baseline_entry *e)
{
	size_t n = (size_t)e->nmodes * e->nbins;
	double decay = pow(r->lambda, p->folds);
	uint64_t windows = 0;

	for (size_t j = 0; j < n; j++) {
		s->shadow[j] = decay * (s->shadow[j] + p->acc[j]);
		p->acc[j] = 0;
	}
	for (unsigned int k = 0; k < e->nmodes; k++) {
		e->modes[k].windows += p->mode_windows[k];
		windows += p->mode_windows[k];
		p->mode_windows[k] = 0;
	}
	e->windows += windows;
	if (e->windows > r->bl->windows)
		r->bl->windows = e->windows;
	r->stats.folded += p->folds;
	p->folds = 0;
	series__publish(s, e);
}

/* Commit the pending epochs of s at least one whole epoch old, oldest
 * first: each of their windows is then >= guard windows old. */
static void refresher__catch_up(struct refresher *r, size_t i)
{
	struct series *s = r->series[i];
	uint64_t now = r->seq / r->guard;
	struct pending *p[2] = { &s->pend[0], &s->pend[1] };

	if (p[1]->folds && (!p[0]->folds || p[1]->epoch < p[0]->epoch)) {
		p[0] = &s->pend[1];
		p[1] = &s->pend[0];
	}
	for (int j = 0; j < 2; j++)
		if (p[j]->folds && p[j]->epoch + 2 <= now)
			refresher__commit_pending(r, s, p[j],
						  &r->bl->entries[i]);
}

void refresher__commit(struct refresher *r)
{
	for (size_t i = 0; i < r->bl->n; i++)
		if (r->series[i])
			refresher__catch_up(r, i);
}

/* The first window not yet committed into s (UINT64_MAX: none pending). */
static uint64_t series__pending_from(const struct series *s, uint64_t guard)
{
	uint64_t from = UINT64_MAX;

	for (int j = 0; j < 2; j++)
		if (s->pend[j].folds && s->pend[j].epoch * guard < from)
			from = s->pend[j].epoch * guard;
	return from;
}

/* Drop what entry i has pending: its folds and their effects. */
static void refresher__drop(struct refresher *r, size_t i)
{
	struct baseline_entry *e = &r->bl->entries[i];
	struct series *s = r->series[i];
	size_t n = (size_t)e->nmodes * e->nbins;
	uint64_t from;

	if (!s)
		return;
	refresher__catch_up(r, i);
	from = series__pending_from(s, r->guard);
	while (s->ring_n && s->ring_seq[(s->ring_head + s->ring_n - 1) %
					REFRESH_RING] >= from)
		s->ring_n--;
	for (int j = 0; j < 2; j++) {
		struct pending *p = &s->pend[j];

		if (!p->folds)
			continue;
		r->stats.dropped += p->folds;
		p->folds = 0;
		memset(p->acc, 0, n * sizeof(*p->acc));
		memset(p->mode_windows, 0, sizeof(p->mode_windows));
	}
}

/* Window counts of entry i (the verdict's view) into its pending epoch. */
static int refresher__fold(struct refresher *r, const struct candidate *c)
{
	struct baseline_entry *e = &r->bl->entries[c->entry];
	uint64_t dense[FEATURE_MAX_BINS], folded[FEATURE_MAX_BINS];
	const uint64_t *w = feature__score_counts(e->feature,
						  window_hist__dense(c->hist,
								     dense),
						  folded);
	struct series *s = series__get(r, c->entry);
	uint64_t epoch = r->seq / r->guard;
	struct pending *p;
	double *acc, f;
	unsigned int at;

	if (!s)
		return -ENOMEM;
	refresher__catch_up(r, c->entry);
	p = s->pend[0].folds && s->pend[0].epoch == epoch ? &s->pend[0] :
	    s->pend[1].folds && s->pend[1].epoch == epoch ? &s->pend[1] :
	    !s->pend[0].folds ? &s->pend[0] : &s->pend[1];
	if (!p->folds)
		p->epoch = epoch;
	/* Replicas of one workload in one window: one step of the clock. */
	if (s->last_seq != r->seq + 1)
		p->folds++;
	s->last_seq = r->seq + 1;
	p->mode_windows[c->mode]++;
	s->level = c->level;
	f = pow(r->lambda, -(double)p->folds);
	acc = p->acc + (size_t)c->mode * e->nbins;
	for (uint32_t b = 0; b < e->nbins; b++)
		if (w[b])
			acc[b] += f * (double)w[b];
	at = (s->ring_head + s->ring_n) % REFRESH_RING;
	s->ring_eff[at] = (float)c->effect;
	s->ring_seq[at] = (uint32_t)r->seq;
	if (s->ring_n < REFRESH_RING)
		s->ring_n++;
	else
		s->ring_head = (s->ring_head + 1) % REFRESH_RING;
	return 0;
}

/* Refit entry i's score model to its committed effects (refresh.h). */
static void refresher__refit(struct refresher *r, size_t i)
{
	struct series *s = r->series[i];
	uint64_t from = series__pending_from(s, r->guard);
	double *eff = r->scratch;
	struct score_model m;
	size_t n = 0;

	for (unsigned int j = 0; j < s->ring_n; j++) {
		unsigned int at = (s->ring_head + j) % REFRESH_RING;

		if (s->ring_seq[at] < from)
			eff[n++] = s->ring_eff[at];
	}
	if (n < REFRESH_FIT_MIN || score__fit(&m, eff, n, r->scratch +
					       REFRESH_RING))
		return;
	if (score__effect_at(&m, s->level) >
	    REFRESH_WIDEN_MAX * score__effect_at(&s->start, s->level)) {
		r->stats.refused++;
		return;
	}
	r->bl->entries[i].score = m;
	r->stats.refits++;
}

static bool scope__keep(const void *elem, void *ctx)
{
	const struct refresher *r = ctx;

	return ((const struct scope *)elem)->guard_until > r->seq;
}

/* The schedule: commit, refit, forget scopes whose guard is over. */
static int refresher__recalibrate(struct refresher *r)
{
	refresher__commit(r);
	for (size_t i = 0; i < r->bl->n; i++)
		if (r->series[i])
			refresher__refit(r, i);
	r->stats.recalibrations++;
	r->recalibrated = true;
	return fc_table__retain(&r->scopes, scope__keep, r);
}

/* Every entry keyed key: its pending folds dropped. */
static void refresher__drop_key(struct refresher *r, const char *key)
{
	for (int f = 0; f < DP_F_COUNT; f++) {
		const struct baseline_entry *e = baseline__find(r->bl, f, key);

		if (e)
			refresher__drop(r, (size_t)(e - r->bl->entries));
	}
}

/* sc's guard runs to the end of this window + the guard; what its
 * entries (keyed key) had pending is dropped. */
static void scope__guard(struct refresher *r, struct scope *sc,
			 const char *key)
{
	sc->guard_until = r->seq + 1 + r->guard;
	refresher__drop_key(r, key);
}

static int refresher__analysis(void *ctx, const struct window *w,
			       enum dp_feature_id f, const char *cgroup,
			       const struct window_hist *h,
			       const struct analysis *an,
			       const struct coupling_verdict *cv)
{
	struct refresher *r = ctx;
	const struct baseline_entry *e;
	struct scope *sc;
	struct candidate *c;
	bool alarm = an->verdict == VERDICT_ANOMALY || an->held;

	(void)w;
	(void)cv;
	/* A mute is neither alerted nor learnt, whole or of some bins. */
	if (!alarm && (an->verdict != VERDICT_NORMAL || an->exceeds ||
		       an->muted || an->muted_bins || !h))
		return 0;
	e = baseline__find(r->bl, f, h ? window_hist__key(h) : cgroup);
	if (!e)
		return 0;
	if (alarm) {
		sc = fc_table__get(&r->scopes, 0, cgroup);
		if (!sc)
			return -ENOMEM;
		sc->alarm = true;
		sc->series_key = e->cgroup;
		return 0;
	}
	if (an->mode >= e->nmodes)
		return 0;
	if (r->ncand == r->capcand) {
		size_t cap = r->capcand ? 2 * r->capcand : 64;
		struct candidate *p = realloc(r->cand, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		r->cand = p;
		r->capcand = cap;
	}
	c = &r->cand[r->ncand++];
	*c = (struct candidate){
		.entry = (size_t)(e - r->bl->entries),
		.mode = an->mode,
		.effect = an->d.effect,
		.level = an->threshold,
		.scope = cgroup,
		.hist = h,
	};
	return 0;
}

/*
 * The window's end: scopes in an incident guard themselves and the host
 * ("/"), dropping what they had pending; the other candidates are folded;
 * then the schedule.
 */
static int refresher__window_done(void *ctx, const struct window *w)
{
	struct refresher *r = ctx;
	struct scope *root;
	bool any = false;
	int err = 0;

	r->recalibrated = false;
	for (size_t i = 0; i < r->scopes.n && !err; i++) {
		struct scope *sc = fc_table__at(&r->scopes, i);

		if (!sc->alarm)
			continue;
		sc->alarm = false;
		scope__guard(r, sc, sc->series_key);
		any = true;
	}
	/* "/" counts every scope's events: it is guarded with each. */
	if (any) {
		root = fc_table__get(&r->scopes, 0, ROOT_SCOPE);
		if (root)
			scope__guard(r, root, ROOT_SCOPE);
		else
			err = -ENOMEM;
	}
	for (size_t i = 0; i < r->ncand && !err; i++) {
		const struct candidate *c = &r->cand[i];
		const struct scope *sc = fc_table__find(&r->scopes, 0,
							c->scope);

		if (sc && sc->guard_until > r->seq)
			r->stats.guarded++;
		else
			err = refresher__fold(r, c);
	}
	r->ncand = 0;
	if (!err && isnan(r->next_ts))
		r->next_ts = w->ts + r->every_s;
	else if (!err && w->ts >= r->next_ts) {
		err = refresher__recalibrate(r);
		r->next_ts = w->ts + r->every_s;
	}
	r->seq++;
	return err;
}

struct analysis_sink refresher__sink(struct refresher *r)
{
	return (struct analysis_sink){
		.analysis = refresher__analysis,
		.window_done = refresher__window_done,
		.ctx = r,
		.quiet_lean = true,
	};
}

bool refresher__recalibrated(const struct refresher *r)
{
	return r->recalibrated;
}

void refresher__stats(const struct refresher *r, struct refresh_stats *out)
{
	*out = r->stats;
}
