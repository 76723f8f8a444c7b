// SPDX-License-Identifier: MIT
/*
 * A baseline in memory: its entries found by (feature, cgroup) through a
 * hash index, and freed. Calibration is baseline_builder.c's, the file
 * baseline_file.c's.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
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

void baseline_entry__clear(struct baseline_entry *e)
{
	for (unsigned int k = 0; k < e->nmodes; k++)
		if (e->modes[k].counts != e->counts)
			free(e->modes[k].counts);
	free(e->counts);
	free(e->cgroup);
}

void baseline__free(struct baseline *bl)
{
	if (!bl)
		return;
	for (size_t i = 0; i < bl->n; i++)
		baseline_entry__clear(&bl->entries[i]);
	free(bl->entries);
	key_index__free(&bl->index);
	free(bl->host);
	free(bl->kernel);
	free(bl);
}

bool baseline__differs(const struct baseline *bl, const char *host,
		       const char *kernel, double interval_s, char *buf,
		       size_t len)
{
	bool h = host && strcmp(host, bl->host);
	bool k = kernel && strcmp(kernel, bl->kernel);
	bool i = fabs(interval_s - bl->interval_s) > 0.05 * bl->interval_s;
	FILE *f = fmemopen(buf, len, "w");	/* bounded by len */

	if (!f) {
		snprintf(buf, len, "learnt elsewhere");
		return h || k || i;
	}
	fputs("learnt", f);
	if (h)
		fprintf(f, " on host %s (this is %s)", bl->host, host);
	if (k)
		fprintf(f, "%s kernel %s (this is %s)", h ? "," : " with",
			bl->kernel, kernel);
	if (i)
		fprintf(f, "%s %g s windows (these are %g s)",
			h || k ? ", from" : " from", bl->interval_s,
			interval_s);
	fclose(f);
	return h || k || i;
}
