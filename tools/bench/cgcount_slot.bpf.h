/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgcount candidate (d), shared by its two flavours: each CPU counts in
 * its own slot (a per-CPU array value) bound to one cgroup, with plain
 * adds; the first event of another cgroup on the CPU flushes the slot's
 * bins into the shared per-cgroup store (an LRU hash keyed by cgroup id,
 * atomic adds: one hash lookup per flush, not per event) and binds the
 * slot to the new cgroup. Only the bins the slot filled since its last
 * flush are flushed: a bin going from zero to non-zero is noted in the
 * slot's dirty list (each bin at most once between flushes).
 *
 * A reader gets exact counts of a cgroup by adding to its store entry
 * every CPU's slot bound to it; seq is odd while a flush moves counts
 * from slot to store, so a reader that finds a slot's seq changed (or
 * odd) between two reads of the slots around its read of the store reads
 * again.
 *
 * Each flavour defines cg_slot_cgid(s): the current task's cgroup id.
 */
#ifndef DP_BENCH_CGCOUNT_SLOT_BPF_H
#define DP_BENCH_CGCOUNT_SLOT_BPF_H

#include "cgcount.bpf.h"

struct cg_slot {
	__u64 cgid;		/* the cgroup counts[] belong to; 0: none */
	__u64 seq;		/* odd while a flush runs */
	__u64 cur;		/* switch flavour: the running task's cgroup */
	__u64 dropped;		/* counts flushed without a store entry */
	__u32 ndirty;		/* bins noted in dirty[] */
	__u16 dirty[CG_BINS];	/* bins non-zero in counts[] */
	__u64 counts[CG_BINS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cg_slot);
} cg_slot SEC(".maps");

CG_STORE(BPF_MAP_TYPE_LRU_HASH);

static __always_inline struct cg_slot *cg_this_slot(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cg_slot, &zero);
}

static __always_inline __u64 cg_slot_cgid(struct cg_slot *s);

/* What cg_slot_flush's loop works on. */
struct cg_flush {
	struct cg_slot *s;
	__u64 *store;		/* the slot's cgroup's entry; NULL: none */
};

/* bpf_loop callback: move dirty bin i of the slot into the store. */
static int cg_flush_bin(__u32 i, void *data)
{
	struct cg_flush *f = data;
	struct cg_slot *s = f->s;
	unsigned int idx;

	if (i >= CG_BINS)
		return 1;
	idx = s->dirty[i];
	if (idx >= CG_BINS)
		return 0;
	if (f->store)
		__sync_fetch_and_add(&f->store[idx], s->counts[idx]);
	else
		s->dropped += s->counts[idx];
	s->counts[idx] = 0;
	return 0;
}

/*
 * Move the slot's dirty bins into its cgroup's store entry (atomic adds:
 * other CPUs flush into it too) and empty it. Out of line: the hot path
 * keeps its registers. The loop is bpf_loop's (5.17+): a plain loop of up
 * to CG_BINS, walked by the verifier once per bin from each call site,
 * went past its 1M-instruction budget.
 */
static __noinline int cg_slot_flush(struct cg_slot *s)
{
	struct cg_flush f = { .s = s };
	__u32 n = s->ndirty;

	if (!n)
		return 0;
	__sync_fetch_and_add(&s->seq, 1);
	if (s->cgid)
		f.store = cg_hash_entry(&cg_store, s->cgid);
	bpf_loop(n < CG_BINS ? n : CG_BINS, cg_flush_bin, &f, 0);
	s->ndirty = 0;
	__sync_fetch_and_add(&s->seq, 1);
	return 0;
}

static __always_inline void cg_count(__u64 *host, unsigned int idx)
{
	struct cg_slot *s = cg_this_slot();
	__u64 cgid, *c;
	__u32 n;

	if (!s)
		return;
	cgid = cg_slot_cgid(s);
	if (s->cgid != cgid) {
		cg_slot_flush(s);
		s->cgid = cgid;
	}
	c = &s->counts[idx];
	if (!*c) {
		n = s->ndirty;
		if (n < CG_BINS)
			s->dirty[n] = idx;
		s->ndirty = n + 1;
	}
	(*c)++;
}

#endif /* DP_BENCH_CGCOUNT_SLOT_BPF_H */
