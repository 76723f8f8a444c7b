/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU cgroup slots of a group that counts per cgroup through them
 * (features.h: struct dp_cg_slot_head, then the group's counts): each
 * CPU's slot holds one cgroup's counts not yet moved into the group's
 * per-cgroup hash. A reader's count of a cgroup is its hash entry plus
 * every slot bound to it, read as a seqlock: read the slots (seq), the
 * slots again (counts), the hash, the slots a third time (seq); when
 * every CPU's seq was even and the same the first and third time, no
 * count moved from a slot into the hash meanwhile (nor did a slot change
 * cgroup), so each count was read once. Else read again.
 *
 * One lookup of the slot map copies every CPU's slot. The arithmetic on
 * copies (cg_slots_stable, cg_slots_add, ...) is pure and tested without
 * a kernel.
 */
#ifndef DRIFTPROBE_CG_SLOTS_H
#define DRIFTPROBE_CG_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The copies one read keeps: seq before, counts, seq after. */
enum cg_slots_copy { CG_SLOTS_BEFORE, CG_SLOTS_COUNTS, CG_SLOTS_AFTER,
		     CG_SLOTS_COPIES };

/* Reads of the slots and the hash a collector tries before giving up. */
#define CG_SLOTS_TRIES	4

struct cg_slots;

/*
 * Slots of map fd (key 0; per CPU, value_size bytes: the head, then bins
 * u64 counts). NULL + errno (ENOMEM, EINVAL for a value too small).
 */
struct cg_slots *cg_slots__new(int fd, size_t ncpus, size_t bins,
			       size_t value_size);
void cg_slots__free(struct cg_slots *s);

/* Copy every CPU's slot into copy c. 0 or -errno. */
int cg_slots__read(struct cg_slots *s, enum cg_slots_copy c);

/* Copy c: ncpus values of stride bytes each. */
const void *cg_slots__copy(const struct cg_slots *s, enum cg_slots_copy c);
size_t cg_slots__ncpus(const struct cg_slots *s);
size_t cg_slots__stride(const struct cg_slots *s);
size_t cg_slots__bins(const struct cg_slots *s);

/* Pure, on copies of ncpus slots of stride bytes each. */

/* Whether every CPU's seq is even, and the same in before and after. */
bool cg_slots_stable(const void *before, const void *after, size_t ncpus,
		     size_t stride);

/* The cgroup CPU cpu's slot is bound to (0: none). */
uint64_t cg_slots_cgid(const void *slots, size_t cpu, size_t stride);

/* Whether some CPU's slot is bound to cgid (!= 0). */
bool cg_slots_bound(const void *slots, size_t ncpus, size_t stride,
		    uint64_t cgid);

/* counts[i] += every slot bound to cgid's counts[i], i < bins. */
void cg_slots_add(const void *slots, size_t ncpus, size_t stride,
		  size_t bins, uint64_t cgid, uint64_t *counts);

/* The slots' dropped counters, summed. */
uint64_t cg_slots_dropped(const void *slots, size_t ncpus, size_t stride);

#endif /* DRIFTPROBE_CG_SLOTS_H */
