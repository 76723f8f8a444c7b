// SPDX-License-Identifier: MIT
/*
 * The rolling refresh (refresh.h) through the real builder, analyzer and
 * detector, on seeded synthetic windows: the forgetting arithmetic and its
 * delay, an incident and its guard never learnt, the refreshed baseline
 * still a valid file, and how fast a slow, steady drift is absorbed.
 * `test_refresh --table` prints the absorption table of the README
 * (README "Rolling refresh"); the unit run asserts its two ends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "analyzer.h"
#include "feature.h"
#include "refresh.h"
#include "rng.h"
#include "score.h"
#include "sink.h"
#include "window.h"

#define F		DP_F_SYSCALL_ID
#define NB		DP_SYSCALL_ID_BINS
#define SVC		"/svc"
#define INTERVAL	10.0
#define LEARN		60	/* learning windows */
#define EVENTS		2000	/* per window */

/* What the series' verdicts were, counted by a sink. */
struct tally {
	unsigned long windows;		/* judged */
	unsigned long anomalies;	/* windows with an anomaly */
	unsigned long first;		/* window of the first (if any) */
	bool alarm;			/* this window: anomaly or held */
};

static int on_analysis(void *ctx, const struct window *w, enum dp_feature_id f,
		       const char *cgroup, const struct window_hist *h,
		       const struct analysis *an,
		       const struct coupling_verdict *cv)
{
	struct tally *t = ctx;

	(void)w, (void)f, (void)cgroup, (void)h, (void)cv;
	t->alarm = an->verdict == VERDICT_ANOMALY || an->held;
	if (an->verdict == VERDICT_ANOMALY && !t->anomalies++)
		t->first = t->windows;
	t->windows++;
	return 0;
}

/*
 * The mix of a window: share s of the mass moved from P0 (bins 0-7 90%,
 * bins 8-15 10%) to P1 (10% on bins 0-7, 90% on bins 8-15, or with
 * fresh on bins 16-23, which learning never saw); marker: extra events
 * in that bin (0: none).
 */
struct mix {
	double s;
	bool fresh;
	uint32_t marker;
	uint64_t marker_events;
};

struct sim {
	struct baseline *bl;
	struct analyzer *a;
	struct refresher *r;		/* NULL: refresh off */
	struct rng g;
	double ts;
	struct tally t;
};

static struct window *sim__window(struct sim *sm, const struct mix *m)
{
	uint64_t p[NB] = { 0 }, c[NB];
	struct window *w = window__new(sm->ts, INTERVAL, "h");

	assert_non_null(w);
	sm->ts += INTERVAL;
	for (int b = 0; b < 8; b++) {
		uint32_t to = m->fresh ? 16 + b : 8 + b;

		p[b] += (uint64_t)(1e10 * ((1 - m->s) * 0.9 + m->s * 0.1) / 8);
		p[8 + b] += (uint64_t)(1e10 * (1 - m->s) * 0.1 / 8);
		p[to] += (uint64_t)(1e10 * m->s * 0.9 / 8);
	}
	rng__multinomial(&sm->g, p, NB, 10000000000ull, EVENTS, c);
	if (m->marker)
		c[m->marker] += m->marker_events;
	assert_int_equal(window__add(w, F, SVC, c, NB), 0);
	return w;
}

/* One window through the analyzer (and the refresher). */
static void sim__step(struct sim *sm, const struct mix *m)
{
	struct window *w = sim__window(sm, m);

	assert_true(analyzer__window(sm->a, w) >= 0);
	window__free(w);
}

/* A baseline learnt from LEARN windows of P0, judged with refresh
 * (half-life, guard, schedule in windows; half_life 0: off). */
static void sim__init(struct sim *sm, uint64_t seed, double half_life,
		      double guard, double every)
{
	struct baseline_builder *b = baseline_builder__new(0.5);
	struct mix p0 = { 0 };
	struct detector_opts o;
	struct analysis_sink s = { .analysis = on_analysis, .ctx = &sm->t };
	char err[256];

	*sm = (struct sim){ .ts = 1.8e9 };
	rng__seed(&sm->g, seed);
	assert_non_null(b);
	for (int i = 0; i < LEARN; i++) {
		struct window *w = sim__window(sm, &p0);

		assert_int_equal(baseline_builder__add(b, w), 0);
		window__free(w);
	}
	sm->bl = baseline_builder__finish(b, err, sizeof(err));
	assert_non_null(sm->bl);
	baseline_builder__free(b);
	detector_opts__defaults(&o);
	sm->a = analyzer__new(sm->bl, &o);
	assert_non_null(sm->a);
	assert_int_equal(analyzer__add_sink(sm->a, &s), 0);
	if (half_life > 0) {
		struct refresh_opts ro = {
			.half_life_s = half_life * INTERVAL,
			.guard_s = guard * INTERVAL,
			.every_s = every * INTERVAL,
			.interval_s = INTERVAL,
		};

		sm->r = refresher__new(sm->bl, &ro);
		assert_non_null(sm->r);
		s = refresher__sink(sm->r);
		assert_int_equal(analyzer__add_sink(sm->a, &s), 0);
	}
}

