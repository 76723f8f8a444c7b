// SPDX-License-Identifier: MIT
/*
 * incident.c (and the headline of headline.c): a window's anomalies fused
 * per cgroup, severity from the members' own levels, members by ratio,
 * incidents critical first; one id from opening to resolution; the bound
 * on open incidents; culprits (a new process in moved bins before an old
 * busy one, the leader and its children from ppid); exemplar texts that
 * are odd or garbage.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "feature.h"
#include "headline.h"
#include "incident.h"
#include "window.h"

/* What the callback saw (a copy of each incident). */
struct seen {
	size_t n;
	struct incident inc[INCIDENT_MAX_OPEN + 16];
	char cgroups[INCIDENT_MAX_OPEN + 16][32];
};

static int collect(void *ctx, const struct incident *inc)
{
	struct seen *s = ctx;

	if (s->n < sizeof(s->inc) / sizeof(s->inc[0])) {
		s->inc[s->n] = *inc;
		snprintf(s->cgroups[s->n], sizeof(s->cgroups[0]), "%s",
			 inc->cgroup);
		s->n++;
	}
	return 0;
}

/* An analysis with a verdict, score and levels, and one moved bin. */
static struct analysis an_of(enum verdict v, double score, double threshold,
			     double critical, unsigned int bin, double bp,
			     double wp)
{
	struct analysis an;

	memset(&an, 0, sizeof(an));
	an.verdict = v;
	an.score = score;
	an.threshold = threshold;
	an.critical = critical;
	an.d.n_window = 1000;
	an.ntop = 1;
	an.top[0] = (struct bin_contribution){ bin, bp, wp, 0.6 };
	return an;
}

static struct analysis anomaly(double score, double threshold,
			       double critical)
{
	return an_of(VERDICT_ANOMALY, score, threshold, critical, 1, 0.1, 0.3);
}

static struct analysis normal(void)
{
	return an_of(VERDICT_NORMAL, 0.1, 1, 2, 1, 0.1, 0.11);
}

static struct seen *end(struct incidents *b, double ts)
{
	static struct seen s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(incidents__end(b, ts, collect, &s), 0);
	return &s;
}

static void fusion__features_of_one_cgroup__one_incident_by_ratio(void **state)
{
	struct incidents *b = incidents__new();
	struct analysis a1 = anomaly(3, 1, 5);		/* ratio 3 */
	struct analysis a2 = anomaly(0.5, 0.1, 0.2);	/* ratio 5, critical */
	struct analysis a3 = normal();
	struct seen *s;

	(void)state;
	assert_non_null(b);
	incidents__begin(b);
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/a", NULL, &a1), 0);
	assert_int_equal(incidents__add(b, DP_F_NET_PEER, "/a", NULL, &a2), 0);
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ERRNO, "/a", NULL, &a3), 0);
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/b", NULL, &a3), 0);
	s = end(b, 10);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->cgroups[0], "/a");
	assert_int_equal(s->inc[0].id, 1);
	assert_int_equal(s->inc[0].state, INCIDENT_OPEN);
	assert_int_equal(s->inc[0].severity, INCIDENT_CRITICAL);
	assert_int_equal(s->inc[0].nmembers, 2);
	assert_int_equal(s->inc[0].nanomalous, 2);
	assert_int_equal(s->inc[0].members[0].feature, DP_F_NET_PEER);
	assert_int_equal(s->inc[0].members[1].feature, DP_F_SYSCALL_ID);
	/* The score and threshold of the largest ratio, never mixed. */
	assert_true(s->inc[0].score == 0.5 && s->inc[0].threshold == 0.1);
	assert_int_equal(s->inc[0].members[0].ntop, 1);
	assert_int_equal(incidents__open(b), 1);
	incidents__free(b);
}

static void severity__warning_below_every_critical_level(void **state)
{
	struct incidents *b = incidents__new();
	struct analysis a1 = anomaly(1.9, 1, 2);
	struct analysis a2 = anomaly(12, 10, 12.0001);	/* other units */
	struct seen *s;

	(void)state;
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/a", NULL, &a1), 0);
	assert_int_equal(incidents__add(b, DP_F_PROC_EXEC, "/a", NULL, &a2), 0);
	s = end(b, 1);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->inc[0].severity, INCIDENT_WARNING);
	/* 1.9 / 1 > 12 / 10 */
	assert_int_equal(s->inc[0].members[0].feature, DP_F_SYSCALL_ID);
	incidents__free(b);
}

