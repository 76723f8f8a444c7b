// SPDX-License-Identifier: MIT
/*
 * Fleet baselines and aliased series (src/stats/baseline_merge.c), on
 * baselines built here by hand: counts, windows and trimmed windows add;
 * the union of modes is kept up to BASELINE_MAX_MODES and pooled by
 * closest pair beyond; inputs of another version, feature set, bin count
 * or window length are refused, with the file named; the most tolerant
 * score model wins; pooled counts are refused at a total of 2^63 and not
 * below;
 * the merged file loads back; --compare's aliasing replaces one key's
 * series by copies of another's, pairs never chaining.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "baseline.h"
#include "baseline_merge.h"
#include "feature.h"
#include "mi.h"
#include "score.h"
#include "test_tmpdir.h"

#define CAP 16			/* entries a hand-built baseline holds */
#define NB 4			/* bins a hand-built mode fills */

static const char *const names[] = { "a.json", "b.json", "c.json" };

static struct baseline *bl_new(double interval_s, const char *kernel)
{
	struct baseline *bl = calloc(1, sizeof(*bl));

	assert_non_null(bl);
	bl->version = BASELINE_VERSION;
	bl->created = 1000;
	bl->host = strdup("h");
	bl->kernel = strdup(kernel);
	bl->interval_s = interval_s;
	bl->entries = calloc(CAP, sizeof(*bl->entries));
	assert_non_null(bl->entries);
	return bl;
}

/*
 * A series of feature f keyed key, learnt over `windows` windows, with
 * nmodes modes: mode k counts modes[k][0..NB) in bins 0..NB-1 and holds
 * mode_windows[k] windows; the pool is their sum. The prior score model
 * with the given scale, novel_rate 0.1.
 */
static struct baseline_entry *entry_add(struct baseline *bl,
					enum dp_feature_id f, const char *key,
					uint64_t windows, unsigned int nmodes,
					const uint64_t (*modes)[NB],
					const uint64_t *mode_windows,
					double scale)
{
	struct baseline_entry *e = &bl->entries[bl->n];
	double scratch[2];

	assert_true(bl->n < CAP);
	e->feature = f;
	e->cgroup = strdup(key);
	e->nbins = feature_table[f].bins;
	e->windows = windows;
	e->counts = calloc(e->nbins, sizeof(*e->counts));
	assert_non_null(e->counts);
	e->nmodes = nmodes;
	for (unsigned int k = 0; k < nmodes; k++) {
		uint64_t *c = e->counts;

		if (nmodes > 1) {
			c = calloc(e->nbins, sizeof(*c));
			assert_non_null(c);
		}
		for (int i = 0; i < NB; i++) {
			if (nmodes > 1)
				c[i] = modes[k][i];
			e->counts[i] += modes[k][i];
		}
		e->modes[k] = (struct baseline_mode){ mode_windows[k], c };
	}
	assert_int_equal(score__fit(&e->score, NULL, 0, scratch), 0);
	e->score.scale = scale;
	e->novel_rate = 0.1;
	bl->n++;
	if (bl->windows < windows)
		bl->windows = windows;
	assert_int_equal(baseline__index_entry(bl, bl->n - 1), 0);
	return e;
}

/* One series of one mode: counts c in bins 0..NB-1. */
static struct baseline_entry *entry_one(struct baseline *bl,
					enum dp_feature_id f, const char *key,
					uint64_t windows, const uint64_t c[NB])
{
	const uint64_t (*m)[NB] = (const uint64_t (*)[NB])c;

	return entry_add(bl, f, key, windows, 1, m, &windows, SCORE_SCALE_MIN);
}

static struct baseline *merge2(const struct baseline *a,
			       const struct baseline *b,
			       struct baseline_merge_stats *st, char *err,
			       size_t len)
{
	const struct baseline *in[] = { a, b };

	return baseline__merge(in, names, 2, "fleet:web", 5000, st, err, len);
}

static void assert_modes_add_up(const struct baseline_entry *e)
{
	uint64_t windows = 0;

	for (uint32_t i = 0; i < e->nbins; i++) {
		uint64_t sum = 0;

		for (unsigned int k = 0; k < e->nmodes; k++)
			sum += e->modes[k].counts[i];
		assert_int_equal(sum, e->counts[i]);
	}
	for (unsigned int k = 0; k < e->nmodes; k++)
		windows += e->modes[k].windows;
	assert_true(windows <= e->windows);
}

