// SPDX-License-Identifier: MIT
/*
 * Baselines made from baselines (baseline_merge.h): the fleet baseline
 * pooled from the baselines of hosts of one role, and a baseline whose
 * series of one key stand in for another's. Both build a new baseline of
 * copied entries; the inputs are only read.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "baseline_merge.h"
#include "feature.h"
#include "mi.h"
#include "modes.h"
#include "score.h"

/* An empty baseline with room for cap entries; NULL on ENOMEM. */
static struct baseline *merged__new(size_t cap)
{
	struct baseline *bl = calloc(1, sizeof(*bl));

	if (!bl)
		return NULL;
	bl->version = BASELINE_VERSION;
	bl->entries = calloc(cap + 1, sizeof(*bl->entries));
	if (!bl->entries) {
		free(bl);
		return NULL;
	}
	return bl;
}

/*
 * Append to bl a copy of src keyed key, all but its modes (nmodes 0: the
 * caller fills them), and index it; *out is the copy. 0 or -ENOMEM.
 */
static int entry__append(struct baseline *bl, const struct baseline_entry *src,
			 const char *key, struct baseline_entry **out)
{
	struct baseline_entry *e = &bl->entries[bl->n];

	*e = *src;
	e->nmodes = 0;
	memset(e->modes, 0, sizeof(e->modes));
	e->cgroup = strdup(key);
	e->counts = malloc(src->nbins * sizeof(*e->counts));
	bl->n++;	/* even half-filled: baseline__free frees it */
	if (!e->cgroup || !e->counts)
		return -ENOMEM;
	memcpy(e->counts, src->counts, src->nbins * sizeof(*e->counts));
	*out = e;
	return baseline__index_entry(bl, bl->n - 1);
}

/* e's modes, copies of src's (a mode that is the pool stays the pool). */
static int entry__copy_modes(struct baseline_entry *e,
			     const struct baseline_entry *src)
{
	for (unsigned int k = 0; k < src->nmodes; k++) {
		const struct baseline_mode *m = &src->modes[k];
		uint64_t *c = e->counts;

		if (m->counts != src->counts) {
			c = malloc(e->nbins * sizeof(*c));
			if (!c)
				return -ENOMEM;
			memcpy(c, m->counts, e->nbins * sizeof(*c));
		}
		e->modes[k] = (struct baseline_mode){ m->windows, c };
		e->nmodes = k + 1;
	}
	return 0;
}

static uint64_t counts__total(const uint64_t *c, uint32_t nbins)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < nbins; i++)
		n += c[i];	/* a loaded or built pool's sum fits */
	return n;
}

/*
 * The features bl watched: those of its host-wide series ("/", which has
 * every watched feature, events or not), or of all its series when it has
 * none (a cgroup's series has only the features it used). 0, or -EINVAL
 * for a feature id out of range.
 */
static int features__watched(const struct baseline *bl, bool has[DP_F_COUNT])
{
	bool host_wide = false;

	for (size_t j = 0; j < bl->n; j++) {
		if ((unsigned int)bl->entries[j].feature >= DP_F_COUNT)
			return -EINVAL;
		host_wide |= !strcmp(bl->entries[j].cgroup, "/");
	}
	memset(has, 0, DP_F_COUNT * sizeof(*has));
	for (size_t j = 0; j < bl->n; j++)
		if (!host_wide || !strcmp(bl->entries[j].cgroup, "/"))
			has[bl->entries[j].feature] = true;
	return 0;
}

/*
 * The inputs agree with in[0]: format version, features watched, bins of
 * each feature, and, all of them, window length. 0 or -EINVAL with the
 * message.
 */
