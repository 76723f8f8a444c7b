// SPDX-License-Identifier: MIT
/*
 * Mute rules (mute.c): parse errors word for word, expiry, which series
 * and bins a rule covers, the watch policy; schedules on hand-worked cases
 * bounded on both sides and against Python's datetime (tests/ref/
 * gen_mute.py, path in argv[1]), in UTC.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "test_ref.h"
#include "feature.h"
#include "mute.h"
#include "window.h"

static struct ref_file ref = { .usage = "test_mute REFERENCE (gen_mute.py)" };

/* 2026-12-07T00:00:00Z, a Monday. */
#define MON 1796601600.0

static void parse_ok(const char *spec, double now, struct mute_rule *r)
{
	char err[512] = "";

	if (mute__parse(spec, now, r, err, sizeof(err)))
		fail_msg("'%s': %s", spec, err);
}

static void parse_fails(const char *spec, const char *want)
{
	struct mute_rule r;
	char err[512] = "";

	assert_int_equal(mute__parse(spec, MON, &r, err, sizeof(err)),
			 -EINVAL);
	if (!strstr(err, want))
		fail_msg("'%s': got \"%s\", expected it to hold \"%s\"", spec,
			 err, want);
	assert_null(strchr(err, '\n'));
	assert_int_equal(r.feature, -1);
	assert_null(r.spec);
}

static void parse__errors__one_line_each(void **state)
{
	(void)state;
	parse_fails("foo=1 for=10m", "mute 'foo=1 for=10m': unknown field "
		    "'foo'; expected feature=, workload=, bin=, until=, for=, "
		    "schedule=, reason=");
	parse_fails("workload", "'workload' is not key=value");
	parse_fails("feature=syscall.nope for=1m", "unknown feature "
		    "'syscall.nope'");
	parse_fails("workload=a", "no end; expected until=, for= or "
		    "schedule=");
	parse_fails("bin=3 for=1m", "bin=3 needs feature=");
	parse_fails("feature=syscall.id bin=512 for=1m", "bin=512 is not a "
		    "bin of syscall.id");
	parse_fails("feature=syscall.id bin=nosuchcall for=1m", "not a bin");
	parse_fails("for=10 for=20", "for= given twice");
	parse_fails("for=10x", "for=10x; expected a duration");
	parse_fails("for=-5m", "expected a duration");
	parse_fails("until=2026-13-01T00:00Z", "until=2026-13-01T00:00Z; "
		    "expected a UTC time");
	parse_fails("until=2026-12-01T00:00", "expected a UTC time");
	parse_fails("until=2026-12-08T00:00Z for=1h", "until= and for= both");
	parse_fails("reason=\"open for=1m", "reason= has no closing '\"'");
	parse_fails("reason=\"a\"b for=1m", "followed by 'b'");
	parse_fails("schedule=\"0 2 * *\" for=1m", "has 4 fields");
	parse_fails("schedule=\"0 2 * * * 1h 2\"", "has 7 fields");
	parse_fails("schedule=\"60 2 * * *\" for=1m", "schedule field '60'; "
		    "expected a minute 0-59");
	parse_fails("schedule=\"0 2 0 * *\" for=1m", "day of month 1-31");
	parse_fails("schedule=\"0 2 * * 8\" for=1m", "day of week 0-7");
	parse_fails("schedule=\"0 5-2 * * *\" for=1m", "hour 0-23");
	parse_fails("schedule=\"*/0 * * * *\" for=1m", "minute");
	parse_fails("schedule=\"0 2 * * *\"", "without a duration");
	parse_fails("schedule=\"0 2 * * * 1h\" for=1h", "given twice");
	parse_fails("schedule=\"0 2 * * *\" for=8d", "over 7 days");
	parse_fails("reason= for=1m", "reason= is empty");
}

