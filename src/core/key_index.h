/* SPDX-License-Identifier: MIT */
/*
 * An index from (feature, cgroup) to a position in the caller's array, so
 * that finding one of 1,000 cgroups x every feature costs one probe, not a
 * scan: windows, baselines and the report each keep one. Open addressing
 * on a 64-bit hash; the caller confirms a candidate against its own key
 * (the index stores no keys), so a collision costs a comparison, never a
 * wrong answer.
 */
#ifndef DRIFTPROBE_KEY_INDEX_H
#define DRIFTPROBE_KEY_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <driftprobe/features.h>

struct key_index {
	size_t cap;		/* slots, a power of two (0: empty index) */
	size_t n;
	uint64_t *hash;		/* per slot */
	size_t *pos;		/* per slot: position + 1, 0 = free */
};

uint64_t key_index__hash(unsigned int feature, const char *cgroup);

/* Record that hash lives at pos. 0 or -ENOMEM (the index is unchanged). */
int key_index__add(struct key_index *ki, uint64_t hash, size_t pos);

/*
 * Candidates for hash: start with *cursor = 0 and call until it returns
 * SIZE_MAX; every other return is a position whose key may match.
 */
size_t key_index__next(const struct key_index *ki, uint64_t hash,
		       size_t *cursor);

void key_index__free(struct key_index *ki);

/*
 * The key of the (feature, cgroup) arrays: the first members of their
 * elements (struct window_hist, baseline_entry, fc_table's elements...).
 */
struct fc_key {
	enum dp_feature_id feature;
	char *cgroup;
};

/* Compile-time check that type begins like struct fc_key. */
#define KEY_INDEX_FC_KEYED(type)					\
	_Static_assert(offsetof(type, feature) == 0 &&			\
		       offsetof(type, cgroup) ==			\
		       offsetof(struct fc_key, cgroup),			\
		       #type " must begin like struct fc_key")

/*
 * The position of (f, cgroup) among the elements of stride bytes at base,
 * each beginning like struct fc_key and indexed under key_index__hash; or
 * SIZE_MAX.
 */
size_t key_index__find(const struct key_index *ki, const void *base,
		       size_t stride, enum dp_feature_id f, const char *cgroup);

/*
 * The same for elements whose first member is a uint64_t id, indexed
 * under the id itself.
 */
size_t key_index__find_id(const struct key_index *ki, const void *base,
			  size_t stride, uint64_t id);

#endif /* DRIFTPROBE_KEY_INDEX_H */