static void sim__fini(struct sim *sm)
{
	analyzer__free(sm->a);
	refresher__free(sm->r);
	baseline__free(sm->bl);
}

static const struct baseline_entry *sim__entry(const struct sim *sm)
{
	const struct baseline_entry *e = baseline__find(sm->bl, F, SVC);

	assert_non_null(e);
	return e;
}

/* The pool's share of bins [lo, hi). */
static double sim__share(const struct sim *sm, uint32_t lo, uint32_t hi)
{
	const struct baseline_entry *e = sim__entry(sm);
	uint64_t in = 0, all = 0;

	for (uint32_t b = 0; b < e->nbins; b++) {
		all += e->counts[b];
		in += b >= lo && b < hi ? e->counts[b] : 0;
	}
	return (double)in / (double)all;
}

/* Half-life, guard and schedule of the simulations, in windows. */
#define SIM_H		100.0
#define SIM_G		5.0
#define SIM_EVERY	10.0
#define SIM_SETTLE	(3 * (unsigned long)SIM_H)

/* Where a drift starts: the share of P1 that a doubling drift starts at. */
#define SIM_SEED_SHARE	1e-4

/*
 * A drift of total shift `shift` (of P0's mass to P1's): linear over ramp
 * windows, or with doubling > 0 growing from SIM_SEED_SHARE, doubling
 * every `doubling` windows, until it reaches shift; then SIM_SETTLE
 * windows at its end. Returns the anomalies raised on the way, and in
 * *first_share (may be NULL) the share moved when the first was.
 */
static double sim__share_at(double t, double ramp, double doubling,
			    double shift)
{
	double s = doubling > 0 ? SIM_SEED_SHARE * exp2(t / doubling) :
		   shift * t / ramp;

	return shift > 0 ? fmin(shift, s) : 0;
}

static unsigned long sim__drift(uint64_t seed, double half_life, double ramp,
				double doubling, double shift, bool fresh,
				double *first_share)
{
	struct sim sm;
	unsigned long n;

	if (doubling > 0)
		ramp = doubling * log2(shift / SIM_SEED_SHARE);
	sim__init(&sm, seed, half_life, SIM_G, SIM_EVERY);
	for (unsigned long t = 0; t < (unsigned long)ramp + SIM_SETTLE; t++) {
		struct mix m = { .s = sim__share_at(t, ramp, doubling, shift),
				 .fresh = fresh };

		sim__step(&sm, &m);
	}
	n = sm.t.anomalies;
	if (first_share)
		*first_share = n ? sim__share_at(sm.t.first, ramp, doubling,
						 shift) : NAN;
	sim__fini(&sm);
	return n;
}

/* A linear ramp (sim__drift). */
static unsigned long sim__ramp(uint64_t seed, double half_life, double ramp,
			       double shift, bool fresh)
{
	return sim__drift(seed, half_life, ramp, 0, shift, fresh, NULL);
}

static void refresh_lambda__half_life__halves(void **state)
{
	(void)state;
	assert_float_equal(pow(refresh__lambda(60480), 60480), 0.5, 1e-9);
	assert_float_equal(refresh__lambda(1), 0.5, 1e-15);
}

static void refresher_new__bad_options__einval(void **state)
{
	struct refresh_opts o = { .half_life_s = 100, .guard_s = 10,
				  .every_s = 60, .interval_s = 10 };
	struct baseline bl = { 0 };
	struct refresher *r = refresher__new(&bl, &o);

	(void)state;
	assert_non_null(r);
	refresher__free(r);
	o.guard_s = 100 * 64 + 10;	/* past 64 half-lives */
	assert_null(refresher__new(&bl, &o));
	assert_int_equal(errno, EINVAL);
	o = (struct refresh_opts){ .half_life_s = 0, .guard_s = 10,
				   .every_s = 60, .interval_s = 10 };
	assert_null(refresher__new(&bl, &o));
	o.half_life_s = 100;
	o.every_s = 0;
	assert_null(refresher__new(&bl, &o));
}

