// SPDX-License-Identifier: MIT
/*
 * src/stats/modes.c on cases whose answer is known by construction: the
 * Hellinger distance in closed form and its noise floor, PAM and the
 * silhouette on hand-sized matrices, and modes__cluster() on series drawn
 * from 1, 2 or 3 syscall mixes (multinomial windows from src/stats/rng.c),
 * with a mode too small, with more windows than MODES_SAMPLE_MAX, with
 * identical windows and with one-event windows; determinism and the error
 * contract. test_modes_sklearn.c checks the same code against scipy,
 * scikit-learn and brute-force k-medoids.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "modes.h"
#include "rng.h"
#include "test_close.h"
#include "test_rand.h"

/* A series under construction: up to cap windows over nbins dense bins. */
struct series {
	size_t m, cap, nbins;
	struct modes_window *w;
	struct modes_bin *bins;	/* cap * nbins */
	int *truth;		/* the mix each window was drawn from */
	struct rng g;
};

static struct series *series_new(size_t cap, size_t nbins, uint64_t seed)
{
	struct series *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->cap = cap;
	s->nbins = nbins;
	s->w = calloc(cap, sizeof(*s->w));
	s->bins = calloc(cap * nbins, sizeof(*s->bins));
	s->truth = calloc(cap, sizeof(*s->truth));
	assert_non_null(s->w);
	assert_non_null(s->bins);
	assert_non_null(s->truth);
	rng__seed(&s->g, seed);
	return s;
}

static void series_free(struct series *s)
{
	free(s->w);
	free(s->bins);
	free(s->truth);
	free(s);
}

/* Append a window of dense counts c[0..nbins), keeping the non-zero ones. */
static void series_put(struct series *s, const uint64_t *c, int truth)
{
	struct modes_bin *b = s->bins + s->m * s->nbins;
	size_t nz = 0;

	assert_true(s->m < s->cap);
	for (size_t i = 0; i < s->nbins; i++)
		if (c[i])
			b[nz++] = (struct modes_bin){ (uint16_t)i, c[i] };
	s->w[s->m] = (struct modes_window){ nz, b };
	s->truth[s->m++] = truth;
}

/*
 * Append a window of n events drawn from the mix weight[0..nbins); with
 * jitter > 0 each weight is first scaled by a factor in [1 - jitter,
 * 1 + jitter] (windows of a real mode vary more than a multinomial).
 */
static void series_draw(struct series *s, const uint64_t *weight, uint64_t n,
			double jitter, int truth, uint64_t *seed)
{
	uint64_t w[1024], c[1024], total = 0;

	assert_true(s->nbins <= 1024);
	for (size_t i = 0; i < s->nbins; i++) {
		double f = 1.0 + jitter * (2.0 * (double)(test_rand(seed) >> 11) *
					   0x1.0p-53 - 1.0);

		w[i] = (uint64_t)((double)weight[i] * f + 0.5);
		total += w[i];
	}
	rng__multinomial(&s->g, w, s->nbins, total, n, c);
	series_put(s, c, truth);
}

/* A syscall mix: weights in [1, 1000] on bins [lo, hi), 0 elsewhere. */
static void mix(uint64_t *weight, size_t nbins, size_t lo, size_t hi,
		uint64_t *seed)
{
	for (size_t i = 0; i < nbins; i++)
		weight[i] = i >= lo && i < hi ? 1 + test_rand(seed) % 1000 : 0;
}

/* Every window of the same truth in the same mode, different truths apart. */
static void assert_recovers_truth(const struct series *s, const size_t *assign,
				  unsigned int k)
{
	size_t mode_of[MODES_MAX];
	int seen[MODES_MAX] = { 0 };

	for (size_t j = 0; j < s->m; j++) {
		int t = s->truth[j];

		assert_true(t >= 0 && t < MODES_MAX);
		assert_true(assign[j] < k);
		if (!seen[t]) {
			seen[t] = 1;
			mode_of[t] = assign[j];
			for (int u = 0; u < t; u++)
				if (seen[u] && mode_of[u] == assign[j])
					fail_msg("truths %d and %d share mode "
						 "%zu", u, t, assign[j]);
		} else if (mode_of[t] != assign[j]) {
			fail_msg("window %zu (truth %d) in mode %zu, not %zu",
				 j, t, assign[j], mode_of[t]);
		}
	}
}

