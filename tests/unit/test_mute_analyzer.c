// SPDX-License-Identifier: MIT
/*
 * Mutes and the watch policy in the analyzer (analyzer__detect), on a
 * baseline made by hand (syscall.errno of "/" and "/a": 90% success, 10%
 * ENOENT) and windows where "/a" suddenly fails with EACCES too: a muted
 * series is reported, never an anomaly, and its muted windows leave the
 * detector's state as it was; a muted bin is left out of both sides; a
 * feature not watched is neither judged nor reported; a feature's own
 * threshold replaces the budget's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "analyzer.h"
#include "feature.h"
#include "mute.h"
#include "sink.h"
#include "window.h"
#include "analyzer_fixture.h"

#define T0 1796601600.0		/* 2026-12-07T00:00:00Z */

/* The last window's analysis of "/a" (and how many analyses there were). */
struct seen {
	int calls;
	bool a_seen;
	struct analysis a;
	char reason[256];
};

static int on_analysis(void *ctx, const struct window *w, enum dp_feature_id f,
		       const char *cgroup, const struct window_hist *h,
		       const struct analysis *an,
		       const struct coupling_verdict *cv)
{
	struct seen *s = ctx;

	(void)w, (void)f, (void)h, (void)cv;
	s->calls++;
	if (!strcmp(cgroup, "/a")) {
		s->a_seen = true;
		s->a = *an;
		snprintf(s->reason, sizeof(s->reason), "%s",
			 an->muted_by ? an->muted_by : "");
	}
	return 0;
}

/* "/" as learnt; "/a" as learnt plus eacces EACCES (bin 13) failures. */
static struct window *make_window(double ts, uint64_t eacces)
{
	struct window *w = window__new(ts, 10, "h");
	uint64_t c[K] = { 0 };

	assert_non_null(w);
	c[0] = 900;
	c[2] = 100;
	assert_int_equal(window__add(w, DP_F_SYSCALL_ERRNO, "/", c, K), 0);
	c[13] = eacces;
	assert_int_equal(window__add(w, DP_F_SYSCALL_ERRNO, "/a", c, K), 0);
	return w;
}

struct fixture {
	struct baseline *bl;
	struct analyzer *a;
	struct seen seen;
	struct mute_set mutes;
	struct watch_policy watch;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct detector_opts o;
	struct analysis_sink s;

	if (!fx)
		return -1;
	fx->bl = make_baseline();
	detector_opts__defaults(&o);
	o.consecutive = 2;
	fx->a = analyzer__new(fx->bl, &o);
	s = (struct analysis_sink){ .analysis = on_analysis, .ctx = &fx->seen };
	if (!fx->a || analyzer__add_sink(fx->a, &s))
		return -1;
	analyzer__set_mutes(fx->a, &fx->mutes, &fx->watch);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	analyzer__free(fx->a);
	baseline__free(fx->bl);
	mute_set__clear(&fx->mutes);
	free(fx);
	return 0;
}

static void add_mute(struct fixture *fx, const char *spec)
{
	char err[256];

	if (mute_set__add(&fx->mutes, spec, T0, err, sizeof(err)))
		fail_msg("%s", err);
	analyzer__set_mutes(fx->a, &fx->mutes, &fx->watch);
}

/* One window through the analyzer: its anomalies. */
static int judge(struct fixture *fx, double ts, uint64_t eacces)
{
	struct window *w = make_window(ts, eacces);
	int n;

	memset(&fx->seen, 0, sizeof(fx->seen));
	n = analyzer__window(fx->a, w);
	window__free(w);
	assert_true(n >= 0);
	return n;
}