/*
 * Windows of the learnt mix are folded as c <- lambda c + w, but only
 * once at least a guard old: after 40 windows with a guard of 2, 38 are
 * in. Checked against the closed form on a bin's expected count.
 */
static void refresher__steady_windows__forgotten_exponentially(void **state)
{
	struct sim sm;
	struct mix p0 = { 0 };
	struct refresh_stats st;
	const struct baseline_entry *e;
	double lambda = refresh__lambda(10), pool0, want, got;
	uint64_t windows0;

	(void)state;
	sim__init(&sm, 7, 10, 2, 1e9);
	e = sim__entry(&sm);
	pool0 = 0;
	for (uint32_t b = 0; b < 8; b++)
		pool0 += (double)e->counts[b];
	windows0 = e->windows;
	for (int i = 0; i < 40; i++)
		sim__step(&sm, &p0);
	refresher__commit(sm.r);
	refresher__stats(sm.r, &st);
	assert_int_equal(st.folded, 38);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(e->windows, windows0 + 38);
	/* Bins 0-7 hold 90% of EVENTS a window; sampling noise is ~1%. */
	want = pow(lambda, 38) * pool0 +
	       0.9 * EVENTS * (1 - pow(lambda, 38)) / (1 - lambda);
	got = 0;
	for (uint32_t b = 0; b < 8; b++)
		got += (double)e->counts[b];
	assert_true(fabs(got - want) < 0.01 * want);
	/* Forgetting: the pool holds ~14.4 windows' worth, not 60 + 38. */
	assert_true(got < 0.9 * EVENTS * 20);
	assert_true(got > 0.9 * EVENTS * 10);
	sim__fini(&sm);
}

/*
 * An attack raises an incident; the windows of the guard before it (a
 * marker bin the attack did not use) and after it (another marker) are
 * not learnt, nor the attack's mix; windows after the guard are (a third
 * marker). The counts are bounded on both sides.
 */
static void refresher__incident_and_guard__never_learnt(void **state)
{
	struct sim sm;
	struct mix m = { 0 };
	struct refresh_stats st;
	const struct baseline_entry *e;
	double before, after;
	unsigned long attack_windows = 0;

	(void)state;
	sim__init(&sm, 11, SIM_H, SIM_G, SIM_EVERY);
	e = sim__entry(&sm);
	for (int i = 0; i < 50; i++)
		sim__step(&sm, &m);
	refresher__commit(sm.r);
	before = sim__share(&sm, 8, 16);
	/* The guard's windows before: one call of syscall 100 each (too
	 * few to score: 0.05% of a window, novelty 2.1 < level 3.9). */
	m.marker = 100;
	m.marker_events = 1;
	for (int i = 0; i < (int)SIM_G; i++)
		sim__step(&sm, &m);
	assert_int_equal(sm.t.anomalies, 0);
	/* The attack: until it is raised, then 20 windows more. */
	m = (struct mix){ .s = 0.8 };
	do {
		sim__step(&sm, &m);
		attack_windows++;
	} while (!sm.t.anomalies && attack_windows < 10);
	assert_true(sm.t.anomalies > 0);
	for (int i = 0; i < 20; i++)
		sim__step(&sm, &m);
	/* Normal again: until the alarm lets go, then the guard (marker 101),
	 * then normal windows (marker 102). */
	m = (struct mix){ 0 };
	for (int i = 0; i < 50 && sm.t.alarm; i++)
		sim__step(&sm, &m);
	assert_false(sm.t.alarm);
	m = (struct mix){ .marker = 101, .marker_events = 1 };
	for (int i = 1; i < (int)SIM_G; i++)
		sim__step(&sm, &m);
	m.marker = 102;
	for (int i = 0; i < 20; i++)
		sim__step(&sm, &m);
	m.marker = 0;
	for (int i = 0; i < 3 * (int)SIM_G; i++)
		sim__step(&sm, &m);
	refresher__commit(sm.r);
	refresher__stats(sm.r, &st);
	after = sim__share(&sm, 8, 16);
	assert_int_equal(e->counts[100], 0);
	assert_int_equal(e->counts[101], 0);
	assert_true(e->counts[102] >= 10);	/* 20 windows, decayed */
	assert_true(e->counts[102] <= 20);
	/* The attack's mix (90% on 8-15) did not leak into the pool. */
	assert_true(after < before + 0.01);
	assert_true(after > before - 0.01);
	assert_true(st.dropped >= SIM_G);
	assert_int_equal(st.guarded, SIM_G);	/* the first normal window + 101s */
	sim__fini(&sm);
}

