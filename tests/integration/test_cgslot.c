// SPDX-License-Identifier: MIT
/*
 * Root integration test of the syscall group's per-CPU cgroup slots
 * (--per-cgroup on a kernel with bpf_loop; count.bpf.h, cg_slots.h), read
 * in this process by the collector driftprobe uses (probe__open,
 * collector__next). A child in a fresh cgroup v2, pinned to CPU 1, runs
 * exactly N getppid() per phase and then spins without a syscall, so that
 * CPU 1's slot stays bound to its cgroup; the reader runs on CPU 0:
 *   - bound: right after the N calls the window shows the cgroup's
 *     getppid bin at exactly N, while the counts are still in CPU 1's
 *     slot (checked in the slot map after the read: still bound, still N;
 *     retried a few times, since another cgroup's syscall on CPU 1 may
 *     flush it first, which must not change the count);
 *   - flushed: this process hops to CPU 1 and makes a syscall there (its
 *     cgroup is not the child's), which moves the slot's counts into the
 *     hash; the next window shows 0 more (nothing counted twice), and N
 *     more calls flushed the same way show exactly N;
 * with tp_btf (the cgroup noted at sched_switch), with the tracepoint
 * flavour (the slot fed by bpf_get_current_cgroup_id()), and with the
 * hash alone (the path of kernels without bpf_loop), the same counts.
 * And a child that moves itself into the cgroup and never blocks after
 * (no context switch tells its new cgroup) is counted there all the same
 * (tp_btf: the move itself is noted).
 *
 * Only the child is in the cgroup, and it makes no getppid() but the N
 * of each phase, so the getppid bin is asserted exact. The cgroup's
 * syscall.id total may hold a few more (the slack below): the child's
 * pipe read that wakes it is entered before it is moved into the cgroup
 * and so is not one of them, but its exit is counted there, and on the
 * last phase its exit_group may land in the window too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "collect.h"
#include "harness.h"
#include "probe.h"
#include "window.h"

/*
 * getppid() per phase: few enough that another cgroup's syscall on CPU 1
 * rarely lands during a phase (it would flush the slot early: the count
 * must still be exact, but the bound case would not be seen).
 */
#define N 20000
#define SLACK 8			/* other syscall.id entries of the cgroup */
#define BOUND_TRIES 10		/* phases to see CPU 1's slot still bound */
#define CHILD_CPU 1
#define READER_CPU 0

/* What the reader tells the spinning child, in shared memory. */
struct ctl {
	volatile int cmd;	/* > done: run N getppid(); -1: exit */
	volatile int done;
	volatile int moved;	/* the child moved itself */
};

static struct ctl *ctl;
static char cg_path[4096], cg_name[256];
static pid_t child = -1;
static int go[2] = { -1, -1 };
static struct probe *p;
static struct collector *c;

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fail_msg("sched_setaffinity(cpu %d): %s", cpu,
			 strerror(errno));
}

/*
 * The child: wait to be moved (or move itself), then N getppid() per
 * command, spinning.
 */
static void child_main(bool self_move)
{
	char c, procs[4200];
	FILE *f;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	pin(CHILD_CPU);
	if (self_move) {
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg_path);
		f = fopen(procs, "w");
		if (!f || fprintf(f, "0\n") < 0 || fclose(f))
			_exit(1);
		__atomic_store_n(&ctl->moved, 1, __ATOMIC_RELEASE);
	} else if (read(go[0], &c, 1) != 1) {
		/* Blocked here while moved: switched in in its new cgroup. */
		_exit(1);
	}
	for (;;) {
		int cmd = ctl->cmd;

		if (cmd < 0)
			_exit(0);
		if (cmd == ctl->done)
			continue;	/* spin: no syscall, no switch */
		for (int i = 0; i < N; i++)
			syscall(SYS_getppid);
		__atomic_store_n(&ctl->done, cmd, __ATOMIC_RELEASE);
	}
}