static int merge__check(const struct baseline *const *in,
			const char *const *names, size_t n, char *err,
			size_t errlen)
{
	bool ref[DP_F_COUNT], has[DP_F_COUNT];
	uint32_t bins[DP_F_COUNT] = { 0 };
	size_t lo = 0, hi = 0, from[DP_F_COUNT] = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (in[i]->version != in[0]->version) {
			snprintf(err, errlen, "%s: baseline version %u, expected "
				 "%u as in %s", names[i], in[i]->version,
				 in[0]->version, names[0]);
			return -EINVAL;
		}
		if (features__watched(in[i], i ? has : ref)) {
			snprintf(err, errlen, "%s: a feature id out of range, "
				 "expected below %d", names[i], DP_F_COUNT);
			return -EINVAL;
		}
		for (int f = 0; i && f < DP_F_COUNT; f++) {
			if (ref[f] == has[f])
				continue;
			snprintf(err, errlen, "%s: %s %s, %s %s; expected the "
				 "same features watched", names[i],
				 has[f] ? "watched" : "did not watch",
				 feature_table[f].name, names[0],
				 ref[f] ? "did" : "did not");
			return -EINVAL;
		}
		for (size_t j = 0; j < in[i]->n; j++) {
			const struct baseline_entry *e = &in[i]->entries[j];

			if (!bins[e->feature]) {
				bins[e->feature] = e->nbins;
				from[e->feature] = i;
			} else if (e->nbins != bins[e->feature]) {
				snprintf(err, errlen, "%s: %s %s has %" PRIu32
					 " bins, expected %" PRIu32 " as in %s",
					 names[i], feature_table[e->feature].name,
					 e->cgroup, e->nbins, bins[e->feature],
					 names[from[e->feature]]);
				return -EINVAL;
			}
		}
		lo = in[i]->interval_s < in[lo]->interval_s ? i : lo;
		hi = in[i]->interval_s > in[hi]->interval_s ? i : hi;
	}
	if (in[hi]->interval_s - in[lo]->interval_s >
	    BASELINE_MERGE_INTERVAL_TOL * in[lo]->interval_s) {
		snprintf(err, errlen, "%s: %g s windows, %s: %g s; expected "
			 "window lengths within %g%%", names[lo],
			 in[lo]->interval_s, names[hi], in[hi]->interval_s,
			 100 * BASELINE_MERGE_INTERVAL_TOL);
		return -EINVAL;
	}
	return 0;
}

/* A mode of the union, the pool of one or more inputs' modes. */
struct merge_mode {
	uint64_t windows;
	const uint64_t *counts;	/* an input's, or owned */
	uint64_t *owned;	/* once other modes were pooled into it */
	struct modes_bin *bins;	/* non-zero bins, for modes__hellinger */
	size_t nz;
	bool gone;		/* pooled into an earlier mode */
};

/* What a series of the merged baseline gathers from the inputs. */
struct merge_series {
	size_t inputs;		/* inputs that have it */
	bool banded;		/* a coupling band of an input with events */
	size_t n, cap;
	struct merge_mode *modes;
};

static void series__free(struct merge_series *s)
{
	for (size_t k = 0; k < s->n; k++) {
		free(s->modes[k].owned);
		free(s->modes[k].bins);
	}
	free(s->modes);
}

/* Add e's modes that had events to s's union (by reference). */
static int series__add_modes(struct merge_series *s,
			     const struct baseline_entry *e)
{
	for (unsigned int k = 0; k < e->nmodes; k++) {
		if (!counts__total(e->modes[k].counts, e->nbins))
			continue;
		if (s->n == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : BASELINE_MAX_MODES;
			struct merge_mode *p = realloc(s->modes,
						       cap * sizeof(*p));

			if (!p)
				return -ENOMEM;
			s->modes = p;
			s->cap = cap;
		}
		s->modes[s->n++] = (struct merge_mode){
			.windows = e->modes[k].windows,
			.counts = e->modes[k].counts,
		};
	}
	return 0;
}

/* m's non-zero bins, as modes__hellinger takes them. */
static int mode__sparse(struct merge_mode *m, uint32_t nbins)
{
	if (!m->bins) {
		m->bins = malloc(nbins * sizeof(*m->bins));
		if (!m->bins)
			return -ENOMEM;
	}
	m->nz = 0;
	for (uint32_t i = 0; i < nbins; i++)
		if (m->counts[i])
			m->bins[m->nz++] = (struct modes_bin){
				.bin = (uint16_t)i, .count = m->counts[i] };
	return 0;
}