/*
 * Windows handed over muted (a mute covering the series, or some of its
 * bins) are not learnt; the same windows unmuted are. Straight through the
 * sink, as the analyzer hands them.
 */
static void refresher__muted_windows__never_learnt(void **state)
{
	(void)state;
	for (int muted = 0; muted < 3; muted++) {
		struct sim sm;
		struct mix m = { .marker = 100, .marker_events = 1 };
		struct refresh_stats st;
		struct analysis_sink k;

		sim__init(&sm, 13, SIM_H, SIM_G, SIM_EVERY);
		k = refresher__sink(sm.r);
		for (int i = 0; i < 4 * (int)SIM_G; i++) {
			struct window *w = sim__window(&sm, &m);
			struct analysis an = {
				.verdict = VERDICT_NORMAL,
				.threshold = 3.9,
				.muted = muted == 1,
				.muted_bins = muted == 2,
			};

			assert_int_equal(k.analysis(k.ctx, w, F, SVC,
						    &w->hists[0], &an, NULL), 0);
			assert_int_equal(k.window_done(k.ctx, w), 0);
			window__free(w);
		}
		refresher__commit(sm.r);
		refresher__stats(sm.r, &st);
		if (muted) {
			assert_int_equal(st.folded, 0);
			assert_int_equal(sim__entry(&sm)->counts[100], 0);
		} else {
			assert_int_equal(st.folded, 3 * SIM_G);
			assert_in_range(sim__entry(&sm)->counts[100], 10, 15);
		}
		sim__fini(&sm);
	}
}

/* A refreshed baseline is still a valid file, and the score models were
 * refitted on schedule. */
static void refresher__refreshed_baseline__saves_and_loads(void **state)
{
	struct sim sm;
	struct mix m = { 0 };
	struct refresh_stats st;
	char path[] = "/tmp/dp-refresh-XXXXXX", err[512];
	struct baseline *back;
	int fd;

	(void)state;
	sim__init(&sm, 5, SIM_H, SIM_G, SIM_EVERY);
	for (int i = 0; i < 200; i++)
		sim__step(&sm, &m);
	refresher__stats(sm.r, &st);
	assert_true(st.recalibrations >= 15 && st.recalibrations <= 20);
	assert_true(st.refits >= 1);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(baseline__save(sm.bl, path, err, sizeof(err)), 0);
	back = baseline__load(path, err, sizeof(err));
	if (!back)
		fail_msg("%s", err);
	assert_int_equal(back->entries[0].windows, sim__entry(&sm)->windows);
	assert_memory_equal(back->entries[0].counts, sim__entry(&sm)->counts,
			    NB * sizeof(uint64_t));
	baseline__free(back);
	unlink(path);
	sim__fini(&sm);
}

/*
 * Windows noisier than learning's, mostly judged normal (a share of 0 to 6%
 * moved, in turn) get the score model refitted wider, but never to an
 * alarm level past twice the starting one: the refits that would go
 * further are refused.
 */
static void refresher__noisier_windows__level_widens_at_most_twice(void **state)
{
	double level = score__threshold(SCORE_DEFAULT_BUDGET, INTERVAL, 1);
	double start, now;
	struct refresh_stats st;
	struct sim sm;

	(void)state;
	sim__init(&sm, 9, SIM_H, SIM_G, SIM_EVERY);
	start = score__effect_at(&sim__entry(&sm)->score, level);
	for (int i = 0; i < 400; i++) {
		struct mix m = { .s = 0.06 * (i % 7) / 6 };

		sim__step(&sm, &m);
	}
	refresher__stats(sm.r, &st);
	now = score__effect_at(&sim__entry(&sm)->score, level);
	print_message("level %.4f -> %.4f nats: %llu refits, %llu refused\n",
		      start, now, (unsigned long long)st.refits,
		      (unsigned long long)st.refused);
	assert_true(st.refits >= 1);
	assert_true(st.refused >= 1);
	assert_true(now > 1.2 * start);
	assert_true(now <= REFRESH_WIDEN_MAX * start);
	sim__fini(&sm);
}

/*
 * The absorption rule both ways, at the default ratio of guard and
 * schedule to half-life: 80% of the mass moved over one half-life is
 * raised; with refresh off, over 64 half-lives too; with refresh on, over
 * 64 half-lives it is absorbed without an alarm.
 */