static void start_child(bool self_move)
{
	struct timespec ms = { 0, 1000000 };
	double deadline = harness__now() + 10;

	ctl->cmd = ctl->done = ctl->moved = 0;
	if (pipe(go))
		fail_msg("pipe: %s", strerror(errno));
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		child_main(self_move);
	if (!self_move) {
		harness__cgroup_join(cg_path, child);
		assert_int_equal(write(go[1], "g", 1), 1);
		return;
	}
	while (!__atomic_load_n(&ctl->moved, __ATOMIC_ACQUIRE)) {
		if (harness__now() > deadline)
			fail_msg("child: did not move itself in 10 s");
		nanosleep(&ms, NULL);
	}
}

static void stop_child(void)
{
	if (child > 0) {
		ctl->cmd = -1;
		harness__kill_child(&child);
	}
	if (go[0] >= 0)
		close(go[0]);
	if (go[1] >= 0)
		close(go[1]);
	go[0] = go[1] = -1;
}

/* One phase of the child: N getppid(), and it is spinning again. */
static void run_phase(void)
{
	struct timespec ms = { 0, 1000000 };
	double deadline = harness__now() + 30;
	int cmd = ctl->done + 1;

	__atomic_store_n(&ctl->cmd, cmd, __ATOMIC_RELEASE);
	while (__atomic_load_n(&ctl->done, __ATOMIC_ACQUIRE) != cmd) {
		if (harness__now() > deadline)
			fail_msg("child: %d getppid() not done in 30 s", N);
		nanosleep(&ms, NULL);
	}
}

/*
 * A syscall of this process (not in the child's cgroup) on CPU 1: the
 * slot there is flushed and bound to this process's cgroup.
 */
static void flush_child_cpu(void)
{
	pin(CHILD_CPU);
	syscall(SYS_getpid);
	pin(READER_CPU);
}

struct reading {
	uint64_t getppid;	/* the cgroup's getppid bin */
	uint64_t total;		/* its syscall.id total */
};

/* The next window's syscall.id of the test cgroup. */
static struct reading next_window(void)
{
	struct reading r = { 0, 0 };
	struct window *w = collector__next(c, harness__wall_now(), 1, "h");
	const struct window_hist *h;

	if (!w)
		fail_msg("collector__next: %s", strerror(errno));
	h = window__find(w, DP_F_SYSCALL_ID, cg_name);
	if (h) {
		r.getppid = window_hist__count(h, SYS_getppid);
		r.total = window_hist__total(h);
	}
	window__free(w);
	return r;
}

/* What CPU 1's slot held at the last look, for failure messages. */
static char last_slot[128];

/* Whether CPU 1's slot holds the cgroup's N getppid() (still bound). */
static bool child_cpu_slot_holds_n(uint64_t cgid)
{
	size_t ncpus = probe__ncpus(p);
	struct dp_syscall_cg_slot *s = calloc(ncpus, sizeof(*s));
	uint32_t zero = 0;
	bool held;

	assert_non_null(s);
	assert_int_equal(bpf_map_lookup_elem(probe__cgroup_slot_map_fd(p),
					     &zero, s), 0);
	held = s[CHILD_CPU].head.cgid == cgid &&
	       s[CHILD_CPU].counts[DP_OFF_SYSCALL_ID + SYS_getppid] == N;
	snprintf(last_slot, sizeof(last_slot),
		 "cgroup %llu, seq %llu, %llu getppid",
		 s[CHILD_CPU].head.cgid, s[CHILD_CPU].head.seq,
		 s[CHILD_CPU].counts[DP_OFF_SYSCALL_ID + SYS_getppid]);
	free(s);
	return held;
}

static void assert_n(struct reading r, const char *what)
{
	if (r.getppid != N || r.total < N || r.total > N + SLACK)
		fail_msg("%s: getppid %llu (want %d), syscall.id total %llu "
			 "(want %d..%d)", what, (unsigned long long)r.getppid,
			 N, (unsigned long long)r.total, N, N + SLACK);
}

/*
 * The phases with probe options o; slots: whether the syscall group must
 * count through slots (then the bound case must be seen).
 */
