/* SPDX-License-Identifier: MIT */
/*
 * --per-cgroup collection of one group (syscall, net, node): every
 * interval, walk the group's kernel cgroup map (one entry per cgroup v2
 * id, cumulative counters at the start of each value), diff each entry
 * against its previous snapshot and add its non-empty histograms of the
 * group's features to the window under the cgroup's path. An entry that
 * vanished between two reads was evicted by the kernel's LRU (more live
 * cgroups than DP_CGROUP_MAX): its counts since the last read are lost,
 * and counted as such.
 */
#ifndef DRIFTPROBE_CGROUP_COLLECT_H
#define DRIFTPROBE_CGROUP_COLLECT_H

#include <stddef.h>
#include <stdint.h>
#include <driftprobe/features.h>

struct cgroup_paths;
struct window;
struct cgroup_collector;

/* One group's per-cgroup map: which features, what one value holds. */
struct cgroup_map_desc {
	enum dp_group group;	/* features whose feature_table group it is */
	size_t bins;		/* count words at the start of each value */
	size_t value_size;	/* bytes of one value (>= bins words) */
};

/* NULL + errno (ENOMEM, EINVAL for a value smaller than its bins). */
struct cgroup_collector *cgroup_collector__new(int map_fd,
					       const struct cgroup_map_desc *d,
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
