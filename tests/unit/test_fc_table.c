// SPDX-License-Identifier: MIT
/*
 * fc_table.c: one element per (feature, cgroup), zeroed when new, found
 * again by value (not by pointer) of the cgroup, in insertion order;
 * clear leaves a reusable empty table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "fc_table.h"

struct item {
	struct fc_key key;
	int value;
};

static void get__finds_or_appends_zeroed(void **state)
{
	struct fc_table t = FC_TABLE_INIT(struct item);
	char cg[] = "/a";
	struct item *a, *b, *c;

	(void)state;
	a = fc_table__get(&t, DP_F_SYSCALL_ID, "/");
	assert_non_null(a);
	assert_int_equal(a->value, 0);
	a->value = 7;
	for (int i = 0; i < 20; i++) {		/* grows past the first 8 */
		char name[16];

		snprintf(name, sizeof(name), "/g%d", i);
		assert_non_null(fc_table__get(&t, DP_F_SYSCALL_ERRNO, name));
	}
	b = fc_table__get(&t, DP_F_SYSCALL_ID, cg);
	assert_non_null(b);
	assert_int_equal(b->value, 0);
	b->value = 9;
	cg[1] = 'x';				/* the key was copied */
	c = fc_table__get(&t, DP_F_SYSCALL_ID, "/a");
	assert_ptr_equal(c, b);
	assert_int_equal(((struct item *)fc_table__get(&t, DP_F_SYSCALL_ID,
						       "/"))->value, 7);
	assert_int_equal(fc_table__get(&t, DP_F_SYSCALL_LATENCY, "/") ==
			 fc_table__get(&t, DP_F_SYSCALL_ID, "/"), 0);
	assert_int_equal(t.n, 23);
	assert_string_equal(((struct item *)fc_table__at(&t, 21))->key.cgroup,
			    "/a");
	fc_table__clear(&t);
	assert_int_equal(t.n, 0);
	assert_non_null(fc_table__get(&t, DP_F_SYSCALL_ID, "/"));
	assert_int_equal(t.n, 1);
	fc_table__clear(&t);
}

static bool keep_odd(const void *elem, void *ctx)
{
	(*(int *)ctx)++;
	return ((const struct item *)elem)->value % 2;
}

/*
 * Retain: the kept elements in their order, found again by key; the
 * dropped ones gone (and not found); the array shrinks; the table grows
 * again afterwards.
 */
static void retain__keeps_order_and_index_drops_the_rest(void **state)
{
	struct fc_table t = FC_TABLE_INIT(struct item);
	char name[16];
	int calls = 0;

	(void)state;
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "/g%d", i);
		((struct item *)fc_table__get(&t, DP_F_SYSCALL_ID, name))->value =
			i % 10 == 3 ? i : 2 * i;
	}
	assert_int_equal(t.cap, 128);
	assert_int_equal(fc_table__retain(&t, keep_odd, &calls), 0);
	assert_int_equal(calls, 100);
	assert_int_equal(t.n, 10);
	assert_true(t.cap < 128 && t.cap >= t.n);
	for (int i = 0; i < 10; i++) {
		struct item *it = fc_table__at(&t, (size_t)i);

		snprintf(name, sizeof(name), "/g%d", 10 * i + 3);
		assert_string_equal(it->key.cgroup, name);
		assert_int_equal(it->value, 10 * i + 3);
		assert_ptr_equal(fc_table__get(&t, DP_F_SYSCALL_ID, name), it);
	}
	assert_null(fc_table__find(&t, DP_F_SYSCALL_ID, "/g4"));
	assert_ptr_equal(fc_table__find(&t, DP_F_SYSCALL_ID, "/g13"),
			 fc_table__at(&t, 1));
	/* A dropped key comes back new and zeroed. */
	assert_int_equal(((struct item *)fc_table__get(&t, DP_F_SYSCALL_ID,
						       "/g4"))->value, 0);
	assert_int_equal(t.n, 11);
	calls = 0;
	assert_int_equal(fc_table__retain(&t, keep_odd, &calls), 0);
	assert_int_equal(t.n, 10);
	fc_table__clear(&t);
	/* An empty table retains nothing, without calling keep. */
	calls = 0;
	assert_int_equal(fc_table__retain(&t, keep_odd, &calls), 0);
	assert_int_equal(calls, 0);
	assert_int_equal(t.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get__finds_or_appends_zeroed),
		cmocka_unit_test(retain__keeps_order_and_index_drops_the_rest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