static void parse__spec__normalised_and_stable(void **state)
{
	struct mute_rule r, again;

	(void)state;
	parse_ok("  workload=\"systemd:backup*\"  schedule=\"0 2 * * * 90m\" "
		 "reason=\"nightly backup\" ", MON, &r);
	assert_string_equal(r.spec, "workload=\"systemd:backup*\" "
			    "schedule=\"0 2 * * *\" for=90m "
			    "reason=\"nightly backup\"");
	parse_ok(r.spec, MON, &again);
	assert_string_equal(again.spec, r.spec);
	mute_rule__clear(&again);
	assert_true(r.scheduled && r.duration_s == 5400);
	assert_string_equal(r.reason, "nightly backup");
	mute_rule__clear(&r);
	/* for= alone ends at now + for, written as an absolute until=. */
	parse_ok("feature=net.dport bin=443/https for=10m", MON, &r);
	assert_int_equal(r.feature, feature__by_name("net.dport"));
	assert_int_equal(r.bin, 14);
	assert_true(r.until == MON + 600);
	assert_string_equal(r.spec, "feature=net.dport bin=443/https "
			    "until=2026-12-07T00:10:00Z");
	parse_ok(r.spec, MON + 5000, &again);
	assert_string_equal(again.spec, r.spec);
	assert_true(again.until == r.until);
	mute_rule__clear(&again);
	mute_rule__clear(&r);
	/* A time to the ms stays one (ISO 8601 is written to the second). */
	parse_ok("until=@1796601601.750", 0, &r);
	assert_string_equal(r.spec, "until=@1796601601.750");
	mute_rule__clear(&r);
	/* for= ends at a whole second, rounded up. */
	parse_ok("for=1.5s", MON + 0.25, &r);
	assert_string_equal(r.spec, "until=2026-12-07T00:00:02Z");
	mute_rule__clear(&r);
	parse_ok("feature=syscall.id bin=39 until=@1796605200", 0, &r);
	assert_int_equal(r.bin, 39);
	assert_true(r.until == MON + 3600);
	assert_string_equal(r.spec, "feature=syscall.id bin=getpid "
			    "until=2026-12-07T01:00:00Z");
	mute_rule__clear(&r);
}

static void expiry__until__both_sides(void **state)
{
	struct mute_rule r;

	(void)state;
	parse_ok("for=10m", MON, &r);
	assert_true(mute_rule__active_at(&r, MON));
	assert_true(mute_rule__active_at(&r, MON + 599.999));
	assert_false(mute_rule__active_at(&r, MON + 600));
	assert_false(mute_rule__expired(&r, MON + 599.999));
	assert_true(mute_rule__expired(&r, MON + 600));
	mute_rule__clear(&r);
	/* A schedule that ends: nightly until the 9th. */
	parse_ok("schedule=\"0 2 * * * 1h\" until=2026-12-09T00:00Z", MON, &r);
	assert_true(mute_rule__active_at(&r, MON + 86400 + 2 * 3600));
	assert_false(mute_rule__expired(&r, MON + 86400 + 2 * 3600));
	assert_false(mute_rule__active_at(&r, MON + 2 * 86400 + 2 * 3600));
	assert_true(mute_rule__expired(&r, MON + 2 * 86400 + 2 * 3600));
	mute_rule__clear(&r);
}

static bool covers(const char *schedule, double t)
{
	struct mute_rule r;
	char spec[256];
	bool on;

	snprintf(spec, sizeof(spec), "schedule=\"%s\"", schedule);
	parse_ok(spec, 0, &r);
	on = mute_rule__active_at(&r, t);
	mute_rule__clear(&r);
	return on;
}

static void schedule__hand_worked__bounded_both_sides(void **state)
{
	(void)state;
	/* 02:00-03:30 every night. */
	assert_false(covers("0 2 * * * 90m", MON + 2 * 3600 - 1));
	assert_true(covers("0 2 * * * 90m", MON + 2 * 3600));
	assert_true(covers("0 2 * * * 90m", MON + 3.5 * 3600 - 0.001));
	assert_false(covers("0 2 * * * 90m", MON + 3.5 * 3600));
	/* Across midnight: 23:30 + 1h covers 00:29 of the next day. */
	assert_true(covers("30 23 * * * 1h", MON + 29 * 60));
	assert_false(covers("30 23 * * * 1h", MON + 30 * 60));
	/* Weekdays only: Monday yes, Sunday (the 6th, 00:10) no. */
	assert_true(covers("0 0 * * 1-5 1h", MON + 600));
	assert_false(covers("0 0 * * 1-5 1h", MON - 86400 + 600));
	/* 7 is Sunday too. */
	assert_true(covers("0 0 * * 7 1h", MON - 86400 + 600));
	assert_false(covers("0 0 * * 7 1h", MON + 600));
	/* Day of month and day of week both given: either (the 13th, a
	 * Sunday, or any Friday, the 11th). */
	assert_true(covers("0 0 13 * 5 1h", MON + 6 * 86400 + 60));
	assert_true(covers("0 0 13 * 5 1h", MON + 4 * 86400 + 60));
	assert_false(covers("0 0 13 * 5 1h", MON + 5 * 86400 + 60));
	/* Only in December; steps and lists. */
	assert_true(covers("0 0 * 12 * 1m", MON + 30));
	assert_false(covers("0 0 * 1-11 * 1m", MON + 30));
	assert_true(covers("*/15 * * * * 1m", MON + 45 * 60 + 59));
	assert_false(covers("*/15 * * * * 1m", MON + 46 * 60));
	assert_true(covers("5,10-12 * * * * 1m", MON + 11 * 60));
	assert_false(covers("5,10-12 * * * * 1m", MON + 13 * 60));
}

