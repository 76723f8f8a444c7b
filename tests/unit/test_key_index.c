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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_many__each_found_across_growth),
		cmocka_unit_test(collisions__every_candidate_returned),
		cmocka_unit_test(hash__separates_feature_and_cgroup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
