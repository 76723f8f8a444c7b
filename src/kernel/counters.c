// SPDX-License-Identifier: MIT
/* Sum and diff of cumulative per-CPU counters; see counters.h. */
#include <string.h>
#include "counters.h"

void counters__sum_cpus(const uint64_t *percpu, size_t ncpus, size_t stride,
			uint64_t *out, size_t n)
{
	memset(out, 0, n * sizeof(*out));
	for (size_t cpu = 0; cpu < ncpus; cpu++)
		for (size_t i = 0; i < n; i++)
			out[i] += percpu[cpu * stride + i];
}

size_t counters__diff(const uint64_t *prev, const uint64_t *cur, size_t n,
		      uint64_t *delta)
{
	size_t resets = 0;

	for (size_t i = 0; i < n; i++) {
		delta[i] = cur[i] - prev[i];
		if (delta[i] > (UINT64_C(1) << 63)) {
			delta[i] = 0;
			resets++;
		}
	}
	return resets;
}
