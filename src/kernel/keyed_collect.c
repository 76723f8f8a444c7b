// SPDX-License-Identifier: MIT
/* Per-key snapshots of a kernel LRU hash; see keyed_collect.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "keyed_collect.h"
#include "counters.h"
#include "feature.h"
#include "key_index.h"
#include "map_walk.h"
#include "window.h"

struct key_snapshot {
	uint64_t id;		/* first: key_index__find_id */
	bool seen;		/* in the current read */
};

struct keyed_collector {
	int map_fd;
	struct keyed_map_desc d;
	keyed_namer_fn name;
	void *name_ctx;
	size_t n, cap;
	struct key_snapshot *snaps;
	uint64_t *counts;		/* snaps[i]'s at i * d.bins, last read */
	struct key_index index;		/* id -> snaps[] */
	uint64_t evicted;
	uint64_t *delta;		/* d.bins */
};

struct keyed_collector *keyed_collector__new(int map_fd,
					     const struct keyed_map_desc *d,
					     keyed_namer_fn name, void *ctx)
{
	struct keyed_collector *cc;

	if (d->value_size < d->bins * sizeof(uint64_t)) {
		errno = EINVAL;
		return NULL;
	}
	cc = calloc(1, sizeof(*cc));
	if (!cc)
		return NULL;
	cc->map_fd = map_fd;
	cc->d = *d;
	cc->name = name;
	cc->name_ctx = ctx;
	cc->delta = calloc(d->bins, sizeof(uint64_t));
	if (!cc->delta) {
		free(cc);
		return NULL;
	}
	return cc;
}

void keyed_collector__free(struct keyed_collector *cc)
{
	if (!cc)
		return;
	free(cc->snaps);
	free(cc->counts);
	free(cc->delta);
	key_index__free(&cc->index);
	free(cc);
}

static uint64_t *counts_of(struct keyed_collector *cc, size_t i)
{
	return cc->counts + i * cc->d.bins;
}

/* Room for one more snapshot. 0 or -ENOMEM. */
static int grow(struct keyed_collector *cc)
{
	size_t cap = cc->cap ? 2 * cc->cap : 64;
	void *p;

	if (cc->n < cc->cap)
		return 0;
	p = realloc(cc->snaps, cap * sizeof(*cc->snaps));
	if (!p)
		return -ENOMEM;
	cc->snaps = p;
	p = realloc(cc->counts, cap * cc->d.bins * sizeof(uint64_t));
	if (!p)
		return -ENOMEM;
	cc->counts = p;
	cc->cap = cap;
	return 0;
}

uint64_t keyed_collector__evicted(const struct keyed_collector *cc)
{
	return cc->evicted;
}

/* The snapshot of id; a new one starts at zero (counted since insertion). */
static struct key_snapshot *snapshot(struct keyed_collector *cc,
					uint64_t id)
{
	size_t i = key_index__find_id(&cc->index, cc->snaps,
				      sizeof(*cc->snaps), id);

	if (i != SIZE_MAX)
		return &cc->snaps[i];
	if (grow(cc) || key_index__add(&cc->index, id, cc->n))
		return NULL;
	cc->snaps[cc->n] = (struct key_snapshot){ .id = id };
	memset(counts_of(cc, cc->n), 0, cc->d.bins * sizeof(uint64_t));
	return &cc->snaps[cc->n++];
}

/* The window's histograms of one entry: non-empty features only. */
static int add_hists(struct keyed_collector *cc, struct window *w,
		     uint64_t id, const void *value)
{
	const char *path = cc->name(cc->name_ctx, id, value);

	for (int f = 0; f < DP_F_COUNT; f++) {
		const struct feature_info *fi = &feature_table[f];
		const uint64_t *c = cc->delta + fi->offset;
		bool any = false;
		int err;

		if (fi->group != cc->d.group)
			continue;	/* another group's map */
		for (uint32_t b = 0; b < fi->bins && !any; b++)
			any = c[b] != 0;
		if (!any)
			continue;
		err = window__add(w, f, path, c, fi->bins);
		if (err)
			return err;
	}
	return 0;
}

/* Forget snapshots not seen in this read: their entries were evicted. */
static int drop_unseen(struct keyed_collector *cc)
{
	struct key_index fresh = { 0 };
	size_t kept = 0;

	for (size_t i = 0; i < cc->n; i++) {
		if (!cc->snaps[i].seen) {
			cc->evicted++;
			continue;
		}
		cc->snaps[i].seen = false;
		cc->snaps[kept] = cc->snaps[i];
		memmove(counts_of(cc, kept), counts_of(cc, i),
			cc->d.bins * sizeof(uint64_t));
		if (key_index__add(&fresh, cc->snaps[kept].id, kept)) {
			key_index__free(&fresh);
			return -ENOMEM;
		}
		kept++;
	}
	key_index__free(&cc->index);
	cc->index = fresh;
	cc->n = kept;
	return 0;
}

struct read_ctx {
	struct keyed_collector *cc;
	struct window *w;
};

static int read_one(const void *key, const void *value, void *ctx)
{
	struct read_ctx *r = ctx;
	struct keyed_collector *cc = r->cc;
	uint64_t id = *(const uint64_t *)key;
	struct key_snapshot *s = snapshot(cc, id);
	uint64_t *prev;

	if (!s)
		return -ENOMEM;
	if (s->seen)
		return 0;	/* a walk that met an element twice */
	s->seen = true;
	prev = counts_of(cc, (size_t)(s - cc->snaps));
	counters__diff(prev, value, cc->d.bins, cc->delta);
	memcpy(prev, value, cc->d.bins * sizeof(uint64_t));
	return r->w ? add_hists(cc, r->w, id, value) : 0;
}

int keyed_collector__read(struct keyed_collector *cc, struct window *w)
{
	struct read_ctx r = { cc, w };
	int err;

	err = map_walk(cc->map_fd, sizeof(uint64_t), cc->d.value_size,
		       read_one, &r);
	return err ? err : drop_unseen(cc);
}
