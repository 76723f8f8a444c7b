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

KEY_INDEX_FC_KEYED(struct baseline_entry);

const struct baseline_entry *baseline__find(const struct baseline *bl,
					    enum dp_feature_id f,
					    const char *cgroup)
{
	size_t i = key_index__find(&bl->index, bl->entries,
				   sizeof(*bl->entries), f, cgroup);

	return i == SIZE_MAX ? NULL : &bl->entries[i];
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
