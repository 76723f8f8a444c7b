// SPDX-License-Identifier: MIT
/*
 * The statistics of the drift engine (divergence.h): smoothed KL, JS, PSI
 * and Hellinger between a baseline and a window histogram, the G-test of
 * homogeneity on the raw counts with its p-value, the size-independent
 * effect that thresholds compare, and the bins that moved most. Pure
 * functions, no allocation.
 *
 * Precision: counts reach ~1e12 and windows often match the baseline, so the
 * textbook sums cancel (terms of 1e10 adding up to a G of a few hundred).
 * Every sum here is rewritten as a sum of non-negative terms that lose
 * nothing when added: because p, q and m each sum to 1, and the expected
 * counts of a column add up to its observed ones,
 *   sum x ln(x / y) = sum (x ln(x / y) - x + y),
 * and each x - y is formed exactly first (b N_W - w N_B in 128-bit
 * integers), then divided.
 *
 * Speed: this runs for every bin in use of every (feature, cgroup) each
 * window (1,000 cgroups: ~130,000 bins). Every term of a bin is a function
 * of u = (x - y) / (x + y): near u = 0 two short polynomials in u^2 give
 * them all without a logarithm, farther out two logarithms do; and a
 * bin's G share is computed once, for G and for the top bins both.
 */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include "divergence.h"
#include "stats.h"

const struct divergence_measure_info divergence_measures[DIVM_COUNT] = {
#define DIVM_X_INFO(field, bit, fl)					\
	[DIVM_##field] = { #field, offsetof(struct divergence, field), bit,	\
			   fl },
	DIVERGENCE_MEASURES(DIVM_X_INFO)
#undef DIVM_X_INFO
};

typedef unsigned __int128 u128;

/* Totals of both histograms. */
struct divergence_totals {
	uint64_t nb, nw, n;	/* N_B, N_W, N_B + N_W */
	size_t cols;		/* columns with b_i + w_i > 0 */
	double inv_n, share_b, share_w;	/* 1 / N, N_B / N, N_W / N */
};

/*
 * v[0] + .. + v[k-1], or -EOVERFLOW. The 32-bit halves are summed apart
 * (neither sum wraps for k < 2^32), which the compiler can vectorise.
 */
static int divergence__sum(const uint64_t *v, size_t k, uint64_t *sum)
{
	uint64_t lo[4] = { 0 }, hi[4] = { 0 };
	size_t i = 0;

	/* Four sums apart, so that the adds need not wait for each other. */
	for (; i + 4 <= k; i += 4)
		for (int j = 0; j < 4; j++) {
			lo[j] += v[i + j] & 0xffffffff;
			hi[j] += v[i + j] >> 32;
		}
	for (; i < k; i++) {
		lo[0] += v[i] & 0xffffffff;
		hi[0] += v[i] >> 32;
	}
	lo[0] += lo[1] + lo[2] + lo[3];
	hi[0] += hi[1] + hi[2] + hi[3];
	if (hi[0] >> 32 || __builtin_add_overflow(hi[0] << 32, lo[0], sum))
		return -EOVERFLOW;
	return 0;
}

/*
 * The first column at or after i with b or w non-zero, or k: empty runs
 * (most of a wide feature's bins) four columns at a test.
 */
static inline size_t divergence__next_used(const uint64_t *b, const uint64_t *w,
					   size_t i, size_t k)
{
	while (i + 4 <= k && !(b[i] | b[i + 1] | b[i + 2] | b[i + 3] |
			       w[i] | w[i + 1] | w[i + 2] | w[i + 3]))
		i += 4;
	while (i < k && !b[i] && !w[i])
		i++;
	return i;
}

/* N_B, N_W and N; the columns are counted by the caller's pass. */
static int divergence__totals(const uint64_t *b, const uint64_t *w, size_t k,
			      double alpha, struct divergence_totals *t)
{
	if (!k || !(alpha >= 0) || isinf(alpha))
		return -EINVAL;
	if (k > UINT_MAX)
		return -EOVERFLOW;
	*t = (struct divergence_totals){ 0 };
	if (divergence__sum(b, k, &t->nb) || divergence__sum(w, k, &t->nw) ||
	    __builtin_add_overflow(t->nb, t->nw, &t->n))
		return -EOVERFLOW;
	if (t->n) {
		t->inv_n = 1 / (double)t->n;
		t->share_b = (double)t->nb / (double)t->n;
		t->share_w = (double)t->nw / (double)t->n;
	}
	return 0;
}

/* u128 to long double; the common case (below 2^64) without a libcall. */
static long double divergence__u128_ld(u128 x)
{
	return x >> 64 ? (long double)x : (long double)(uint64_t)x;
}