static double mode__distance(const struct merge_mode *a,
			     const struct merge_mode *b)
{
	struct modes_window wa = { a->nz, a->bins }, wb = { b->nz, b->bins };

	return modes__hellinger(&wa, &wb);
}

/*
 * Pool b into a. The sums fit: the modes' counts add up to the pool, and
 * their windows to at most the series', both checked while folding.
 */
static int mode__pool(struct merge_mode *a, struct merge_mode *b,
		      uint32_t nbins)
{
	if (!a->owned) {
		a->owned = malloc(nbins * sizeof(*a->owned));
		if (!a->owned)
			return -ENOMEM;
		memcpy(a->owned, a->counts, nbins * sizeof(*a->owned));
		a->counts = a->owned;
	}
	for (uint32_t i = 0; i < nbins; i++)
		a->owned[i] += b->counts[i];
	a->windows += b->windows;
	b->gone = true;
	return mode__sparse(a, nbins);
}

/*
 * Pool the closest two modes of s until BASELINE_MAX_MODES remain: the
 * distances of the union once (d[i * m + j], i < j), then the pooled
 * mode's row again after each step.
 */
static int series__reduce(struct merge_series *s, uint32_t nbins)
{
	size_t m = s->n, alive = m;
	double *d;
	int err = 0;

	if (m <= BASELINE_MAX_MODES)
		return 0;
	for (size_t k = 0; k < m && !err; k++)
		err = mode__sparse(&s->modes[k], nbins);
	d = err ? NULL : malloc(m * m * sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (size_t i = 0; i < m; i++)
		for (size_t j = i + 1; j < m; j++)
			d[i * m + j] = mode__distance(&s->modes[i],
						      &s->modes[j]);
	while (alive > BASELINE_MAX_MODES && !err) {
		size_t bi = 0, bj = 0;
		double best = INFINITY;

		for (size_t i = 0; i < m; i++)
			for (size_t j = i + 1; j < m; j++)
				if (!s->modes[i].gone && !s->modes[j].gone &&
				    d[i * m + j] < best) {
					best = d[i * m + j];
					bi = i;
					bj = j;
				}
		err = mode__pool(&s->modes[bi], &s->modes[bj], nbins);
		alive--;
		for (size_t k = 0; k < m && !err; k++) {
			if (k == bi || s->modes[k].gone)
				continue;
			d[k < bi ? k * m + bi : bi * m + k] =
				mode__distance(&s->modes[bi], &s->modes[k]);
		}
	}
	free(d);
	return err;
}

/*
 * e's modes from s's union: one left (or none with events) is the pool
 * itself, as baseline__load makes it.
 */
static int series__emit(struct merge_series *s, struct baseline_entry *e)
{
	size_t alive = 0;

	for (size_t k = 0; k < s->n; k++)
		alive += !s->modes[k].gone;
	if (alive <= 1) {
		e->nmodes = 1;
		e->modes[0] = (struct baseline_mode){ e->windows - e->trimmed,
						      e->counts };
		return 0;
	}
	for (size_t k = 0; k < s->n; k++) {
		struct merge_mode *m = &s->modes[k];
		uint64_t *c = m->owned;

		if (m->gone)
			continue;
		if (!c) {
			c = malloc(e->nbins * sizeof(*c));
			if (!c)
				return -ENOMEM;
			memcpy(c, m->counts, e->nbins * sizeof(*c));
		}
		m->owned = NULL;	/* e owns it now */
		e->modes[e->nmodes++] = (struct baseline_mode){ m->windows, c };
	}
	return 0;
}

/*
 * Fold input entry ie (of input `name`) into e, the series so far. 0,
 * -EOVERFLOW with the message.
 */
static int series__fold(struct baseline_entry *e, struct merge_series *s,
			const struct baseline_entry *ie, const char *name,
			char *err, size_t errlen)
{
	bool overflow = __builtin_add_overflow(e->windows, ie->windows,
					       &e->windows) ||
			__builtin_add_overflow(e->trimmed, ie->trimmed,
					       &e->trimmed);

	uint64_t total = 0;

	for (uint32_t i = 0; i < e->nbins && !overflow; i++)
		overflow = __builtin_add_overflow(e->counts[i], ie->counts[i],
						  &e->counts[i]) ||
			   __builtin_add_overflow(total, e->counts[i], &total);
	if (overflow || total >= BASELINE_MAX_TOTAL) {
		snprintf(err, errlen, "%s: %s %s: pooled counts or windows "
			 "reach 2^63 or 2^64 when added; expected counts "
			 "totalling less than 2^63 and windows that fit in "
			 "64 bits", name, feature_table[e->feature].name,
			 e->cgroup);
		return -EOVERFLOW;
	}
	if (score__effect_at(&ie->score, BASELINE_MERGE_LEVEL) >
	    score__effect_at(&e->score, BASELINE_MERGE_LEVEL))
		e->score = ie->score;
	e->novel_rate = fmax(e->novel_rate, ie->novel_rate);
	if (counts__total(ie->counts, ie->nbins)) {
		if (!s->banded) {
			e->coupling = ie->coupling;
		} else {
			e->coupling.min = fmin(e->coupling.min,
					       ie->coupling.min);
			e->coupling.max = fmax(e->coupling.max,
					       ie->coupling.max);
		}
		s->banded = true;
	}
	return 0;
}

/* A joint feature's pooled MI, of the summed counts. 0 or -errno. */
static int series__pooled_mi(const struct merge_series *s,
			     struct baseline_entry *e)
{
	const struct feature_info *fi = &feature_table[e->feature];
	struct mi_entropies m;
	int err;

	if (fi->rows < 2 || !s->banded)
		return 0;
	err = mi__entropies(e->counts, fi->rows, fi->cols, &m);
	if (!err)
		e->coupling.pooled = m.mi;
	return err;
}

/* The header of the merged baseline: host, kernel, windows, interval. */
static int merged__header(struct baseline *out, const struct baseline *const *in,
			  size_t n, const char *host, double created,
			  char *err, size_t errlen)
{
	const char *kernel = in[0]->kernel;
	double weighted = 0;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(in[i]->kernel, kernel))
			kernel = "mixed";
		if (__builtin_add_overflow(out->windows, in[i]->windows,
					   &out->windows)) {
			snprintf(err, errlen, "the baselines' windows pass "
				 "2^64 when added; expected a sum that fits in "
				 "64 bits");
			return -EOVERFLOW;
		}
		weighted += in[i]->interval_s * (double)in[i]->windows;
	}
	out->interval_s = out->windows ? weighted / (double)out->windows :
					 in[0]->interval_s;
	out->created = created;
	out->host = strdup(host);
	out->kernel = strdup(kernel);
	return out->host && out->kernel ? 0 : -ENOMEM;
}

