// SPDX-License-Identifier: MIT
/*
 * Calibration: pooling learning windows and one threshold per (feature,
 * cgroup).
 *
 * For an entry and each learning window j in which it had
 * events, effect_j = divergence__compute(pool - window_j, window_j).effect:
 * the window against the pool of all the others (leave-one-out). effect =
 * max(0, (G - df) / (2 n_eff)) is bias-corrected, so with no change it is
 * ~0 for any window size; what remains in the effect_j is the feature's
 * real window-to-window variability. The threshold is
 *   max(min_threshold, mean + sd_factor * sd, max_factor * max)
 * over the effect_j, so a noisy feature gets a wider band than a steady one,
 * and because the effect does not grow or shrink with n, a threshold learnt
 * on 10 s windows holds for windows of any length. Windows in which the
 * entry had no events say nothing about its shape: they count as windows of
 * the baseline but not for leave-one-out. An entry with events in fewer
 * than two windows has no leave-one-out effect at all and gets
 * min_threshold.
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
#include "window.h"

/* The non-zero bins of one learning window, kept for leave-one-out. */
struct builder_bin {
	uint32_t bin;
	uint64_t count;
};

struct builder_sample {
	size_t n;
	struct builder_bin *bins;
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
	double alpha, min_threshold, sd_factor, max_factor;
	uint64_t windows;
	double interval_s;		/* of the first window */
	char *host;			/* of the first window */
	int failed;			/* an add ran out of memory */
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
	b->min_threshold = BASELINE_MIN_THRESHOLD;
	b->sd_factor = BASELINE_SD_FACTOR;
	b->max_factor = BASELINE_MAX_FACTOR;
	return b;
}

void baseline_builder__free(struct baseline_builder *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		struct builder_entry *e = &b->entries[i];

		for (size_t j = 0; j < e->nsamples; j++)
			free(e->samples[j].bins);
		free(e->samples);
		free(e->pooled);
		free(e->cgroup);
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
 * bin count, not repeated in w, and not overflowing the pool? 0 or -errno.
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
	e = builder__find(b, h->feature, h->cgroup);
	for (uint32_t k = 0; k < h->nbins; k++)
		if (__builtin_add_overflow(total, h->counts[k], &total) ||
		    (e && __builtin_add_overflow(total, e->pooled[k], &total)))
			return -EOVERFLOW;
	return 0;
}

static struct builder_entry *builder__entry(struct baseline_builder *b,
					    const struct window_hist *h)
{
	struct builder_entry *e = builder__find(b, h->feature, h->cgroup);

	if (e)
		return e;
	if (baseline__grow((void **)&b->entries, &b->cap, b->n,
			   sizeof(*b->entries)))
		return NULL;
	e = &b->entries[b->n];
	*e = (struct builder_entry){ .feature = h->feature };
	e->cgroup = strdup(h->cgroup);
	e->pooled = calloc(h->nbins, sizeof(*e->pooled));
	if (!e->cgroup || !e->pooled ||
	    key_index__add(&b->index, key_index__hash(h->feature, h->cgroup),
			   b->n)) {
		free(e->cgroup);
		free(e->pooled);
		return NULL;
	}
	b->n++;
	return e;
}

