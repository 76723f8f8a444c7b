// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall features: syscall.id at entry, syscall.errno, the joint
 * syscall.group_errno and syscall.latency at exit. Each event is one bucket
 * computation and one increment in this CPU's slot of one per-CPU array
 * value; counters are cumulative and never reset (userspace diffs
 * snapshots).
 *
 * Every syscall is counted. A few are also *traced*, each chosen at entry by
 * an independent coin flip (a per-CPU generator, so no loop of syscalls can
 * alias with it): with probability 1/latency_sample_period the syscall is
 * timed (a clock read at entry and exit), and with probability
 * 1/DP_PROC_SAMPLE_PERIOD the process is noted as an exemplar of the bins
 * the syscall fills. Timing every syscall (latency_sample_period 1) doubles
 * what driftprobe adds to a syscall: two clock reads are dearer than all
 * the counting.
 *
 * Entry tells exit what it decided. A traced entry keeps its decision in
 * task local storage (tp_btf). An untraced one only leaves its task's
 * pt_regs address in the CPU's state (struct dp_syscall_cpu), which a
 * context switch on the CPU wipes: an exit that finds its own regs there
 * was not switched out since its entry, so it was not traced (almost every
 * syscall), and pays no per-task lookup; any other exit reads task
 * storage. The classic raw_syscalls
 * tracepoints, the fallback, keep traced syscalls in a per-thread hash.
 * The loader enables exactly one flavour.
 *
 * syscall.transition counts each syscall's entry with its thread's
 * previous one, without a per-thread lookup per syscall: the CPU's state
 * keeps the symbol of the last syscall that entered on it and whose task
 * that was (its pt_regs address, unique to a live task). A context switch
 * moves the outgoing task's last symbol into seq_saved, a direct-mapped
 * table indexed by tid (an array: its lookup is an address computation,
 * no hashing, no task storage), and the first syscall of a task on a CPU
 * (a mismatch) reads it back if its tid is still the entry's. Task
 * storage there cost +170 ns per round trip of a ping-pong that switches
 * at every message, +7% of the probe's added cost (BENCHMARKS.md). Two
 * threads whose tids share an entry while both are away lose one's
 * transition, never count a wrong one (tid and symbol are stored in one
 * 8-byte word); only a tid reused after the pid space wrapped, finding
 * its predecessor's entry untouched, could. A thread's first syscall
 * after we attached has no previous one and counts no transition. The
 * tracepoint fallback keeps only the CPU's state, tagged with the tid,
 * and counts no transition across a context switch to another thread
 * that entered a syscall.
 *
 * With per_cgroup set (--per-cgroup), every bin is also counted in the
 * current task's cgroup v2 entry of cgroup_hist, as every group counts
 * (count.bpf.h); the entries hold the counts only.
 *
 * With per_program set (--per-program), every bin is also counted in the
 * current task's program entry of program_hist: its key hashes the
 * executable's identity (inode, filesystem) with the process's name (the
 * thread group leader's comm), read through BTF. The key is cached in the
 * CPU's state with the task's tag, as the transition's last syscall is,
 * and recomputed only for another task (a tag change, a context switch)
 * or after an execve or prctl (same task, maybe a new executable or
 * name): two pointer chases and a hash per first syscall after a switch,
 * one hash lookup per event.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <driftprobe/buckets.h>
#include "count.bpf.h"
#include "syscall_groups.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * What a traced syscall's entry tells its exit: whether (and since when) it
 * is timed, and whether its process is an exemplar.
 */
struct trace {
	__u64 start_ns;		/* 0: not timed */
	__u64 exemplar;
};

/*
 * The syscall number at exit, from the registers (tp_btf's sys_exit has
 * no id argument): where the architecture keeps it until then, as the
 * kernel's syscall_get_nr() reads it. The Makefile builds for these two.
 */
#if defined(__TARGET_ARCH_x86)
#define SYSCALL_NR(regs)	((regs)->orig_ax)
#elif defined(__TARGET_ARCH_arm64)
#define SYSCALL_NR(regs)	((regs)->syscallno)
#else
#error "syscall.bpf.c: no syscall number register for this architecture"
#endif

/*
 * seq_saved's entries (a power of two): a thread switched out keeps its
 * last syscall's symbol in entry tid & (SEQ_SAVED_ENTRIES - 1), as one
 * word: tid << 32 | symbol. 128 KiB.
 */
#define SEQ_SAVED_ENTRIES 16384

/* Per-thread syscall start times for the fallback path. */
#define START_MAP_ENTRIES 16384

const volatile bool per_cgroup = false;
const volatile bool per_program = false;
const volatile bool proc_exemplars = false;
/*
 * 1: time every syscall; N > 1: a syscall with probability ~1/N, when a
 * coin flip falls below latency_threshold (2^32 / N). The defaults are
 * driftprobe's, so the object loaded as is behaves as it does.
 */
const volatile __u32 latency_sample_period = DP_LATENCY_SAMPLE_PERIOD;
const volatile __u32 latency_threshold =
	(__u32)(0x100000000ULL / DP_LATENCY_SAMPLE_PERIOD);
/* An exemplar: a coin flip at or above exemplar_threshold. */
const volatile __u32 exemplar_threshold = 0xffffffff;

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
	__type(value, struct dp_syscall_cgroup_hist);
} cgroup_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DP_PROC_EXEMPLAR_MAX);
	__type(key, struct dp_proc_key);
	__type(value, struct dp_proc_val);
} proc_exemplar SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DP_PROGRAM_MAX);
	__type(key, __u64);
	__type(value, struct dp_syscall_program_hist);
} program_hist SEC(".maps");

