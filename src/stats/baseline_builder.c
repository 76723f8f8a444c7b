// SPDX-License-Identifier: MIT
/*
 * Learning: pooling windows per (feature, workload) into modes, and the
 * score model of each (baseline.h, score.h). The cgroups of one workload
 * (replicas, restarts: workload.h) are learnt as one: each cgroup's
 * histogram of a window is one learning sample of the workload's entry.
 *
 * Per entry: the windows with events are clustered into modes (modes.h:
 * k-medoids in Hellinger geometry, K from the data, at most
 * BASELINE_MAX_MODES). Each window is then scored out of sample: its
 * effect (divergence.effect, bias-corrected, so ~0 for any window size
 * when nothing changed) against every mode, its own with it left out, the
 * smallest counting. The score model is fitted to those held-out effects;
 * windows whose held-out z lies beyond BASELINE_BURST_Z are bursts when
 * they are few and come in a stretch or two (calib__trim): taken out of
 * their modes, and the model fitted again without them. Windows in which
 * the entry had no events say nothing about its shape: they count as
 * windows of the baseline but are not scored. An entry with events in
 * fewer than two windows keeps score.h's prior model. Novelty is learnt
 * the same way, held out: how often a kept window used a bin that no
 * other kept window did.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>
#include "baseline.h"
#include "divergence.h"
#include "feature.h"
#include "key_index.h"
#include "mi.h"
#include "modes.h"
#include "nearest.h"
#include "score.h"
#include "sequence.h"
#include "window.h"

/* The non-zero bins of one learning window, kept for held-out scoring. */
struct builder_sample {
	size_t n;
	struct modes_bin *bins;
};

struct builder_entry {
	enum dp_feature_id feature;
	char *cgroup;
	uint64_t *pooled;		/* feature_table[feature].bins */
	uint64_t windows;
	size_t nsamples, capsamples;
	struct builder_sample *samples;	/* windows with events only */
};

struct baseline_builder {
	double alpha;
	uint64_t windows;
	double interval_s;		/* of the first window */
	char *host;			/* of the first window */
	int failed;			/* an add ran out of memory */
	bool spent;			/* finish has built from it */
	size_t n, cap;
	struct builder_entry *entries;
	struct key_index index;		/* (feature, cgroup) -> entries[] */
};

/* Make room for one more element of size sz in *arr. 0 or -ENOMEM. */
static int baseline__grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	size_t ncap = *cap ? 2 * *cap : 8;
	void *p;

	if (n < *cap)
		return 0;
	p = reallocarray(*arr, ncap, sz);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static bool valid_factor(double v)
{
	return isfinite(v) && v >= 0;
}

struct baseline_builder *baseline_builder__new(double alpha)
{
	struct baseline_builder *b;

	if (!valid_factor(alpha)) {
		errno = EINVAL;
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->alpha = alpha;
	return b;
}

/* e's learning windows: its pooled counts and kept samples. */
static void builder__release(struct builder_entry *e)
{
	for (size_t j = 0; j < e->nsamples; j++)
		free(e->samples[j].bins);
	free(e->samples);
	free(e->pooled);
	e->samples = NULL;
	e->nsamples = e->capsamples = 0;
	e->pooled = NULL;
}

void baseline_builder__free(struct baseline_builder *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		builder__release(&b->entries[i]);
		free(b->entries[i].cgroup);
	}
	free(b->entries);
	key_index__free(&b->index);
	free(b->host);
	free(b);
}

KEY_INDEX_FC_KEYED(struct builder_entry);

static struct builder_entry *builder__find(struct baseline_builder *b,
					   enum dp_feature_id f,
					   const char *cgroup)
{
	size_t i = key_index__find(&b->index, b->entries, sizeof(*b->entries),
				   f, cgroup);

	return i == SIZE_MAX ? NULL : &b->entries[i];
}

/*
 * Is h acceptable as histogram i of w: a known feature with this build's
 * bin count, not repeated in w, and not taking the pool to
 * BASELINE_MAX_TOTAL? 0 or -errno.
 */
