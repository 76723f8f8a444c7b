// SPDX-License-Identifier: MIT
/*
 * The Witten-Bell transition model (sequence.c): known cases, a property
 * test (windows drawn from the fitted model have a mean excess of 0), and
 * the exact-fraction references of tests/ref/gen_sequence.py (path in
 * argv[1], format described there): every logp, entropy, excess and top
 * list to 1e-9 relative, and the excess's exact expectation over every
 * window of given contexts. A missing or short file fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "test_ref.h"
#include "test_rand.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "sequence.h"

#define K_MAX SEQUENCE_MAX_SYMBOLS
/*
 * Probabilities, logarithms and entropies are exact to rounding even next
 * to 0 (ln p of a dominant transition is ~ -1e-19): relative only. The
 * excess and the shares are differences of such: 1e-12 absolute too.
 */
#define REL_TOL 1e-9
#define ABS_TOL 1e-12

static struct ref_file ref = {
	.usage = "test_sequence REFERENCE_FILE (from gen_sequence.py)",
};

static void fit__k_out_of_range__einval(void **state)
{
	static const uint64_t counts[K_MAX * K_MAX];
	struct sequence_model m;

	(void)state;
	assert_int_equal(sequence__fit(&m, counts, 0), -EINVAL);
	assert_int_equal(sequence__fit(&m, counts, 1), -EINVAL);
	assert_int_equal(sequence__fit(&m, counts, K_MAX + 1), -EINVAL);
	assert_int_equal(sequence__fit(&m, NULL, 2), -EINVAL);
	assert_int_equal(sequence__fit(NULL, counts, 2), -EINVAL);
	assert_int_equal(sequence__fit(&m, counts, 2), 0);
	assert_int_equal(sequence__fit(&m, counts, K_MAX), 0);
}

/*
 * By hand: n = [[3, 1], [0, 0]]. Columns 3, 1: N = 4, T = 2, p1 = (4/6,
 * 2/6). Row 0: n = 4, T = 2: p(0|0) = (3 + 4/3) / 6 = 13/18, p(1|0) =
 * (1 + 2/3) / 6 = 5/18. Row 1 is empty: p1.
 */
static void fit__by_hand(void **state)
{
	static const uint64_t counts[4] = { 3, 1, 0, 0 };
	const double p[4] = { 13.0 / 18, 5.0 / 18, 2.0 / 3, 1.0 / 3 };
	struct sequence_model m;

	(void)state;
	assert_int_equal(sequence__fit(&m, counts, 2), 0);
	assert_int_equal(m.k, 2);
	for (int i = 0; i < 4; i++)
		assert_true(fabs(m.logp[i] - log(p[i])) < 1e-15);
	for (int c = 0; c < 2; c++)
		assert_true(fabs(m.entropy[c] + p[2 * c] * log(p[2 * c]) +
				 p[2 * c + 1] * log(p[2 * c + 1])) < 1e-15);
	for (int i = 4; i < K_MAX * K_MAX; i++)
		assert_true(m.logp[i] == 0);
}

/* A random table: sparse or dense, empty rows, now and then huge counts. */
static void random_table(uint64_t *seed, uint64_t *t, uint32_t k)
{
	unsigned int kind = test_rand(seed) % 4;

	for (uint32_t i = 0; i < k * k; i++) {
		uint64_t r = test_rand(seed);

		if (kind == 0)
			t[i] = r % 5 ? 0 : r % 1000;
		else if (kind == 1)
			t[i] = r % 100000;
		else if (kind == 2)
			t[i] = (i / k) % 3 ? r % 50 : 0;
		else
			t[i] = r % 3 ? 0 : (r >> 2) & ((1ULL << 63) - 1);
	}
}