static void merge__counts_windows_trimmed__add_and_partial_series_kept(
	void **state)
{
	static const uint64_t ca[NB] = { 10, 20, 30, 0 };
	static const uint64_t cb[NB] = { 1, 2, 3, 4 };
	struct baseline *a = bl_new(10, "6.1"), *b = bl_new(10.4, "6.1"), *m;
	struct baseline_merge_stats st = { 99, 99 };
	const struct baseline_entry *e;
	char err[256] = "";

	(void)state;
	entry_one(a, DP_F_SYSCALL_ID, "/", 30, ca)->trimmed = 1;
	entry_one(b, DP_F_SYSCALL_ID, "/", 10, cb)->trimmed = 2;
	entry_one(b, DP_F_SYSCALL_ID, "/b.service", 10, cb)->novel_rate = 0.5;
	m = merge2(a, b, &st, err, sizeof(err));
	assert_non_null(m);
	assert_string_equal(err, "");
	assert_int_equal(st.series, 2);
	assert_int_equal(st.partial, 1);
	assert_int_equal(m->n, 2);
	assert_string_equal(m->host, "fleet:web");
	assert_string_equal(m->kernel, "6.1");
	assert_true(m->created == 5000);
	assert_int_equal(m->windows, 40);
	/* Window-weighted: (10 * 30 + 10.4 * 10) / 40. */
	assert_true(fabs(m->interval_s - 10.1) < 1e-12);

	e = baseline__find(m, DP_F_SYSCALL_ID, "/");
	assert_non_null(e);
	assert_int_equal(e->windows, 40);
	assert_int_equal(e->trimmed, 3);
	for (int i = 0; i < NB; i++)
		assert_int_equal(e->counts[i], ca[i] + cb[i]);
	assert_int_equal(e->counts[NB], 0);
	/* A single mode from each host: two modes, each its host's pool. */
	assert_int_equal(e->nmodes, 2);
	assert_int_equal(e->modes[0].windows, 30);
	assert_int_equal(e->modes[1].windows, 10);
	assert_int_equal(e->modes[0].counts[2], 30);
	assert_int_equal(e->modes[1].counts[3], 4);
	assert_modes_add_up(e);
	assert_true(e->novel_rate == 0.1);

	/* Only on host b: kept as it was, a copy. */
	e = baseline__find(m, DP_F_SYSCALL_ID, "/b.service");
	assert_non_null(e);
	assert_ptr_not_equal(e->counts, b->entries[1].counts);
	assert_int_equal(e->windows, 10);
	assert_int_equal(e->nmodes, 1);
	assert_ptr_equal(e->modes[0].counts, e->counts);
	assert_int_equal(e->counts[3], 4);
	assert_true(e->novel_rate == 0.5);
	baseline__free(m);

	/* The kernels differ: "mixed". */
	free(b->kernel);
	b->kernel = strdup("6.5");
	m = merge2(a, b, NULL, err, sizeof(err));
	assert_non_null(m);
	assert_string_equal(m->kernel, "mixed");
	baseline__free(m);
	baseline__free(a);
	baseline__free(b);
}

/*
 * Mode k of a host: mostly bin k % NB, and `near` events in bin 3 from
 * the other host's twin: twins are close, other modes far apart.
 */
static void mode_set(uint64_t (*m)[NB], unsigned int n, const uint32_t *peak,
		     uint64_t near)
{
	for (unsigned int k = 0; k < n; k++) {
		memset(m[k], 0, sizeof(m[k]));
		m[k][peak[k]] = 1000;
		m[k][3] += near;
	}
}