struct baseline *baseline__merge(const struct baseline *const *in,
				 const char *const *names, size_t n,
				 const char *host, double created,
				 struct baseline_merge_stats *st, char *err,
				 size_t errlen)
{
	struct merge_series *series = NULL;
	struct baseline *out = NULL;
	size_t cap = 0, partial = 0;
	int ret = -EINVAL;

	if (n < 2) {
		snprintf(err, errlen, "got %zu baseline%s; merging needs 2 or "
			 "more", n, n == 1 ? "" : "s");
		goto cleanup;
	}
	ret = merge__check(in, names, n, err, errlen);
	if (ret)
		goto cleanup;
	for (size_t i = 0; i < n; i++)
		cap += in[i]->n;
	ret = -ENOMEM;
	out = merged__new(cap);
	series = calloc(cap + 1, sizeof(*series));
	if (!out || !series)
		goto cleanup;
	ret = merged__header(out, in, n, host, created, err, errlen);
	for (size_t i = 0; i < n && !ret; i++) {
		for (size_t j = 0; j < in[i]->n && !ret; j++) {
			const struct baseline_entry *ie = &in[i]->entries[j];
			const struct baseline_entry *found =
				baseline__find(out, ie->feature, ie->cgroup);
			struct baseline_entry *e;
			struct merge_series *s;

			if (found) {
				e = &out->entries[found - out->entries];
				s = &series[found - out->entries];
				ret = series__fold(e, s, ie, names[i], err,
						   errlen);
			} else {	/* the first input to have it */
				s = &series[out->n];
				ret = entry__append(out, ie, ie->cgroup, &e);
				s->banded = !ret &&
					    counts__total(ie->counts, ie->nbins);
			}
			s->inputs++;
			if (!ret)
				ret = series__add_modes(s, ie);
		}
	}
	for (size_t k = 0; k < out->n && !ret; k++) {
		ret = series__reduce(&series[k], out->entries[k].nbins);
		if (!ret)
			ret = series__emit(&series[k], &out->entries[k]);
		if (!ret)
			ret = series__pooled_mi(&series[k], &out->entries[k]);
		partial += series[k].inputs < n;
	}
	if (!ret && st)
		*st = (struct baseline_merge_stats){ out->n, partial };
cleanup:
	for (size_t k = 0; series && out && k < out->n; k++)
		series__free(&series[k]);
	free(series);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory merging baselines");
	if (ret) {
		baseline__free(out);
		errno = -ret;
		return NULL;
	}
	return out;
}

