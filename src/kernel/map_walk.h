/* SPDX-License-Identifier: MIT */
/*
 * Every element of a BPF hash map, read in batches (one bpf() call per
 * MAP_WALK_BATCH elements) instead of two calls per element: with 8,192
 * process exemplars or 1,024 cgroups that is the difference between a
 * probe whose idle cost is its map walks and one whose is not. Kernels
 * without batch operations get the element-by-element walk.
 */
#ifndef DRIFTPROBE_MAP_WALK_H
#define DRIFTPROBE_MAP_WALK_H

#include <stddef.h>

#define MAP_WALK_BATCH	256

/* Called per element; a negative return stops the walk and is returned. */
typedef int (*map_walk_fn)(const void *key, const void *value, void *ctx);

/*
 * Walk map fd (keys of key_size, values of value_size bytes). An element
 * may be missed or seen twice when the kernel inserts or evicts during
 * the element-by-element fallback; fn must tolerate a repeat. Returns 0,
 * fn's negative return, or -errno.
 */
int map_walk(int fd, size_t key_size, size_t value_size, map_walk_fn fn,
	     void *ctx);

#endif /* DRIFTPROBE_MAP_WALK_H */
