// SPDX-License-Identifier: MIT
/*
 * The arithmetic of per-CPU cgroup slot copies (cg_slots.h): when two
 * reads of the slots bracket a consistent read, which slots a cgroup's
 * count adds, the dropped counters summed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <driftprobe/features.h>
#include "cg_slots.h"

#define CPUS 3
#define STRIDE sizeof(struct dp_syscall_cg_slot)

static struct dp_syscall_cg_slot before[CPUS], after[CPUS];

static void reset(void)
{
	memset(before, 0, sizeof(before));
	memset(after, 0, sizeof(after));
}

static void stable__even_and_unchanged_only(void **state)
{
	(void)state;
	reset();
	before[2].head.seq = after[2].head.seq = 8;
	assert_true(cg_slots_stable(before, after, CPUS, STRIDE));
	after[2].head.seq = 10;		/* a flush between the two */
	assert_false(cg_slots_stable(before, after, CPUS, STRIDE));
	before[2].head.seq = after[2].head.seq = 9;	/* mid-flush */
	assert_false(cg_slots_stable(before, after, CPUS, STRIDE));
}

static void add__only_the_slots_bound_to_the_cgroup(void **state)
{
	uint64_t counts[DP_SYSCALL_BINS] = { 0 };

	(void)state;
	reset();
	before[0].head.cgid = 42;
	before[0].counts[5] = 3;
	before[1].head.cgid = 7;
	before[1].counts[5] = 100;
	before[2].head.cgid = 42;
	before[2].counts[5] = 4;
	before[2].counts[DP_SYSCALL_BINS - 1] = 1;
	counts[5] = 10;			/* the map entry's */
	cg_slots_add(before, CPUS, STRIDE, DP_SYSCALL_BINS, 42, counts);
	assert_int_equal(counts[5], 17);
	assert_int_equal(counts[DP_SYSCALL_BINS - 1], 1);
	assert_true(cg_slots_bound(before, CPUS, STRIDE, 7));
	assert_false(cg_slots_bound(before, CPUS, STRIDE, 8));
	/* an unbound slot (cgid 0) is nobody's */
	assert_false(cg_slots_bound(after, CPUS, STRIDE, 0));
	memset(counts, 0, sizeof(counts));
	cg_slots_add(after, CPUS, STRIDE, DP_SYSCALL_BINS, 0, counts);
	assert_int_equal(counts[5], 0);
	assert_int_equal(cg_slots_cgid(before, 1, STRIDE), 7);
}

static void dropped__summed_over_cpus(void **state)
{
	(void)state;
	reset();
	before[0].head.dropped = 2;
	before[2].head.dropped = 5;
	assert_int_equal(cg_slots_dropped(before, CPUS, STRIDE), 7);
}

static void new__value_smaller_than_head_and_bins__einval(void **state)
{
	(void)state;
	assert_null(cg_slots__new(3, CPUS, DP_SYSCALL_BINS,
				  sizeof(struct dp_syscall_cgroup_hist)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stable__even_and_unchanged_only),
		cmocka_unit_test(add__only_the_slots_bound_to_the_cgroup),
		cmocka_unit_test(dropped__summed_over_cpus),
		cmocka_unit_test(new__value_smaller_than_head_and_bins__einval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
