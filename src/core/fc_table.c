// SPDX-License-Identifier: MIT
/*
 * (feature, cgroup) -> caller's struct: find, or append zeroed; drop the
 * ones a caller no longer wants.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fc_table.h"
#include "key_index.h"

void *fc_table__get(struct fc_table *t, enum dp_feature_id f,
		    const char *cgroup)
{
	struct fc_key *k = fc_table__find(t, f, cgroup);

	if (k)
		return k;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 8;
		void *p = realloc(t->items, cap * t->elem);

		if (!p)
			return NULL;
		t->items = p;
		t->cap = cap;
	}
	k = fc_table__at(t, t->n);
	memset(k, 0, t->elem);
	k->feature = f;
	k->cgroup = strdup(cgroup);
	if (!k->cgroup)
		return NULL;
	if (key_index__add(&t->index, key_index__hash(f, cgroup), t->n)) {
		free(k->cgroup);
		return NULL;
	}
	t->n++;
	return k;
}

size_t fc_table__index(const struct fc_table *t, enum dp_feature_id f,
		       const char *cgroup)
{
	return key_index__find(&t->index, t->items, t->elem, f, cgroup);
}

void *fc_table__find(const struct fc_table *t, enum dp_feature_id f,
		     const char *cgroup)
{
	size_t i = fc_table__index(t, f, cgroup);

	return i == SIZE_MAX ? NULL : fc_table__at(t, i);
}

int fc_table__retain(struct fc_table *t,
		     bool (*keep)(const void *elem, void *ctx), void *ctx)
{
	struct key_index index = { 0 };
	bool *kept = t->n ? calloc(t->n, sizeof(*kept)) : NULL;
	size_t n = 0;

	if (t->n && !kept)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		const struct fc_key *k = fc_table__at(t, i);

		kept[i] = keep(k, ctx);
		if (kept[i] &&
		    key_index__add(&index, key_index__hash(k->feature,
							   k->cgroup), n++)) {
			key_index__free(&index);
			free(kept);
			return -ENOMEM;
		}
	}
	n = 0;
	for (size_t i = 0; i < t->n; i++) {
		struct fc_key *k = fc_table__at(t, i);

		if (!kept[i])
			free(k->cgroup);
		else if (n++ != i)
			memcpy(fc_table__at(t, n - 1), k, t->elem);
	}
	free(kept);
	key_index__free(&t->index);
	t->index = index;
	t->n = n;
	if (t->cap > 8 && n <= t->cap / 4) {
		size_t cap = n > 4 ? 2 * n : 8;
		void *p = realloc(t->items, cap * t->elem);

		if (p) {
			t->items = p;
			t->cap = cap;
		}
	}
	return 0;
}

void fc_table__clear(struct fc_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(((struct fc_key *)fc_table__at(t, i))->cgroup);
	free(t->items);
	key_index__free(&t->index);
	t->items = NULL;
	t->n = t->cap = 0;
}