/* The result's own consistency: sizes add up, medoids are in their mode. */
static void assert_result_sane(const struct series *s, const size_t *assign,
			       const struct modes_result *r)
{
	size_t size[MODES_MAX] = { 0 };

	assert_in_range(r->k, 1, MODES_MAX);
	for (size_t j = 0; j < s->m; j++) {
		assert_true(assign[j] < r->k);
		size[assign[j]]++;
	}
	for (unsigned int i = 0; i < r->k; i++) {
		assert_int_equal(size[i], r->size[i]);
		assert_true(r->medoid[i] < s->m);
		assert_int_equal(assign[r->medoid[i]], i);
		if (i)
			assert_true(r->medoid[i - 1] < r->medoid[i]);
	}
	if (r->k == 1)
		assert_true(r->silhouette == 0.0);
	else
		assert_true(r->silhouette >= MODES_MIN_SILHOUETTE &&
			    r->silhouette <= 1.0);
}

static struct modes_window win(const struct modes_bin *b, size_t nz)
{
	return (struct modes_window){ nz, b };
}

static void hellinger__closed_forms(void **state)
{
	static const struct modes_bin a[] = { { 1, 1 }, { 4, 2 } };
	static const struct modes_bin a2[] = { { 1, 2 }, { 4, 4 } };
	static const struct modes_bin b[] = { { 2, 7 }, { 9, 1 } };
	static const struct modes_bin half[] = { { 0, 5 }, { 1, 5 } };
	static const struct modes_bin one[] = { { 0, 3 } };
	static const struct modes_bin zero_listed[] = { { 0, 3 }, { 7, 0 } };
	struct modes_window wa = win(a, 2), wa2 = win(a2, 2), wb = win(b, 2),
			    wh = win(half, 2), w1 = win(one, 1),
			    wz = win(zero_listed, 2);

	(void)state;
	/* Proportional counts: the same proportions, exactly. */
	assert_true(modes__hellinger(&wa, &wa2) == 0.0);
	assert_true(modes__hellinger(&wa, &wa) == 0.0);
	/* Disjoint bins: 1. */
	assert_true(modes__hellinger(&wa, &wb) == 1.0);
	/* (1/2, 1/2) vs (1, 0): sqrt(1 - sqrt(1/2)). */
	assert_close(modes__hellinger(&wh, &w1), sqrt(1.0 - sqrt(0.5)), 1e-15);
	assert_true(modes__hellinger(&wh, &w1) == modes__hellinger(&w1, &wh));
	/* A listed zero counts for nothing. */
	assert_true(modes__hellinger(&wz, &w1) == 0.0);
}

/* The 1 - sum sqrt(p q) form, directly, on random windows. */
static void hellinger__equals_textbook_form_and_is_symmetric(void **state)
{
	uint64_t seed = 11;
	struct series *s = series_new(200, 48, 5);
	uint64_t w[48];

	(void)state;
	for (int i = 0; i < 200; i++) {
		mix(w, 48, test_rand(&seed) % 24, 24 + test_rand(&seed) % 25,
		    &seed);
		series_draw(s, w, 1 + test_rand(&seed) % 5000, 0.0, 0, &seed);
	}
	for (size_t i = 0; i + 1 < s->m; i++) {
		const struct modes_window *x = &s->w[i], *y = &s->w[i + 1];
		double nx = 0, ny = 0, bc = 0, h = modes__hellinger(x, y);
		double dense_x[48] = { 0 }, dense_y[48] = { 0 };

		for (size_t t = 0; t < x->nz; t++) {
			dense_x[x->bins[t].bin] = (double)x->bins[t].count;
			nx += (double)x->bins[t].count;
		}
		for (size_t t = 0; t < y->nz; t++) {
			dense_y[y->bins[t].bin] = (double)y->bins[t].count;
			ny += (double)y->bins[t].count;
		}
		for (int t = 0; t < 48; t++)
			bc += sqrt(dense_x[t] / nx * dense_y[t] / ny);
		assert_true(h >= 0.0 && h <= 1.0);
		/* Only the textbook form's cancellation limits agreement. */
		assert_close(h * h, 1.0 - bc, 1e-14);
		assert_true(h == modes__hellinger(y, x));
	}
	series_free(s);
}