/* sum_x exp(ln p(x|c)) = 1 and H(c) = -sum p ln p, for every row. */
static void fit__rows_sum_to_one(void **state)
{
	uint64_t seed = 2026, t[K_MAX * K_MAX];
	struct sequence_model m;
	unsigned int rows = 0;

	(void)state;
	for (int r = 0; r < 300; r++) {
		uint32_t k = 2 + test_rand(&seed) % (K_MAX - 1);

		random_table(&seed, t, k);
		assert_int_equal(sequence__fit(&m, t, k), 0);
		for (uint32_t c = 0; c < k; c++) {
			double sum = 0, h = 0;

			for (uint32_t x = 0; x < k; x++) {
				double lp = m.logp[c * k + x];

				assert_true(isfinite(lp) && lp <= 0);
				sum += exp(lp);
				h -= exp(lp) * lp;
			}
			assert_true(fabs(sum - 1) < 1e-13);
			assert_true(fabs(h - m.entropy[c]) < 1e-12);
			assert_true(m.entropy[c] >= 0 &&
				    m.entropy[c] <= log(k) + 1e-12);
			rows++;
		}
	}
	print_message("%u rows sum to 1\n", rows);
}

/*
 * Nothing unusual in a uniform window under a uniform model (learnt, or
 * nothing learnt at all): no excess, and no transition to name.
 */
static void excess__uniform__zero(void **state)
{
	uint64_t t[K_MAX * K_MAX], w[K_MAX * K_MAX];
	struct bin_contribution top[8];
	struct sequence_model m;
	double e;

	(void)state;
	for (uint32_t k = 2; k <= K_MAX; k++) {
		for (uint32_t i = 0; i < k * k; i++) {
			t[i] = 1000;
			w[i] = 7;
		}
		assert_int_equal(sequence__fit(&m, t, k), 0);
		assert_int_equal(sequence__excess(&m, w, &e), 0);
		assert_true(fabs(e) < 1e-13);
		assert_int_equal(sequence__top(&m, w, top, 8), 0);
		memset(t, 0, sizeof(t));
		assert_int_equal(sequence__fit(&m, t, k), 0);
		assert_true(fabs(m.logp[k + 1] + log(k)) < 1e-15);
		assert_int_equal(sequence__excess(&m, w, &e), 0);
		assert_true(fabs(e) < 1e-13);
		assert_int_equal(sequence__top(&m, w, top, 8), 0);
	}
}

/*
 * A cycle 0 -> 1 -> .. -> 7 -> 0 learnt a million times a step; the window
 * repeats 3 -> 3, never seen: finite, and far beyond the ~0 of the cycle
 * itself. It alone carries the excess.
 */
static void excess__unseen_transition__finite_and_large(void **state)
{
	uint64_t t[64] = { 0 }, w[64] = { 0 };
	struct bin_contribution top[4];
	struct sequence_model m;
	double e;

	(void)state;
	for (int c = 0; c < 8; c++)
		t[c * 8 + (c + 1) % 8] = 1000000;
	assert_int_equal(sequence__fit(&m, t, 8), 0);
	w[3 * 8 + 4] = 50;
	assert_int_equal(sequence__excess(&m, w, &e), 0);
	print_message("seen transition: excess %.3g\n", e);
	assert_true(fabs(e) < 1e-4);
	w[3 * 8 + 3] = 5;
	assert_int_equal(sequence__excess(&m, w, &e), 0);
	print_message("unseen transition: excess %.3g\n", e);
	assert_true(isfinite(e) && e > 1);
	/* The unseen one carries nearly all; the usual 3->4, a little
	 * rarer than expected, the rest. */
	assert_int_equal(sequence__top(&m, w, top, 4), 2);
	assert_int_equal(top[0].bin, 3 * 8 + 3);
	assert_int_equal(top[1].bin, 3 * 8 + 4);
	assert_true(top[0].contribution > 0.99 && top[0].contribution < 1);
	assert_true(fabs(top[0].contribution + top[1].contribution - 1) <
		    1e-12);
	assert_true(fabs(top[0].window_p - 5.0 / 55) < 1e-15);
	assert_true(top[0].baseline_p > 0 && top[0].baseline_p < 1e-6);
	/* Per transition: -ln p(3|3) - H(3), ~ ln(K 1e6) = 15.9. */
	assert_true(-m.logp[3 * 8 + 3] > 15 && -m.logp[3 * 8 + 3] < 17);
}

