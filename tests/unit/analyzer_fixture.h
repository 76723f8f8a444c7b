/* SPDX-License-Identifier: MIT */
/*
 * The hand-made baseline the analyzer's unit tests share (test_analyzer,
 * test_mute_analyzer): syscall.errno at "/" and "/a", one mode each.
 */
#ifndef DRIFTPROBE_TEST_ANALYZER_FIXTURE_H
#define DRIFTPROBE_TEST_ANALYZER_FIXTURE_H

#include <stdlib.h>
#include <string.h>
#include "baseline.h"

#define K DP_SYSCALL_ERRNO_BINS

/* Entries syscall.errno at "/" and "/a", learnt from mostly-bin-0 counts. */
static inline struct baseline *make_baseline(void)
{
	static const char *const cgroups[2] = { "/", "/a" };
	struct baseline *bl = calloc(1, sizeof(*bl));

	assert_non_null(bl);
	bl->windows = 10;
	bl->entries = calloc(2, sizeof(*bl->entries));
	assert_non_null(bl->entries);
	for (size_t i = 0; i < 2; i++) {
		struct baseline_entry *e = &bl->entries[i];

		e->feature = DP_F_SYSCALL_ERRNO;
		e->cgroup = strdup(cgroups[i]);
		e->nbins = K;
		e->counts = calloc(K, sizeof(*e->counts));
		assert_non_null(e->cgroup);
		assert_non_null(e->counts);
		e->counts[0] = 9000;
		e->counts[2] = 1000;
		e->windows = 10;
		e->nmodes = 1;
		e->modes[0] = (struct baseline_mode){ .windows = 10,
						      .counts = e->counts };
		/* score = effect / (0.01 ln 10): at 1 false alarm a day
		 * over 2 series of 10 s windows (level 4.24), alarms past
		 * an effect of ~0.098. */
		e->score = (struct score_model){
			.scale = 0.01,
			.tail = { .rate = 1, .g = { .sigma = 1 } } };
		bl->n++;
		assert_int_equal(baseline__index_entry(bl, i), 0);
	}
	return bl;
}

#endif
