// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall features: syscall.id and syscall.latency at entry/exit of every
 * syscall, syscall.errno and the joint syscall.group_errno at exit. Each event is one bucket computation and
 * one increment in this CPU's slot of one per-CPU array value; counters are
 * cumulative and never reset (userspace diffs snapshots).
 *
 * Two hook flavours carry the same logic: tp_btf raw tracepoints (no tracefs,
 * per-task start time in task local storage) and, as fallback, classic
 * raw_syscalls tracepoints (start time in a per-thread hash). The loader
 * enables exactly one flavour.
 *
 * With per_cgroup set (--per-cgroup), every bin is also counted in the
 * current task's cgroup v2 entry of cgroup_hist (atomically: the entries
 * are shared by all CPUs, which bounds memory on large hosts).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <driftprobe/buckets.h>
#include "syscall_groups.h"

char LICENSE[] SEC("license") = "GPL";

/* Per-thread syscall start times for the fallback path. */
#define START_MAP_ENTRIES 16384

const volatile bool per_cgroup = false;
const volatile bool proc_exemplars = false;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dp_syscall_hist);
} syscall_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DP_CGROUP_MAX);
	__type(key, __u64);
	__type(value, struct dp_syscall_hist);
} cgroup_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DP_PROC_EXEMPLAR_MAX);
	__type(key, struct dp_proc_key);
	__type(value, struct dp_proc_val);
} proc_exemplar SEC(".maps");

/* The value a new cgroup entry starts from (too big for the BPF stack). */
static const struct dp_syscall_hist zero_hist;

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} task_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, START_MAP_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} tid_start SEC(".maps");

static __always_inline struct dp_syscall_hist *this_cpu_hist(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&syscall_hist, &zero);
}

/*
 * The current cgroup's entry, inserted when missing; NULL when per-cgroup
 * counting is off or the entry could not be had (counted in h's health).
 */
static __always_inline struct dp_syscall_hist *
this_cgroup_hist(struct dp_syscall_hist *h)
{
	struct dp_syscall_hist *c;
	__u64 id;

	if (!per_cgroup)
		return NULL;
	id = bpf_get_current_cgroup_id();
	c = bpf_map_lookup_elem(&cgroup_hist, &id);
	if (c)
		return c;
	bpf_map_update_elem(&cgroup_hist, &id, &zero_hist, BPF_NOEXIST);
	c = bpf_map_lookup_elem(&cgroup_hist, &id);
	if (!c)
		h->health[DP_SH_CGROUP_DROPPED]++;
	return c;
}

/* One sampled event of bin idx for the current process. */
static __always_inline void note_process(unsigned int idx)
{
	struct dp_proc_key key = {
		.tgid = bpf_get_current_pid_tgid() >> 32,
		.bin = idx,
	};
	struct dp_proc_val *v = bpf_map_lookup_elem(&proc_exemplar, &key);
	struct dp_proc_val fresh = { .samples = 1 };

	if (v) {
		__sync_fetch_and_add(&v->samples, 1);
		return;
	}
	fresh.cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(fresh.comm, sizeof(fresh.comm));
	bpf_map_update_elem(&proc_exemplar, &key, &fresh, BPF_NOEXIST);
}

/* Bin idx of the syscall group: this CPU's slot, and the cgroup's entry. */
static __always_inline void count(struct dp_syscall_hist *h,
				  struct dp_syscall_hist *cg, unsigned int idx)
{
	h->counts[idx]++;
	if (cg)
		__sync_fetch_and_add(&cg->counts[idx], 1);
	if (proc_exemplars && ++h->sample_tick >= DP_PROC_SAMPLE_PERIOD) {
		h->sample_tick = 0;
		note_process(idx);
	}
}

static __always_inline void count_enter(struct dp_syscall_hist *h, long id)
{
	count(h, this_cgroup_hist(h), DP_OFF_SYSCALL_ID +
	      dp_bucket_categorical((__u64)id, DP_SYSCALL_ID_BINS));
}

/* start == 0: the thread entered before we attached, or storing failed. */
static __always_inline void count_exit(struct dp_syscall_hist *h, long id,
				       long ret, __u64 start)
{
	struct dp_syscall_hist *cg = this_cgroup_hist(h);
	unsigned int group = dp_syscall_group_of[
		dp_bucket_categorical((__u64)id, DP_SYSCALL_ID_BINS)];

	/*
	 * clang knows every table entry is < DP_SYSCALL_GROUPS and would drop
	 * a bound check; the verifier does not (a read-only map value is any
	 * byte). Hide the value from clang, then mask (8 groups).
	 */
	barrier_var(group);
	group &= DP_SYSCALL_GROUPS - 1;
	count(h, cg, DP_OFF_SYSCALL_ERRNO +
	      dp_bucket_errno(ret, DP_SYSCALL_ERRNO_BINS));
	count(h, cg, DP_OFF_SYSCALL_GROUP_ERRNO + group * DP_ERRNO_CLASSES +
	      dp_errno_class(ret));
	if (!start) {
		h->health[DP_SH_EXIT_WITHOUT_START]++;
		return;
	}
	count(h, cg, DP_OFF_SYSCALL_LATENCY +
	      dp_bucket_loglin(bpf_ktime_get_ns() - start,
			       DP_SYSCALL_LATENCY_BINS));
}

SEC("tp_btf/sys_enter")
int BPF_PROG(btf_sys_enter, struct pt_regs *regs, long id)
{
	struct dp_syscall_hist *h = this_cpu_hist();
	__u64 *start;

	if (!h)
		return 0;
	count_enter(h, id);
	start = bpf_task_storage_get(&task_start, bpf_get_current_task_btf(), 0,
				     BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (start)
		*start = bpf_ktime_get_ns();
	else
		h->health[DP_SH_START_STORE_FAILED]++;
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(btf_sys_exit, struct pt_regs *regs, long ret)
{
	struct dp_syscall_hist *h = this_cpu_hist();
	__u64 *start, t0 = 0;

	if (!h)
		return 0;
	start = bpf_task_storage_get(&task_start, bpf_get_current_task_btf(), 0,
				     0);
	if (start) {
		t0 = *start;
		*start = 0;
	}
	/* x86-64: the syscall number survives in orig_ax until exit. */
	count_exit(h, regs->orig_ax, ret, t0);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int tp_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct dp_syscall_hist *h = this_cpu_hist();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now;

	if (!h)
		return 0;
	count_enter(h, ctx->id);
	now = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&tid_start, &tid, &now, BPF_ANY))
		h->health[DP_SH_START_STORE_FAILED]++;
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int tp_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct dp_syscall_hist *h = this_cpu_hist();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *start, t0 = 0;

	if (!h)
		return 0;
	start = bpf_map_lookup_elem(&tid_start, &tid);
	if (start) {
		t0 = *start;
		bpf_map_delete_elem(&tid_start, &tid);
	}
	count_exit(h, ctx->id, ctx->ret, t0);
	return 0;
}