static void order__critical_first_then_larger_ratio(void **state)
{
	struct incidents *b = incidents__new();
	struct analysis w_big = anomaly(9, 1, 100);	/* warning, ratio 9 */
	struct analysis w_small = anomaly(2, 1, 100);	/* warning, ratio 2 */
	struct analysis crit = anomaly(3, 1, 2);	/* critical, ratio 3 */
	struct seen *s;

	(void)state;
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/w2", NULL, &w_small), 0);
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/w9", NULL, &w_big), 0);
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/c", NULL, &crit), 0);
	s = end(b, 1);
	assert_int_equal(s->n, 3);
	assert_string_equal(s->cgroups[0], "/c");
	assert_string_equal(s->cgroups[1], "/w9");
	assert_string_equal(s->cgroups[2], "/w2");
	incidents__free(b);
}

static void life_cycle__open_ongoing_resolved__one_id(void **state)
{
	struct incidents *b = incidents__new();
	struct analysis a = anomaly(3, 1, 5), peak = anomaly(8, 1, 5);
	struct analysis n = normal();
	struct seen *s;
	uint64_t id;

	(void)state;
	/* Another cgroup opens first: ids are per incident, not per cgroup. */
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/other", NULL, &a), 0);
	s = end(b, 1);
	assert_int_equal(s->n, 1);
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/other", NULL, &n), 0);
	s = end(b, 2);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->inc[0].state, INCIDENT_RESOLVED);

	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/a", NULL, &a), 0);
	s = end(b, 3);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->inc[0].state, INCIDENT_OPEN);
	id = s->inc[0].id;
	assert_int_equal(id, 2);
	/* Ongoing while any feature stays anomalous, whichever. */
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/a", NULL, &peak), 0);
	s = end(b, 4);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->inc[0].state, INCIDENT_ONGOING);
	assert_int_equal(s->inc[0].severity, INCIDENT_CRITICAL);
	assert_int_equal(s->inc[0].id, id);
	assert_int_equal(s->inc[0].windows, 2);
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/a", NULL, &n), 0);
	assert_int_equal(incidents__add(b, DP_F_NET_PEER, "/a", NULL, &a), 0);
	s = end(b, 5);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->inc[0].state, INCIDENT_ONGOING);
	assert_int_equal(s->inc[0].severity, INCIDENT_WARNING);
	assert_int_equal(s->inc[0].id, id);
	assert_true(s->inc[0].opened_ts == 3);
	/* A window with none: resolved once, with the peak and its severity. */
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/a", NULL, &n), 0);
	s = end(b, 6);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->inc[0].state, INCIDENT_RESOLVED);
	assert_int_equal(s->inc[0].id, id);
	assert_int_equal(s->inc[0].windows, 3);
	assert_int_equal(s->inc[0].severity, INCIDENT_CRITICAL);
	assert_true(s->inc[0].score == 8);
	assert_true(s->inc[0].ts == 6);
	assert_int_equal(incidents__open(b), 0);
	s = end(b, 7);
	assert_int_equal(s->n, 0);
	/* The next event in that cgroup is a new incident. */
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/a", NULL, &a), 0);
	s = end(b, 8);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->inc[0].state, INCIDENT_OPEN);
	assert_int_equal(s->inc[0].id, id + 1);
	incidents__free(b);
}

/*
 * A window of few events while the detector holds its alarm (insufficient,
 * held) says nothing: the incident neither resolves nor writes a line,
 * and the next anomalous window goes on under the same id. Insufficient
 * without a held alarm counts as quiet.
 */
static void life_cycle__few_events_while_held__same_incident(void **state)
{
	struct incidents *b = incidents__new();
	struct analysis a = anomaly(3, 1, 5);
	struct analysis held = an_of(VERDICT_INSUFFICIENT, 0, 1, 3, 1, 0.1,
				     0.1);
	struct seen *s;
	uint64_t id;

	(void)state;
	held.held = true;
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/a", NULL, &a), 0);
	s = end(b, 1);
	assert_int_equal(s->n, 1);
	id = s->inc[0].id;
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/a", NULL, &held),
			 0);
	s = end(b, 2);
	assert_int_equal(s->n, 0);
	assert_int_equal(incidents__open(b), 1);
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/a", NULL, &a), 0);
	s = end(b, 3);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->inc[0].state, INCIDENT_ONGOING);
	assert_int_equal(s->inc[0].id, id);
	held.held = false;
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/a", NULL, &held),
			 0);
	s = end(b, 4);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->inc[0].state, INCIDENT_RESOLVED);
	assert_int_equal(s->inc[0].id, id);
	incidents__free(b);
}