/* The values new entries start from (too big for the BPF stack). */
static const struct dp_syscall_cgroup_hist zero_cgroup_hist;
static const struct dp_syscall_program_hist zero_program_hist;

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct trace);
} task_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SEQ_SAVED_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} seq_saved SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, START_MAP_ENTRIES);
	__type(key, __u32);
	__type(value, struct trace);
} tid_start SEC(".maps");

static __always_inline struct dp_syscall_hist *this_cpu_hist(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&syscall_hist, &zero);
}

/* What identifies the current task's program (struct dp_syscall_program_hist). */
struct program_id {
	__u64 ino;
	__u32 dev;
	__u32 tgid;
	char comm[DP_COMM_LEN];
};

/*
 * The current task's program: its executable *exe (NULL for a task
 * without one) and its thread group leader's name in id; and the key that
 * hashes them (FNV-1a, never 0; not the tgid).
 */
static __always_inline __u64 program_of(struct program_id *id,
					struct file **exe)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	const unsigned char *b = (const void *)id;
	__u64 hash = 0xcbf29ce484222325ULL;

	*exe = BPF_CORE_READ(task, mm, exe_file);
	if (*exe) {
		id->ino = BPF_CORE_READ(*exe, f_inode, i_ino);
		id->dev = BPF_CORE_READ(*exe, f_inode, i_sb, s_dev);
	}
	BPF_CORE_READ_INTO(&id->comm, task, group_leader, comm);
	id->tgid = bpf_get_current_pid_tgid() >> 32;
#pragma unroll
	for (int i = 0; i < (int)sizeof(*id); i++)
		if (i < 12 || i >= 16)	/* not the tgid */
			hash = (hash ^ b[i]) * 0x100000001b3ULL;
	return hash | 1;
}

/*
 * The counts of the current task's program entry (per_program; NULL
 * without): its key cached in the CPU's state for the task tagged tag,
 * else computed and cached. A new entry is inserted from zero, then told
 * what names it (the executable's file name once); a known program's
 * entry learns the latest tgid.
 */
