// SPDX-License-Identifier: MIT
/*
 * The analyzer against a baseline made by hand, through recording sinks:
 * every baseline entry is handed to every sink in entry order (a missing
 * histogram as h == NULL, judged on zeros), then each series the baseline
 * lacks once, then the end of the window; a sink's error stops the window;
 * anomalies are counted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "analyzer.h"
#include "feature.h"
#include "sink.h"
#include "window.h"
#include "analyzer_fixture.h"


/* What a sink saw, one line per call. */
struct record {
	char log[2048];
	int fail_at;		/* > 0: the fail_at-th analysis call fails */
	int calls;
};

static void logf_(struct record *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void logf_(struct record *r, const char *fmt, ...)
{
	size_t n = strlen(r->log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->log + n, sizeof(r->log) - n, fmt, ap);
	va_end(ap);
}

static int on_analysis(void *ctx, const struct window *w, enum dp_feature_id f,
		       const char *cgroup, const struct window_hist *h,
		       const struct analysis *an,
		       const struct coupling_verdict *cv)
{
	struct record *r = ctx;

	(void)w;
	logf_(r, "analysis %s %s h=%s %s cv=%s\n", feature_table[f].name,
	      cgroup, h ? "yes" : "no", verdict__name(an->verdict),
	      cv ? "yes" : "no");
	return ++r->calls == r->fail_at ? -EIO : 0;
}

static int on_new_series(void *ctx, const struct window *w,
			 enum dp_feature_id f, const char *cgroup, uint64_t n,
			 bool cgroup_known)
{
	(void)w;
	logf_(ctx, "new %s %s n=%llu known=%d\n", feature_table[f].name,
	      cgroup, (unsigned long long)n, cgroup_known);
	return 0;
}

static int on_window_done(void *ctx, const struct window *w)
{
	logf_(ctx, "done %.0f\n", w->ts);
	return 0;
}

static struct analysis_sink sink_of(struct record *r)
{
	return (struct analysis_sink){ .analysis = on_analysis,
				       .new_series = on_new_series,
				       .window_done = on_window_done, .ctx = r };
}


/* A baseline, an analyzer with default options and one recording sink. */
struct fixture {
	struct baseline *bl;
	struct analyzer *a;
	struct record r;
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
	fx->a = analyzer__new(fx->bl, &o);
	s = sink_of(&fx->r);
	if (!fx->a || analyzer__add_sink(fx->a, &s))
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	analyzer__free(fx->a);
	baseline__free(fx->bl);
	free(fx);
	return 0;
}

static struct window *make_window(double ts, uint64_t bin0, uint64_t bin2)
{
	struct window *w = window__new(ts, 10, "h");
	uint64_t c[K] = { [0] = bin0, [2] = bin2 }, few[K] = { [0] = 60 };

	assert_non_null(w);
	assert_int_equal(window__add(w, DP_F_SYSCALL_ERRNO, "/", c, K), 0);
	assert_int_equal(window__add(w, DP_F_SYSCALL_ERRNO, "/new", few, K), 0);
	return w;
}

/* Judge a make_window(ts, bin0, bin2) with a: want anomalies. */
static void judge_window(struct analyzer *a, double ts, uint64_t bin0,
			 uint64_t bin2, int want)
{
	struct window *w = make_window(ts, bin0, bin2);

	assert_int_equal(analyzer__window(a, w), want);
	window__free(w);
}

static void analyzer_window__entries_then_new_series_then_done__every_sink(
	void **state)
{
	struct baseline *bl = make_baseline();
	struct detector_opts o;
	struct record r1 = { 0 }, r2 = { 0 };
	struct analysis_sink s1 = sink_of(&r1), s2 = sink_of(&r2);
	struct analyzer *a;

	(void)state;
	detector_opts__defaults(&o);
	a = analyzer__new(bl, &o);
	assert_non_null(a);
	assert_int_equal(analyzer__add_sink(a, &s1), 0);
	assert_int_equal(analyzer__add_sink(a, &s2), 0);
	judge_window(a, 100, 900, 100, 0);
	/* The new cgroup is said once: not again in the next window. */
	judge_window(a, 110, 900, 100, 0);
	assert_string_equal(r1.log,
		"analysis syscall.errno / h=yes normal cv=no\n"
		"analysis syscall.errno /a h=no insufficient cv=no\n"
		"new syscall.errno /new n=60 known=0\n"
		"done 100\n"
		"analysis syscall.errno / h=yes normal cv=no\n"
		"analysis syscall.errno /a h=no insufficient cv=no\n"
		"done 110\n");
	assert_string_equal(r1.log, r2.log);
	analyzer__free(a);
	baseline__free(bl);
}

static void analyzer_window__moved_mass__counts_the_anomaly(void **state)
{
	struct fixture *fx = *state;
	struct window *w = make_window(100, 100, 900);

	assert_int_equal(analyzer__window(fx->a, w), 1);
	assert_non_null(strstr(fx->r.log,
			       "analysis syscall.errno / h=yes anomaly"));
	window__free(w);
}

static void analyzer_window__sink_error__stops_and_returns_it(void **state)
{
	struct fixture *fx = *state;
	struct window *w = make_window(100, 900, 100);

	fx->r.fail_at = 1;
	assert_int_equal(analyzer__window(fx->a, w), -EIO);
	assert_string_equal(fx->r.log,
			    "analysis syscall.errno / h=yes normal cv=no\n");
	window__free(w);
}

/*
 * Two cgroups of the workload the entry "/a" was learnt for (a replica,
 * and the cgroup a restart made) are each judged against it, each on its
 * own: the one that moved is the anomaly, neither is new.
 */
static void analyzer_window__replicas_judged_against_their_workload(
	void **state)
{
	struct fixture *fx = *state;
	struct window *w = window__new(100, 10, "h");
	uint64_t same[K] = { [0] = 900, [2] = 100 };
	uint64_t moved[K] = { [0] = 100, [2] = 900 };

	assert_non_null(w);
	assert_int_equal(window__add(w, DP_F_SYSCALL_ERRNO, "/", same, K), 0);
	assert_int_equal(window__add(w, DP_F_SYSCALL_ERRNO, "/a-1", same, K), 0);
	assert_int_equal(window__add(w, DP_F_SYSCALL_ERRNO, "/a-2", moved, K), 0);
	assert_int_equal(window__set_workload(w, DP_F_SYSCALL_ERRNO, "/a-1",
					      "/a"), 0);
	assert_int_equal(window__set_workload(w, DP_F_SYSCALL_ERRNO, "/a-2",
					      "/a"), 0);
	assert_int_equal(window__index_workloads(w), 0);
	assert_int_equal(analyzer__window(fx->a, w), 1);
	assert_string_equal(fx->r.log,
		"analysis syscall.errno / h=yes normal cv=no\n"
		"analysis syscall.errno /a-1 h=yes normal cv=no\n"
		"analysis syscall.errno /a-2 h=yes anomaly cv=no\n"
		"done 100\n");
	window__free(w);
}

/* Logs whether an analysis came with the smoothed divergences. */
static int on_analysis_measures(void *ctx, const struct window *w,
				enum dp_feature_id f, const char *cgroup,
				const struct window_hist *h,
				const struct analysis *an,
				const struct coupling_verdict *cv)
{
	(void)w;
	(void)f;
	(void)h;
	(void)cv;
	logf_(ctx, "%s %s smoothed=%s\n", cgroup, verdict__name(an->verdict),
	      an->d.undefined & DIV_UNDEF_SMOOTHED ? "no" :
	      an->d.kl_wb > 0 && an->d.js > 0 ? "yes" : "zero");
	return 0;
}

/*
 * While every sink is quiet_lean, quiet verdicts come without the smoothed
 * divergences and anomalies with them; the verdicts are the same. One
 * sink that is not makes every verdict come with them.
 */
static void analyzer_window__lean_sinks__only_anomalies_measured(void **state)
{
	struct analysis_sink lean = { .analysis = on_analysis_measures,
				      .quiet_lean = true };
	struct analysis_sink full = { .analysis = on_analysis_measures };
	struct record r1 = { 0 }, r2 = { 0 };
	struct baseline *bl = make_baseline();
	struct detector_opts o;
	struct analyzer *a;

	(void)state;
	detector_opts__defaults(&o);
	for (int round = 0; round < 2; round++) {
		struct record *r = round ? &r2 : &r1;

		a = analyzer__new(bl, &o);
		assert_non_null(a);
		lean.ctx = full.ctx = r;
		assert_int_equal(analyzer__add_sink(a, &lean), 0);
		if (round)
			assert_int_equal(analyzer__add_sink(a, &full), 0);
		judge_window(a, 100, 850, 150, 0);
		judge_window(a, 110, 100, 900, 1);
		analyzer__free(a);
	}
	assert_string_equal(r1.log,
		"/ normal smoothed=no\n"
		"/a insufficient smoothed=no\n"
		"/ anomaly smoothed=yes\n"
		"/a insufficient smoothed=no\n");
	assert_string_equal(r2.log,
		"/ normal smoothed=yes\n"
		"/ normal smoothed=yes\n"
		"/a insufficient smoothed=yes\n"
		"/a insufficient smoothed=yes\n"
		"/ anomaly smoothed=yes\n"
		"/ anomaly smoothed=yes\n"
		"/a insufficient smoothed=yes\n"
		"/a insufficient smoothed=yes\n");
	baseline__free(bl);
}

static void analyzer_add_sink__past_the_limit__enospc(void **state)
{
	struct fixture *fx = *state;
	struct analysis_sink s = sink_of(&fx->r);

	/* The fixture added one already. */
	for (int i = 1; i < ANALYZER_MAX_SINKS; i++)
		assert_int_equal(analyzer__add_sink(fx->a, &s), 0);
	assert_int_equal(analyzer__add_sink(fx->a, &s), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(analyzer_window__entries_then_new_series_then_done__every_sink),
		cmocka_unit_test(
			analyzer_window__lean_sinks__only_anomalies_measured),
		cmocka_unit_test_setup_teardown(
			analyzer_window__moved_mass__counts_the_anomaly,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			analyzer_window__sink_error__stops_and_returns_it,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			analyzer_window__replicas_judged_against_their_workload,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			analyzer_add_sink__past_the_limit__enospc,
			setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
