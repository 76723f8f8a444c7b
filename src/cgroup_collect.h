/* SPDX-License-Identifier: MIT */
/*
 * --per-cgroup collection: every interval, walk the kernel's cgroup map
 * (one entry per cgroup v2 id, cumulative counters), diff each entry
 * against its previous snapshot and add its non-empty histograms to the
 * window under the cgroup's path. An entry that vanished between two reads
 * was evicted by the kernel's LRU (more live cgroups than DP_CGROUP_MAX):
 * its counts since the last read are lost, and counted as such.
 */
#ifndef DRIFTPROBE_CGROUP_COLLECT_H
#define DRIFTPROBE_CGROUP_COLLECT_H

#include <stdint.h>

struct cgroup_paths;
struct window;
struct cgroup_collector;

/* NULL + errno (ENOMEM). */
struct cgroup_collector *cgroup_collector__new(int map_fd,
					       struct cgroup_paths *paths);
void cgroup_collector__free(struct cgroup_collector *cc);

/*
 * Read the map and, unless w is NULL (priming), add this interval's
 * histograms. 0 or -errno (the map read failed, ENOMEM).
 */
int cgroup_collector__read(struct cgroup_collector *cc, struct window *w);

/* Entries evicted since the collector started. */
uint64_t cgroup_collector__evicted(const struct cgroup_collector *cc);

#endif /* DRIFTPROBE_CGROUP_COLLECT_H */