/*
 * The header's noise floor: windows of n events from one mix over K bins
 * are sqrt((K - 1) / (4 n)) apart on average (to first order).
 */
static void hellinger__same_mix__noise_floor_as_stated(void **state)
{
	/* Events per bin on average: 3.3, 10, 17, 167. */
	static const uint64_t ns[] = { 200, 600, 1000, 10000 };
	/* First order: within 10% from 10 events a bin, higher below. */
	static const double lo[] = { 1.0, 0.9, 0.9, 0.9 };
	static const double hi[] = { 1.3, 1.1, 1.1, 1.1 };
	uint64_t seed = 3, w[60];

	(void)state;
	for (size_t c = 0; c < 4; c++) {
		struct series *s = series_new(80, 60, 17 + c);
		double sum = 0, want = sqrt(59.0 / (4.0 * (double)ns[c]));
		size_t pairs = 0;

		/* Flat enough that every bin is seen in every window. */
		for (int i = 0; i < 60; i++)
			w[i] = 500 + test_rand(&seed) % 500;
		for (int i = 0; i < 80; i++)
			series_draw(s, w, ns[c], 0.0, 0, &seed);
		for (size_t i = 0; i < s->m; i++)
			for (size_t j = i + 1; j < s->m; j++, pairs++)
				sum += modes__hellinger(&s->w[i], &s->w[j]);
		print_message("  noise floor n=%-5llu mean %.4f, stated %.4f\n",
			      (unsigned long long)ns[c], sum / (double)pairs,
			      want);
		assert_true(sum / (double)pairs > lo[c] * want);
		assert_true(sum / (double)pairs < hi[c] * want);
		series_free(s);
	}
}

/* Points 0, 1, 2, 10, 11, 12 and 30 on a line. */
static void line_matrix(double *d, const double *x, size_t s)
{
	for (size_t i = 0; i < s; i++)
		for (size_t j = 0; j < s; j++)
			d[i * s + j] = fabs(x[i] - x[j]);
}

static void pam__line__optimal_medoids(void **state)
{
	static const double x[7] = { 0, 1, 2, 10, 11, 12, 30 };
	size_t med[MODES_MAX], label[7];
	double d[49], cost;

	(void)state;
	line_matrix(d, x, 7);
	assert_int_equal(modes__pam(d, 7, 1, med, label, &cost), 0);
	assert_int_equal(med[0], 3);	/* 10: total 10+9+8+1+2+20 = 50 */
	assert_close(cost, 50.0, 0);
	/*
	 * {1, 11} and {1, 12} both cost 23 (the median of 10, 11, 12, 30);
	 * BUILD gives {10, 1} (25), and the first of the equal best swaps,
	 * in slot then index order, is 10 -> 11.
	 */
	assert_int_equal(modes__pam(d, 7, 2, med, label, &cost), 0);
	assert_int_equal(med[0], 1);
	assert_int_equal(med[1], 4);
	assert_close(cost, 23.0, 0);
	assert_int_equal(modes__pam(d, 7, 3, med, label, &cost), 0);
	assert_int_equal(med[0], 1);
	assert_int_equal(med[1], 4);
	assert_int_equal(med[2], 6);
	assert_close(cost, 4.0, 0);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(label[i], i < 3 ? 0 : i < 6 ? 1 : 2);
	/* k == s: every point its own medoid, cost 0. */
	line_matrix(d, x, 3);
	assert_int_equal(modes__pam(d, 3, 3, med, label, &cost), 0);
	assert_close(cost, 0.0, 0);
}

/* BUILD's greedy start is a trap; only SWAP gets out of it. */
static void pam__swap_improves_on_build(void **state)
{
	/*
	 * Two pairs {0, 1} and {9, 10} and a middle point 5: BUILD's first
	 * medoid is the middle (total 18 vs 22), its second point 0 (cost
	 * 10), and SWAP must move the middle medoid to the other side.
	 */
	static const double x[5] = { 0, 1, 5, 9, 10 };
	size_t med[MODES_MAX], label[5];
	double d[25], cost;

	(void)state;
	line_matrix(d, x, 5);
	assert_int_equal(modes__pam(d, 5, 2, med, label, &cost), 0);
	/* Optimum: {0 or 1, 9 or 10} with the middle at 4: cost 1 + 1 + 4. */
	assert_close(cost, 6.0, 0);
	assert_true(med[0] <= 1 && med[1] >= 3);
}