/* x - y, exact until the one rounding to long double. */
static long double divergence__sub(u128 x, u128 y)
{
	return x >= y ? divergence__u128_ld(x - y)
		      : -divergence__u128_ld(y - x);
}

/*
 * Where |u| < U_SERIES the polynomials below are used; there t = u^2 <
 * 1/64, and eight terms leave < 1e-14 relative in S and R, which carry
 * under 4% (S) and 0.3% (R) of a term: ~1e-16. Beyond it, logarithms of
 * ratios in (0, 2), and the terms cancel by at most ~10x.
 */
#define U_SERIES	0.125

/* c[0] + c[1] t + .. + c[7] t^7, by Estrin's scheme (short dependencies). */
static inline double divergence__poly8(const double c[8], double t)
{
	double t2 = t * t, t4 = t2 * t2;

	return (c[0] + c[1] * t) + t2 * (c[2] + c[3] * t) +
	       t4 * ((c[4] + c[5] * t) + t2 * (c[6] + c[7] * t));
}

/* S(t) = sum_{n >= 0} t^n / (2n + 3): atanh(u) = u (1 + t S(t)). */
static double divergence__atanh_tail(double t)
{
	static const double c[8] = {
		1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9,
		1.0 / 11, 1.0 / 13, 1.0 / 15, 1.0 / 17,
	};

	return divergence__poly8(c, t);
}

/*
 * R(t) = sum_{n >= 2} t^(n-2) / (n (2n - 1)):
 * (1 + u) ln(1 + u) + (1 - u) ln(1 - u) = t + t^2 R(t).
 */
static double divergence__js_tail(double t)
{
	static const double c[8] = {
		1.0 / 6, 1.0 / 15, 1.0 / 28, 1.0 / 45,
		1.0 / 66, 1.0 / 91, 1.0 / 120, 1.0 / 153,
	};

	return divergence__poly8(c, t);
}

/*
 * x ln(x / y) - x + y >= 0 for x >= 0, y > 0, given diff = x - y. With
 * u = diff / (x + y), ln(x / y) = 2 atanh(u), so the term is
 * diff u + 2 x u^3 S(u^2): no cancellation near x = y.
 */
static inline double divergence__kl_term(double x, double y, double diff)
{
	double u = diff / (x + y), t = u * u;

	if (x == 0)
		return y;
	if (fabs(u) < U_SERIES)
		return diff * u + 2 * x * u * t * divergence__atanh_tail(t);
	return x * log(x / y) - diff;
}

/*
 * g_i, column i's share of G (>= 0): twice the kl_term of its two cells
 * against their expected counts E = row col / N. o - E is d / N for the
 * baseline cell and -d / N for the window cell, d = b N_W - w N_B.
 */
static double divergence__g_bin(uint64_t b, uint64_t w, double d,
				const struct divergence_totals *t)
{
	double col = (double)(b + w), diff = d * t->inv_n;

	return 2 * (divergence__kl_term(b, t->share_b * col, diff) +
		    divergence__kl_term(w, t->share_w * col, -diff));
}

/* Running sums of the smoothed divergences. */
struct smoothed_sums {
	double kl_wb, kl_bw, js, psi, hel;
	long double hel_tiny;	/* terms that underflow double (alpha
				   1e300 makes them ~1e-320) */
	unsigned int undefined;
};

/*
 * Add weight times the terms of smoothed p, q with diff = q - p to acc.
 * With u = diff / (p + q): ln(q / p) = 2 atanh(u), and the JS term
 * p ln(p / m) + q ln(q / m) = m [(1 + u) ln(1 + u) + (1 - u) ln(1 - u)].
 * Bins empty on both sides all have the same terms, so the caller adds
 * them once, weighted by how many there are.
 */
static void divergence__smoothed_bin(double p, double q, double diff,
				     double weight, struct smoothed_sums *acc)
{
	double s = p + q, u, t, kl_wb, kl_bw, psi, js, hel;

	if (s == 0)
		return;
	/* (sqrt p - sqrt q)^2 = diff^2 / (sqrt p + sqrt q)^2 */
	hel = diff * diff / (s + 2 * sqrt(p * q));
	if (hel < DBL_MIN && diff != 0)
		acc->hel_tiny += weight * ((long double)diff * diff /
					   (s + 2 * sqrtl((long double)p * q)));
	else
		acc->hel += weight * hel;
	if (p == 0 || q == 0) {
		/* Only alpha = 0 gets here: one KL and PSI do not exist. */
		acc->js += weight * s * M_LN2;
		if (p == 0)
			acc->kl_bw += weight * q;
		else
			acc->kl_wb += weight * p;
		acc->undefined |= DIV_UNDEF_PSI | (p == 0 ? DIV_UNDEF_KL_WB :
						   DIV_UNDEF_KL_BW);
		return;
	}
	u = diff / s;
	t = u * u;
	if (fabs(u) < U_SERIES) {
		double c = 2 * u * t * divergence__atanh_tail(t);

		kl_wb = diff * u + q * c;
		kl_bw = diff * u - p * c;
		psi = diff * (2 * u + c);
		js = s / 2 * t * (1 + t * divergence__js_tail(t));
	} else {
		double m = s / 2, lp = log(p / m), lq = log(q / m);

		kl_wb = q * (lq - lp) - diff;
		kl_bw = diff - p * (lq - lp);
		psi = diff * (lq - lp);
		js = p * lp + q * lq;
	}
	acc->kl_wb += weight * kl_wb;
	acc->kl_bw += weight * kl_bw;
	acc->psi += weight * psi;
	acc->js += weight * js;
}

