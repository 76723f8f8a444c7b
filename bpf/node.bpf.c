// SPDX-License-Identifier: GPL-2.0
/*
 * Node features: proc.exec (the name of every program that starts, hashed,
 * with the last name per bin kept for reports), sched.runq_latency (wakeup
 * or preemption to running, as runqlat measures it) and block.io_latency
 * (block request issue to completion). tp_btf only; one bucket computation
 * and one per-CPU increment per event, start times in bounded hashes whose
 * failures are counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <driftprobe/buckets.h>

char LICENSE[] SEC("license") = "GPL";

#define START_ENTRIES	16384
#define TASK_RUNNING	0

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dp_node_hist);
} node_hist SEC(".maps");

/* When each runnable task was enqueued, by pid. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, START_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} runq_start SEC(".maps");

/* When each block request was issued, by its address. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, START_ENTRIES);
	__type(key, __u64);
	__type(value, __u64);
} rq_start SEC(".maps");

static __always_inline struct dp_node_hist *this_cpu_hist(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&node_hist, &zero);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(node_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct dp_node_hist *h = this_cpu_hist();
	char comm[DP_COMM_LEN] = {};
	unsigned int bin;

	if (!h)
		return 0;
	/* The new program's name: exec has set comm by now. */
	bpf_get_current_comm(comm, sizeof(comm));
	bin = dp_comm_hash(comm, DP_PROC_EXEC_BITS);
	if (bin >= DP_PROC_EXEC_BINS)	/* verifier */
		return 0;
	h->counts[DP_OFF_PROC_EXEC + bin]++;
	__builtin_memcpy(h->exec_last[bin], comm, sizeof(comm));
	return 0;
}

static __always_inline void runq_enter(__u32 pid)
{
	__u64 now = bpf_ktime_get_ns();
	struct dp_node_hist *h;

	if (!pid)
		return;		/* the idle task */
	if (bpf_map_update_elem(&runq_start, &pid, &now, BPF_ANY)) {
		h = this_cpu_hist();
		if (h)
			h->health[DP_DH_WAKEUP_STORE_FAILED]++;
	}
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(node_wakeup, struct task_struct *p)
{
	runq_enter(p->pid);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(node_wakeup_new, struct task_struct *p)
{
	runq_enter(p->pid);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(node_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next, unsigned int prev_state)
{
	struct dp_node_hist *h;
	__u32 pid = next->pid;
	__u64 *start;

	/* Preempted while runnable: it waits for a CPU from now on. */
	if (prev_state == TASK_RUNNING)
		runq_enter(prev->pid);
	start = bpf_map_lookup_elem(&runq_start, &pid);
	if (!start)
		return 0;
	h = this_cpu_hist();
	if (h)
		h->counts[DP_OFF_SCHED_RUNQ_LATENCY +
			  dp_bucket_log2(bpf_ktime_get_ns() - *start,
					 DP_NODE_NS_BINS)]++;
	bpf_map_delete_elem(&runq_start, &pid);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(node_rq_issue, struct request *rq)
{
	__u64 key = (__u64)rq, now = bpf_ktime_get_ns();
	struct dp_node_hist *h;

	if (bpf_map_update_elem(&rq_start, &key, &now, BPF_ANY)) {
		h = this_cpu_hist();
		if (h)
			h->health[DP_DH_RQ_STORE_FAILED]++;
	}
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(node_rq_complete, struct request *rq, blk_status_t error,
	     unsigned int nr_bytes)
{
	__u64 key = (__u64)rq, *start = bpf_map_lookup_elem(&rq_start, &key);
	struct dp_node_hist *h;

	if (!start)
		return 0;
	h = this_cpu_hist();
	if (h)
		h->counts[DP_OFF_BLOCK_IO_LATENCY +
			  dp_bucket_log2(bpf_ktime_get_ns() - *start,
					 DP_NODE_NS_BINS)]++;
	bpf_map_delete_elem(&rq_start, &key);
	return 0;
}