static int builder__check(struct baseline_builder *b, const struct window *w,
			  size_t i)
{
	const struct window_hist *h = &w->hists[i];
	const struct builder_entry *e;
	uint64_t total = 0;

	if ((unsigned int)h->feature >= DP_F_COUNT || !h->cgroup ||
	    h->nbins != feature_table[h->feature].bins)
		return -EINVAL;
	/* Repeated: the window's own index finds another one first. */
	if (window__find(w, h->feature, h->cgroup) != h)
		return -EINVAL;
	e = builder__find(b, h->feature, window_hist__key(h));
	for (uint32_t k = 0; k < h->nnz; k++)
		if (__builtin_add_overflow(total, h->nz_counts[k], &total))
			return -EOVERFLOW;
	for (uint32_t k = 0; e && k < h->nbins; k++)
		if (__builtin_add_overflow(total, e->pooled[k], &total))
			return -EOVERFLOW;
	return total < BASELINE_MAX_TOTAL ? 0 : -EOVERFLOW;
}

static struct builder_entry *builder__entry(struct baseline_builder *b,
					    const struct window_hist *h)
{
	const char *key = window_hist__key(h);
	struct builder_entry *e = builder__find(b, h->feature, key);

	if (e)
		return e;
	if (baseline__grow((void **)&b->entries, &b->cap, b->n,
			   sizeof(*b->entries)))
		return NULL;
	e = &b->entries[b->n];
	*e = (struct builder_entry){ .feature = h->feature };
	e->cgroup = strdup(key);
	e->pooled = calloc(h->nbins, sizeof(*e->pooled));
	if (!e->cgroup || !e->pooled ||
	    key_index__add(&b->index, key_index__hash(h->feature, key),
			   b->n)) {
		free(e->cgroup);
		free(e->pooled);
		return NULL;
	}
	b->n++;
	return e;
}

/*
 * Pool h into its entry and keep its non-zero bins, as the verdict sees
 * them (feature__score_counts). 0 or -ENOMEM.
 */
static int builder__pool(struct baseline_builder *b,
			 const struct window_hist *h)
{
	struct builder_entry *e = builder__entry(b, h);
	uint64_t dense[FEATURE_MAX_BINS], folded[FEATURE_MAX_BINS];
	const uint64_t *counts;
	struct builder_sample *s;
	size_t nz = 0;

	if (!e)
		return -ENOMEM;
	counts = feature__score_counts(h->feature,
				       window_hist__dense(h, dense), folded);
	e->windows++;
	for (uint32_t k = 0; k < h->nbins; k++) {
		e->pooled[k] += counts[k];
		nz += counts[k] != 0;
	}
	if (!nz)
		return 0;
	if (baseline__grow((void **)&e->samples, &e->capsamples, e->nsamples,
			   sizeof(*e->samples)))
		return -ENOMEM;
	s = &e->samples[e->nsamples];
	s->bins = calloc(nz, sizeof(*s->bins));
	if (!s->bins)
		return -ENOMEM;
	s->n = 0;
	for (uint32_t k = 0; k < h->nbins; k++)
		if (counts[k])
			s->bins[s->n++] = (struct modes_bin){
				.bin = (uint16_t)k, .count = counts[k] };
	e->nsamples++;
	return 0;
}

int baseline_builder__add(struct baseline_builder *b, const struct window *w)
{
	int err;

	if (b->spent)
		return -EALREADY;
	if (b->failed)
		return b->failed;
	/* Check everything first, so a refused window leaves no trace. */
	for (size_t i = 0; i < w->n; i++) {
		err = builder__check(b, w, i);
		if (err)
			return err;
	}
	if (!b->windows) {
		b->host = strdup(w->host ? w->host : "");
		if (!b->host)
			return -ENOMEM;
		b->interval_s = w->interval_s;
	}
	for (size_t i = 0; i < w->n; i++) {
		err = builder__pool(b, &w->hists[i]);
		if (err) {
			b->failed = err;
			return err;
		}
	}
	b->windows++;
	return 0;
}

/*
 * A joint feature's coupling band: the plug-in MI of every learning window
 * with events (min, max) and of the pool. 0 or -errno.
 */
static int builder__coupling(const struct builder_entry *be,
			     struct baseline_entry *e, uint64_t *table)
{
	const struct feature_info *fi = &feature_table[be->feature];
	struct mi_entropies m;
	int err;

