// SPDX-License-Identifier: GPL-2.0
/*
 * Node features: proc.exec (the name of every program that starts, hashed,
 * with the last name per bin kept for reports), sched.runq_latency (wakeup
 * or preemption to running, as runqlat measures it) and block.io_latency
 * (block request issue to completion). tp_btf only; one bucket computation
 * and one per-CPU increment per event; block request start times in a
 * bounded hash, failures to store counted.
 *
 * Run-queue waits are timed by the kernel itself where it keeps the
 * account (CONFIG_SCHED_INFO, behind delay accounting and schedstats:
 * Debian's, Fedora's and Ubuntu's kernels have it): a queued task's
 * sched_info.last_queued is its enqueue time on its runqueue's clock, so
 * sched_switch alone reads the wait, next's last_queued against the
 * runqueue's clock, which __schedule has just updated and which
 * sched_info_arrive reads right after this tracepoint. The runqueue is
 * reached through next's CFS runqueue (set for tasks of every class where
 * CONFIG_FAIR_GROUP_SCHED is, as on those kernels: the per-CPU runqueues
 * symbol needs CONFIG_KALLSYMS_ALL, which they lack). No wakeup hook, no
 * store, no clock read. One difference from runqlat: a queued task that
 * is migrated starts its wait again on the new CPU (the kernel's account
 * of its run_delay keeps both parts; the last one is counted here).
 * Without it (runq_sched_info false, set by the loader), the wakeup hooks
 * note the start in the task (task storage) and the switch reads the
 * clock, failures to store counted.
 *
 * With per_cgroup set (--per-cgroup), each count is also added to the
 * entry of the cgroup v2 that owns the event (count.bpf.h), which is
 * never simply "the current task's" but for exec:
 *   proc.exec            the task that execs (it is current)
 *   sched.runq_latency   the task that waited, about to run (next)
 *   block.io_latency     the request's owner at issue (request_cgroup():
 *                        the io controller's cgroup, else the issuing
 *                        user task's; a kernel thread's writeback on a
 *                        host without v2 io control: host-wide only)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <driftprobe/buckets.h>
#include "count.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define START_ENTRIES	16384
#define TASK_RUNNING	0

const volatile bool per_cgroup = false;
/* Keep the last command per proc.exec bin (off: --no-exemplars). */
const volatile bool exemplars = false;
/* Run-queue waits from the kernel's sched_info (false: wakeup hooks). */
const volatile bool runq_sched_info = true;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dp_node_hist);
} node_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DP_CGROUP_MAX);
	__type(key, __u64);
	__type(value, struct dp_node_cgroup_hist);
} cgroup_hist SEC(".maps");

static const struct dp_node_cgroup_hist zero_cgroup_hist;

/* A block request's issue time and owning cgroup (0: none). */
struct rq_issue {
	__u64 ns;
	__u64 cgroup;
};

/*
 * When each runnable task was enqueued (0: not waiting), in the task
 * itself: task storage costs half what a pid-keyed hash does on these,
 * the hottest scheduler hooks, and needs no bound.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} runq_start SEC(".maps");

/* When each block request was issued, and for whom, by its address. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, START_ENTRIES);
	__type(key, __u64);
	__type(value, struct rq_issue);
} rq_start SEC(".maps");

static __always_inline struct dp_node_hist *this_cpu_hist(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&node_hist, &zero);
}

/*
 * An event of bin idx owned by cgroup cgid, in this CPU's slot h and, with
 * per_cgroup, in cgid's entry.
 */
static __always_inline void count(struct dp_node_hist *h, __u64 cgid,
				  unsigned int idx)
{
	struct dp_counts x = dp_counts_of(h->counts, &cgroup_hist,
					  per_cgroup ? cgid : 0,
					  &zero_cgroup_hist,
					  &h->health[DP_DH_CGROUP_DROPPED]);

	dp_count(&x, idx, DP_NODE_BINS, 1);
}

/* The cgroup v2 id of task (its default-hierarchy cgroup). */
static __always_inline __u64 task_cgroup(const struct task_struct *task)
{
	return task->cgroups->dfl_cgrp->kn->id;
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
	count(h, per_cgroup ? bpf_get_current_cgroup_id() : 0,
	      DP_OFF_PROC_EXEC + bin);
	if (exemplars)
		__builtin_memcpy(h->exec_last[bin], comm, sizeof(comm));
	return 0;
}