static __always_inline __u64 *program_counts(struct dp_syscall_hist *h,
					     __u64 tag)
{
	struct dp_syscall_program_hist *e;
	struct program_id id = {};
	struct file *exe;
	__u64 key;

	if (!per_program)
		return NULL;
	if (h->cpu.prog_task == tag && h->cpu.prog_key) {
		key = h->cpu.prog_key;
		e = bpf_map_lookup_elem(&program_hist, &key);
		if (e)
			return e->counts;
	}
	key = program_of(&id, &exe);
	h->cpu.prog_task = tag;
	h->cpu.prog_key = key;
	e = dp_keyed_entry(&program_hist, key, &zero_program_hist,
			   &h->health[DP_SH_PROGRAM_DROPPED]);
	if (!e)
		return NULL;
	e->ino = id.ino;
	e->dev = id.dev;
	e->tgid = id.tgid;
	__builtin_memcpy(e->comm, id.comm, sizeof(e->comm));
	if (exe && !e->file[0])
		bpf_probe_read_kernel_str(e->file, sizeof(e->file),
					  BPF_CORE_READ(exe, f_path.dentry,
							d_name.name));
	return e->counts;
}

/*
 * The histograms of the current syscall of the task tagged tag: this
 * CPU's slot h and, with per_cgroup, the current task's cgroup entry,
 * with per_program its program's.
 */
static __always_inline struct dp_counts hists_of(struct dp_syscall_hist *h,
						 __u64 tag)
{
	struct dp_counts x = dp_counts_of(h->counts, &cgroup_hist,
					  per_cgroup ?
					  bpf_get_current_cgroup_id() : 0,
					  &zero_cgroup_hist,
					  &h->health[DP_SH_CGROUP_DROPPED]);

	x.prog = program_counts(h, tag);
	return x;
}

/*
 * One sampled event of bin idx for the current process. An entry belongs
 * to one (cgroup, comm) life of its tgid: a process that moved to another
 * cgroup (a container's init joins its cgroup after the runtime forked
 * it), exec'd another program, or a tgid reused by a new process starts
 * the entry again, so its samples never name the old cgroup or command.
 */
static __always_inline void note_process(unsigned int idx)
{
	struct dp_proc_key key = {
		.tgid = bpf_get_current_pid_tgid() >> 32,
		.bin = idx,
	};
	struct dp_proc_val *v = bpf_map_lookup_elem(&proc_exemplar, &key);
	struct dp_proc_val fresh = { .samples = 1 };
	const __u64 *now = (const __u64 *)fresh.comm, *was;

	fresh.cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(fresh.comm, sizeof(fresh.comm));
	if (v) {
		was = (const __u64 *)v->comm;
		if (v->cgroup_id == fresh.cgroup_id && was[0] == now[0] &&
		    was[1] == now[1]) {
			__sync_fetch_and_add(&v->samples, 1);
			return;
		}
	}
	bpf_map_update_elem(&proc_exemplar, &key, &fresh, BPF_ANY);
}

/* Bin idx in x's histograms; the process too when it is an exemplar. */
static __always_inline void count(const struct dp_counts *x, unsigned int idx,
				  bool exemplar)
{
	dp_count(x, idx, DP_SYSCALL_BINS, 1);
	if (exemplar)
		note_process(idx);
}

/*
 * This CPU's next coin flip (dp_coin), its generator seeded once per CPU
 * from the kernel's, so that CPUs do not run in lockstep.
 */
static __always_inline __u32 coin(struct dp_syscall_hist *h)
{
	if (!h->cpu.rng)
		h->cpu.rng = (__u64)bpf_get_prandom_u32() << 32 |
			     bpf_get_prandom_u32();
	return dp_coin(&h->cpu.rng);
}

/* seq_saved's entry for thread tid. */
static __always_inline __u64 *seq_saved_of(__u32 tid)
{
	__u32 idx = tid & (SEQ_SAVED_ENTRIES - 1);

	return bpf_map_lookup_elem(&seq_saved, &idx);
}

/*
 * The symbol the current thread (tid) kept in seq_saved when it was last
 * switched out, or DP_SEQ_SYMBOLS when the entry is another thread's.
 */
static __always_inline unsigned int seq_saved_symbol(__u32 tid)
{
	__u64 *e = seq_saved_of(tid);
	__u64 v = e ? *e : 0;

	return v >> 32 == tid ? (unsigned int)v & (DP_SEQ_SYMBOLS - 1) :
				DP_SEQ_SYMBOLS;
}

