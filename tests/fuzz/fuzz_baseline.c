// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: baseline files, the input of `analyze --baseline` and
 * `run --baseline`. A baseline the loader accepts must be internally
 * consistent (bin counts from the feature table, per-entry windows within
 * the baseline's, 1 to BASELINE_MAX_MODES modes adding up to the pool, a
 * finite score model), because the detector trusts it: each entry is then
 * judged against its own pool, which must not fail.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "baseline.h"
#include "detector.h"
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
		struct detector_opts o;
		struct detector_state st = { 0 };
		struct analysis an;

		if (e->nbins != feature_table[e->feature].bins ||
		    !e->windows || e->windows > bl->windows ||
		    e->trimmed >= e->windows ||
		    !e->nmodes || e->nmodes > BASELINE_MAX_MODES ||
		    !(e->score.scale >= SCORE_SCALE_MIN) ||
		    !isfinite(e->score.median) || !(e->novel_rate > 0) ||
		    baseline__find(bl, e->feature, e->cgroup) != e)
			abort();
		for (uint32_t b = 0; b < e->nbins; b++) {
			uint64_t sum = 0;

			for (unsigned int k = 0; k < e->nmodes; k++)
				sum += e->modes[k].counts[b];
			if (sum != e->counts[b])
				abort();
		}
		detector_opts__defaults(&o);
		if (detector__judge(&o, &st, e, e->counts, 6, &an) ||
		    !(an.score >= 0 && an.score <= SCORE_MAX))
			abort();
	}
	baseline__free(bl);
	return 0;
}
