// SPDX-License-Identifier: MIT
/* (feature, cgroup) -> caller's struct: find, or append zeroed. */
#include <stdlib.h>
#include <string.h>
#include "fc_table.h"
#include "key_index.h"

void *fc_table__get(struct fc_table *t, enum dp_feature_id f,
		    const char *cgroup)
{
	size_t i = key_index__find(&t->index, t->items, t->elem, f, cgroup);
	struct fc_key *k;

	if (i != SIZE_MAX)
		return fc_table__at(t, i);
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

void fc_table__clear(struct fc_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(((struct fc_key *)fc_table__at(t, i))->cgroup);
	free(t->items);
	key_index__free(&t->index);
	t->items = NULL;
	t->n = t->cap = 0;
}