static void bound__past_max_open__not_opened_counted_critical_first(void **state)
{
	struct incidents *b = incidents__new();
	struct analysis w = anomaly(3, 1, 5), c = anomaly(6, 1, 5);
	static char cgs[INCIDENT_MAX_OPEN + 5][16];
	struct seen *s;
	size_t crit = 0;

	(void)state;
	for (int i = 0; i < INCIDENT_MAX_OPEN + 5; i++) {
		snprintf(cgs[i], sizeof(cgs[i]), "/cg%03d", i);
		/* The last 3 are critical: opened before warnings. */
		assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, cgs[i], NULL,
						i >= INCIDENT_MAX_OPEN + 2 ?
						&c : &w), 0);
	}
	s = end(b, 1);
	assert_int_equal(s->n, INCIDENT_MAX_OPEN);
	assert_int_equal(incidents__open(b), INCIDENT_MAX_OPEN);
	assert_int_equal(incidents__overflows(b), 5);
	for (size_t i = 0; i < s->n; i++)
		crit += s->inc[i].severity == INCIDENT_CRITICAL;
	assert_int_equal(crit, 3);
	/* Still full next window: the same ones go on, none opened. */
	for (int i = 0; i < INCIDENT_MAX_OPEN + 5; i++)
		assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, cgs[i], NULL,
						&w), 0);
	s = end(b, 2);
	assert_int_equal(s->n, INCIDENT_MAX_OPEN);
	for (size_t i = 0; i < s->n; i++)
		assert_int_equal(s->inc[i].state, INCIDENT_ONGOING);
	assert_int_equal(incidents__overflows(b), 10);
	incidents__free(b);
}

/* A syscall.id histogram of cgroup with exemplars per bin. */
static void add_hist(struct window *w, const char *cgroup,
		     const char *const *ex, const uint32_t *bins, size_t n)
{
	uint64_t counts[512] = { 0 };

	for (size_t i = 0; i < n; i++)
		counts[bins[i]] = 100;
	assert_int_equal(window__add(w, DP_F_SYSCALL_ID, cgroup, counts,
				     feature_table[DP_F_SYSCALL_ID].bins), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(window__set_exemplar(w, DP_F_SYSCALL_ID,
						      cgroup, bins[i], ex[i]), 0);
}

static void culprits__new_process_in_moved_bins__beats_old_busy_one(void **state)
{
	struct incidents *b = incidents__new();
	struct window *w1 = window__new(1, 1, "h");
	struct window *w2 = window__new(2, 1, "h");
	const char *normal_ex[] = { "100 nginx ~5000 /web" };
	const uint32_t normal_bins[] = { 0 };
	/* bin 257 (openat) moved up; nginx is old and busier everywhere. */
	const char *attack_ex[] = { "100 nginx ~9000 /web",
				    "4242 curl ~300 ppid=4000 /web, 100 nginx ~400 /web",
				    "4000 sh ~50 ppid=100 /web",
				    "4243 tar ~200 ppid=4242 /web" };
	const uint32_t attack_bins[] = { 0, 257, 59, 1 };
	struct analysis n = normal();
	struct analysis a = an_of(VERDICT_ANOMALY, 4, 1, 3, 257, 0.01, 0.4);
	struct analysis exec = anomaly(3, 1, 8);
	char hl[HEADLINE_LEN];
	struct seen *s;

	(void)state;
	add_hist(w1, "/web", normal_ex, normal_bins, 1);
	add_hist(w2, "/web", attack_ex, attack_bins, 4);
	/* A normal window: nginx (pid 100) is remembered. */
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/web",
					&w1->hists[0], &n), 0);
	assert_int_equal(end(b, 1)->n, 0);
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/web",
					&w2->hists[0], &a), 0);
	assert_int_equal(incidents__add(b, DP_F_PROC_EXEC, "/web", NULL, &exec), 0);
	s = end(b, 2);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->inc[0].nculprits, 4);
	/* sh started curl, which started tar: sh leads (its parent is old). */
	assert_int_equal(s->inc[0].culprits[0].pid, 4000);
	assert_true(s->inc[0].culprits[0].leader);
	assert_true(s->inc[0].culprits[0].new_pid);
	assert_int_equal(s->inc[0].culprits[1].pid, 4242);
	assert_true(s->inc[0].culprits[1].child);
	assert_int_equal(s->inc[0].culprits[1].moved_samples, 300);
	assert_int_equal(s->inc[0].culprits[2].pid, 4243);
	assert_true(s->inc[0].culprits[2].child);
	/* The old busy one last, neither new nor a child. */
	assert_int_equal(s->inc[0].culprits[3].pid, 100);
	assert_false(s->inc[0].culprits[3].new_pid);
	assert_false(s->inc[0].culprits[3].child);
	assert_int_equal(s->inc[0].culprits[3].samples, 9400);
	headline__format(&s->inc[0], hl, sizeof(hl));
	assert_string_equal(hl, "critical: /web: the syscall mix and programs "
			    "started changed (syscall.id openat 1% -> 40%, "
			    "proc.exec) led by sh (pid 4000) with children "
			    "curl, tar");
	window__free(w1);
	window__free(w2);
	incidents__free(b);
}