struct ref_ctx {
	size_t n, on, mismatched;
};

static void check_ref(struct cursor *c, size_t line, void *ctx)
{
	struct ref_ctx *x = ctx;
	double t = next_double(c), dur = next_double(c);
	long want = (long)next_double(c);
	char schedule[128];
	bool got;

	if (!c->ok || sscanf(c->p, " %127[^\n]", schedule) != 1)
		fail_msg("reference line %zu: malformed", line);
	snprintf(schedule + strlen(schedule),
		 sizeof(schedule) - strlen(schedule), " %gs", dur);
	got = covers(schedule, t);
	x->n++;
	x->on += want;
	if (got != (want != 0)) {
		if (x->mismatched++ < 5)
			print_message("line %zu: '%s' at %.3f: got %d, "
				      "python %ld\n", line, schedule, t, got,
				      want);
	}
}

static void schedule__python_datetime__agrees(void **state)
{
	struct ref_ctx x = { 0 };

	(void)state;
	for_each_record(&ref, 'c', check_ref, &x);
	print_message("schedules: %zu cases (%zu covered), %zu differ from "
		      "python\n", x.n, x.on, x.mismatched);
	assert_int_equal(x.mismatched, 0);
	/* Enough of each side that agreeing means something. */
	assert_true(x.n >= 1000 && x.on >= 100 && x.n - x.on >= 100);
}

static void covers__feature_glob_bin(void **state)
{
	struct mute_set s = { 0 };
	const struct mute_rule *by;
	enum dp_feature_id id = feature__by_name("syscall.id"),
			   dport = feature__by_name("net.dport");
	uint64_t counts[FEATURE_MAX_BINS] = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(mute_set__add(&s, "workload=\"/dp-*.slice/*\" "
				       "for=10m reason=backup", MON, err,
				       sizeof(err)), 0);
	assert_int_equal(mute_set__add(&s, "feature=net.dport bin=443/https "
				       "for=1h", MON, err, sizeof(err)), 0);
	assert_int_equal(mute_set__add(&s, "feature=syscall.id for=1m",
				       MON - 3600, err, sizeof(err)), 0);
	mute_set__at(&s, MON + 1);
	assert_int_equal(s.active, 2);
	by = mute__covers(&s, id, "/dp-x.slice/backup");
	assert_non_null(by);
	assert_string_equal(by->reason, "backup");
	assert_null(mute__covers(&s, id, "/system.slice/sshd.service"));
	/* A bin rule never mutes the whole series. */
	assert_null(mute__covers(&s, dport, "/"));
	counts[14] = 7;
	counts[13] = 3;
	assert_int_equal(mute__mask_bins(&s, dport, "/", counts,
					 feature_table[dport].bins, &by), 1);
	assert_true(by == &s.rules[1]);
	/* Counting only, counts NULL. */
	assert_int_equal(mute__mask_bins(&s, dport, "/", NULL,
					 feature_table[dport].bins, NULL), 1);
	assert_true(counts[14] == 0 && counts[13] == 3);
	assert_int_equal(mute__mask_bins(&s, id, "/", counts, 512, &by), 0);
	assert_null(by);
	/* Ten minutes later the workload mute has ended by itself. */
	mute_set__at(&s, MON + 600);
	assert_int_equal(s.active, 1);
	assert_null(mute__covers(&s, id, "/dp-x.slice/backup"));
	mute_set__clear(&s);
	assert_int_equal(s.n, 0);
}