static void merge__modes__union_kept_to_four_and_closest_pooled_beyond(
	void **state)
{
	static const uint32_t pa[3] = { 0, 1, 2 }, pb[3] = { 0, 1, 3 };
	static const uint64_t wa[3] = { 5, 6, 7 }, wb[3] = { 8, 9, 10 };
	uint64_t ma[3][NB], mb[3][NB];
	struct baseline *a, *b, *m;
	const struct baseline_entry *e;
	char err[256];

	(void)state;
	/* 2 + 2 modes: the union, exactly BASELINE_MAX_MODES, is kept. */
	a = bl_new(10, "6.1");
	b = bl_new(10, "6.1");
	mode_set(ma, 2, pa, 0);
	mode_set(mb, 2, pb, 10);
	entry_add(a, DP_F_SYSCALL_ID, "/", 20, 2, (const uint64_t (*)[NB])ma,
		  wa, SCORE_SCALE_MIN);
	entry_add(b, DP_F_SYSCALL_ID, "/", 20, 2, (const uint64_t (*)[NB])mb,
		  wb, SCORE_SCALE_MIN);
	m = merge2(a, b, NULL, err, sizeof(err));
	assert_non_null(m);
	e = &m->entries[0];
	assert_int_equal(BASELINE_MAX_MODES, 4);
	assert_int_equal(e->nmodes, 4);
	assert_int_equal(e->modes[0].windows, 5);
	assert_int_equal(e->modes[3].windows, 9);
	assert_modes_add_up(e);
	baseline__free(m);
	baseline__free(a);
	baseline__free(b);

	/*
	 * 3 + 3: a's modes at bins 0, 1, 2, b's at 0, 1, 3 with 10 events in
	 * bin 3. a0-b0 and a1-b1 are 0.07 apart, every other pair 0.7 or
	 * more; a2 (bin 2) and b2 (bin 3) are disjoint. Two poolings: a0+b0,
	 * then a1+b1; a2 and b2 stay.
	 */
	a = bl_new(10, "6.1");
	b = bl_new(10, "6.1");
	mode_set(ma, 3, pa, 0);
	mode_set(mb, 3, pb, 10);
	entry_add(a, DP_F_SYSCALL_ID, "/", 20, 3, (const uint64_t (*)[NB])ma,
		  wa, SCORE_SCALE_MIN);
	entry_add(b, DP_F_SYSCALL_ID, "/", 30, 3, (const uint64_t (*)[NB])mb,
		  wb, SCORE_SCALE_MIN);
	m = merge2(a, b, NULL, err, sizeof(err));
	assert_non_null(m);
	e = &m->entries[0];
	assert_int_equal(e->nmodes, 4);
	assert_int_equal(e->windows, 50);
	assert_int_equal(e->modes[0].windows, 5 + 8);
	assert_int_equal(e->modes[0].counts[0], 2000);
	assert_int_equal(e->modes[0].counts[3], 10);
	assert_int_equal(e->modes[1].windows, 6 + 9);
	assert_int_equal(e->modes[1].counts[1], 2000);
	assert_int_equal(e->modes[2].windows, 7);
	assert_int_equal(e->modes[2].counts[2], 1000);
	assert_int_equal(e->modes[3].windows, 10);
	assert_int_equal(e->modes[3].counts[3], 1010);
	assert_modes_add_up(e);
	baseline__free(m);
	baseline__free(a);
	baseline__free(b);
}

/* Take bl's last series out (and out of its index). */
static void drop_last(struct baseline *bl)
{
	baseline_entry__clear(&bl->entries[--bl->n]);
	memset(&bl->entries[bl->n], 0, sizeof(bl->entries[bl->n]));
	key_index__free(&bl->index);
	for (size_t i = 0; i < bl->n; i++)
		assert_int_equal(baseline__index_entry(bl, i), 0);
}