static void refresher__slow_drift__absorbed_fast_one_raised(void **state)
{
	(void)state;
	assert_true(sim__ramp(3, SIM_H, 1 * SIM_H, 0.8, false) > 0);
	assert_true(sim__ramp(3, 0, 64 * SIM_H, 0.8, false) > 0);
	assert_int_equal(sim__ramp(3, SIM_H, 64 * SIM_H, 0.8, false), 0);
}

/*
 * The README's table. Per ramp length (in half-lives) and 5 seeds: in how
 * many runs an anomaly was raised, and the anomalous windows per 1,000;
 * "none" is the same length of windows without any drift (the false
 * alarms the budget allows: 1 a day is 1.16 per 1,000 windows of 10 s),
 * which an absorbed drift cannot be told from.
 */
static void print_row(double ramp)
{
	static const double halves[] = { SIM_H, 4 * SIM_H };
	unsigned long n[4] = { 0 }, runs[4] = { 0 }, windows[4] = { 0 };

	for (uint64_t seed = 1; seed <= 5; seed++) {
		for (size_t j = 0; j < 4; j++) {
			double h = halves[j == 1];
			unsigned long a = sim__ramp(seed, h, ramp * h,
						    j == 3 ? 0 : 0.8, j == 2);

			n[j] += a;
			runs[j] += a > 0;
			windows[j] += (unsigned long)(ramp * h) + SIM_SETTLE;
		}
	}
	printf("%-9g", ramp);
	for (size_t j = 0; j < 4; j++)
		printf("  %lu/5 %6.2f", runs[j], 1000.0 * n[j] / windows[j]);
	printf("\n");
	fflush(stdout);
}

static void print_doubling(double d)
{
	unsigned long n = 0, runs = 0, windows = 0;
	double first, lo = 1, hi = 0;

	for (uint64_t seed = 1; seed <= 5; seed++) {
		unsigned long a = sim__drift(seed, SIM_H, 0, d * SIM_H, 0.8,
					     true, &first);

		n += a;
		lo = a ? fmin(lo, first) : lo;
		hi = a ? fmax(hi, first) : hi;
		runs += a > 0;
		windows = (unsigned long)(d * SIM_H * log2(0.8 /
							   SIM_SEED_SHARE)) +
			  SIM_SETTLE;
	}
	printf("%-8g %lu/5 %10.2f %10lu   %.3g%%-%.3g%%\n", d, runs,
	       1000.0 * n / (5.0 * windows), windows, 100 * lo, 100 * hi);
	fflush(stdout);
}

static int print_table(void)
{
	static const double doublings[] = { 0.5, 1, 2, 3, 4, 6, 8 };
	static const double ramps[] = { 0.5, 1, 2, 4, 8, 12, 16, 20, 24, 32,
					48, 64 };

	printf("80%% of the mass moved over a ramp, %d events a window, "
	       "guard %g and schedule %g windows, 5 seeds:\n"
	       "runs with an anomaly, anomalous windows per 1000\n",
	       EVENTS, SIM_G, SIM_EVERY);
	printf("%-9s  %-11s  %-11s  %-11s  %-11s\n", "ramp (H)", "H=100",
	       "H=400", "fresh bins", "none");
	for (size_t i = 0; i < sizeof(ramps) / sizeof(ramps[0]); i++)
		print_row(ramps[i]);
	printf("\nnew bins growing from %g%% of the mass to 80%%, doubling "
	       "every D half-lives (H=100), 5 seeds:\nD        runs  "
	       "anomalous/1000  windows   share when first raised\n", 100 * SIM_SEED_SHARE);
	for (size_t i = 0; i < sizeof(doublings) / sizeof(doublings[0]); i++)
		print_doubling(doublings[i]);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refresh_lambda__half_life__halves),
		cmocka_unit_test(refresher_new__bad_options__einval),
		cmocka_unit_test(refresher__steady_windows__forgotten_exponentially),
		cmocka_unit_test(refresher__incident_and_guard__never_learnt),
		cmocka_unit_test(refresher__muted_windows__never_learnt),
		cmocka_unit_test(refresher__refreshed_baseline__saves_and_loads),
		cmocka_unit_test(refresher__noisier_windows__level_widens_at_most_twice),
		cmocka_unit_test(refresher__slow_drift__absorbed_fast_one_raised),
	};

	if (argc > 1 && !strcmp(argv[1], "--table"))
		return print_table();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
