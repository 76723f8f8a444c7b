/* SPDX-License-Identifier: MIT */
/*
 * A small growable table keyed by (feature, cgroup): the per-series state
 * that reports, views and metrics keep across windows. Elements are
 * caller-defined structs that begin with struct fc_key; lookups go
 * through a hash index (every feature times 1,000s of cgroups).
 */
#ifndef DRIFTPROBE_FC_TABLE_H
#define DRIFTPROBE_FC_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <driftprobe/features.h>
#include "key_index.h"

struct fc_table {
	size_t elem;		/* sizeof the element struct; set before use */
	size_t n, cap;
	void *items;
	struct key_index index;	/* (feature, cgroup) -> items[] */
};

#define FC_TABLE_INIT(type) { .elem = sizeof(type) }

/* The i-th element (i < n). */
static inline void *fc_table__at(const struct fc_table *t, size_t i)
{
	return (char *)t->items + i * t->elem;
}

/*
 * The element for (f, cgroup); a new one (zeroed but for its key) is
 * appended when there is none. NULL when out of memory. Pointers stay
 * valid only until the next call that appends.
 */
void *fc_table__get(struct fc_table *t, enum dp_feature_id f,
		    const char *cgroup);

/* The index of (f, cgroup)'s element, or SIZE_MAX when there is none. */
size_t fc_table__index(const struct fc_table *t, enum dp_feature_id f,
		       const char *cgroup);

/* The element for (f, cgroup), or NULL when there is none. */
void *fc_table__find(const struct fc_table *t, enum dp_feature_id f,
		     const char *cgroup);

/*
 * Keep the elements for which keep(element, ctx) is true, in their order,
 * and drop the others, their keys freed (keep only answers; an element's
 * own pointers are the caller's to free first). The array shrinks when
 * three quarters of it are free. 0, or -ENOMEM (the index could not be
 * rebuilt: nothing was dropped).
 */
int fc_table__retain(struct fc_table *t,
		     bool (*keep)(const void *elem, void *ctx), void *ctx);

/* Free the keys and the array (the element structs' own pointers are the
   caller's); the table is empty and reusable after. */
void fc_table__clear(struct fc_table *t);

#endif /* DRIFTPROBE_FC_TABLE_H */