/* merge2 must refuse with EINVAL and a message holding each needle. */
static void assert_refused(const struct baseline *a, const struct baseline *b,
			   const char *n1, const char *n2)
{
	char err[256] = "";

	errno = 0;
	assert_null(merge2(a, b, NULL, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	if (!strstr(err, n1) || !strstr(err, n2))
		fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", err, n1, n2);
}

static void merge__mismatches__refused_naming_the_file(void **state)
{
	static const uint64_t c[NB] = { 1, 2, 3, 4 };
	struct baseline *a = bl_new(10, "6.1"), *b = bl_new(10, "6.1"), *m;
	const struct baseline *one[1];
	char err[256];

	(void)state;
	one[0] = a;
	entry_one(a, DP_F_SYSCALL_ID, "/", 10, c);
	entry_one(a, DP_F_SYSCALL_ERRNO, "/", 10, c);
	entry_one(b, DP_F_SYSCALL_ID, "/", 10, c);
	assert_null(baseline__merge(one, names, 1, "fleet", 0, NULL, err,
				    sizeof(err)));
	assert_int_equal(errno, EINVAL);
	/* Features watched (host-wide): b lacks one, then has one more. */
	assert_refused(a, b, "b.json: did not watch syscall.errno",
		       "a.json did;");
	entry_one(b, DP_F_SYSCALL_ERRNO, "/x", 10, c);
	assert_refused(a, b, "b.json: did not watch syscall.errno",
		       "a.json did;");
	entry_one(b, DP_F_SYSCALL_ERRNO, "/", 10, c);
	/* A cgroup's feature that "/" of the other lacks: fine. */
	entry_one(b, DP_F_SYSCALL_LATENCY, "/x", 10, c);
	m = merge2(a, b, NULL, err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(m->n, 4);
	baseline__free(m);
	entry_one(b, DP_F_SYSCALL_LATENCY, "/", 10, c);
	assert_refused(a, b, "b.json: watched syscall.latency",
		       "a.json did not;");
	drop_last(b);
	drop_last(b);
	drop_last(b);
	baseline__free(a);
	baseline__free(b);
	/* Without host-wide series: the features of all their series. */
	a = bl_new(10, "6.1");
	b = bl_new(10, "6.1");
	entry_one(a, DP_F_SYSCALL_ID, "/y", 10, c);
	entry_one(b, DP_F_SYSCALL_ID, "/x", 10, c);
	entry_one(b, DP_F_SYSCALL_LATENCY, "/x", 10, c);
	assert_refused(a, b, "b.json: watched syscall.latency",
		       "a.json did not;");
	drop_last(b);
	/* Bins. */
	b->entries[0].nbins = 100;
	assert_refused(a, b, "b.json: syscall.id /x has 100 bins",
		       "expected 512 as in a.json");
	b->entries[0].nbins = feature_table[DP_F_SYSCALL_ID].bins;
	a->entries[0].nbins = 100;
	assert_refused(a, b, "b.json: syscall.id /x has 512 bins",
		       "expected 100 as in a.json");
	a->entries[0].nbins = feature_table[DP_F_SYSCALL_ID].bins;
	/* Version. */
	b->version = BASELINE_VERSION + 1;
	assert_refused(a, b, "b.json: baseline version 3", "as in a.json");
	b->version = BASELINE_VERSION;
	/* Window length: 5% apart is fine, a little more is not. */
	b->interval_s = 10.5;
	m = merge2(a, b, NULL, err, sizeof(err));
	assert_non_null(m);
	baseline__free(m);
	b->interval_s = 10.51;
	assert_refused(a, b, "a.json: 10 s windows, b.json: 10.51 s",
		       "within 5%");
	b->interval_s = 9.5;	/* 10 is 5.3% over 9.5: the shortest named first */
	assert_refused(a, b, "b.json: 9.5 s windows, a.json: 10 s",
		       "within 5%");
	baseline__free(a);
	baseline__free(b);
}

static void merge__score_model__most_tolerant_wins_in_either_order(
	void **state)
{
	static const uint64_t c[NB] = { 1, 2, 3, 4 };
	struct baseline *a = bl_new(10, "6.1"), *b = bl_new(10, "6.1"), *m;
	struct baseline_entry *ea, *eb;
	double at_a, at_b;
	char err[256];

	(void)state;
	ea = entry_one(a, DP_F_SYSCALL_ID, "/", 10, c);
	eb = entry_one(b, DP_F_SYSCALL_ID, "/", 10, c);
	ea->score.scale = 0.01;
	ea->score.median = 0.02;
	eb->score.scale = 0.05;
	at_a = score__effect_at(&ea->score, BASELINE_MERGE_LEVEL);
	at_b = score__effect_at(&eb->score, BASELINE_MERGE_LEVEL);
	print_message("effect at level 6: a %g, b %g\n", at_a, at_b);
	assert_true(at_b > at_a);
	m = merge2(a, b, NULL, err, sizeof(err));
	assert_non_null(m);
	assert_memory_equal(&m->entries[0].score, &eb->score,
			    sizeof(eb->score));
	baseline__free(m);
	m = merge2(b, a, NULL, err, sizeof(err));
	assert_non_null(m);
	assert_memory_equal(&m->entries[0].score, &eb->score,
			    sizeof(eb->score));
	baseline__free(m);
	/* A tie keeps the first input's model. */
	eb->score = ea->score;
	eb->score.tail.n = 7;	/* same effects, told apart */
	m = merge2(a, b, NULL, err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(m->entries[0].score.tail.n, ea->score.tail.n);
	baseline__free(m);
	baseline__free(a);
	baseline__free(b);
}

static void merge__counts_past_2_63__refused_and_up_to_it_kept(void **state)
{
	uint64_t ca[NB] = { BASELINE_MAX_TOTAL - 6, 0, 0, 0 },
		 cb[NB] = { 5, 0, 0, 0 };
	struct baseline *a = bl_new(10, "6.1"), *b = bl_new(10, "6.1"), *m;
	char err[256] = "";

	(void)state;
	entry_one(a, DP_F_SYSCALL_ID, "/", 10, ca);
	entry_one(b, DP_F_SYSCALL_ID, "/", 10, cb);
	m = merge2(a, b, NULL, err, sizeof(err));
	assert_non_null(m);
	assert_true(m->entries[0].counts[0] == BASELINE_MAX_TOTAL - 1);
	baseline__free(m);
	b->entries[0].counts[0] = 6;
	errno = 0;
	assert_null(merge2(a, b, NULL, err, sizeof(err)));
	assert_int_equal(errno, EOVERFLOW);
	assert_non_null(strstr(err, "b.json: syscall.id /: pooled counts"));
	baseline__free(a);
	baseline__free(b);
}

/* Plug-in MI of a group_errno table given in its first NB cells. */
static double table_mi(const uint64_t *c)
{
	const struct feature_info *fi = &feature_table[DP_F_SYSCALL_GROUP_ERRNO];
	struct mi_entropies m;

	assert_int_equal(mi__entropies(c, fi->rows, fi->cols, &m), 0);
	return m.mi;
}

static void merge__coupling__widest_band_and_pooled_mi_of_the_sum(
	void **state)
{
	/* Cells 0..3: row 0 columns 0..3. */
	static const uint64_t ca[NB] = { 10, 20, 30, 40 }, cb[NB] = { 0 };
	struct baseline *a = bl_new(10, "6.1"), *b = bl_new(10, "6.1"),
			*c = bl_new(10, "6.1"), *m;
	const struct baseline *in[3] = { b, a, c };
	struct baseline_entry *e;
	char err[256];

	(void)state;
	/* b learnt no events: its empty band [0, 0] must not widen. */
	entry_one(b, DP_F_SYSCALL_GROUP_ERRNO, "/", 10, cb);
	e = entry_one(a, DP_F_SYSCALL_GROUP_ERRNO, "/", 10, ca);
	e->coupling = (struct coupling_band){ 0.1, 0.2, 0.15 };
	e = entry_one(c, DP_F_SYSCALL_GROUP_ERRNO, "/", 10, ca);
	e->counts[NB + 8] = 50;		/* row 1: some coupling */
	e->coupling = (struct coupling_band){ 0.12, 0.3, 0.2 };
	m = baseline__merge(in, names, 3, "fleet", 0, NULL, err, sizeof(err));
	assert_non_null(m);
	e = &m->entries[0];
	assert_true(e->coupling.min == 0.1);
	assert_true(e->coupling.max == 0.3);
	assert_true(e->coupling.pooled == table_mi(e->counts));
	assert_true(e->coupling.pooled > 0);
	/* Two inputs had events, each one mode: two modes. */
	assert_int_equal(e->nmodes, 2);
	assert_modes_add_up(e);
	baseline__free(m);
	baseline__free(a);
	baseline__free(b);
	baseline__free(c);
}

static void merge__saved__loads_back_equal(void **state)
{
	static const uint32_t pa[3] = { 0, 1, 2 }, pb[3] = { 0, 1, 3 };
	static const uint64_t wa[3] = { 5, 6, 7 }, wb[3] = { 8, 9, 10 };
	char dir[] = "/tmp/dp_merge.XXXXXX", path[64], err[512];
	uint64_t ma[3][NB], mb[3][NB];
	struct baseline *a = bl_new(10, "6.1"), *b = bl_new(10, "6.1"), *m, *l;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fleet.json", dir);
	mode_set(ma, 3, pa, 0);
	mode_set(mb, 3, pb, 10);
	entry_add(a, DP_F_SYSCALL_ID, "/", 20, 3, (const uint64_t (*)[NB])ma,
		  wa, SCORE_SCALE_MIN);
	entry_add(b, DP_F_SYSCALL_ID, "/", 30, 3, (const uint64_t (*)[NB])mb,
		  wb, 0.02);
	m = merge2(a, b, NULL, err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(baseline__save(m, path, err, sizeof(err)), 0);
	l = baseline__load(path, err, sizeof(err));
	if (!l)
		fail_msg("%s", err);
	assert_string_equal(l->host, "fleet:web");
	assert_int_equal(l->windows, 50);
	assert_int_equal(l->n, 1);
	assert_int_equal(l->entries[0].nmodes, 4);
	assert_true(l->entries[0].score.scale == 0.02);
	for (unsigned int k = 0; k < 4; k++) {
		assert_int_equal(l->entries[0].modes[k].windows,
				 m->entries[0].modes[k].windows);
		assert_memory_equal(l->entries[0].modes[k].counts,
				    m->entries[0].modes[k].counts,
				    NB * sizeof(uint64_t));
	}
	baseline__free(l);
	baseline__free(m);
	baseline__free(a);
	baseline__free(b);
	assert_int_equal(test_tmpdir__remove(dir), 0);
}

static void aliased__new_judged_as_old__copies_and_no_chaining(void **state)
{
	static const uint64_t cold[NB] = { 1, 2, 3, 4 }, cnew[NB] = { 9, 0, 0, 9 };
	static const uint64_t croot[NB] = { 5, 5, 5, 5 };
	struct baseline *bl = bl_new(10, "6.1"), *m;
	struct baseline_alias one[] = { { "/new", "/old" } };
	struct baseline_alias chain[] = { { "/new", "/old" },
					  { "/canary", "/new" } };
	const struct baseline_entry *e;
	char err[256] = "";

	(void)state;
	entry_one(bl, DP_F_SYSCALL_ID, "/", 10, croot);
	entry_one(bl, DP_F_SYSCALL_ID, "/old", 10, cold)->score.scale = 0.04;
	entry_one(bl, DP_F_SYSCALL_ERRNO, "/old", 10, cold);
	entry_one(bl, DP_F_SYSCALL_ID, "/new", 10, cnew);
	entry_one(bl, DP_F_SYSCALL_LATENCY, "/new", 10, cnew);

	m = baseline__aliased(bl, one, 1, err, sizeof(err));
	assert_non_null(m);
	/* "/" and /old's two kept; /new's two replaced by /old's two. */
	assert_int_equal(m->n, 5);
	assert_string_equal(m->host, bl->host);
	assert_int_equal(m->windows, bl->windows);
	assert_null(baseline__find(m, DP_F_SYSCALL_LATENCY, "/new"));
	e = baseline__find(m, DP_F_SYSCALL_ID, "/new");
	assert_non_null(e);
	assert_memory_equal(e->counts, cold, sizeof(cold));
	assert_true(e->score.scale == 0.04);
	assert_ptr_equal(e->modes[0].counts, e->counts);
	assert_non_null(baseline__find(m, DP_F_SYSCALL_ERRNO, "/new"));
	e = baseline__find(m, DP_F_SYSCALL_ID, "/old");
	assert_non_null(e);
	assert_memory_equal(e->counts, cold, sizeof(cold));
	assert_non_null(baseline__find(m, DP_F_SYSCALL_ID, "/"));
	baseline__free(m);

	/* /canary gets /new as learnt, not /old through /new. */
	m = baseline__aliased(bl, chain, 2, err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(m->n, 7);
	e = baseline__find(m, DP_F_SYSCALL_ID, "/canary");
	assert_non_null(e);
	assert_memory_equal(e->counts, cnew, sizeof(cnew));
	assert_non_null(baseline__find(m, DP_F_SYSCALL_LATENCY, "/canary"));
	baseline__free(m);

	/* Refused: an OLD the baseline lacks, NEW == OLD, a NEW twice. */
	one[0].as = "/nope";
	assert_null(baseline__aliased(bl, one, 1, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "no series of /nope"));
	one[0].as = "/new";
	assert_null(baseline__aliased(bl, one, 1, err, sizeof(err)));
	assert_non_null(strstr(err, "the same key on both sides"));
	chain[1] = (struct baseline_alias){ "/new", "/" };
	assert_null(baseline__aliased(bl, chain, 2, err, sizeof(err)));
	assert_non_null(strstr(err, "/new is compared twice"));
	baseline__free(bl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merge__counts_windows_trimmed__add_and_partial_series_kept),
		cmocka_unit_test(merge__modes__union_kept_to_four_and_closest_pooled_beyond),
		cmocka_unit_test(merge__mismatches__refused_naming_the_file),
		cmocka_unit_test(merge__score_model__most_tolerant_wins_in_either_order),
		cmocka_unit_test(merge__counts_past_2_63__refused_and_up_to_it_kept),
		cmocka_unit_test(merge__coupling__widest_band_and_pooled_mi_of_the_sum),
		cmocka_unit_test(merge__saved__loads_back_equal),
		cmocka_unit_test(aliased__new_judged_as_old__copies_and_no_chaining),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
