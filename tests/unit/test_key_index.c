// SPDX-License-Identifier: MIT
/*
 * The (feature, cgroup) index: every added position is found again across
 * growth, colliding hashes all come back as candidates, absent keys give
 * none, and the hash separates feature from cgroup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include "key_index.h"

static void add_many__each_found_across_growth(void **state)
{
	struct key_index ki = { 0 };
	char name[32];

	(void)state;
	for (size_t i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "/cg/%zu", i / 4);
		assert_int_equal(key_index__add(&ki, key_index__hash(i % 4, name),
						i), 0);
	}
	assert_true(ki.cap >= 2 * ki.n);
	for (size_t i = 0; i < 5000; i++) {
		size_t cursor = 0, p, seen = 0;
		uint64_t h;

		snprintf(name, sizeof(name), "/cg/%zu", i / 4);
		h = key_index__hash(i % 4, name);
		while ((p = key_index__next(&ki, h, &cursor)) != SIZE_MAX)
			seen += p == i;
		assert_int_equal(seen, 1);
	}
	key_index__free(&ki);
	assert_int_equal(ki.cap, 0);
}

static void collisions__every_candidate_returned(void **state)
{
	struct key_index ki = { 0 };
	size_t cursor = 0, p, mask = 0;

	(void)state;
	for (size_t i = 0; i < 20; i++)
		assert_int_equal(key_index__add(&ki, 42, i), 0);
	assert_int_equal(key_index__add(&ki, 43, 99), 0);
	while ((p = key_index__next(&ki, 42, &cursor)) != SIZE_MAX) {
		assert_true(p < 20);
		mask |= (size_t)1 << p;
	}
	assert_int_equal(mask, (1u << 20) - 1);
	cursor = 0;
	assert_int_equal(key_index__next(&ki, 7, &cursor), SIZE_MAX);
	key_index__free(&ki);
	cursor = 0;
	assert_int_equal(key_index__next(&ki, 42, &cursor), SIZE_MAX);
}

static void hash__separates_feature_and_cgroup(void **state)
{
	(void)state;
	assert_true(key_index__hash(0, "/a") != key_index__hash(1, "/a"));
	assert_true(key_index__hash(0, "/a") != key_index__hash(0, "/b"));
	assert_true(key_index__hash(2, "/") == key_index__hash(2, "/"));
}

struct keyed {
	enum dp_feature_id feature;
	char *cgroup;
	int payload;
};
KEY_INDEX_FC_KEYED(struct keyed);

static void find__matches_feature_and_cgroup_not_just_hash(void **state)
{
	struct keyed items[] = {
		{ DP_F_SYSCALL_ID, "/a", 1 },
		{ DP_F_SYSCALL_ERRNO, "/a", 2 },
		{ DP_F_SYSCALL_ID, "/b", 3 },
	};
	struct key_index ki = { 0 };

	(void)state;
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(key_index__add(&ki, key_index__hash(
				 items[i].feature, items[i].cgroup), i), 0);
	/* A colliding entry stored under another key's hash is skipped. */
	assert_int_equal(key_index__add(&ki, key_index__hash(DP_F_SYSCALL_ID,
							     "/c"), 0), 0);
	assert_int_equal(key_index__find(&ki, items, sizeof(items[0]),
					 DP_F_SYSCALL_ERRNO, "/a"), 1);
	assert_int_equal(key_index__find(&ki, items, sizeof(items[0]),
					 DP_F_SYSCALL_ID, "/b"), 2);
	assert_true(key_index__find(&ki, items, sizeof(items[0]),
				    DP_F_SYSCALL_ID, "/c") == SIZE_MAX);
	assert_true(key_index__find(&ki, items, sizeof(items[0]),
				    DP_F_SYSCALL_ERRNO, "/b") == SIZE_MAX);
	key_index__free(&ki);
}

static void find_id__matches_the_leading_id(void **state)
{
	struct { uint64_t id; int payload; } items[] = { { 7, 0 }, { 9, 1 } };
	struct key_index ki = { 0 };

	(void)state;
	assert_int_equal(key_index__add(&ki, 7, 0), 0);
	assert_int_equal(key_index__add(&ki, 9, 1), 0);
	assert_int_equal(key_index__add(&ki, 8, 0), 0);	/* stale entry */
	assert_int_equal(key_index__find_id(&ki, items, sizeof(items[0]), 9),
			 1);
	assert_true(key_index__find_id(&ki, items, sizeof(items[0]), 8) ==
		    SIZE_MAX);
	key_index__free(&ki);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_many__each_found_across_growth),
		cmocka_unit_test(collisions__every_candidate_returned),
		cmocka_unit_test(hash__separates_feature_and_cgroup),
		cmocka_unit_test(find__matches_feature_and_cgroup_not_just_hash),
		cmocka_unit_test(find_id__matches_the_leading_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
