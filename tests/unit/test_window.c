// SPDX-License-Identifier: MIT
/*
 * struct window: histograms are copied in (sparse: their non-zero bins)
 * and found by (feature, cgroup) across index growth, come back dense as
 * they went in, totals add up, exemplars attach to existing bins only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
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
	assert_int_equal(window_hist__count(h, 0), 1);
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
		assert_int_equal(window_hist__count(h, 0), i);
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

/*
 * Sparse keeping, on generated histograms of every density (empty, one
 * bin at either end, random, full, counts up to 2^64 - 1): the dense form
 * and every bin's count are what went in, the kept bins exactly the
 * non-zero ones in increasing order; replacing the counts does the same.
 */
static void window_hist__generated__dense_and_counts_round_trip(void **state)
{
	static uint64_t in[FEATURE_MAX_BINS], out[FEATURE_MAX_BINS];
	uint64_t seed = 42;

	(void)state;
	for (int round = 0; round < 400; round++) {
		struct window *w = window__new(1, 1, "h");
		uint32_t k = 1 + (uint32_t)(round * 37 % FEATURE_MAX_BINS);
		uint32_t nnz = 0;
		uint64_t total = 0;
		const struct window_hist *h;

		assert_non_null(w);
		for (uint32_t i = 0; i < k; i++) {
			seed = seed * 6364136223846793005ULL +
			       1442695040888963407ULL;
			/* density 0, 1/8, 1/2, 1 by round; then the ends */
			in[i] = (seed >> 33) % 8 < (uint64_t)(round % 4) * 8 / 3 ?
				(seed >> 11) + (round % 5 == 0 ? 0 : 1) : 0;
		}
		if (round % 7 == 1)
			in[k - 1] = UINT64_MAX;
		if (round % 7 == 2)
			in[0] = 1;
		for (uint32_t i = 0; i < k; i++) {
			nnz += in[i] != 0;
			total += in[i];
		}
		assert_int_equal(window__add(w, DP_F_SYSCALL_ID, "/", in, k), 0);
		h = window__find(w, DP_F_SYSCALL_ID, "/");
		assert_non_null(h);
		assert_int_equal(h->nnz, nnz);
		assert_true(window_hist__total(h) == total);
		for (uint32_t j = 0; j < h->nnz; j++) {
			assert_true(h->nz_counts[j] != 0);
			assert_true(j == 0 || h->nz_bins[j - 1] < h->nz_bins[j]);
		}
		memset(out, 0xa5, sizeof(out));
		assert_ptr_equal(window_hist__dense(h, out), out);
		assert_memory_equal(out, in, k * sizeof(*in));
		for (uint32_t i = 0; i < k; i++)
			assert_true(window_hist__count(h, i) == in[i]);
		assert_true(window_hist__count(h, k) == 0);
		/* replaced by its reverse */
		for (uint32_t i = 0; i < k / 2; i++) {
			uint64_t t = in[i];

			in[i] = in[k - 1 - i];
			in[k - 1 - i] = t;
		}
		assert_int_equal(window__set_counts(w, DP_F_SYSCALL_ID, "/", in),
				 0);
		h = window__find(w, DP_F_SYSCALL_ID, "/");
		assert_int_equal(h->nnz, nnz);
		assert_memory_equal(window_hist__dense(h, out), in,
				    k * sizeof(*in));
		window__free(w);
	}
}

static void window_add__too_many_bins__einval(void **state)
{
	static uint64_t c[FEATURE_MAX_BINS + 1];
	struct window *w = window__new(1, 1, "h");

	(void)state;
	assert_int_equal(window__add(w, DP_F_SYSCALL_ID, "/", c,
				     FEATURE_MAX_BINS + 1), -EINVAL);
	assert_int_equal(w->n, 0);
	assert_int_equal(window__set_counts(w, DP_F_SYSCALL_ID, "/", c),
			 -ENOENT);
	assert_int_equal(window__add(w, DP_F_SYSCALL_ID, "/", c,
				     FEATURE_MAX_BINS), 0);
	assert_int_equal(window__find(w, DP_F_SYSCALL_ID, "/")->nnz, 0);
	window__free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(window_add__copies_counts__caller_may_reuse_its_array),
		cmocka_unit_test(window_hist__generated__dense_and_counts_round_trip),
		cmocka_unit_test(window_add__too_many_bins__einval),
		cmocka_unit_test(window_find__many_cgroups__each_found_none_confused),
		cmocka_unit_test(window_set_exemplar__existing_bin_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
