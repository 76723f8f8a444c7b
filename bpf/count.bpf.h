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
 */
#ifndef DRIFTPROBE_COUNT_BPF_H
#define DRIFTPROBE_COUNT_BPF_H

/* Where one event is counted. */
struct dp_counts {
	__u64 *cpu;	/* this CPU's slot's counts */
	__u64 *cg;	/* the owning cgroup's entry's counts; NULL: none */
	__u64 *prog;	/* the owning program's entry's counts; NULL: none */
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

/*
 * counts[idx] += n in each of x's histograms. nbins is the group's bin
 * count: an idx at or past it is not counted (bucket helpers never give
 * one; the check is the verifier's bound).
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
	if (x->prog)
		__sync_fetch_and_add(&x->prog[idx], n);
}

#endif /* DRIFTPROBE_COUNT_BPF_H */