/* The pair whose `now` is key, or NULL. */
static const struct baseline_alias *alias__of(const struct baseline_alias *p,
					      size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(p[i].now, key))
			return &p[i];
	return NULL;
}

/* Series of bl keyed key. */
static size_t series__keyed(const struct baseline *bl, const char *key)
{
	size_t n = 0;

	for (size_t i = 0; i < bl->n; i++)
		n += !strcmp(bl->entries[i].cgroup, key);
	return n;
}

/* Append a full copy of src keyed key to out. */
static int entry__copy(struct baseline *out, const struct baseline_entry *src,
		       const char *key)
{
	struct baseline_entry *e;
	int err = entry__append(out, src, key, &e);

	return err ? err : entry__copy_modes(e, src);
}

struct baseline *baseline__aliased(const struct baseline *bl,
				   const struct baseline_alias *pairs,
				   size_t n, char *err, size_t errlen)
{
	struct baseline *out = NULL;
	size_t cap = bl->n;
	int ret = -EINVAL;

	for (size_t i = 0; i < n; i++) {
		size_t as = series__keyed(bl, pairs[i].as);

		if (!strcmp(pairs[i].now, pairs[i].as)) {
			snprintf(err, errlen, "%s=%s: the same key on both "
				 "sides; expected NEW=OLD of two workloads",
				 pairs[i].now, pairs[i].as);
			goto cleanup;
		}
		if (alias__of(pairs, i, pairs[i].now)) {
			snprintf(err, errlen, "%s=%s: %s is compared twice; "
				 "expected one OLD per NEW", pairs[i].now,
				 pairs[i].as, pairs[i].now);
			goto cleanup;
		}
		if (!as) {
			snprintf(err, errlen, "%s=%s: the baseline has no "
				 "series of %s; expected a key it learnt (a "
				 "cgroup, \"/\", program:...)", pairs[i].now,
				 pairs[i].as, pairs[i].as);
			goto cleanup;
		}
		cap += as;
	}
	ret = -ENOMEM;
	out = merged__new(cap);
	if (!out)
		goto cleanup;
	*out = (struct baseline){
		.version = bl->version, .created = bl->created,
		.host = strdup(bl->host), .kernel = strdup(bl->kernel),
		.interval_s = bl->interval_s, .windows = bl->windows,
		.entries = out->entries,
	};
	if (!out->host || !out->kernel)
		goto cleanup;
	ret = 0;
	for (size_t i = 0; i < bl->n && !ret; i++)
		if (!alias__of(pairs, n, bl->entries[i].cgroup))
			ret = entry__copy(out, &bl->entries[i],
					  bl->entries[i].cgroup);
	for (size_t p = 0; p < n && !ret; p++)
		for (size_t i = 0; i < bl->n && !ret; i++)
			if (!strcmp(bl->entries[i].cgroup, pairs[p].as))
				ret = entry__copy(out, &bl->entries[i],
						  pairs[p].now);
cleanup:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory copying the baseline");
	if (ret) {
		baseline__free(out);
		errno = -ret;
		return NULL;
	}
	return out;
}
