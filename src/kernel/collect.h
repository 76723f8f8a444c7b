/* SPDX-License-Identifier: MIT */
/*
 * From cumulative per-CPU kernel counters to window histograms: read the
 * maps, sum CPUs and diff against the previous snapshot (counters.h).
 */
#ifndef DRIFTPROBE_COLLECT_H
#define DRIFTPROBE_COLLECT_H

#include <stddef.h>
#include <stdint.h>

struct probe;
struct window;

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
