/* SPDX-License-Identifier: MIT */
/*
 * From cumulative per-CPU kernel counters to window histograms: sum CPUs,
 * diff against the previous snapshot. The arithmetic is pure and separate
 * from the map reads so it is tested without a kernel.
 */
#ifndef DRIFTPROBE_COLLECT_H
#define DRIFTPROBE_COLLECT_H

#include <stddef.h>
#include <stdint.h>

struct probe;
struct window;

/*
 * out[i] = sum over cpus of percpu[cpu * stride + i], for i < n.
 * stride is the per-CPU value size in u64 words (>= n).
 */
void collect__sum_cpus(const uint64_t *percpu, size_t ncpus, size_t stride,
		       uint64_t *out, size_t n);

/*
 * delta[i] = cur[i] - prev[i] (modulo 2^64, so a counter that wrapped still
 * gives the true increment). A difference above 2^63 cannot be a real
 * increment of a 64-bit counter in one interval: it means the counter went
 * backwards (map recreated), so delta[i] = 0 and the bin is counted as a
 * reset. Returns the number of reset bins.
 */
size_t collect__diff(const uint64_t *prev, const uint64_t *cur, size_t n,
		     uint64_t *delta);

/* A live collector: the previous snapshot of every map the probe owns. */
struct collector;

struct collector *collector__new(struct probe *p);
void collector__free(struct collector *c);

/*
 * Read every map (one syscall each), diff against the previous snapshot and
 * return the window. The first call only primes the snapshot and returns
 * NULL with errno = EAGAIN. NULL + errno on failure.
 */
struct window *collector__next(struct collector *c, double ts,
			       double interval_s, const char *host);

/* Health counters since the collector started: name/value pairs, every group. */
size_t collector__health(const struct collector *c, const char ***names,
			 const uint64_t **values);

/* Bins whose counters went backwards, since the collector started. */
uint64_t collector__resets(const struct collector *c);

#endif /* DRIFTPROBE_COLLECT_H */