static void pam__ties__lowest_index(void **state)
{
	double d[16] = { 0 };
	size_t med[MODES_MAX], label[4];
	double cost;

	(void)state;
	/* Four identical points: medoids 0 and 1, the others with 0. */
	assert_int_equal(modes__pam(d, 4, 2, med, label, &cost), 0);
	assert_int_equal(med[0], 0);
	assert_int_equal(med[1], 1);
	assert_int_equal(label[0], 0);
	assert_int_equal(label[1], 1);
	assert_int_equal(label[2], 0);
	assert_int_equal(label[3], 0);
	assert_close(cost, 0.0, 0);
}

static void silhouette__hand_computed(void **state)
{
	static const double x[3] = { 0, 1, 5 };
	static const size_t l3[3] = { 0, 0, 1 }, all0[3] = { 0, 0, 0 };
	static const size_t alone[3] = { 0, 1, 2 }, bad[3] = { 0, 4, 1 };
	double d[9], sil;

	(void)state;
	line_matrix(d, x, 3);
	/* 0: a 1, b 5 -> 0.8; 1: a 1, b 4 -> 0.75; 5 alone -> 0. */
	assert_int_equal(modes__silhouette(d, 3, l3, 2, &sil), 0);
	assert_close(sil, (0.8 + 0.75) / 3.0, 1e-15);
	/* An empty label value in between changes nothing. */
	assert_int_equal(modes__silhouette(d, 3, l3, 4, &sil), 0);
	assert_close(sil, (0.8 + 0.75) / 3.0, 1e-15);
	/* Where sklearn raises: one cluster, or every point alone. */
	sil = -1;
	assert_int_equal(modes__silhouette(d, 3, all0, 2, &sil), 0);
	assert_true(sil == 0.0);
	sil = -1;
	assert_int_equal(modes__silhouette(d, 3, alone, 3, &sil), 0);
	assert_true(sil == 0.0);
	assert_int_equal(modes__silhouette(d, 3, bad, 4, &sil), -EINVAL);
	assert_int_equal(modes__silhouette(d, 3, l3, 0, &sil), -EINVAL);
	assert_int_equal(modes__silhouette(d, 3, l3, MODES_MAX + 1, &sil),
			 -EINVAL);
	assert_int_equal(modes__silhouette(NULL, 3, l3, 2, &sil), -EINVAL);
}

/* nmix mixes over 64 bins, overlapping by half, per mode windows each. */
static struct series *modes_series(int nmix, size_t per, uint64_t n,
				   double jitter, uint64_t seed)
{
	struct series *s = series_new(nmix * per + 16, 64, seed);
	uint64_t w[MODES_MAX][64];

	for (int t = 0; t < nmix; t++)
		mix(w[t], 64, (size_t)t * 12, (size_t)t * 12 + 24, &seed);
	/* Interleaved, so no mode owns a block of indices. */
	for (size_t i = 0; i < per; i++)
		for (int t = 0; t < nmix; t++)
			series_draw(s, w[t], n, jitter, t, &seed);
	return s;
}

static void cluster__two_mixes__k_is_2_and_every_window_placed(void **state)
{
	struct series *s = modes_series(2, 30, 2000, 0.2, 101);
	size_t assign[64];
	struct modes_result r;

	(void)state;
	assert_int_equal(modes__cluster(s->w, s->m, MODES_MAX, 5, 100, assign,
					&r), 0);
	assert_result_sane(s, assign, &r);
	assert_int_equal(r.k, 2);
	assert_recovers_truth(s, assign, 2);
	assert_int_equal(r.size[0], 30);
	assert_int_equal(r.size[1], 30);
	assert_int_equal(r.clustered, 60);
	assert_int_equal(r.light, 0);
	assert_int_equal(r.k_tried, MODES_MAX);
	/* Half-overlapping supports: well apart, far above the threshold. */
	assert_true(r.silhouette > 0.7);
	assert_true(r.silhouette_of[1] == r.silhouette);
	assert_true(r.silhouette_of[2] < r.silhouette);
	series_free(s);
}