/* Smoothing constants of one pair of histograms. */
struct smoothing {
	double a, db, dw;	/* alpha, D_B = N_B + k alpha, D_W */
	double inv_db, inv_dw, inv_dbdw;
	bool fast;		/* alpha small enough for the double path */
	size_t k;
};

#define SMOOTHING_FAST_ALPHA	4294967296.0	/* 2^32 */
#define EXACT_DOUBLE		((u128)1 << 53)

static void divergence__smoothing(const struct divergence_totals *t,
				  size_t k, double alpha, struct smoothing *sm)
{
	*sm = (struct smoothing){
		.a = alpha, .k = k,
		.db = t->nb + k * alpha,
		.dw = t->nw + k * alpha,
		.fast = alpha <= SMOOTHING_FAST_ALPHA,
	};
	sm->inv_db = 1 / sm->db;
	sm->inv_dw = 1 / sm->dw;
	sm->inv_dbdw = sm->inv_db * sm->inv_dw;
}

/* A column's differences, each rounded once or nearly. */
struct column {
	double d;		/* b N_W - w N_B */
	double q_minus_p;	/* smoothed q_i - p_i */
};

/*
 * q_i - p_i = ((w + a)(N_B + k a) - (b + a)(N_W + k a)) / (D_B D_W), whose
 * numerator is -d - a ((k b + N_W) - (k w + N_B)) with d = b N_W - w N_B:
 * the a^2 terms cancel and both brackets are exact integers. Below 2^53
 * they are exact doubles and fma rounds the numerator once; larger ones
 * take long double. (Unsigned 128-bit only: valgrind converts negative
 * __int128 to floating point as 0.)
 */
static inline struct column
divergence__column(uint64_t b, uint64_t w, const struct divergence_totals *t,
		   const struct smoothing *sm)
{
	u128 x = (u128)b * t->nw, y = (u128)w * t->nb;
	u128 kb = (u128)sm->k * b + t->nw, kw = (u128)sm->k * w + t->nb;
	long double dl, i2l;

	if (sm->fast && (x | y | kb | kw) < EXACT_DOUBLE) {
		double d = (double)((int64_t)(uint64_t)x - (int64_t)(uint64_t)y);
		double i2 = (double)((int64_t)(uint64_t)kb -
				     (int64_t)(uint64_t)kw);

		return (struct column){
			.d = d,
			.q_minus_p = -fma(sm->a, i2, d) * sm->inv_dbdw,
		};
	}
	dl = divergence__sub(x, y);
	i2l = divergence__sub(kb, kw);
	/* a / D_B <= 1 / k: no overflow even where long double is double. */
	return (struct column){
		.d = (double)dl,
		.q_minus_p = (double)(-(dl / sm->db + (long double)sm->a /
					sm->db * i2l) / sm->dw),
	};
}

void divergence__rank_top(struct bin_contribution *top, size_t *n, size_t ntop,
			  const struct bin_contribution *bin)
{
	size_t pos = *n;

	/* Insert after every larger-or-equal (hence earlier) bin. */
	while (pos && top[pos - 1].contribution < bin->contribution)
		pos--;
	if (pos == ntop)
		return;
	if (*n < ntop)
		(*n)++;
	for (size_t j = *n - 1; j > pos; j--)
		top[j] = top[j - 1];
	top[pos] = *bin;
}

/* g, p_value and effect from the sum of the g_i; G is defined. */
static void divergence__g_finish(long double g, const struct divergence_totals *t,
				 struct divergence *out)
{
	/* (g - df) / (2 n_eff), n_eff = N_B N_W / N. */
	long double effect = (g - out->df) * (long double)t->n /
			     (2.0L * t->nb * t->nw);

	out->g = (double)g;
	out->p_value = stats__chi2_sf(out->g, out->df);
	out->effect = effect > 0 ? (double)effect : 0;
}