	if (fi->rows < 2)
		return 0;
	/* No events while learning: nothing coupled, an empty band at 0. */
	e->coupling = (struct coupling_band){ 0 };
	if (!be->nsamples)
		return 0;
	e->coupling.min = INFINITY;
	e->coupling.max = 0;
	for (size_t j = 0; j < be->nsamples; j++) {
		const struct builder_sample *smp = &be->samples[j];

		memset(table, 0, e->nbins * sizeof(*table));
		for (size_t i = 0; i < smp->n; i++)
			table[smp->bins[i].bin] = smp->bins[i].count;
		err = mi__entropies(table, fi->rows, fi->cols, &m);
		if (err)
			return err;
		e->coupling.min = fmin(e->coupling.min, m.mi);
		e->coupling.max = fmax(e->coupling.max, m.mi);
	}
	err = mi__entropies(be->pooled, fi->rows, fi->cols, &m);
	if (err)
		return err;
	e->coupling.pooled = m.mi;
	return 0;
}

/*
 * Scratch space for one entry's calibration, sized for the widest feature
 * and the entry with the most windows: the modes' pooled counts, two
 * histograms, and per window its mode, whether it is kept and its
 * held-out effect.
 */
struct calib_scratch {
	uint64_t *mode_counts;		/* BASELINE_MAX_MODES x max_bins */
	uint64_t *rest, *one, *mix;
	size_t *assign;
	bool *kept;
	double *effects, *work;		/* work: 2 x max_samples */
	struct modes_window *windows;
	uint64_t mode_windows[BASELINE_MAX_MODES];
};

static void sample__fill(const struct builder_sample *smp, uint64_t *dense,
			 size_t nbins)
{
	memset(dense, 0, nbins * sizeof(*dense));
	for (size_t i = 0; i < smp->n; i++)
		dense[smp->bins[i].bin] = smp->bins[i].count;
}

/* Put window smp into mode k's counts, or take it out. */
static void mode__add(struct calib_scratch *s, size_t nbins, unsigned int k,
		      const struct builder_sample *smp, bool in)
{
	uint64_t *m = s->mode_counts + k * nbins;

	for (size_t i = 0; i < smp->n; i++) {
		if (in)
			m[smp->bins[i].bin] += smp->bins[i].count;
		else
			m[smp->bins[i].bin] -= smp->bins[i].count;
	}
	if (in)
		s->mode_windows[k]++;
	else
		s->mode_windows[k]--;
}

/*
 * Window j's held-out effect: against the nearest of the modes, or of the
 * mixtures of two (nearest.h), with j left out of its own mode. -ENODATA
 * when no other window had events.
 */
static int calib__held_out(const struct baseline_builder *b,
			   const struct builder_entry *be, size_t nbins,
			   unsigned int k, struct calib_scratch *s, size_t j,
			   double *effect)
{
	const struct builder_sample *smp = &be->samples[j];
	const uint64_t *modes[BASELINE_MAX_MODES];
	struct nearest near;
	int err;

	sample__fill(smp, s->one, nbins);
	for (unsigned int c = 0; c < k; c++)
		modes[c] = s->mode_counts + c * nbins;
	if (s->kept[j]) {
		unsigned int own = (unsigned int)s->assign[j];

		memcpy(s->rest, modes[own], nbins * sizeof(*s->rest));
		for (size_t i = 0; i < smp->n; i++)
			s->rest[smp->bins[i].bin] -= smp->bins[i].count;
		modes[own] = s->rest;
	}
	err = nearest__modes(modes, k, s->one, nbins, b->alpha, false, s->mix,
			     &near);
	/* A mixture is only nearer: worth the search where it can count. */
	if (!err && k > 1 && near.effect > SCORE_EFFECT_MIN)
		err = nearest__modes(modes, k, s->one, nbins, b->alpha, true,
				     s->mix, &near);
	*effect = near.effect;
	if (err || !feature__is_sequence(be->feature))
		return err;
	err = sequence__judge(near.other != near.mode ? s->mix :
			      modes[near.mode], s->one,
			      feature_table[be->feature].rows, effect, NULL, 0);
	return err < 0 ? err : 0;
}

