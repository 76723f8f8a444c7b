// SPDX-License-Identifier: MIT
/*
 * struct window: a growable list of per-feature histograms with owned
 * sparse copies (their non-zero bins), their optional per-bin exemplar
 * texts, and an index by (feature, cgroup).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "window.h"

struct window *window__new(double ts, double interval_s, const char *host)
{
	struct window *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->ts = ts;
	w->interval_s = interval_s;
	w->host = strdup(host ? host : "");
	if (!w->host) {
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	return w;
}

void window__free(struct window *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++) {
		struct window_hist *h = &w->hists[i];

		for (uint32_t b = 0; h->exemplars && b < h->nbins; b++)
			free(h->exemplars[b]);
		free(h->exemplars);
		free(h->cgroup);
		free(h->workload);
		free(h->nz_counts);
	}
	free(w->hists);
	free(w->host);
	key_index__free(&w->index);
	key_index__free(&w->by_workload);
	free(w);
}

/*
 * h's non-zero bins of counts[0..h->nbins), in one allocation: the counts,
 * then their bins. 0 or -ENOMEM.
 */
static int window_hist__keep(struct window_hist *h, const uint64_t *counts)
{
	uint32_t n = 0;

	h->total = 0;
	for (uint32_t i = 0; i < h->nbins; i++) {
		n += counts[i] != 0;
		h->total += counts[i];
	}
	h->nnz = n;
	h->nz_counts = malloc(n ? n * (sizeof(uint64_t) + sizeof(uint16_t)) :
			      1);
	if (!h->nz_counts)
		return -ENOMEM;
	h->nz_bins = (uint16_t *)(h->nz_counts + n);
	n = 0;
	for (uint32_t i = 0; i < h->nbins; i++)
		if (counts[i]) {
			h->nz_counts[n] = counts[i];
			h->nz_bins[n++] = (uint16_t)i;
		}
	return 0;
}

int window__add(struct window *w, enum dp_feature_id f, const char *cgroup,
		const uint64_t *counts, uint32_t nbins)
{
	struct window_hist *h;

	if (nbins > FEATURE_MAX_BINS)
		return -EINVAL;
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 8;
		void *p = realloc(w->hists, cap * sizeof(*w->hists));

		if (!p)
			return -ENOMEM;
		w->hists = p;
		w->cap = cap;
	}
	h = &w->hists[w->n];
	h->exemplars = NULL;
	h->workload = NULL;
	h->feature = f;
	h->nbins = nbins;
	h->nz_counts = NULL;
	h->cgroup = strdup(cgroup);
	if (!h->cgroup || window_hist__keep(h, counts)) {
		free(h->cgroup);
		free(h->nz_counts);
		return -ENOMEM;
	}
	if (key_index__add(&w->index, key_index__hash(f, cgroup), w->n)) {
		free(h->cgroup);
		free(h->nz_counts);
		return -ENOMEM;
	}
	if (w->keys == WINDOW_KEYS_INDEXED)	/* by_workload lacks it */
		w->keys = WINDOW_KEYS_STALE;
	w->n++;
	return 0;
}

KEY_INDEX_FC_KEYED(struct window_hist);

const struct window_hist *window__find(const struct window *w,
				       enum dp_feature_id f,
				       const char *cgroup)
{
	size_t i = key_index__find(&w->index, w->hists, sizeof(*w->hists), f,
				   cgroup);

	return i == SIZE_MAX ? NULL : &w->hists[i];
}

int window__set_counts(struct window *w, enum dp_feature_id f,
		       const char *cgroup, const uint64_t *counts)
{
	struct window_hist *h = (struct window_hist *)window__find(w, f, cgroup);
	struct window_hist fresh;

	if (!h)
		return -ENOENT;
	fresh = *h;
	if (window_hist__keep(&fresh, counts))
		return -ENOMEM;
	free(h->nz_counts);
	*h = fresh;
	return 0;
}