/*
 * syscall.transition: bin of the thread's previous syscall -> this one
 * (id) in x, when the previous one is known: the CPU's last if it was this
 * task's (tag), else saved, what the thread kept across its last switch
 * (DP_SEQ_SYMBOLS: nothing, always on the fallback). Then this syscall is
 * the CPU's last.
 */
static __always_inline void count_transition(struct dp_syscall_hist *h,
					     const struct dp_counts *x,
					     long id, __u64 tag,
					     unsigned int saved, bool exemplar)
{
	unsigned int next = dp_syscall_symbol_of[
		dp_bucket_categorical((__u64)id, DP_SYSCALL_ID_BINS)];
	unsigned int prev = saved;

	barrier_var(next);	/* as group in count_exit */
	next &= DP_SEQ_SYMBOLS - 1;
	if (h->cpu.seq_task == tag)
		prev = h->cpu.seq_last & (DP_SEQ_SYMBOLS - 1);
	h->cpu.seq_task = tag;
	h->cpu.seq_last = next;
	if (prev < DP_SEQ_SYMBOLS)
		count(x, DP_OFF_SYSCALL_TRANSITION + prev * DP_SEQ_SYMBOLS +
		      next, exemplar);
}

/*
 * Count the entry and decide what to trace of this syscall, from one coin
 * flip r: timed when r falls in the lowest 1/latency_sample_period of the
 * range, an exemplar when it falls in the highest 1/DP_PROC_SAMPLE_PERIOD
 * (each with its own probability; which one does not matter). *t says
 * what was decided, start_ns the clock when timed. Returns whether
 * anything is traced, i.e. whether the caller must store *t for exit.
 */
static __always_inline bool count_enter(struct dp_syscall_hist *h, long id,
					__u64 tag, unsigned int saved,
					struct trace *t)
{
	__u32 r = coin(h);
	struct dp_counts x;

	t->exemplar = proc_exemplars && r >= exemplar_threshold;
	t->start_ns = latency_sample_period == 1 || r < latency_threshold;
	x = hists_of(h, tag);	/* after the coin: fewer registers spilled */
	count(&x, DP_OFF_SYSCALL_ID +
	      dp_bucket_categorical((__u64)id, DP_SYSCALL_ID_BINS), t->exemplar);
	count_transition(h, &x, id, tag, saved, t->exemplar);
	if (t->start_ns)
		t->start_ns = bpf_ktime_get_ns();
	return t->start_ns || t->exemplar;
}

/*
 * t: what entry stored, zero when this syscall was not traced, or when the
 * thread entered before we attached or storing failed (told apart only
 * when every syscall is timed). tag: the task's, as at entry. After an
 * execve or a prctl the task's program is recomputed (its exit is counted
 * in the new one).
 */
static __always_inline void count_exit(struct dp_syscall_hist *h, long id,
				       long ret, const struct trace *t,
				       __u64 tag)
{
	struct dp_counts x;
	unsigned int group;

	if (per_program &&
	    (id == DP_NR_EXECVE || id == DP_NR_EXECVEAT || id == DP_NR_PRCTL))
		h->cpu.prog_task = 0;
	x = hists_of(h, tag);
	group = dp_syscall_group_of[
		dp_bucket_categorical((__u64)id, DP_SYSCALL_ID_BINS)];
	/*
	 * clang knows every table entry is < DP_SYSCALL_GROUPS and would drop
	 * a bound check; the verifier does not (a read-only map value is any
	 * byte). Hide the value from clang, then mask (8 groups).
	 */
	barrier_var(group);
	group &= DP_SYSCALL_GROUPS - 1;
	count(&x, DP_OFF_SYSCALL_ERRNO +
	      dp_bucket_errno(ret, DP_SYSCALL_ERRNO_BINS), t->exemplar);
	count(&x, DP_OFF_SYSCALL_GROUP_ERRNO + group * DP_ERRNO_CLASSES +
	      dp_errno_class(ret), t->exemplar);
	if (!t->start_ns) {
		if (latency_sample_period == 1)
			h->health[DP_SH_EXIT_WITHOUT_START]++;
		return;
	}
	count(&x, DP_OFF_SYSCALL_LATENCY +
	      dp_bucket_loglin(bpf_ktime_get_ns() - t->start_ns,
			       DP_SYSCALL_LATENCY_BINS), t->exemplar);
}