static void culprits__without_ppid__top_ranked_leads_no_children(void **state)
{
	struct incidents *b = incidents__new();
	struct window *w = window__new(1, 1, "h");
	const char *ex[] = { "7 old ~100000 /x", "9 newbie ~10 /x" };
	const uint32_t bins[] = { 0, 257 };
	struct analysis a = an_of(VERDICT_ANOMALY, 4, 1, 8, 257, 0.01, 0.4);
	struct seen *s;

	(void)state;
	add_hist(w, "/x", ex, bins, 2);
	assert_int_equal(incidents__add(b, DP_F_SYSCALL_ID, "/x", &w->hists[0],
					&a), 0);
	s = end(b, 1);
	assert_int_equal(s->n, 1);
	/* Both new (nothing remembered yet): events decide, 100000 > 10*4. */
	assert_int_equal(s->inc[0].nculprits, 2);
	assert_int_equal(s->inc[0].culprits[0].pid, 7);
	assert_true(s->inc[0].culprits[0].leader);
	assert_false(s->inc[0].culprits[1].child);
	assert_int_equal(s->inc[0].culprits[1].ppid, 0);
	window__free(w);
	incidents__free(b);
}

/* Parsed exemplars, "pid:comm:events:ppid;" each. */
static void append(void *ctx, uint32_t pid, const char *comm, uint64_t events,
		   uint32_t ppid)
{
	char *out = ctx;
	size_t len = strlen(out);

	snprintf(out + len, 512 - len, "%u:%s:%llu:%u;", pid, comm,
		 (unsigned long long)events, ppid);
}

static void parse(const char *text, size_t want_n, const char *want)
{
	char out[512] = "";

	assert_int_equal(incident__parse_exemplars(text, append, out), want_n);
	assert_string_equal(out, want);
}

static void parse__odd_and_garbage_texts__no_crash(void **state)
{
	char big[4096];

	(void)state;
	parse("4242 dpstorm ~128520 /system.slice/x.service, 1001 sshd ~34 <root>",
	      2, "4242:dpstorm:128520:0;1001:sshd:34:0;");
	parse("5 a b c ~7 ppid=3 /cg", 1, "5:a b c:7:3;");
	/* A comm holding ", 9 x" and " ~1": the last " ~N" within 15 bytes. */
	parse("5 x, 9 y ~1 ~2 /cg, 6 z ~3 /cg", 2, "5:x, 9 y ~1:2:0;6:z:3:0;");
	parse("", 0, "");
	parse("garbage", 0, "");
	parse("12", 0, "");
	parse("12 ", 0, "");
	parse("12 comm", 0, "");
	parse("12 comm ~", 0, "");
	parse("0 zero ~5 /x", 0, "");
	parse("99999999999 huge ~5 /x", 0, "");
	parse("12 comm-longer-than-15 ~5 /x", 0, "");
	parse("12 c ~99999999999999999999999 /x", 1,
	      "12:c:18446744073709551615:0;");
	parse("12 c ~5 ppid=99999999999 /x", 1, "12:c:5:0;");
	parse(", , ,, 3 ok ~1 /x,", 1, "3:ok:1:0;");
	memset(big, '~', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	parse(big, 0, "");
}

static void headline__resolved_and_no_culprits(void **state)
{
	struct incident inc;
	char hl[HEADLINE_LEN], small[24];

	(void)state;
	memset(&inc, 0, sizeof(inc));
	inc.cgroup = "/db";
	inc.severity = INCIDENT_WARNING;
	inc.nmembers = inc.nanomalous = 1;
	inc.members[0].feature = DP_F_BLOCK_IO_LATENCY;
	headline__format(&inc, hl, sizeof(hl));
	assert_string_equal(hl, "warning: /db: block I/O latency changed "
			    "(block.io_latency)");
	headline__format(&inc, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_string_equal(small + strlen(small) - 3, "...");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fusion__features_of_one_cgroup__one_incident_by_ratio),
		cmocka_unit_test(severity__warning_below_every_critical_level),
		cmocka_unit_test(order__critical_first_then_larger_ratio),
		cmocka_unit_test(life_cycle__open_ongoing_resolved__one_id),
		cmocka_unit_test(
		    life_cycle__few_events_while_held__same_incident),
		cmocka_unit_test(bound__past_max_open__not_opened_counted_critical_first),
		cmocka_unit_test(culprits__new_process_in_moved_bins__beats_old_busy_one),
		cmocka_unit_test(culprits__without_ppid__top_ranked_leads_no_children),
		cmocka_unit_test(parse__odd_and_garbage_texts__no_crash),
		cmocka_unit_test(headline__resolved_and_no_culprits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