static void excess__empty_window__enodata(void **state)
{
	static const uint64_t t[9] = { 1, 2, 3 }, w[9];
	struct bin_contribution top[2];
	struct sequence_model m;
	double e = 42;

	(void)state;
	assert_int_equal(sequence__fit(&m, t, 3), 0);
	assert_int_equal(sequence__excess(&m, w, &e), -ENODATA);
	assert_true(e == 42);
	assert_int_equal(sequence__top(&m, w, top, 2), 0);
	assert_int_equal(sequence__excess(&m, NULL, &e), -EINVAL);
	m.k = 1;
	assert_int_equal(sequence__excess(&m, t, &e), -EINVAL);
	assert_int_equal(sequence__top(&m, t, top, 2), 0);
}

/*
 * judge: the excess as the effect when positive, 0 when the window is more
 * predictable than the model or has no transitions, with its top list.
 */
static void judge__effect_is_the_positive_excess(void **state)
{
	uint64_t t[16] = { 0 }, w[16] = { 0 };
	struct bin_contribution top[3];
	struct sequence_model m;
	double e = -1, excess;

	(void)state;
	/* After 0: 1 nine times in ten, 2 once; after 1 and 2: back to 0. */
	t[0 * 4 + 1] = 900, t[0 * 4 + 2] = 100;
	t[1 * 4 + 0] = 900, t[2 * 4 + 0] = 100;
	/* Always the likely one: more predictable than the model. */
	w[0 * 4 + 1] = 50, w[1 * 4 + 0] = 50;
	assert_int_equal(sequence__fit(&m, t, 4), 0);
	assert_int_equal(sequence__excess(&m, w, &excess), 0);
	assert_true(excess < 0);
	assert_int_equal(sequence__judge(t, w, 4, &e, top, 3), 0);
	assert_true(e == 0);
	/* Now the rare one every time: the excess itself, named on top. */
	memset(w, 0, sizeof(w));
	w[0 * 4 + 2] = 50, w[2 * 4 + 0] = 50;
	assert_int_equal(sequence__excess(&m, w, &excess), 0);
	assert_true(excess > 0.5);
	/* On top the rare 0->2; then the usual 0->1 that stopped. */
	assert_int_equal(sequence__judge(t, w, 4, &e, top, 3), 2);
	assert_true(e == excess);
	assert_int_equal(top[0].bin, 0 * 4 + 2);
	assert_int_equal(top[1].bin, 0 * 4 + 1);
	assert_true(top[0].contribution > top[1].contribution);
	/* No transitions: effect 0, nothing named; a bad k: -EINVAL. */
	memset(w, 0, sizeof(w));
	e = -1;
	assert_int_equal(sequence__judge(t, w, 4, &e, top, 3), 0);
	assert_true(e == 0);
	assert_int_equal(sequence__judge(t, w, 1, &e, top, 3), -EINVAL);
}

/*
 * A transition as surprising as its row's entropy up to rounding is not
 * named; one SEQUENCE_EPS beyond it is. (A model set by hand: p = 1/2.)
 */
static void top__rounding_noise__left_out(void **state)
{
	static const uint64_t w[4] = { 3, 1, 0, 2 };
	struct sequence_model m = { .k = 2 };
	struct bin_contribution top[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		m.p[i] = 0.5;
		m.logp[i] = -M_LN2;
	}
	m.entropy[0] = m.entropy[1] = M_LN2 - SEQUENCE_EPS / 4;
	assert_int_equal(sequence__top(&m, w, top, 4), 0);
	m.entropy[1] = M_LN2 - 4 * SEQUENCE_EPS;
	assert_int_equal(sequence__top(&m, w, top, 4), 1);
	assert_int_equal(top[0].bin, 3);
	assert_true(top[0].contribution == 1 && top[0].window_p == 1);
	/* Row 0 as surprising: its over-represented 0->0 too (the 0->1
	 * that fell short is less frequent but not less surprising). */
	m.entropy[0] = m.entropy[1];
	assert_int_equal(sequence__top(&m, w, top, 4), 2);
	assert_int_equal(top[0].bin, 0);
	assert_int_equal(top[1].bin, 3);
	assert_true(fabs(top[0].contribution - 0.5) < 1e-12);
	assert_true(fabs(top[1].contribution - 0.5) < 1e-12);
	assert_true(fabs(top[0].baseline_p - 0.5) < 1e-15);
	assert_true(top[0].window_p == 0.75);
}