/*
 * A context switch: the CPU's last entry is no longer its running task's.
 * First in this file, so that it is attached before sys_enter.
 */
SEC("tp_btf/sched_switch")
int BPF_PROG(btf_sched_switch, bool preempt, struct task_struct *prev)
{
	struct dp_syscall_hist *h = this_cpu_hist();
	__u32 tid;
	__u64 *e;

	if (!h)
		return 0;
	h->cpu.regs = 0;
	h->cpu.prog_task = 0;
	if (!h->cpu.seq_task)
		return 0;
	/* The CPU's last syscall was prev's: prev keeps it while away. */
	h->cpu.seq_task = 0;
	tid = prev->pid;
	e = seq_saved_of(tid);
	if (e)
		*e = (__u64)tid << 32 | h->cpu.seq_last;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(btf_sys_enter, struct pt_regs *regs, long id)
{
	struct dp_syscall_hist *h = this_cpu_hist();
	unsigned int saved = DP_SEQ_SYMBOLS;
	struct trace t, *stored;

	if (!h)
		return 0;
	/* The first syscall here since a switch: what the thread kept. */
	if (h->cpu.seq_task != (__u64)regs)
		saved = seq_saved_symbol((__u32)bpf_get_current_pid_tgid());
	if (!count_enter(h, id, (__u64)regs, saved, &t)) {
		h->cpu.regs = (__u64)regs;
		return 0;
	}
	h->cpu.regs = 0;	/* traced: exit reads task storage */
	stored = bpf_task_storage_get(&task_start, bpf_get_current_task_btf(),
				      0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (stored)
		*stored = t;
	else
		h->health[DP_SH_START_STORE_FAILED]++;
	return 0;
}

/*
 * The exit's decision: untraced when the CPU's state says this task's
 * entry (regs) was the last on this CPU, with no switch since; else
 * whatever task storage holds (nothing: untraced, or entered before we
 * attached). A traced one's stored copy is cleared, lest a later exit
 * read it.
 */
static __always_inline struct trace
entry_decision(struct dp_syscall_hist *h, struct pt_regs *regs)
{
	struct trace t = {}, *stored;
	bool here = h->cpu.regs == (__u64)regs;

	h->cpu.regs = 0;
	if (here)
		return t;
	stored = bpf_task_storage_get(&task_start, bpf_get_current_task_btf(),
				      0, 0);
	if (stored && (stored->start_ns || stored->exemplar)) {
		t = *stored;
		*stored = (struct trace){};
	}
	return t;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(btf_sys_exit, struct pt_regs *regs, long ret)
{
	struct dp_syscall_hist *h = this_cpu_hist();
	struct trace t;

	if (!h)
		return 0;
	t = entry_decision(h, regs);
	count_exit(h, SYSCALL_NR(regs), ret, &t, (__u64)regs);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int tp_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct dp_syscall_hist *h = this_cpu_hist();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct trace t;

	if (!h || !count_enter(h, ctx->id, tid, DP_SEQ_SYMBOLS, &t))
		return 0;
	if (bpf_map_update_elem(&tid_start, &tid, &t, BPF_ANY))
		h->health[DP_SH_START_STORE_FAILED]++;
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int tp_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct dp_syscall_hist *h = this_cpu_hist();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct trace t = {}, *stored;

	if (!h)
		return 0;
	stored = bpf_map_lookup_elem(&tid_start, &tid);
	if (stored) {
		t = *stored;
		bpf_map_delete_elem(&tid_start, &tid);
	}
	count_exit(h, ctx->id, ctx->ret, &t, tid);
	return 0;
}