int window__set_workload(struct window *w, enum dp_feature_id f,
			 const char *cgroup, const char *workload)
{
	struct window_hist *h = (struct window_hist *)window__find(w, f, cgroup);
	char *copy = NULL;

	if (!h)
		return -ENOENT;
	if (workload && strcmp(workload, cgroup)) {
		copy = strdup(workload);
		if (!copy)
			return -ENOMEM;
	}
	if (!copy && !h->workload)
		return 0;
	free(h->workload);
	h->workload = copy;
	w->keys = WINDOW_KEYS_STALE;
	return 0;
}

int window__index_workloads(struct window *w)
{
	struct key_index fresh = { 0 };
	bool any = false;

	if (w->keys != WINDOW_KEYS_STALE)
		return 0;
	for (size_t i = 0; i < w->n; i++)
		any |= w->hists[i].workload != NULL;
	for (size_t i = 0; any && i < w->n; i++) {
		const struct window_hist *h = &w->hists[i];

		if (key_index__add(&fresh, key_index__hash(h->feature,
							   window_hist__key(h)),
				   i)) {
			key_index__free(&fresh);
			return -ENOMEM;
		}
	}
	key_index__free(&w->by_workload);
	w->by_workload = fresh;
	w->keys = any ? WINDOW_KEYS_INDEXED : WINDOW_KEYS_SCOPES;
	return 0;
}

const struct window_hist *window__next_of_key(const struct window *w,
					      enum dp_feature_id f,
					      const char *key, size_t *cursor)
{
	const struct key_index *ki = w->keys == WINDOW_KEYS_INDEXED ?
				     &w->by_workload : &w->index;

	if (w->keys == WINDOW_KEYS_STALE) {	/* not indexed yet: a scan */
		for (; *cursor < w->n; (*cursor)++) {
			const struct window_hist *h = &w->hists[*cursor];

			if (h->feature == f && !strcmp(window_hist__key(h), key)) {
				(*cursor)++;
				return h;
			}
		}
		return NULL;
	}
	for (;;) {	/* a scope's key is itself: index serves it */
		size_t i = key_index__next(ki, key_index__hash(f, key), cursor);
		const struct window_hist *h;

		if (i == SIZE_MAX)
			return NULL;
		h = &w->hists[i];
		if (h->feature == f && !strcmp(window_hist__key(h), key))
			return h;
	}
}

int window__set_exemplar(struct window *w, enum dp_feature_id f,
			 const char *cgroup, uint32_t bin, const char *text)
{
	struct window_hist *h = (struct window_hist *)window__find(w, f, cgroup);
	char *copy;

	if (!h || bin >= h->nbins)
		return -ENOENT;
	if (!h->exemplars) {
		h->exemplars = calloc(h->nbins, sizeof(*h->exemplars));
		if (!h->exemplars)
			return -ENOMEM;
	}
	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	free(h->exemplars[bin]);
	h->exemplars[bin] = copy;
	return 0;
}

const char *window_hist__exemplar(const struct window_hist *h, uint32_t bin)
{
	return h->exemplars && bin < h->nbins ? h->exemplars[bin] : NULL;
}

const uint64_t *window_hist__dense(const struct window_hist *h, uint64_t *buf)
{
	memset(buf, 0, h->nbins * sizeof(*buf));
	for (uint32_t i = 0; i < h->nnz; i++)
		buf[h->nz_bins[i]] = h->nz_counts[i];
	return buf;
}

uint64_t window_hist__count(const struct window_hist *h, uint32_t bin)
{
	uint32_t lo = 0, hi = h->nnz;

	while (lo < hi) {	/* the first non-zero bin >= bin */
		uint32_t mid = lo + (hi - lo) / 2;

		if (h->nz_bins[mid] < bin)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < h->nnz && h->nz_bins[lo] == bin ? h->nz_counts[lo] : 0;
}