/* Integer weights proportional to p(.|c), for rng__multinomial. */
static void row_weights(const struct sequence_model *m, uint32_t c,
			uint64_t *wt, uint64_t *total)
{
	*total = 0;
	for (uint32_t x = 0; x < m->k; x++) {
		wt[x] = (uint64_t)llround(ldexp(exp(m->logp[c * m->k + x]),
						52));
		*total += wt[x];
	}
}

/*
 * Draw nt transitions: contexts from ctx (weights), each row's next
 * symbols from q (q[c] its weights).
 */
static void draw_window(struct rng *g, uint32_t k, const uint64_t *ctx,
			uint64_t ctx_total, const uint64_t (*q)[K_MAX],
			const uint64_t *q_total, uint64_t nt, uint64_t *w)
{
	uint64_t nc[K_MAX];

	rng__multinomial(g, ctx, k, ctx_total, nt, nc);
	for (uint32_t c = 0; c < k; c++)
		rng__multinomial(g, q[c], k, q_total[c], nc[c], w + c * k);
}

/* Var(excess | contexts) = sum_c n_c Var(-ln p(X|c)) / N^2. */
static double excess_variance(const struct sequence_model *m,
			      const uint64_t *w)
{
	double v = 0, n = 0;

	for (uint32_t c = 0; c < m->k; c++) {
		double nc = 0, s2 = 0;

		for (uint32_t x = 0; x < m->k; x++) {
			double lp = m->logp[c * m->k + x];

			nc += w[c * m->k + x];
			s2 += exp(lp) * lp * lp;
		}
		v += nc * (s2 - m->entropy[c] * m->entropy[c]);
		n += nc;
	}
	return v / (n * n);
}

/*
 * Windows drawn from the fitted model itself, of 1 to 300 transitions:
 * their mean excess is within 4 standard errors of 0 on either side, and
 * their spread is what the model predicts (each standardised by its own
 * predicted variance, so that the rare surprise of a one-transition window
 * does not dominate: mean z^2 = 1). Windows drawn uniformly are far above
 * 0 (the check has power).
 */
static void excess__sampled_from_model__mean_zero(void **state)
{
	enum { WINDOWS = 4000 };
	uint64_t seed = 77, t[K_MAX * K_MAX], w[K_MAX * K_MAX];
	uint64_t q[K_MAX][K_MAX], q_total[K_MAX], ctx[K_MAX];
	uint64_t uq[K_MAX][K_MAX], uq_total[K_MAX];
	const uint32_t k = 12;
	struct sequence_model m;
	double sum = 0, sum2 = 0, z2 = 0, usum = 0, mean, se, e;
	struct rng g;

	(void)state;
	rng__seed(&g, 20261220);
	/* Sparse rows, two rows never seen. */
	for (uint32_t i = 0; i < k * k; i++) {
		uint64_t r = test_rand(&seed);

		t[i] = (i / k == 2 || i / k == 7 || r % 3) ? 0 : r % 5000;
	}
	assert_int_equal(sequence__fit(&m, t, k), 0);
	for (uint32_t c = 0; c < k; c++) {
		row_weights(&m, c, q[c], &q_total[c]);
		ctx[c] = 1 + c;
		for (uint32_t x = 0; x < k; x++)
			uq[c][x] = 1;
		uq_total[c] = k;
	}
	for (int i = 0; i < WINDOWS; i++) {
		uint64_t nt = 1 + test_rand(&seed) % 300;

		draw_window(&g, k, ctx, k * (k + 1) / 2, q, q_total, nt, w);
		assert_int_equal(sequence__excess(&m, w, &e), 0);
		sum += e;
		sum2 += e * e;
		z2 += e * e / excess_variance(&m, w);
		draw_window(&g, k, ctx, k * (k + 1) / 2, uq, uq_total, nt, w);
		assert_int_equal(sequence__excess(&m, w, &e), 0);
		usum += e;
	}
	mean = sum / WINDOWS;
	se = sqrt((sum2 / WINDOWS - mean * mean) / (WINDOWS - 1));
	z2 /= WINDOWS;
	print_message("from the model: mean excess %.3g (%.2f standard "
		      "errors), mean z^2 %.3f; uniform: mean excess %.3g\n",
		      mean, mean / se, z2, usum / WINDOWS);
	assert_true(mean > -4 * se && mean < 4 * se);
	assert_true(z2 > 0.85 && z2 < 1.2);
	assert_true(usum / WINDOWS > 100 * se);
}

