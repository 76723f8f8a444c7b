/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --per-cgroup, the part every BPF group shares: a group's per-cgroup
 * histograms live in an LRU hash keyed by cgroup v2 id, one entry per
 * cgroup, shared by all CPUs (increments are atomic), which bounds memory
 * whatever the number of CPUs. Which cgroup owns an event is each group's
 * own business (the current task, a socket, a block request, the task
 * about to run).
 */
#ifndef DRIFTPROBE_CGROUP_ENTRY_H
#define DRIFTPROBE_CGROUP_ENTRY_H

/*
 * The entry of cgroup cgid in map, inserted from zero (a static value:
 * entries are too big for the BPF stack) when missing; NULL when it could
 * not be had, which is counted in *dropped.
 */
static __always_inline void *dp_cgroup_entry(void *map, __u64 cgid,
					     const void *zero,
					     unsigned long long *dropped)
{
	void *entry = bpf_map_lookup_elem(map, &cgid);

	if (entry)
		return entry;
	bpf_map_update_elem(map, &cgid, zero, BPF_NOEXIST);
	entry = bpf_map_lookup_elem(map, &cgid);
	if (!entry)
		(*dropped)++;
	return entry;
}

#endif /* DRIFTPROBE_CGROUP_ENTRY_H */