static void cluster__one_mix_with_noise__k_is_1(void **state)
{
	static const double jitter[] = { 0.0, 0.3, 0.6 };

	(void)state;
	for (int c = 0; c < 3; c++) {
		struct series *s = modes_series(1, 60, 500, jitter[c], 7 + c);
		size_t assign[76];
		struct modes_result r;

		assert_int_equal(modes__cluster(s->w, s->m, MODES_MAX, 5, 100,
						assign, &r), 0);
		assert_result_sane(s, assign, &r);
		print_message("  one mix, jitter %.1f: silhouettes k=2..4 "
			      "%.3f %.3f %.3f\n", jitter[c],
			      r.silhouette_of[1], r.silhouette_of[2],
			      r.silhouette_of[3]);
		assert_int_equal(r.k, 1);
		assert_int_equal(r.size[0], 60);
		/* Noise has no structure: far under the threshold. */
		for (unsigned int k = 2; k <= r.k_tried; k++)
			assert_true(r.silhouette_of[k - 1] < 0.35);
		assert_int_equal(r.k_tried, MODES_MAX);
		series_free(s);
	}
}

static void cluster__three_mixes__k_is_3(void **state)
{
	struct series *s = modes_series(3, 20, 2000, 0.2, 303);
	size_t assign[76];
	struct modes_result r;

	(void)state;
	assert_int_equal(modes__cluster(s->w, s->m, MODES_MAX, 5, 100, assign,
					&r), 0);
	assert_result_sane(s, assign, &r);
	assert_int_equal(r.k, 3);
	assert_recovers_truth(s, assign, 3);
	/* kmax bounds k: asked for 2 at most, 2 it is. */
	assert_int_equal(modes__cluster(s->w, s->m, 2, 5, 100, assign, &r), 0);
	assert_int_equal(r.k, 2);
	assert_int_equal(r.k_tried, 2);
	series_free(s);
}

static void cluster__mode_under_min_size__not_a_mode(void **state)
{
	struct series *s = series_new(70, 64, 404);
	uint64_t w[3][64], seed = 404;
	size_t assign[70];
	struct modes_result r;

	(void)state;
	for (int t = 0; t < 3; t++)
		mix(w[t], 64, (size_t)t * 20, (size_t)t * 20 + 24, &seed);
	for (int i = 0; i < 30; i++) {
		series_draw(s, w[0], 2000, 0.2, 0, &seed);
		series_draw(s, w[1], 2000, 0.2, 1, &seed);
		if (i % 10 == 5)	/* 3 windows of a third mix */
			series_draw(s, w[2], 2000, 0.2, 2, &seed);
	}
	/* min_size 3: the third mix is a mode of its own. */
	assert_int_equal(modes__cluster(s->w, s->m, MODES_MAX, 3, 100, assign,
					&r), 0);
	assert_result_sane(s, assign, &r);
	assert_int_equal(r.k, 3);
	assert_recovers_truth(s, assign, 3);
	/* min_size 4: it is not; its windows join their nearest mode. */
	assert_int_equal(modes__cluster(s->w, s->m, MODES_MAX, 4, 100, assign,
					&r), 0);
	assert_result_sane(s, assign, &r);
	assert_int_equal(r.k, 2);
	assert_true(r.too_small & (1u << 2));
	assert_false(r.too_small & (1u << 1));
	assert_true(r.silhouette_of[2] > r.silhouette_of[1]);
	for (size_t j = 0; j < s->m; j++)
		if (s->truth[j] != 2)
			assert_int_equal(assign[j], assign[s->truth[j] == 0 ?
							   0 : 1]);
	assert_int_equal(r.size[0] + r.size[1], 63);
	series_free(s);
}