/*
 * Whether window j is scored: all of them up to BASELINE_SCORED_MAX, else
 * an evenly spaced sample of about that many (a day of 10 s windows is
 * 8,640; a few hundred held-out scores make the tail).
 */
static bool calib__scored(const struct builder_entry *be, size_t j)
{
	size_t step = (be->nsamples + BASELINE_SCORED_MAX - 1) /
		      BASELINE_SCORED_MAX;

	return step <= 1 || j % step == 0;
}

/* Held-out effects of the kept, scored windows, fitted into e->score. */
static int calib__fit(const struct baseline_builder *b,
		      const struct builder_entry *be, struct baseline_entry *e,
		      unsigned int k, struct calib_scratch *s)
{
	size_t n = 0;

	for (size_t j = 0; j < be->nsamples; j++) {
		int err;

		if (!s->kept[j] || !calib__scored(be, j))
			continue;
		err = calib__held_out(b, be, e->nbins, k, s, j,
				      &s->effects[n]);
		if (err == -ENODATA)
			continue;
		if (err)
			return err;
		n++;
	}
	return score__fit(&e->score, s->effects, n, s->work);
}

/*
 * Leave the bursts out: the scored windows whose held-out z exceeds
 * BASELINE_BURST_Z, when they are few (at most BASELINE_TRIM_MAX of the
 * scored windows) and come in at most BASELINE_BURST_RUNS stretches of
 * consecutive ones. A pattern that recurs all through learning is
 * normal, however far out: it is kept. Returns how many were trimmed, or
 * -errno.
 */
static int calib__trim(const struct baseline_builder *b,
		       const struct builder_entry *be,
		       struct baseline_entry *e, struct calib_scratch *s)
{
	size_t far = 0, runs = 0, scored = 0;
	double *z = s->work;	/* per window: held-out z, -inf if none */
	bool last_far = false;
	size_t cap;

	for (size_t j = 0; j < be->nsamples; j++) {
		double effect;
		int err;

		z[j] = -INFINITY;
		if (!calib__scored(be, j))
			continue;
		scored++;
		err = calib__held_out(b, be, e->nbins, e->nmodes, s, j,
				      &effect);
		if (err && err != -ENODATA)
			return err;
		z[j] = err ? -INFINITY : score__z(&e->score, effect);
		if (z[j] > BASELINE_BURST_Z) {
			far++;
			runs += !last_far;
		}
		last_far = z[j] > BASELINE_BURST_Z;
	}
	cap = (size_t)(BASELINE_TRIM_MAX * scored);
	if (!far || far > cap || runs > BASELINE_BURST_RUNS)
		return 0;
	for (size_t j = 0; j < be->nsamples; j++) {
		if (!(z[j] > BASELINE_BURST_Z))
			continue;
		mode__add(s, e->nbins, (unsigned int)s->assign[j],
			  &be->samples[j], false);
		s->kept[j] = false;
	}
	return (int)far;
}

/*
 * Windows with fewer events than this take no part in choosing the modes
 * (modes.h's noise floor): 25 (K - 1) for the K bins the series used,
 * capped at 1,000 so a wide feature still gets modes from 10 s windows.
 */
static uint64_t modes__min_events(const uint64_t *pooled, uint32_t nbins)
{
	uint64_t used = 0;

	for (uint32_t i = 0; i < nbins; i++)
		used += pooled[i] != 0;
	return used > 41 ? 1000 : 25 * (used ? used - 1 : 0);
}

/* The windows' modes (modes.h); into s->assign, the count into e. */
static int calib__modes(const struct builder_entry *be,
			struct baseline_entry *e, struct calib_scratch *s)
{
	size_t m = be->nsamples;
	size_t min_size = (size_t)ceil(BASELINE_MODE_MIN_SHARE * m);
	struct modes_result res;
	unsigned int kmax;
	int err;

	min_size = min_size < 3 ? 3 : min_size;
	kmax = m / min_size < BASELINE_MAX_MODES ?
	       (unsigned int)(m / min_size) : BASELINE_MAX_MODES;
	e->nmodes = 1;
	memset(s->assign, 0, m * sizeof(*s->assign));
	if (kmax < 2)
		return 0;
	for (size_t j = 0; j < m; j++)
		s->windows[j] = (struct modes_window){
			.nz = be->samples[j].n, .bins = be->samples[j].bins };
	err = modes__cluster(s->windows, m, kmax, min_size,
			     modes__min_events(be->pooled, e->nbins),
			     s->assign, &res);
	if (err)
		return err;
	e->nmodes = res.k;
	return 0;
}