enum { ST_LOGP, ST_ENTROPY, ST_EXCESS, ST_TOP_BIN, ST_TOP_BASE,
       ST_TOP_WINDOW, ST_TOP_SHARE, ST_EXPECT, ST_COUNT };

static uint32_t read_k(struct cursor *c)
{
	uint64_t k = next_u64(c);

	assert_in_range(k, 2, K_MAX);
	return (uint32_t)k;
}

static void read_counts(struct cursor *c, uint64_t *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		t[i] = next_u64(c);
}

struct ref_bin {
	unsigned int bin;
	double baseline_p, window_p, contribution;
};

/*
 * The top list against the reference's ranking. Where the reference holds
 * two shares equal to REL_TOL (one formula's two roundings), either order
 * is right: a bin that differs must be one of those near-ties.
 */
static void check_top(struct err_stat *s, const struct bin_contribution *top,
		      size_t n, const struct ref_bin *ref, size_t nref,
		      size_t line, size_t *ties)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		if (top[i].bin != ref[i].bin) {
			for (j = 0; j < nref; j++)
				if (ref[j].bin == top[i].bin)
					break;
			if (j == nref || fabs(ref[j].contribution -
					      ref[i].contribution) >
					 REL_TOL * ref[i].contribution)
				fail_msg("top, line %zu: rank %zu is bin %u, "
					 "reference bin %u", line, i,
					 top[i].bin, ref[i].bin);
			(*ties)++;
		}
		s[ST_TOP_BIN].n++;
		check_close(&s[ST_TOP_BASE], top[i].baseline_p,
			    ref[j].baseline_p, line);
		check_close(&s[ST_TOP_WINDOW], top[i].window_p,
			    ref[j].window_p, line);
		check_close(&s[ST_TOP_SHARE], top[i].contribution,
			    ref[i].contribution, line);
		assert_true(top[i].contribution > 0 &&
			    top[i].contribution <= 1);
	}
}

struct table_ctx {
	struct err_stat *s;
	size_t windows, empty, ties;
};

static void table_record(struct cursor *c, size_t line, void *arg)
{
	static uint64_t t[K_MAX * K_MAX], w[K_MAX * K_MAX];
	static struct bin_contribution top[48];
	static struct ref_bin ref[48];
	struct table_ctx *ctx = arg;
	struct err_stat *s = ctx->s;
	uint32_t k = read_k(c);
	struct sequence_model m;
	size_t nwin;

	read_counts(c, t, k * k);
	assert_int_equal(sequence__fit(&m, t, k), 0);
	for (uint32_t i = 0; i < k * k; i++)
		check_close(&s[ST_LOGP], m.logp[i], next_double(c), line);
	for (uint32_t i = 0; i < k; i++)
		check_close(&s[ST_ENTROPY], m.entropy[i], next_double(c), line);
	nwin = next_size(c);
	for (size_t i = 0; i < nwin; i++) {
		double want, e;
		size_t ntop, nref, n;

		read_counts(c, w, k * k);
		want = next_double(c);
		ntop = next_size(c);
		nref = next_size(c);
		assert_true(c->ok && ntop <= 40 && nref <= 48);
		for (size_t j = 0; j < nref; j++) {
			ref[j].bin = next_u64(c);
			ref[j].baseline_p = next_double(c);
			ref[j].window_p = next_double(c);
			ref[j].contribution = next_double(c);
		}
		assert_true(c->ok);
		if (isnan(want)) {
			assert_int_equal(sequence__excess(&m, w, &e), -ENODATA);
			ctx->empty++;
		} else {
			assert_int_equal(sequence__excess(&m, w, &e), 0);
			check_close(&s[ST_EXCESS], e, want, line);
		}
		n = sequence__top(&m, w, top, ntop);
		if (n != (nref < ntop ? nref : ntop))
			fail_msg("top, line %zu: %zu bins, reference %zu", line,
				 n, nref < ntop ? nref : ntop);
		check_top(s, top, n, ref, nref, line, &ctx->ties);
		/* judge, which fits only the rows the window uses: the same
		 * top list, and the excess as the effect (0 if not > 0). */
		assert_int_equal(sequence__judge(t, w, k, &e, top, ntop),
				 (int)n);
		check_top(s, top, n, ref, nref, line, &ctx->ties);
		if (isnan(want) || want <= 0)
			assert_true(e == 0 || (want <= 0 && e < 1e-12));
		else
			check_close(&s[ST_EXCESS], e, want, line);
		ctx->windows++;
	}
	record_end(c, line);
}