static void cluster__more_than_sample_max__sampled_and_all_assigned(void **state)
{
	struct series *s = modes_series(2, 150, 2000, 0.2, 505);
	size_t *assign = calloc(s->m, sizeof(*assign));
	uint64_t seed = 505, w[2][64];
	struct modes_result r;

	(void)state;
	assert_non_null(assign);
	assert_int_equal(s->m, 300);
	/*
	 * The last sampled window, floor(127 * 300 / 128) = 297, made the
	 * exact mix of its mode (window 2i + 1 is mix 1): the centre of its
	 * mode, so its medoid, if and only if it is in the sample.
	 */
	for (int t = 0; t < 2; t++)	/* modes_series()'s mixes again */
		mix(w[t], 64, (size_t)t * 12, (size_t)t * 12 + 24, &seed);
	s->m = 297;
	series_put(s, w[1], 1);
	s->m = 300;
	assert_int_equal(modes__cluster(s->w, s->m, MODES_MAX, 5, 100, assign,
					&r), 0);
	assert_result_sane(s, assign, &r);
	assert_int_equal(r.clustered, MODES_SAMPLE_MAX);
	assert_int_equal(r.k, 2);
	assert_recovers_truth(s, assign, 2);
	assert_int_equal(r.size[0], 150);
	assert_int_equal(r.size[1], 150);
	assert_int_equal(r.medoid[1], 297);
	/* Medoids come from the sample: floor(t * 300 / 128). */
	for (unsigned int i = 0; i < r.k; i++) {
		size_t t = (r.medoid[i] * MODES_SAMPLE_MAX + 299) / 300;

		assert_int_equal(t * 300 / MODES_SAMPLE_MAX, r.medoid[i]);
	}
	free(assign);
	series_free(s);
}

static void cluster__identical_windows(void **state)
{
	static const uint64_t a[8] = { 5, 0, 3, 9, 0, 0, 1, 2 };
	static const uint64_t b[8] = { 0, 7, 0, 0, 4, 4, 0, 0 };
	struct series *s = series_new(20, 8, 1);
	size_t assign[20];
	struct modes_result r;

	(void)state;
	for (int i = 0; i < 10; i++)
		series_put(s, a, 0);
	/* All the same: k = 1, every silhouette 0 (0/0 and singletons). */
	assert_int_equal(modes__cluster(s->w, s->m, MODES_MAX, 1, 0, assign,
					&r), 0);
	assert_result_sane(s, assign, &r);
	assert_int_equal(r.k, 1);
	assert_int_equal(r.medoid[0], 0);
	assert_close(r.cost, 0.0, 0);
	for (unsigned int k = 2; k <= MODES_MAX; k++)
		assert_true(r.silhouette_of[k - 1] == 0.0);
	/* Two sets of copies: two modes, silhouette exactly 1. */
	for (int i = 0; i < 10; i++)
		series_put(s, b, 1);
	assert_int_equal(modes__cluster(s->w, s->m, MODES_MAX, 1, 0, assign,
					&r), 0);
	assert_result_sane(s, assign, &r);
	assert_int_equal(r.k, 2);
	assert_true(r.silhouette == 1.0);
	assert_recovers_truth(s, assign, 2);
	assert_int_equal(r.medoid[0], 0);
	assert_int_equal(r.medoid[1], 10);
	series_free(s);
}

/*
 * One-event windows on the syscall that dominates: as heavy windows they
 * make a spurious mode (copies at distance 0 from each other); under
 * min_events they are only assigned.
 */
static void cluster__one_event_windows__set_aside_by_min_events(void **state)
{
	static const uint64_t one[64] = { [3] = 1 };
	struct series *s = modes_series(1, 40, 2000, 0.2, 606);
	size_t assign[56];
	struct modes_result r;

	(void)state;
	for (int i = 0; i < 10; i++)
		series_put(s, one, 1);
	assert_int_equal(modes__cluster(s->w, s->m, MODES_MAX, 5, 0, assign,
					&r), 0);
	assert_result_sane(s, assign, &r);
	assert_int_equal(r.k, 2);		/* the trap, documented */
	assert_int_equal(r.light, 0);
	assert_int_equal(modes__cluster(s->w, s->m, MODES_MAX, 5, 100, assign,
					&r), 0);
	assert_result_sane(s, assign, &r);
	assert_int_equal(r.k, 1);
	assert_int_equal(r.light, 10);
	assert_int_equal(r.clustered, 40);
	assert_int_equal(r.size[0], 50);
	/* Every window light: no structure claimed. */
	assert_int_equal(modes__cluster(s->w, s->m, MODES_MAX, 5, 1000000,
					assign, &r), 0);
	assert_result_sane(s, assign, &r);
	assert_int_equal(r.k, 1);
	assert_int_equal(r.light, 50);
	assert_int_equal(r.clustered, 50);
	assert_int_equal(r.k_tried, 0);
	series_free(s);
}

