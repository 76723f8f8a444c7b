// SPDX-License-Identifier: MIT
/*
 * struct window: histograms are copied in and found by (feature, cgroup)
 * across index growth, totals add up, exemplars attach to existing bins
 * only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <cmocka.h>
#include "window.h"

static void window_add__copies_counts__caller_may_reuse_its_array(void **state)
{
	struct window *w = window__new(100.5, 10, "h1");
	uint64_t c[3] = { 1, 2, 3 };
	const struct window_hist *h;

	(void)state;
	assert_non_null(w);
	assert_string_equal(w->host, "h1");
	assert_int_equal(window__add(w, DP_F_SYSCALL_ID, "/", c, 3), 0);
	c[0] = 99;
	h = window__find(w, DP_F_SYSCALL_ID, "/");
	assert_non_null(h);
	assert_int_equal(h->counts[0], 1);
	assert_int_equal(h->nbins, 3);
	assert_int_equal(window_hist__total(h), 6);
	window__free(w);
}

static void window_find__many_cgroups__each_found_none_confused(void **state)
{
	struct window *w = window__new(1, 1, "h");
	char cg[32];
	uint64_t c[1];

	(void)state;
	for (int i = 0; i < 500; i++) {
		snprintf(cg, sizeof(cg), "/cg%d", i);
		c[0] = (uint64_t)i;
		assert_int_equal(window__add(w, DP_F_SYSCALL_ERRNO, cg, c, 1),
				 0);
	}
	for (int i = 0; i < 500; i++) {
		const struct window_hist *h;

		snprintf(cg, sizeof(cg), "/cg%d", i);
		h = window__find(w, DP_F_SYSCALL_ERRNO, cg);
		assert_non_null(h);
		assert_int_equal(h->counts[0], i);
		assert_null(window__find(w, DP_F_SYSCALL_ID, cg));
	}
	assert_null(window__find(w, DP_F_SYSCALL_ERRNO, "/cg500"));
	assert_int_equal(w->n, 500);
	window__free(w);
}

static void window_set_exemplar__existing_bin_only(void **state)
{
	struct window *w = window__new(1, 1, "h");
	uint64_t c[4] = { 0 };
	const struct window_hist *h;

	(void)state;
	assert_int_equal(window__add(w, DP_F_NET_DPORT, "/", c, 4), 0);
	assert_int_equal(window__set_exemplar(w, DP_F_NET_DPORT, "/", 2,
					      "10.0.0.2:443"), 0);
	assert_int_equal(window__set_exemplar(w, DP_F_NET_DPORT, "/", 4, "x"),
			 -ENOENT);
	assert_int_equal(window__set_exemplar(w, DP_F_NET_DPORT, "/other", 0,
					      "x"), -ENOENT);
	h = window__find(w, DP_F_NET_DPORT, "/");
	assert_string_equal(window_hist__exemplar(h, 2), "10.0.0.2:443");
	assert_null(window_hist__exemplar(h, 1));
	window__free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(window_add__copies_counts__caller_may_reuse_its_array),
		cmocka_unit_test(window_find__many_cgroups__each_found_none_confused),
		cmocka_unit_test(window_set_exemplar__existing_bin_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