/*
 * The modes' counts and the score model of be into e: cluster, fit on the
 * held-out effects, trim the bursts, and fit again without them.
 */
static int builder__calibrate(const struct baseline_builder *b,
			      const struct builder_entry *be,
			      struct baseline_entry *e,
			      struct calib_scratch *s)
{
	int err = calib__modes(be, e, s), trimmed;

	if (err)
		return err;
	memset(s->mode_counts, 0,
	       e->nmodes * e->nbins * sizeof(*s->mode_counts));
	memset(s->mode_windows, 0, sizeof(s->mode_windows));
	for (size_t j = 0; j < be->nsamples; j++) {
		s->kept[j] = true;
		mode__add(s, e->nbins, (unsigned int)s->assign[j],
			  &be->samples[j], true);
	}
	err = calib__fit(b, be, e, e->nmodes, s);
	trimmed = err ? err : calib__trim(b, be, e, s);
	if (trimmed < 0)
		return trimmed;
	e->trimmed = (uint64_t)trimmed;
	return trimmed ? calib__fit(b, be, e, e->nmodes, s) : 0;
}

/*
 * The rate of novel bins of the kept windows, held out: a window's bins
 * that no other kept window used.
 */
static void builder__novelty(const struct builder_entry *be,
			     struct baseline_entry *e, struct calib_scratch *s)
{
	uint64_t *used_in = s->rest, novel = 0;	/* windows per bin */

	memset(used_in, 0, e->nbins * sizeof(*used_in));
	for (size_t j = 0; j < be->nsamples; j++)
		for (size_t i = 0; s->kept[j] && i < be->samples[j].n; i++)
			used_in[be->samples[j].bins[i].bin]++;
	for (size_t j = 0; j < be->nsamples; j++)
		for (size_t i = 0; s->kept[j] && i < be->samples[j].n; i++)
			novel += used_in[be->samples[j].bins[i].bin] == 1;
	e->novel_rate = score__novel_rate(novel, e->windows - e->trimmed);
}

/*
 * e's counts (the kept windows pooled) and modes from the scratch; a mode
 * the trimming emptied is dropped. 0 or -ENOMEM.
 */
static int builder__emit_modes(const struct builder_entry *be,
			       struct baseline_entry *e,
			       struct calib_scratch *s)
{
	unsigned int k = 0;

	e->counts = calloc(e->nbins, sizeof(*e->counts));
	if (!e->counts)
		return -ENOMEM;
	if (!be->nsamples) {	/* no events: one empty mode */
		e->nmodes = 1;
		e->modes[0] = (struct baseline_mode){ .counts = e->counts };
		return 0;
	}
	for (unsigned int c = 0; c < e->nmodes; c++) {
		const uint64_t *m = s->mode_counts + c * e->nbins;

		if (!s->mode_windows[c])
			continue;
		for (uint32_t i = 0; i < e->nbins; i++)
			e->counts[i] += m[i];
		e->modes[k].windows = s->mode_windows[c];
		e->modes[k].counts = malloc(e->nbins * sizeof(uint64_t));
		if (!e->modes[k].counts)
			return -ENOMEM;
		memcpy(e->modes[k++].counts, m, e->nbins * sizeof(uint64_t));
	}
	e->nmodes = k;
	if (k == 1) {
		free(e->modes[0].counts);
		e->modes[0].counts = e->counts;
	}
	return 0;
}

/* e from be: its pooled counts, modes, score model and coupling band. */
static int builder__emit(const struct baseline_builder *b,
			 const struct builder_entry *be,
			 struct baseline_entry *e, struct calib_scratch *s)
{
	int err = 0;