static __always_inline void runq_enter(struct task_struct *p)
{
	struct dp_node_hist *h;
	__u64 *start;

	if (!p->pid)
		return;		/* the idle task */
	start = bpf_task_storage_get(&runq_start, p, 0,
				     BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (start) {
		*start = bpf_ktime_get_ns();
		return;
	}
	h = this_cpu_hist();
	if (h)
		h->health[DP_DH_WAKEUP_STORE_FAILED]++;
}

/* The wakeup hooks, loaded only when runq_sched_info is false ("?"). */
SEC("?tp_btf/sched_wakeup")
int BPF_PROG(node_wakeup, struct task_struct *p)
{
	runq_enter(p);
	return 0;
}

SEC("?tp_btf/sched_wakeup_new")
int BPF_PROG(node_wakeup_new, struct task_struct *p)
{
	runq_enter(p);
	return 0;
}

/* next waited ns for this CPU: one sched.runq_latency event. */
static __always_inline void count_runq_wait(struct task_struct *next, __u64 ns)
{
	struct dp_node_hist *h = this_cpu_hist();

	if (h)
		count(h, per_cgroup ? task_cgroup(next) : 0,
		      DP_OFF_SCHED_RUNQ_LATENCY +
		      dp_bucket_log2(ns, DP_NODE_NS_BINS));
}

SEC("tp_btf/sched_switch")
int BPF_PROG(node_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next, unsigned int prev_state)
{
	__u64 *start, queued, now;

	if (runq_sched_info) {
		queued = next->sched_info.last_queued;
		if (!queued)
			return 0;	/* not waiting: most switches to idle */
		now = next->se.cfs_rq->rq->clock;	/* this CPU's */
		if (now >= queued)
			count_runq_wait(next, now - queued);
		return 0;
	}
	/* Preempted while runnable: it waits for a CPU from now on. */
	if (prev_state == TASK_RUNNING)
		runq_enter(prev);
	start = bpf_task_storage_get(&runq_start, next, 0, 0);
	if (!start || !*start)
		return 0;
	count_runq_wait(next, bpf_ktime_get_ns() - *start);
	*start = 0;
	return 0;
}

#define PF_KTHREAD	0x00200000

/*
 * Who a block request is for: the cgroup v2 its first bio is charged to,
 * when the io controller charges it below the root (the kernel's own
 * accounting, writeback included); else the user task issuing it (direct
 * and synchronous I/O is issued in the submitter's context; on hosts
 * whose io controller is v1 or off this is the only v2 answer there is);
 * else nobody (0): a kernel thread issuing someone's writeback.
 */
static __always_inline __u64 request_cgroup(const struct request *rq)
{
	const struct bio *bio = rq->bio;
	const struct task_struct *task;
	const struct cgroup *cg;

	if (bio && bio->bi_blkg && bio->bi_blkg->blkcg) {
		cg = bio->bi_blkg->blkcg->css.cgroup;
		if (cg && cg->root->hierarchy_id == 0 && cg->level > 0)
			return cg->kn->id;
	}
	task = bpf_get_current_task_btf();
	return task->flags & PF_KTHREAD ? 0 : bpf_get_current_cgroup_id();
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(node_rq_issue, struct request *rq)
{
	__u64 key = (__u64)rq;
	struct rq_issue issue = {
		.ns = bpf_ktime_get_ns(),
		.cgroup = per_cgroup ? request_cgroup(rq) : 0,
	};
	struct dp_node_hist *h;

	if (bpf_map_update_elem(&rq_start, &key, &issue, BPF_ANY)) {
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
	__u64 key = (__u64)rq;
	struct rq_issue *issue = bpf_map_lookup_elem(&rq_start, &key);
	struct dp_node_hist *h;

	if (!issue)
		return 0;
	h = this_cpu_hist();
	if (h)
		count(h, issue->cgroup, DP_OFF_BLOCK_IO_LATENCY +
		      dp_bucket_log2(bpf_ktime_get_ns() - issue->ns,
				     DP_NODE_NS_BINS));
	bpf_map_delete_elem(&rq_start, &key);
	return 0;
}
