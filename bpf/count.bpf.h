/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How every BPF group (syscall, net, node) counts an event, one contract
 * for all three. An event is counted in its histograms, struct dp_counts:
 * this CPU's slot of the group's per-CPU map (a plain add: no other CPU
 * writes it) and, with --per-cgroup, the entry of the cgroup v2 that owns
 * the event in the group's LRU hash keyed by cgroup id, one entry per
 * cgroup shared by all CPUs (atomic adds), which bounds memory whatever
 * the number of CPUs. Both start with the group's counts[] (features.h).
 * Which cgroup owns an event is each group's own business (the current
 * task, a socket, a block request, the task about to run). The syscall
 * group also counts, with --per-program, in the entry of the current
 * task's program (the same way: an LRU hash shared by all CPUs).
 *
 * A group may count per cgroup through a slot per CPU instead (the
 * syscall group does, on kernels with bpf_loop): a per-CPU value, a
 * struct dp_cg_slot_head followed by the group's counts[nbins] and a
 * __u16 dirty[nbins], bound to one cgroup. An event of the slot's cgroup
 * is a plain add into the slot (no hash lookup, no atomic, no line other
 * CPUs write), plus a note in the dirty list when its bin leaves zero.
 * An event of another cgroup first flushes the slot (its dirty bins are
 * added atomically into the old cgroup's hash entry and zeroed, in a
 * bpf_loop callback: a plain loop of nbins is past the verifier's budget)
 * and binds it to the new cgroup, seq odd meanwhile (features.h). So
 * every count is in the hash or in exactly one CPU's slot; userspace adds
 * the slots to what it reads of the hash.
 */
#ifndef DRIFTPROBE_COUNT_BPF_H
#define DRIFTPROBE_COUNT_BPF_H

/* Where one event is counted. */
struct dp_counts {
	__u64 *cpu;	/* this CPU's slot's counts */
	__u64 *cg;	/* the owning cgroup's entry's counts; NULL: none */
	__u64 *prog;	/* the owning program's entry's counts; NULL: none */
	/* the CPU's cgroup slot, bound to the owner (instead of cg); NULL */
	struct dp_cg_slot_head *slot;
};

/*
 * The entry of key (a cgroup id, a program identity) in map, inserted
 * from zero (a static value: entries are too big for the BPF stack) when
 * missing; NULL when it could not be had, which is counted in *dropped.
 */
static __always_inline void *dp_keyed_entry(void *map, __u64 key,
					    const void *zero,
					    unsigned long long *dropped)
{
	void *entry = bpf_map_lookup_elem(map, &key);

	if (entry)
		return entry;
	bpf_map_update_elem(map, &key, zero, BPF_NOEXIST);
	entry = bpf_map_lookup_elem(map, &key);
	if (!entry)
		(*dropped)++;
	return entry;
}

/*
 * The histograms of an event owned by cgroup cgid: cpu, this CPU's counts,
 * and cgid's entry in cgroup_map (inserted from zero when missing; one
 * that could not be had is counted in *dropped). cgid 0: the event is
 * counted host-wide only (per-cgroup counting off, or no owner).
 */
static __always_inline struct dp_counts
dp_counts_of(__u64 *cpu, void *cgroup_map, __u64 cgid, const void *zero,
	     unsigned long long *dropped)
{
	struct dp_counts x = { .cpu = cpu };

	if (cgid)
		x.cg = dp_keyed_entry(cgroup_map, cgid, zero, dropped);
	return x;
}

/* A slot's counts and dirty list, after its head (nbins bins). */
#define DP_SLOT_COUNTS(head)		((__u64 *)((head) + 1))
#define DP_SLOT_DIRTY(head, nbins)	((__u16 *)(DP_SLOT_COUNTS(head) + (nbins)))

/*
 * What a slot's flush works on: the slot, and its cgroup's hash entry's
 * counts (NULL: none could be had, the counts are dropped).
 */
struct dp_slot_flush {
	struct dp_cg_slot_head *head;
	__u64 *store;
};

/*
 * DP_CG_SLOT_BIND(name, nbins, cgroup_map, zero) defines
 *	static __noinline void name(struct dp_cg_slot_head *s, __u64 cgid)
 * which binds slot s (of a group of nbins bins) to cgroup cgid: its
 * dirty bins are added into its cgroup's entry in cgroup_map (inserted
 * from zero when missing; counts that found no entry go to s->dropped)
 * and zeroed, and cgid becomes its cgroup, seq odd meanwhile. Out of
 * line, so that the hot path keeps its registers; bpf_loop (Linux 5.17)
 * runs the per-bin callback, verified once. A macro: the bound of every
 * index must be a constant the verifier sees.
 */
#define DP_CG_SLOT_BIND(name, nbins, cgroup_map, zero)			\
static int name##_bin(__u32 i, void *data)				\
{									\
	struct dp_slot_flush *f = data;					\
	__u64 *counts = DP_SLOT_COUNTS(f->head);			\
	unsigned int idx;						\
									\
	if (i >= (nbins))						\
		return 1;						\
	idx = DP_SLOT_DIRTY(f->head, nbins)[i];				\
	if (idx >= (nbins))						\
		return 0;						\
	if (f->store)							\
		__sync_fetch_and_add(&f->store[idx], counts[idx]);	\
	else								\
		f->head->dropped += counts[idx];			\
	counts[idx] = 0;						\
	return 0;							\
}									\
static __noinline int name(struct dp_cg_slot_head *s, __u64 cgid)	\
{									\
	struct dp_slot_flush f = { .head = s };				\
	unsigned long long missing = 0;					\
	__u32 n = s->ndirty;						\
									\
	__sync_fetch_and_add(&s->seq, 1);				\
	if (n) {							\
		if (s->cgid)						\
			f.store = dp_keyed_entry(&cgroup_map, s->cgid,	\
						 &zero, &missing);	\
		bpf_loop(n < (nbins) ? n : (nbins), name##_bin, &f, 0);	\
	}								\
	s->ndirty = 0;							\
	s->cgid = cgid;							\
	__sync_fetch_and_add(&s->seq, 1);				\
	return 0;							\
}

/*
 * counts[idx] += n in each of x's histograms. nbins is the group's bin
 * count: an idx at or past it is not counted (bucket helpers never give
 * one; the check is the verifier's bound). In a slot, a bin that leaves
 * zero is listed in its dirty list (once: it stays non-zero until the
 * slot's next flush).
 */
static __always_inline void dp_count(const struct dp_counts *x,
				     unsigned int idx, unsigned int nbins,
				     __u64 n)
{
	if (idx >= nbins)
		return;
	x->cpu[idx] += n;
	if (x->cg)
		__sync_fetch_and_add(&x->cg[idx], n);
	if (x->slot) {
		__u64 *c = &DP_SLOT_COUNTS(x->slot)[idx];

		if (!*c) {
			__u32 k = x->slot->ndirty;

			if (k < nbins)
				DP_SLOT_DIRTY(x->slot, nbins)[k] = idx;
			x->slot->ndirty = k + 1;
		}
		*c += n;
	}
	if (x->prog)
		__sync_fetch_and_add(&x->prog[idx], n);
}

#endif /* DRIFTPROBE_COUNT_BPF_H */
