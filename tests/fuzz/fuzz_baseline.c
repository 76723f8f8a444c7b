// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: baseline files, the input of `analyze --baseline` and
 * `run --baseline`. A baseline the loader accepts must be internally
 * consistent (bin counts from the feature table, per-entry windows within
 * the baseline's, finite thresholds), because the detector trusts it.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "baseline.h"
#include "feature.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct baseline *bl;
	char err[512];

	err[0] = 0;
	bl = baseline__load(fuzz_file__path(data, size), err, sizeof(err));
	if (!bl) {
		if (!err[0] || errno == 0)
			abort();	/* an error without a message or errno */
		return 0;
	}
	if (bl->version != BASELINE_VERSION || bl->windows < 2)
		abort();
	for (size_t i = 0; i < bl->n; i++) {
		const struct baseline_entry *e = &bl->entries[i];

		if (e->nbins != feature_table[e->feature].bins ||
		    !e->windows || e->windows > bl->windows ||
		    !isfinite(e->threshold) ||
		    baseline__find(bl, e->feature, e->cgroup) != e)
			abort();
	}
	baseline__free(bl);
	return 0;
}