/* Smoothed values from their sums; both sides have a distribution. */
static void divergence__smoothed_finish(const struct smoothed_sums *acc,
					struct divergence *out)
{
	out->undefined |= acc->undefined;
	/* 1 - sum sqrt(p q) = sum (sqrt p - sqrt q)^2 / 2. */
	out->hellinger = (double)sqrtl((acc->hel + acc->hel_tiny) / 2);
	out->js = acc->js / 2;
	if (!(out->undefined & DIV_UNDEF_KL_WB))
		out->kl_wb = acc->kl_wb;
	if (!(out->undefined & DIV_UNDEF_KL_BW))
		out->kl_bw = acc->kl_bw;
	if (!(out->undefined & DIV_UNDEF_PSI))
		out->psi = acc->psi;
}

/*
 * divergence__compute_top, or with smoothed false divergence__compute_g:
 * the smoothed measures left out (undefined), their terms not formed.
 */
static int divergence__run(const uint64_t *b, const uint64_t *w, size_t k,
			   double alpha, bool smoothed_wanted,
			   struct divergence *out,
			   struct bin_contribution *top, size_t ntop)
{
	struct divergence_totals t;
	struct smoothed_sums acc = { 0 };
	struct smoothing sm;
	bool smoothed, g_defined;
	long double g = 0;	/* of up to 2^32 terms */
	size_t n = 0;
	int err = divergence__totals(b, w, k, alpha, &t);

	if (err)
		return err;
	if (ntop > INT_MAX)
		ntop = INT_MAX;
	divergence__smoothing(&t, k, alpha, &sm);
	*out = (struct divergence){
		.n_baseline = t.nb,
		.n_window = t.nw,
		.p_value = 1,
	};
	smoothed = smoothed_wanted && (alpha != 0 || (t.nb && t.nw));
	/* G needs both rows non-empty and (below) two columns in use. */
	g_defined = t.nb && t.nw;
	for (size_t i = divergence__next_used(b, w, 0, k); i < k;
	     i = divergence__next_used(b, w, i + 1, k)) {
		double p, q;
		struct column c;

		t.cols++;
		if (!smoothed && !g_defined)
			continue;
		p = (b[i] + sm.a) * sm.inv_db;
		q = (w[i] + sm.a) * sm.inv_dw;
		c = divergence__column(b[i], w[i], &t, &sm);
		if (smoothed)
			divergence__smoothed_bin(p, q, c.q_minus_p, 1, &acc);
		if (g_defined) {
			double gi = divergence__g_bin(b[i], w[i], c.d, &t);

			g += gi;
			/* Most bins do not beat the last of a full top. */
			if (gi != 0 && ntop &&
			    (n < ntop || gi > top[ntop - 1].contribution))
				divergence__rank_top(top, &n, ntop,
					&(struct bin_contribution){
						.bin = i, .baseline_p = p,
						.window_p = q,
						.contribution = gi,
					});
		}
	}
	out->df = t.cols ? t.cols - 1 : 0;
	if (smoothed) {
		if (k > t.cols)
			divergence__smoothed_bin(
				sm.a * sm.inv_db, sm.a * sm.inv_dw,
				divergence__column(0, 0, &t, &sm).q_minus_p,
				(double)(k - t.cols), &acc);
		divergence__smoothed_finish(&acc, out);
	} else {
		out->undefined |= DIV_UNDEF_SMOOTHED | DIV_UNDEF_KL_WB |
				  DIV_UNDEF_KL_BW | DIV_UNDEF_PSI;
	}
	if (!g_defined || t.cols < 2) {
		out->undefined |= DIV_UNDEF_G;
		return 0;
	}
	divergence__g_finish(g, &t, out);
	for (size_t j = 0; j < n; j++)
		top[j].contribution /= g;
	return (int)n;
}

int divergence__compute_top(const uint64_t *b, const uint64_t *w, size_t k,
			    double alpha, struct divergence *out,
			    struct bin_contribution *top, size_t ntop)
{
	return divergence__run(b, w, k, alpha, true, out, top, ntop);
}

int divergence__compute_g(const uint64_t *b, const uint64_t *w, size_t k,
			  double alpha, struct divergence *out,
			  struct bin_contribution *top, size_t ntop)
{
	return divergence__run(b, w, k, alpha, false, out, top, ntop);
}

int divergence__compute(const uint64_t *b, const uint64_t *w, size_t k,
			double alpha, struct divergence *out)
{
	int n = divergence__compute_top(b, w, k, alpha, out, NULL, 0);

	return n < 0 ? n : 0;
}

int divergence__top_bins(const uint64_t *b, const uint64_t *w, size_t k,
			 double alpha, struct bin_contribution *top,
			 size_t ntop)
{
	struct divergence d;

	return divergence__compute_top(b, w, k, alpha, &d, top, ntop);
}
