// SPDX-License-Identifier: MIT
/* Per-CPU cgroup slots; see cg_slots.h. */
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <driftprobe/features.h>
#include "cg_slots.h"

struct cg_slots {
	int fd;
	size_t ncpus, bins, stride;
	unsigned char *copy[CG_SLOTS_COPIES];
};

struct cg_slots *cg_slots__new(int fd, size_t ncpus, size_t bins,
			       size_t value_size)
{
	struct cg_slots *s;

	if (value_size < sizeof(struct dp_cg_slot_head) +
			 bins * sizeof(uint64_t)) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->fd = fd;
	s->ncpus = ncpus;
	s->bins = bins;
	/* The kernel copies per-CPU values 8-byte aligned. */
	s->stride = (value_size + 7) & ~(size_t)7;
	for (int c = 0; c < CG_SLOTS_COPIES; c++) {
		s->copy[c] = calloc(ncpus, s->stride);
		if (!s->copy[c]) {
			cg_slots__free(s);
			errno = ENOMEM;
			return NULL;
		}
	}
	return s;
}

void cg_slots__free(struct cg_slots *s)
{
	if (!s)
		return;
	for (int c = 0; c < CG_SLOTS_COPIES; c++)
		free(s->copy[c]);
	free(s);
}

/*
 * The fences keep this CPU's loads (the kernel's copy included) in the
 * order of the reads: seq, counts, the map, seq. The writer's side is
 * ordered by its atomic increments of seq, full barriers on x86; on
 * arm64 the JIT's non-fetching atomic add is not (not checked there).
 */
int cg_slots__read(struct cg_slots *s, enum cg_slots_copy c)
{
	uint32_t zero = 0;
	int err;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	err = bpf_map_lookup_elem(s->fd, &zero, s->copy[c]) ? -errno : 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return err;
}

const void *cg_slots__copy(const struct cg_slots *s, enum cg_slots_copy c)
{
	return s->copy[c];
}

size_t cg_slots__ncpus(const struct cg_slots *s)
{
	return s->ncpus;
}

size_t cg_slots__stride(const struct cg_slots *s)
{
	return s->stride;
}

size_t cg_slots__bins(const struct cg_slots *s)
{
	return s->bins;
}

static const struct dp_cg_slot_head *head_of(const void *slots, size_t cpu,
					     size_t stride)
{
	return (const void *)((const unsigned char *)slots + cpu * stride);
}

bool cg_slots_stable(const void *before, const void *after, size_t ncpus,
		     size_t stride)
{
	for (size_t cpu = 0; cpu < ncpus; cpu++) {
		uint64_t a = head_of(before, cpu, stride)->seq;

		if (a & 1 || a != head_of(after, cpu, stride)->seq)
			return false;
	}
	return true;
}

uint64_t cg_slots_cgid(const void *slots, size_t cpu, size_t stride)
{
	return head_of(slots, cpu, stride)->cgid;
}

bool cg_slots_bound(const void *slots, size_t ncpus, size_t stride,
		    uint64_t cgid)
{
	for (size_t cpu = 0; cpu < ncpus; cpu++)
		if (cgid && head_of(slots, cpu, stride)->cgid == cgid)
			return true;
	return false;
}

void cg_slots_add(const void *slots, size_t ncpus, size_t stride,
		  size_t bins, uint64_t cgid, uint64_t *counts)
{
	for (size_t cpu = 0; cpu < ncpus; cpu++) {
		const struct dp_cg_slot_head *h = head_of(slots, cpu, stride);
		const uint64_t *c = (const void *)(h + 1);

		if (!cgid || h->cgid != cgid)
			continue;
		for (size_t i = 0; i < bins; i++)
			counts[i] += c[i];
	}
}

uint64_t cg_slots_dropped(const void *slots, size_t ncpus, size_t stride)
{
	uint64_t sum = 0;

	for (size_t cpu = 0; cpu < ncpus; cpu++)
		sum += head_of(slots, cpu, stride)->dropped;
	return sum;
}