static void series_mute__reported_never_anomaly_state_kept(void **state)
{
	struct fixture *fx = *state;

	add_mute(fx, "workload=/a until=@1796601625 reason=\"backup\"");
	/* Two muted windows that exceed: reported, muted, not raised. */
	for (int i = 1; i <= 2; i++) {
		assert_int_equal(judge(fx, T0 + 10 * i, 500), 0);
		assert_true(fx->seen.a_seen && fx->seen.a.muted);
		assert_true(fx->seen.a.exceeds);
		assert_int_equal(fx->seen.a.verdict, VERDICT_NORMAL);
		assert_false(fx->seen.a.held);
		assert_string_equal(fx->seen.reason, "backup");
	}
	assert_int_equal(fx->seen.calls, 2);
	/* Ended by T0 + 25: the first unmuted window is the first of the
	 * two --consecutive needs (the muted ones did not count) ... */
	assert_int_equal(judge(fx, T0 + 30, 500), 0);
	assert_false(fx->seen.a.muted);
	assert_int_equal(fx->seen.a.reason.kind, REASON_PENDING);
	assert_int_equal(fx->seen.a.reason.run, 1);
	/* ... and the second raises. */
	assert_int_equal(judge(fx, T0 + 40, 500), 1);
	assert_int_equal(fx->seen.a.verdict, VERDICT_ANOMALY);
}

static void bin_mute__left_out_of_both_sides(void **state)
{
	struct fixture *fx = *state;

	/* EACCES only muted: the rest of "/a" is as learnt. */
	add_mute(fx, "feature=syscall.errno bin=EACCES for=1h reason=deploy");
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(judge(fx, T0 + 10 * i, 500), 0);
		assert_false(fx->seen.a.muted);
		assert_int_equal(fx->seen.a.muted_bins, 1);
		assert_string_equal(fx->seen.reason, "deploy");
		assert_false(fx->seen.a.exceeds);
		assert_int_equal(fx->seen.a.novel_bins, 0);
	}
	/* A muted bin hides nothing else: ENOENT doubling still counts. */
	{
		struct window *w = window__new(T0 + 40, 10, "h");
		uint64_t c[K] = { 0 };

		c[0] = 500;
		c[2] = 500;
		c[13] = 500;
		window__add(w, DP_F_SYSCALL_ERRNO, "/", c, K);
		window__add(w, DP_F_SYSCALL_ERRNO, "/a", c, K);
		memset(&fx->seen, 0, sizeof(fx->seen));
		assert_int_equal(analyzer__window(fx->a, w), 0);
		window__free(w);
		assert_true(fx->seen.a.exceeds);
		assert_int_equal(fx->seen.a.reason.kind, REASON_PENDING);
	}
}

/* A bin the baseline has, muted: out of the entry's pool and modes too. */
static void bin_mute__learnt_bin__out_of_the_entry_too(void **state)
{
	struct fixture *fx = *state;
	struct window *w = window__new(T0 + 10, 10, "h");
	uint64_t c[K] = { 0 };

	add_mute(fx, "feature=syscall.errno bin=ENOENT for=1h");
	c[0] = 900;
	c[2] = 9000;	/* ENOENT ten times what was learnt: muted */
	window__add(w, DP_F_SYSCALL_ERRNO, "/", c, K);
	window__add(w, DP_F_SYSCALL_ERRNO, "/a", c, K);
	memset(&fx->seen, 0, sizeof(fx->seen));
	assert_int_equal(analyzer__window(fx->a, w), 0);
	window__free(w);
	assert_int_equal(fx->seen.a.muted_bins, 1);
	/* Success alone on both sides: nothing differs. */
	assert_true(fx->seen.a.d.effect < 1e-9);
	assert_false(fx->seen.a.exceeds);
	/* The baseline itself is untouched. */
	assert_true(fx->bl->entries[1].counts[2] == 1000);
}

static void watch_policy__features_and_threshold(void **state)
{
	struct fixture *fx = *state;
	char err[256];

	/* A level of its own, far above the budget's: not exceeded. */
	assert_int_equal(watch_policy__threshold(&fx->watch,
						 "syscall.errno=1000", err,
						 sizeof(err)), 0);
	assert_int_equal(judge(fx, T0 + 10, 500), 0);
	assert_true(fx->seen.a.threshold == 1000);
	assert_false(fx->seen.a.exceeds);
	/* Only net.dport watched: syscall.errno neither judged nor
	 * reported. */
	assert_int_equal(watch_policy__features(&fx->watch, "net.dport", err,
						sizeof(err)), 0);
	assert_int_equal(judge(fx, T0 + 20, 500), 0);
	assert_int_equal(fx->seen.calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			series_mute__reported_never_anomaly_state_kept, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			bin_mute__left_out_of_both_sides, setup, teardown),
		cmocka_unit_test_setup_teardown(
			bin_mute__learnt_bin__out_of_the_entry_too, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			watch_policy__features_and_threshold, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