static void enumeration_record(struct cursor *c, size_t line, void *arg)
{
	static uint64_t t[K_MAX * K_MAX], w[K_MAX * K_MAX];
	struct err_stat *s = arg;
	uint32_t k = read_k(c);
	double expect = 0, mass = 0;
	struct sequence_model m;
	size_t nwin;

	read_counts(c, t, k * k);
	assert_int_equal(sequence__fit(&m, t, k), 0);
	nwin = next_size(c);
	for (size_t i = 0; i < nwin; i++) {
		double prob = next_double(c), e;

		read_counts(c, w, k * k);
		assert_true(c->ok);
		assert_int_equal(sequence__excess(&m, w, &e), 0);
		expect += prob * e;
		mass += prob;
	}
	record_end(c, line);
	assert_true(fabs(mass - 1) < 1e-12);
	check_close(s, expect, 0, line);
}

static void references__exact_fractions__agree(void **state)
{
	struct err_stat s[ST_COUNT] = {
		{ .name = "logp", .rel_tol = REL_TOL },
		{ .name = "entropy", .rel_tol = REL_TOL },
		{ .name = "excess", .rel_tol = REL_TOL, .abs_tol = ABS_TOL },
		{ .name = "top bin" },
		{ .name = "top baseline_p", .rel_tol = REL_TOL },
		{ .name = "top window_p", .rel_tol = REL_TOL },
		{ .name = "top share", .rel_tol = REL_TOL, .abs_tol = ABS_TOL },
		{ .name = "E[excess]", .rel_tol = REL_TOL, .abs_tol = ABS_TOL },
	};
	struct table_ctx ctx = { .s = s };
	size_t tables, enumerated;

	(void)state;
	tables = for_each_record(&ref, 'S', table_record, &ctx);
	enumerated = for_each_record(&ref, 'E', enumeration_record,
				     &s[ST_EXPECT]);
	print_message("%zu tables, %zu windows (%zu empty, %zu near-ties "
		      "ranked apart), %zu enumerations\n", tables, ctx.windows,
		      ctx.empty, ctx.ties, enumerated);
	print_stats(s, ST_COUNT);
	assert_true(tables >= 200);
	assert_true(ctx.windows >= 400 && ctx.empty >= 5);
	assert_true(s[ST_TOP_BIN].n >= 2000);
	assert_true(enumerated >= 30);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fit__k_out_of_range__einval),
		cmocka_unit_test(fit__by_hand),
		cmocka_unit_test(fit__rows_sum_to_one),
		cmocka_unit_test(excess__uniform__zero),
		cmocka_unit_test(excess__unseen_transition__finite_and_large),
		cmocka_unit_test(excess__empty_window__enodata),
		cmocka_unit_test(top__rounding_noise__left_out),
		cmocka_unit_test(judge__effect_is_the_positive_excess),
		cmocka_unit_test(excess__sampled_from_model__mean_zero),
		cmocka_unit_test(references__exact_fractions__agree),
	};

	ref.path = argc > 1 ? argv[1] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
