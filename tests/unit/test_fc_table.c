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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get__finds_or_appends_zeroed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