static void phases(struct probe_opts *o, bool slots, bool self_move)
{
	struct reading r;
	struct stat st;
	int bound = 0;

	harness__require_root();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		fail_msg("needs 2 CPUs (a reader and the child's)");
	pin(READER_CPU);
	p = probe__open(o);
	assert_non_null(p);
	assert_int_equal(probe__cgroup_slot_map_fd(p) >= 0, slots);
	c = collector__new(p);
	assert_non_null(c);
	assert_null(collector__next(c, harness__wall_now(), 1, "h"));
	assert_int_equal(errno, EAGAIN);	/* primed */
	assert_int_equal(stat(cg_path, &st), 0);	/* its id: the inode */
	start_child(self_move);

	/* Bound: the counts are (still) in CPU 1's slot when read. */
	for (int t = 0; t < BOUND_TRIES && (!slots || !bound); t++) {
		run_phase();
		r = next_window();
		assert_n(r, "bound");
		if (slots && child_cpu_slot_holds_n(st.st_ino))
			bound++;
		flush_child_cpu();
		r = next_window();
		if (r.getppid || r.total)
			fail_msg("flushed after a read: %llu getppid, %llu "
				 "syscalls more (want 0: counted twice)",
				 (unsigned long long)r.getppid,
				 (unsigned long long)r.total);
	}
	if (slots && !bound)
		fail_msg("CPU %d's slot was flushed before each of %d reads "
			 "(another cgroup's syscalls there?): the bound case "
			 "was not seen; last: %s", CHILD_CPU, BOUND_TRIES,
			 last_slot);
	/* Flushed: the counts are in the hash when read. */
	run_phase();
	flush_child_cpu();
	if (slots)
		assert_false(child_cpu_slot_holds_n(st.st_ino));
	assert_n(next_window(), "flushed");
}

/* After each test, passed or not: the child, the reader, the probe. */
static int unload(void **state)
{
	(void)state;
	stop_child();
	collector__free(c);
	probe__destroy(p);
	c = NULL;
	p = NULL;
	return 0;
}

static void slots__tp_btf__exact_bound_and_flushed(void **state)
{
	struct probe_opts o = { .hooks = PROBE_HOOKS_TP_BTF,
				.per_cgroup = true };

	(void)state;
	phases(&o, libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT,
					   BPF_FUNC_loop, NULL) == 1, false);
}

static void slots__tp_btf__task_moving_itself__counted_in_new_cgroup(
	void **state)
{
	struct probe_opts o = { .hooks = PROBE_HOOKS_TP_BTF,
				.per_cgroup = true };

	(void)state;
	phases(&o, libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT,
					   BPF_FUNC_loop, NULL) == 1, true);
}

static void slots__tracepoint__exact_bound_and_flushed(void **state)
{
	struct probe_opts o = { .hooks = PROBE_HOOKS_TRACEPOINT,
				.per_cgroup = true };

	(void)state;
	phases(&o, libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT,
					   BPF_FUNC_loop, NULL) == 1, false);
}

static void hash_only__tp_btf__exact(void **state)
{
	struct probe_opts o = { .hooks = PROBE_HOOKS_TP_BTF,
				.per_cgroup = true, .no_cgroup_slot = true };

	(void)state;
	phases(&o, false, false);
}

static int setup(void **state)
{
	(void)state;
	ctl = mmap(NULL, sizeof(*ctl), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ctl == MAP_FAILED)
		return -1;
	harness__cgroup_create("dpslot_a", cg_path, sizeof(cg_path), cg_name,
			       sizeof(cg_name));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	stop_child();
	harness__cgroup_remove(cg_path);
	munmap(ctl, sizeof(*ctl));
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			slots__tp_btf__exact_bound_and_flushed, NULL, unload),
		cmocka_unit_test_setup_teardown(
			slots__tp_btf__task_moving_itself__counted_in_new_cgroup,
			NULL, unload),
		cmocka_unit_test_setup_teardown(
			slots__tracepoint__exact_bound_and_flushed, NULL,
			unload),
		cmocka_unit_test_setup_teardown(hash_only__tp_btf__exact, NULL,
						unload),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