	e->feature = be->feature;
	e->nbins = feature_table[be->feature].bins;
	e->windows = be->windows;
	e->cgroup = strdup(be->cgroup);
	if (!e->cgroup)
		return -ENOMEM;
	e->nmodes = 1;
	if (be->nsamples) {
		err = builder__calibrate(b, be, e, s);
		if (!err)
			builder__novelty(be, e, s);
	} else {
		err = score__fit(&e->score, NULL, 0, s->work);
		e->novel_rate = score__novel_rate(0, e->windows);
	}
	if (!err)
		err = builder__emit_modes(be, e, s);
	return err ? err : builder__coupling(be, e, s->one);
}

struct baseline *baseline_builder__finish(struct baseline_builder *b,
					  char *err, size_t errlen)
{
	struct calib_scratch s = { 0 };
	struct baseline *bl = NULL;
	uint32_t max_bins = 0;
	size_t max_samples = 0;
	struct utsname u;
	struct timespec now;
	int ret = -ENOMEM;

	if (b->spent) {
		snprintf(err, errlen, "this learning was already built");
		ret = -EALREADY;
		goto cleanup;
	}
	if (b->failed) {
		snprintf(err, errlen, "an earlier learning window could not "
			 "be added: %s", strerror(-b->failed));
		ret = b->failed;
		goto cleanup;
	}
	if (b->windows < 2) {
		snprintf(err, errlen, "got %" PRIu64 " learning window%s; a "
			 "baseline needs 2 or more", b->windows,
			 b->windows == 1 ? "" : "s");
		ret = -EINVAL;
		goto cleanup;
	}
	for (size_t i = 0; i < b->n; i++) {
		uint32_t k = feature_table[b->entries[i].feature].bins;

		max_bins = k > max_bins ? k : max_bins;
		if (b->entries[i].nsamples > max_samples)
			max_samples = b->entries[i].nsamples;
	}
	bl = calloc(1, sizeof(*bl));
	s.mode_counts = calloc((size_t)BASELINE_MAX_MODES * max_bins + 1,
			       sizeof(*s.mode_counts));
	s.rest = calloc(max_bins + 1, sizeof(*s.rest));
	s.one = calloc(max_bins + 1, sizeof(*s.one));
	s.mix = calloc(max_bins + 1, sizeof(*s.mix));
	s.assign = calloc(max_samples + 1, sizeof(*s.assign));
	s.kept = calloc(max_samples + 1, sizeof(*s.kept));
	s.effects = calloc(max_samples + 1, sizeof(*s.effects));
	s.work = calloc(2 * max_samples + 1, sizeof(*s.work));
	s.windows = calloc(max_samples + 1, sizeof(*s.windows));
	if (bl) {
		clock_gettime(CLOCK_REALTIME, &now);
		bl->version = BASELINE_VERSION;
		bl->created = now.tv_sec + now.tv_nsec / 1e9;
		bl->host = strdup(b->host);
		bl->kernel = strdup(uname(&u) ? "unknown" : u.release);
		bl->interval_s = b->interval_s;
		bl->windows = b->windows;
		bl->entries = calloc(b->n + 1, sizeof(*bl->entries));
	}
	if (!bl || !s.mode_counts || !s.rest || !s.one || !s.mix ||
	    !s.assign ||
	    !s.kept || !s.effects || !s.work || !s.windows || !bl->host ||
	    !bl->kernel || !bl->entries) {
		snprintf(err, errlen, "out of memory building the baseline");
		goto cleanup;
	}
	b->spent = true;
	for (size_t i = 0; i < b->n; i++) {
		struct builder_entry *be = &b->entries[i];

		ret = builder__emit(b, be, &bl->entries[i], &s);
		builder__release(be);
		bl->n++;	/* even half-filled: baseline__free frees it */
		if (!ret)
			ret = baseline__index_entry(bl, i);
		if (ret) {
			snprintf(err, errlen, "%s %s: failed to calibrate: %s",
				 feature_table[be->feature].name, be->cgroup,
				 strerror(-ret));
			goto cleanup;
		}
	}
	ret = 0;
cleanup:
	free(s.mode_counts);
	free(s.rest);
	free(s.one);
	free(s.mix);
	free(s.assign);
	free(s.kept);
	free(s.effects);
	free(s.work);
	free(s.windows);
	if (ret) {
		baseline__free(bl);
		errno = -ret;
		return NULL;
	}
	return bl;
}

