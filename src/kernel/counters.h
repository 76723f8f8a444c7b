/* SPDX-License-Identifier: MIT */
/*
 * The arithmetic of cumulative per-CPU kernel counters: sum the CPUs, diff
 * two snapshots. Pure, shared by the global and the per-cgroup collectors,
 * tested without a kernel.
 */
#ifndef DRIFTPROBE_COUNTERS_H
#define DRIFTPROBE_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

/*
 * out[i] = sum over cpus of percpu[cpu * stride + i], for i < n.
 * stride is the per-CPU value size in u64 words (>= n).
 */
void counters__sum_cpus(const uint64_t *percpu, size_t ncpus, size_t stride,
			uint64_t *out, size_t n);

/*
 * delta[i] = cur[i] - prev[i] (modulo 2^64, so a counter that wrapped still
 * gives the true increment). A difference above 2^63 cannot be a real
 * increment of a 64-bit counter in one interval: it means the counter went
 * backwards (map recreated), so delta[i] = 0 and the bin is counted as a
 * reset. Returns the number of reset bins.
 */
size_t counters__diff(const uint64_t *prev, const uint64_t *cur, size_t n,
		      uint64_t *delta);

#endif /* DRIFTPROBE_COUNTERS_H */
