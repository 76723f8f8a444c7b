// SPDX-License-Identifier: MIT
/* (feature, cgroup) -> position index; see key_index.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "key_index.h"

uint64_t key_index__hash(unsigned int feature, const char *cgroup)
{
	uint64_t h = 1469598103934665603ull ^ feature;	/* FNV-1a */

	h *= 1099511628211ull;
	for (; *cgroup; cgroup++) {
		h ^= (unsigned char)*cgroup;
		h *= 1099511628211ull;
	}
	return h ^ (h >> 29);
}

static void key_index__place(uint64_t *hash, size_t *pos, size_t cap,
			     uint64_t h, size_t p)
{
	size_t i = h & (cap - 1);

	while (pos[i])
		i = (i + 1) & (cap - 1);
	hash[i] = h;
	pos[i] = p + 1;
}

int key_index__add(struct key_index *ki, uint64_t hash, size_t pos)
{
	if (2 * (ki->n + 1) > ki->cap) {	/* keep the load <= 1/2 */
		size_t cap = ki->cap ? 2 * ki->cap : 16;
		uint64_t *h = calloc(cap, sizeof(*h));
		size_t *p = calloc(cap, sizeof(*p));

		if (!h || !p) {
			free(h);
			free(p);
			return -ENOMEM;
		}
		for (size_t i = 0; i < ki->cap; i++)
			if (ki->pos[i])
				key_index__place(h, p, cap, ki->hash[i],
						 ki->pos[i] - 1);
		free(ki->hash);
		free(ki->pos);
		ki->hash = h;
		ki->pos = p;
		ki->cap = cap;
	}
	key_index__place(ki->hash, ki->pos, ki->cap, hash, pos);
	ki->n++;
	return 0;
}

size_t key_index__next(const struct key_index *ki, uint64_t hash,
		       size_t *cursor)
{
	if (!ki->cap)
		return SIZE_MAX;
	for (;;) {
		/* *cursor counts probes made so far along hash's run. */
		size_t i = (hash + *cursor) & (ki->cap - 1);

		if (!ki->pos[i] || *cursor >= ki->cap)
			return SIZE_MAX;
		(*cursor)++;
		if (ki->hash[i] == hash)
			return ki->pos[i] - 1;
	}
}

void key_index__free(struct key_index *ki)
{
	free(ki->hash);
	free(ki->pos);
	*ki = (struct key_index){ 0 };
}

size_t key_index__find(const struct key_index *ki, const void *base,
		       size_t stride, enum dp_feature_id f, const char *cgroup)
{
	uint64_t hash = key_index__hash(f, cgroup);
	size_t cursor = 0, i;

	while ((i = key_index__next(ki, hash, &cursor)) != SIZE_MAX) {
		const struct fc_key *k = (const void *)((const char *)base +
							 i * stride);

		if (k->feature == f && !strcmp(k->cgroup, cgroup))
			return i;
	}
	return SIZE_MAX;
}

size_t key_index__find_id(const struct key_index *ki, const void *base,
			  size_t stride, uint64_t id)
{
	size_t cursor = 0, i;

	while ((i = key_index__next(ki, id, &cursor)) != SIZE_MAX)
		if (*(const uint64_t *)(const void *)((const char *)base +
						       i * stride) == id)
			return i;
	return SIZE_MAX;
}