static void cluster__few_windows(void **state)
{
	static const struct modes_bin a[] = { { 0, 10 } }, b[] = { { 1, 10 } };
	struct modes_window w[3] = { win(a, 1), win(b, 1), win(a, 1) };
	size_t assign[3];
	struct modes_result r;

	(void)state;
	/* One or two windows: no silhouette exists for k > 1. */
	assert_int_equal(modes__cluster(w, 1, MODES_MAX, 1, 0, assign, &r), 0);
	assert_int_equal(r.k, 1);
	assert_int_equal(r.medoid[0], 0);
	assert_int_equal(modes__cluster(w, 2, MODES_MAX, 1, 0, assign, &r), 0);
	assert_int_equal(r.k, 1);
	assert_int_equal(r.k_tried, 0);
	/* Three: k = 2 only, {a, a} and {b}: silhouette (1 + 0 + 1) / 3. */
	assert_int_equal(modes__cluster(w, 3, MODES_MAX, 1, 0, assign, &r), 0);
	assert_int_equal(r.k_tried, 2);
	assert_int_equal(r.k, 2);
	assert_close(r.silhouette, 2.0 / 3.0, 1e-15);
	assert_int_equal(assign[0], 0);
	assert_int_equal(assign[1], 1);
	assert_int_equal(assign[2], 0);
}

static void cluster__invalid_input__einval(void **state)
{
	static const struct modes_bin ok[] = { { 0, 1 }, { 2, 3 } };
	static const struct modes_bin zeros[] = { { 0, 0 }, { 2, 0 } };
	static const struct modes_bin unsorted[] = { { 2, 1 }, { 0, 3 } };
	static const struct modes_bin dup[] = { { 2, 1 }, { 2, 3 } };
	static const struct modes_bin big[] = { { 0, UINT64_MAX }, { 1, 1 } };
	struct modes_window w[2] = { win(ok, 2), win(ok, 2) };
	size_t assign[2], label[2];
	struct modes_result r;
	double d[4] = { 0 };

	(void)state;
	assert_int_equal(modes__cluster(w, 0, 2, 1, 0, assign, &r), -EINVAL);
	assert_int_equal(modes__cluster(w, 2, 0, 1, 0, assign, &r), -EINVAL);
	assert_int_equal(modes__cluster(w, 2, MODES_MAX + 1, 1, 0, assign, &r),
			 -EINVAL);
	assert_int_equal(modes__cluster(NULL, 2, 2, 1, 0, assign, &r), -EINVAL);
	assert_int_equal(modes__cluster(w, 2, 2, 1, 0, NULL, &r), -EINVAL);
	assert_int_equal(modes__cluster(w, 2, 2, 1, 0, assign, NULL), -EINVAL);
	w[1] = win(ok, 0);		/* empty */
	assert_int_equal(modes__cluster(w, 2, 2, 1, 0, assign, &r), -EINVAL);
	assert_int_equal(modes__distances(w, 2, d), -EINVAL);
	w[1] = win(NULL, 2);
	assert_int_equal(modes__cluster(w, 2, 2, 1, 0, assign, &r), -EINVAL);
	w[1] = win(zeros, 2);		/* listed, but total 0 */
	assert_int_equal(modes__cluster(w, 2, 2, 1, 0, assign, &r), -EINVAL);
	w[1] = win(unsorted, 2);
	assert_int_equal(modes__cluster(w, 2, 2, 1, 0, assign, &r), -EINVAL);
	w[1] = win(dup, 2);
	assert_int_equal(modes__cluster(w, 2, 2, 1, 0, assign, &r), -EINVAL);
	w[1] = win(big, 2);
	assert_int_equal(modes__cluster(w, 2, 2, 1, 0, assign, &r),
			 -EOVERFLOW);
	assert_int_equal(modes__distances(w, 2, d), -EOVERFLOW);
	w[1] = win(ok, 2);
	assert_int_equal(modes__distances(w, 2, NULL), -EINVAL);
	assert_int_equal(modes__distances(w, 0, d), -EINVAL);
	assert_int_equal(modes__pam(d, 2, 0, assign, label, NULL), -EINVAL);
	assert_int_equal(modes__pam(d, 2, 3, assign, label, NULL), -EINVAL);
	assert_int_equal(modes__pam(NULL, 2, 1, assign, label, NULL), -EINVAL);
	assert_int_equal(modes__pam(d, 2, 1, assign, label, NULL), 0);
}

