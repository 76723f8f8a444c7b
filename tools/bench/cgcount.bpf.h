/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Issue 23 part 2: candidate designs for per-cgroup counting, each a
 * cgcount_*.bpf.c object on the floor's hooks (sys_enter, sys_exit,
 * sched_switch), measured side by side by tools/bench/cgcount.sh.
 *
 * Every candidate counts what driftprobe's syscall group counts, reduced
 * to one bin per hook: on sys_enter the syscall id (512 bins), on sys_exit
 * a log-linear bin of the return value (160 bins), one histogram of
 * CG_BINS u64s. Every candidate counts it host-wide in this CPU's slot of
 * a per-CPU array (a plain add, as driftprobe does by default), so only
 * the per-cgroup part differs from one to the next. This header holds
 * what they share: the histogram, the host-wide count, the bins.
 */
#ifndef DP_BENCH_CGCOUNT_BPF_H
#define DP_BENCH_CGCOUNT_BPF_H

#include <driftprobe/buckets.h>

#define CG_ID_BINS	512
#define CG_RET_BINS	160
#define CG_BINS		(CG_ID_BINS + CG_RET_BINS)	/* 5,376 B of u64 */
/* Per-cgroup entries of the hashes (driftprobe's DP_CGROUP_MAX). */
#define CG_MAX		1024

char LICENSE[] SEC("license") = "GPL";

struct cg_hist {
	__u64 counts[CG_BINS];
};

/*
 * The per-cgroup store of candidates that keep one: a hash of map_type
 * (LRU, LRU per-CPU) keyed by cgroup id, CG_MAX entries.
 */
#define CG_STORE(map_type)					\
	struct {						\
		__uint(type, map_type);				\
		__uint(max_entries, CG_MAX);			\
		__type(key, __u64);				\
		__type(value, struct cg_hist);			\
	} cg_store SEC(".maps")

/* The zero a hash entry starts from (too big for the BPF stack). */
static const struct cg_hist cg_zero;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cg_hist);
} host_hist SEC(".maps");

/* This CPU's host-wide histogram. */
static __always_inline __u64 *cg_host(void)
{
	__u32 zero = 0;
	struct cg_hist *h = bpf_map_lookup_elem(&host_hist, &zero);

	return h ? h->counts : NULL;
}

static __always_inline unsigned int cg_enter_bin(long id)
{
	return dp_bucket_categorical((__u64)id, CG_ID_BINS);
}

static __always_inline unsigned int cg_exit_bin(long ret)
{
	return CG_ID_BINS + dp_bucket_loglin((__u64)ret, CG_RET_BINS);
}

/*
 * The entry of key in the hash map, inserted from zero when missing (as
 * driftprobe's dp_keyed_entry); NULL when it could not be had.
 */
static __always_inline __u64 *cg_hash_entry(void *map, __u64 key)
{
	struct cg_hist *e = bpf_map_lookup_elem(map, &key);

	if (e)
		return e->counts;
	bpf_map_update_elem(map, &key, &cg_zero, BPF_NOEXIST);
	e = bpf_map_lookup_elem(map, &key);
	return e ? e->counts : NULL;
}

/*
 * What each candidate defines: count bin idx (< CG_BINS) of the current
 * task's syscall in its cgroup (host: this CPU's host-wide counts, already
 * counted); note that next is about to run on this CPU.
 */
static __always_inline void cg_count(__u64 *host, unsigned int idx);
static __always_inline void cg_switch(struct task_struct *next);

SEC("tp_btf/sched_switch")
int BPF_PROG(cg_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	cg_switch(next);
	return 0;
}

/* One event of bin idx: host-wide, then as the candidate counts it. */
static __always_inline int cg_event(unsigned int idx)
{
	__u64 *host = cg_host();

	if (!host || idx >= CG_BINS)
		return 0;
	host[idx]++;
	cg_count(host, idx);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(cg_sys_enter, struct pt_regs *regs, long id)
{
	return cg_event(cg_enter_bin(id));
}

SEC("tp_btf/sys_exit")
int BPF_PROG(cg_sys_exit, struct pt_regs *regs, long ret)
{
	return cg_event(cg_exit_bin(ret));
}

#endif /* DP_BENCH_CGCOUNT_BPF_H */
