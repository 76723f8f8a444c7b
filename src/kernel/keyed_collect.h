/* SPDX-License-Identifier: MIT */
/*
 * Collection of one group's (syscall, net, node) histograms per key from a
 * kernel LRU hash keyed by a 64-bit id, cumulative counters at the start
 * of each value: --per-cgroup's maps (a cgroup v2 id, named by its path)
 * and --per-program's (a program identity, named by its executable). Every
 * interval, walk the map, diff each entry against its previous snapshot
 * and add its non-empty histograms of the group's features to the window
 * under the name the namer gives the entry. An entry that vanished between
 * two reads was evicted by the kernel's LRU (more live keys than the map
 * holds): its counts since the last read are lost, and counted as such.
 */
#ifndef DRIFTPROBE_KEYED_COLLECT_H
#define DRIFTPROBE_KEYED_COLLECT_H

#include <stddef.h>
#include <stdint.h>
#include <driftprobe/features.h>

struct window;
struct keyed_collector;

/* One group's per-cgroup map: which features, what one value holds. */
struct keyed_map_desc {
	enum dp_group group;	/* features whose feature_table group it is */
	size_t bins;		/* count words at the start of each value */
	size_t value_size;	/* bytes of one value (>= bins words) */
};

/*
 * The series name of the entry id whose value is value (value_size bytes):
 * never NULL, valid until the next call. What names the entries of a map.
 */
typedef const char *(*keyed_namer_fn)(void *ctx, uint64_t id,
				      const void *value);

/* NULL + errno (ENOMEM, EINVAL for a value smaller than its bins). */
struct keyed_collector *keyed_collector__new(int map_fd,
					     const struct keyed_map_desc *d,
					     keyed_namer_fn name, void *ctx);
void keyed_collector__free(struct keyed_collector *cc);

/*
 * Read the map and, unless w is NULL (priming), add this interval's
 * histograms. 0 or -errno (the map read failed, ENOMEM).
 */
int keyed_collector__read(struct keyed_collector *cc, struct window *w);

/* Entries evicted since the collector started. */
uint64_t keyed_collector__evicted(const struct keyed_collector *cc);

#endif /* DRIFTPROBE_KEYED_COLLECT_H */