/* Pool h into its entry and keep its non-zero bins. 0 or -ENOMEM. */
static int builder__pool(struct baseline_builder *b,
			 const struct window_hist *h)
{
	struct builder_entry *e = builder__entry(b, h);
	struct builder_sample *s;
	size_t nz = 0;

	if (!e)
		return -ENOMEM;
	e->windows++;
	for (uint32_t k = 0; k < h->nbins; k++) {
		e->pooled[k] += h->counts[k];
		nz += h->counts[k] != 0;
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
		if (h->counts[k])
			s->bins[s->n++] = (struct builder_bin){
				.bin = k, .count = h->counts[k] };
	e->nsamples++;
	return 0;
}

int baseline_builder__add(struct baseline_builder *b, const struct window *w)
{
	int err;

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

/* Scratch space for leave-one-out: two histograms and the effects. */
struct loo_scratch {
	uint64_t *rest, *one;
	double *effects;
};

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

/* Leave-one-out effects of be, summarised into e. 0 or -errno. */
static int builder__calibrate(const struct baseline_builder *b,
			      const struct builder_entry *be,
			      struct baseline_entry *e, struct loo_scratch *s)
{
	double sum = 0, ss = 0, max = 0, mean = 0, sd = 0;
	size_t m = 0;

	for (size_t j = 0; j < be->nsamples; j++) {
		const struct builder_sample *smp = &be->samples[j];
		struct divergence d;
		int err;

		memcpy(s->rest, be->pooled, e->nbins * sizeof(*s->rest));
		memset(s->one, 0, e->nbins * sizeof(*s->one));
		for (size_t i = 0; i < smp->n; i++) {
			s->rest[smp->bins[i].bin] -= smp->bins[i].count;
			s->one[smp->bins[i].bin] = smp->bins[i].count;
		}
		err = divergence__compute(s->rest, s->one, e->nbins, b->alpha,
					  &d);
		if (err)
			return err;
		/* No other window had events: nothing to leave one out of. */
		if (!d.n_baseline)
			continue;
		s->effects[m++] = d.effect;
		sum += d.effect;
		if (d.effect > max)
			max = d.effect;
	}
	if (m) {
		mean = sum / m;
		for (size_t j = 0; j < m; j++)
			ss += (s->effects[j] - mean) * (s->effects[j] - mean);
		sd = m > 1 ? sqrt(ss / (m - 1)) : 0;
	}
	e->loo_mean = mean;
	e->loo_sd = sd;
	e->loo_max = max;
	e->threshold = fmax(b->min_threshold, fmax(mean + b->sd_factor * sd,
						   b->max_factor * max));
	return 0;
}

/* e from be: a copy of the pooled counts and the calibrated threshold. */
static int builder__emit(const struct baseline_builder *b,
			 const struct builder_entry *be,
			 struct baseline_entry *e, struct loo_scratch *s)
{
	int err;

	e->feature = be->feature;
	e->nbins = feature_table[be->feature].bins;
	e->windows = be->windows;
	e->cgroup = strdup(be->cgroup);
	e->counts = malloc(e->nbins * sizeof(*e->counts));
	if (!e->cgroup || !e->counts)
		return -ENOMEM;
	memcpy(e->counts, be->pooled, e->nbins * sizeof(*e->counts));
	err = builder__calibrate(b, be, e, s);
	return err ? err : builder__coupling(be, e, s->one);
}

struct baseline *baseline_builder__finish(struct baseline_builder *b,
					  char *err, size_t errlen)
{
	struct loo_scratch s = { 0 };
	struct baseline *bl = NULL;
	uint32_t max_bins = 0;
	size_t max_samples = 0;
	struct utsname u;
	struct timespec now;
	int ret = -ENOMEM;

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
	s.rest = calloc(max_bins + 1, sizeof(*s.rest));
	s.one = calloc(max_bins + 1, sizeof(*s.one));
	s.effects = calloc(max_samples + 1, sizeof(*s.effects));
	if (bl) {
		clock_gettime(CLOCK_REALTIME, &now);
		bl->version = BASELINE_VERSION;
		bl->created = now.tv_sec + now.tv_nsec / 1e9;
		bl->host = strdup(b->host);
		bl->kernel = strdup(uname(&u) ? "unknown" : u.release);
		bl->interval_s = b->interval_s;
		bl->windows = b->windows;
		bl->min_threshold = b->min_threshold;
		bl->sd_factor = b->sd_factor;
		bl->max_factor = b->max_factor;
		bl->entries = calloc(b->n + 1, sizeof(*bl->entries));
	}
	if (!bl || !s.rest || !s.one || !s.effects || !bl->host ||
	    !bl->kernel || !bl->entries) {
		snprintf(err, errlen, "out of memory building the baseline");
		goto cleanup;
	}
	for (size_t i = 0; i < b->n; i++) {
		const struct builder_entry *be = &b->entries[i];

		ret = builder__emit(b, be, &bl->entries[i], &s);
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
	free(s.rest);
	free(s.one);
	free(s.effects);
	if (ret) {
		baseline__free(bl);
		errno = -ret;
		return NULL;
	}
	return bl;
}

