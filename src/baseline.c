// SPDX-License-Identifier: MIT
/*
 * A baseline in memory: its entries found by (feature, cgroup) through a
 * hash index, and freed. Calibration is baseline_builder.c's, the file
 * baseline_file.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "baseline.h"

const struct baseline_entry *baseline__find(const struct baseline *bl,
					    enum dp_feature_id f,
					    const char *cgroup)
{
	uint64_t hash = key_index__hash(f, cgroup);
	size_t cursor = 0, i;

	while ((i = key_index__next(&bl->index, hash, &cursor)) != SIZE_MAX)
		if (bl->entries[i].feature == f &&
		    !strcmp(bl->entries[i].cgroup, cgroup))
			return &bl->entries[i];
	return NULL;
}

int baseline__index_entry(struct baseline *bl, size_t i)
{
	const struct baseline_entry *e = &bl->entries[i];

	if (baseline__find(bl, e->feature, e->cgroup))
		return -EEXIST;
	return key_index__add(&bl->index, key_index__hash(e->feature,
							   e->cgroup), i);
}

void baseline__free(struct baseline *bl)
{
	if (!bl)
		return;
	for (size_t i = 0; i < bl->n; i++) {
		free(bl->entries[i].cgroup);
		free(bl->entries[i].counts);
	}
	free(bl->entries);
	key_index__free(&bl->index);
	free(bl->host);
	free(bl->kernel);
	free(bl);
}