static void cluster__same_input__same_output(void **state)
{
	struct series *s = modes_series(3, 50, 300, 0.5, 707);
	size_t a1[166], a2[166];
	struct modes_result r1, r2;

	(void)state;
	/* Noisy (n = 300, jitter 0.5) so that ties and near-ties happen. */
	assert_int_equal(modes__cluster(s->w, s->m, MODES_MAX, 5, 0, a1, &r1),
			 0);
	assert_int_equal(modes__cluster(s->w, s->m, MODES_MAX, 5, 0, a2, &r2),
			 0);
	assert_memory_equal(a1, a2, s->m * sizeof(*a1));
	assert_memory_equal(&r1, &r2, sizeof(r1));
	assert_result_sane(s, a1, &r1);
	series_free(s);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The header's cost figure: 128 windows of 60 of 512 bins, two mixes. */
static void cluster__128_windows_of_60_bins__timing(void **state)
{
	struct series *s = series_new(128, 512, 808);
	uint64_t w[2][512], seed = 808, c[512];
	size_t assign[128];
	struct modes_result r;
	double t0, best = INFINITY;

	(void)state;
	for (int t = 0; t < 2; t++)
		for (int i = 0; i < 512; i++)
			w[t][i] = 1 + test_rand(&seed) % 1000;
	for (int i = 0; i < 128; i++) {
		/* 60 non-zero bins: 40 shared, 20 of the window's mix. */
		memset(c, 0, sizeof(c));
		for (int b = 0; b < 60; b++) {
			int bin = b < 40 ? b * 7 : 300 + (i % 2) * 100 + b;

			c[bin] = 1 + w[i % 2][bin] * (1 + test_rand(&seed) % 4);
		}
		series_put(s, c, i % 2);
	}
	for (int rep = 0; rep < 5; rep++) {
		t0 = now();
		assert_int_equal(modes__cluster(s->w, s->m, MODES_MAX, 5, 100,
						assign, &r), 0);
		best = fmin(best, now() - t0);
	}
	assert_int_equal(r.k, 2);
	assert_recovers_truth(s, assign, 2);
	print_message("  m=128 x 512 bins (60 non-zero): %.2f ms, k=%u, "
		      "silhouette %.3f\n", best * 1e3, r.k, r.silhouette);
	series_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hellinger__closed_forms),
		cmocka_unit_test(hellinger__equals_textbook_form_and_is_symmetric),
		cmocka_unit_test(hellinger__same_mix__noise_floor_as_stated),
		cmocka_unit_test(pam__line__optimal_medoids),
		cmocka_unit_test(pam__swap_improves_on_build),
		cmocka_unit_test(pam__ties__lowest_index),
		cmocka_unit_test(silhouette__hand_computed),
		cmocka_unit_test(cluster__two_mixes__k_is_2_and_every_window_placed),
		cmocka_unit_test(cluster__one_mix_with_noise__k_is_1),
		cmocka_unit_test(cluster__three_mixes__k_is_3),
		cmocka_unit_test(cluster__mode_under_min_size__not_a_mode),
		cmocka_unit_test(cluster__more_than_sample_max__sampled_and_all_assigned),
		cmocka_unit_test(cluster__identical_windows),
		cmocka_unit_test(cluster__one_event_windows__set_aside_by_min_events),
		cmocka_unit_test(cluster__few_windows),
		cmocka_unit_test(cluster__invalid_input__einval),
		cmocka_unit_test(cluster__same_input__same_output),
		cmocka_unit_test(cluster__128_windows_of_60_bins__timing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