/*
 * What learning may take: a muted series left out, a muted bin zeroed,
 * the rest (and workload names) as they were; nothing muted: NULL,
 * errno 0 (learn the window itself).
 */
static void learnable__muted_series_and_bins_left_out(void **state)
{
	struct mute_set s = { 0 };
	enum dp_feature_id id = feature__by_name("syscall.id"),
			   dport = feature__by_name("net.dport");
	uint64_t counts[FEATURE_MAX_BINS] = { [13] = 3, [14] = 7 };
	uint64_t dense[FEATURE_MAX_BINS];
	struct window *w = window__new(MON + 1, 10, "h"), *l;
	const struct window_hist *h;
	char err[256];

	(void)state;
	assert_non_null(w);
	assert_int_equal(window__add(w, id, "/dp-x.slice/backup", counts,
				     feature_table[id].bins), 0);
	assert_int_equal(window__add(w, dport, "/kp/pod1/c1", counts,
				     feature_table[dport].bins), 0);
	assert_int_equal(window__add(w, id, "/web", counts,
				     feature_table[id].bins), 0);
	assert_int_equal(window__set_workload(w, dport, "/kp/pod1/c1",
					      "k8s:ns/web/app"), 0);
	assert_int_equal(window__index_workloads(w), 0);
	assert_int_equal(mute_set__add(&s, "workload=\"/dp-*.slice/*\" "
				       "for=10m", MON, err, sizeof(err)), 0);
	assert_int_equal(mute_set__add(&s, "feature=net.dport bin=443/https "
				       "workload=k8s:ns/* for=1h", MON, err,
				       sizeof(err)), 0);
	mute_set__at(&s, MON + 1);
	l = mute__learnable(&s, w);
	assert_non_null(l);
	assert_int_equal(l->n, 2);
	assert_null(window__find(l, id, "/dp-x.slice/backup"));
	h = window__find(l, dport, "/kp/pod1/c1");
	assert_non_null(h);
	assert_string_equal(window_hist__key(h), "k8s:ns/web/app");
	assert_true(window_hist__count(h, 14) == 0 &&
		    window_hist__count(h, 13) == 3);
	h = window__find(l, id, "/web");
	assert_non_null(h);
	assert_memory_equal(window_hist__dense(h, dense), counts,
			    feature_table[id].bins * sizeof(*counts));
	window__free(l);
	/* an hour later both have ended: nothing to leave out */
	mute_set__at(&s, MON + 3601);
	errno = EINVAL;
	assert_null(mute__learnable(&s, w));
	assert_int_equal(errno, 0);
	window__free(w);
	mute_set__clear(&s);
}

static void watch_policy__features_and_levels(void **state)
{
	struct watch_policy p = { 0 };
	char err[256];

	(void)state;
	assert_true(watch_policy__watches(&p, 0));
	assert_int_equal(watch_policy__features(&p, "syscall.id,net.dport",
						err, sizeof(err)), 0);
	assert_true(watch_policy__watches(&p, feature__by_name("net.dport")));
	assert_false(watch_policy__watches(&p,
					   feature__by_name("syscall.errno")));
	assert_int_equal(watch_policy__features(&p, "syscall.id,bogus", err,
						sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown feature 'bogus'"));
	assert_int_equal(watch_policy__threshold(&p, "net.dport=6.5", err,
						 sizeof(err)), 0);
	assert_true(p.level[feature__by_name("net.dport")] == 6.5);
	assert_int_equal(watch_policy__threshold(&p, "net.dport=0", err,
						 sizeof(err)), -EINVAL);
	assert_int_equal(watch_policy__threshold(&p, "nope=3", err,
						 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "expected FEATURE=LEVEL"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse__errors__one_line_each),
		cmocka_unit_test(parse__spec__normalised_and_stable),
		cmocka_unit_test(expiry__until__both_sides),
		cmocka_unit_test(schedule__hand_worked__bounded_both_sides),
		cmocka_unit_test(schedule__python_datetime__agrees),
		cmocka_unit_test(covers__feature_glob_bin),
		cmocka_unit_test(learnable__muted_series_and_bins_left_out),
		cmocka_unit_test(watch_policy__features_and_levels),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	ref.path = argc > 1 ? argv[1] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
