// SPDX-License-Identifier: MIT
/* Per-cgroup snapshots of the kernel's cgroup map; see cgroup_collect.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "cgroup_collect.h"
#include "cgroup_path.h"
#include "collect.h"
#include "feature.h"
#include "key_index.h"
#include "map_walk.h"
#include "window.h"

#define CG_WORDS (sizeof(struct dp_syscall_hist) / sizeof(uint64_t))

struct cgroup_snapshot {
	uint64_t id;
	uint64_t counts[DP_SYSCALL_BINS];	/* cumulative, last read */
	bool seen;				/* in the current read */
};

struct cgroup_collector {
	int map_fd;
	struct cgroup_paths *paths;
	size_t n, cap;
	struct cgroup_snapshot *snaps;
	struct key_index index;		/* id -> snaps[] */
	uint64_t evicted;
	uint64_t delta[DP_SYSCALL_BINS];
};

struct cgroup_collector *cgroup_collector__new(int map_fd,
					       struct cgroup_paths *paths)
{
	struct cgroup_collector *cc = calloc(1, sizeof(*cc));

	if (!cc)
		return NULL;
	cc->map_fd = map_fd;
	cc->paths = paths;
	return cc;
}

void cgroup_collector__free(struct cgroup_collector *cc)
{
	if (!cc)
		return;
	free(cc->snaps);
	key_index__free(&cc->index);
	free(cc);
}

uint64_t cgroup_collector__evicted(const struct cgroup_collector *cc)
{
	return cc->evicted;
}

/* The snapshot of id; a new one starts at zero (counted since insertion). */
static struct cgroup_snapshot *snapshot(struct cgroup_collector *cc,
					uint64_t id)
{
	size_t cursor = 0, i;

	while ((i = key_index__next(&cc->index, id, &cursor)) != SIZE_MAX)
		if (cc->snaps[i].id == id)
			return &cc->snaps[i];
	if (cc->n == cc->cap) {
		size_t cap = cc->cap ? 2 * cc->cap : 64;
		void *p = realloc(cc->snaps, cap * sizeof(*cc->snaps));

		if (!p)
			return NULL;
		cc->snaps = p;
		cc->cap = cap;
	}
	if (key_index__add(&cc->index, id, cc->n))
		return NULL;
	memset(&cc->snaps[cc->n], 0, sizeof(cc->snaps[0]));
	cc->snaps[cc->n].id = id;
	return &cc->snaps[cc->n++];
}

/* The window's histograms of one cgroup: non-empty features only. */
static int add_hists(struct cgroup_collector *cc, struct window *w,
		     uint64_t id)
{
	const char *path = cgroup_paths__name(cc->paths, id);

	for (int f = 0; f < DP_F_COUNT; f++) {
		const struct feature_info *fi = &feature_table[f];
		const uint64_t *c = cc->delta + fi->offset;
		bool any = false;
		int err;

		if (fi->group != DP_GROUP_SYSCALL)
			continue;	/* the cgroup map holds that group only */
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
static int drop_unseen(struct cgroup_collector *cc)
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
	struct cgroup_collector *cc;
	struct window *w;
};

static int read_one(const void *key, const void *value, void *ctx)
{
	const struct dp_syscall_hist *v = value;
	struct read_ctx *r = ctx;
	struct cgroup_collector *cc = r->cc;
	uint64_t id = *(const uint64_t *)key;
	struct cgroup_snapshot *s = snapshot(cc, id);

	if (!s)
		return -ENOMEM;
	if (s->seen)
		return 0;	/* a walk that met an element twice */
	s->seen = true;
	collect__diff(s->counts, (const uint64_t *)v->counts,
		      DP_SYSCALL_BINS, cc->delta);
	memcpy(s->counts, v->counts, sizeof(s->counts));
	return r->w ? add_hists(cc, r->w, id) : 0;
}

int cgroup_collector__read(struct cgroup_collector *cc, struct window *w)
{
	struct read_ctx r = { cc, w };
	int err;

	cgroup_paths__new_window(cc->paths);
	err = map_walk(cc->map_fd, sizeof(uint64_t),
		       sizeof(struct dp_syscall_hist), read_one, &r);
	return err ? err : drop_unseen(cc);
}
