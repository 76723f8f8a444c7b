// SPDX-License-Identifier: MIT
/*
 * The transition model of sequence features (sequence.h): the Witten-Bell
 * bigram fitted to a baseline's transition table, a window's excess
 * surprise under it, and the transitions that carry the excess. Pure
 * functions, no allocation.
 *
 * Precision: a count reaches 2^63 and a row or column of 32 of them 2^68,
 * so sums are 128-bit integers and probabilities formed in long double. A
 * dominant transition has p(x|c) within 1e-19 of 1, where ln p computed
 * from p would be all rounding: 1 - p is formed from exact integer
 * differences instead (the other counts of its row and column), and ln p =
 * log1p(-(1 - p)). The logarithms themselves are double's (a long double
 * logarithm costs several times more, and a double's 1e-16 is far below
 * what any score can tell).
 *
 * Cost: judging a window fits only the rows (previous symbols) the window
 * used, since the window's excess and top transitions read nothing else,
 * and a row takes one logarithm for the transitions it never saw and one
 * for each it saw: the logarithms of a fit are about K plus the
 * transitions in use, not K^2.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include "sequence.h"

typedef unsigned __int128 u128;

/* u128 to long double; the common case (below 2^64) without a libcall. */
static long double sequence__ld(u128 x)
{
	return x >> 64 ? (long double)x : (long double)(uint64_t)x;
}

/* ln p from p and its complement q = 1 - p, each exact to rounding. */
static double sequence__log(long double p, long double q)
{
	return p > 0.5L ? log1p(-(double)q) : log((double)p);
}

static bool sequence__valid(const struct sequence_model *m)
{
	return m && m->k >= 2 && m->k <= SEQUENCE_MAX_SYMBOLS;
}

/* -ln p(x|c) - H(c): how much more surprising than its row's average. */
static long double sequence__surprise(const struct sequence_model *m,
				      uint32_t c, uint32_t bin)
{
	return -(long double)m->logp[bin] - m->entropy[c];
}

/*
 * The unigram level: p1(x) and 1 - p1(x), into p1[0..k), q1[0..k), and
 * ln p1(x) into l1[0..k).
 */
static void sequence__unigram(const uint64_t *counts, uint32_t k,
			      long double *p1, long double *q1, double *l1)
{
	u128 col[SEQUENCE_MAX_SYMBOLS] = { 0 }, n = 0;
	uint32_t t = 0;

	for (uint32_t c = 0; c < k; c++)
		for (uint32_t x = 0; x < k; x++)
			col[x] += counts[c * k + x];
	for (uint32_t x = 0; x < k; x++) {
		n += col[x];
		t += col[x] != 0;
	}
	for (uint32_t x = 0; x < k; x++) {
		long double den = sequence__ld(n + t);

		if (!n) {
			p1[x] = 1.0L / k;
			q1[x] = (k - 1.0L) / k;
		} else {
			p1[x] = (sequence__ld(col[x]) + (long double)t / k) /
				den;
			q1[x] = (sequence__ld(n - col[x]) +
				 (long double)t * (k - 1) / k) / den;
		}
		l1[x] = sequence__log(p1[x], q1[x]);
	}
}

/*
 * Row c of m (the bigram after c) from counts and the unigram level. A
 * transition the row never saw has p = a p1(x), a = T(c) / (n(c) + T(c))
 * <= 1/2, so ln p = ln a + ln p1(x): one logarithm for all of them, and
 * one each for those it saw (a row's few).
 */
static void sequence__fit_row(struct sequence_model *m, const uint64_t *counts,
			      uint32_t c, const long double *p1,
			      const long double *q1, const double *l1)
{
	uint32_t k = m->k, tc = 0;
	const uint64_t *row = counts + (size_t)c * k;
	long double inv_den, h = 0;
	double la = 0;
	u128 rn = 0;

	for (uint32_t x = 0; x < k; x++) {
		rn += row[x];
		tc += row[x] != 0;
	}
	inv_den = 1 / sequence__ld(rn + tc);
	if (rn)
		la = log((double)(tc * inv_den));
	for (uint32_t x = 0; x < k; x++) {
		long double p = p1[x];
		double lp = l1[x];

		if (rn) {
			p = ((long double)row[x] + tc * p1[x]) * inv_den;
			lp = row[x] ? sequence__log(p, (sequence__ld(rn - row[x]) +
						       tc * q1[x]) * inv_den) :
				      la + l1[x];
		}
		m->p[c * k + x] = (double)p;
		m->logp[c * k + x] = lp;
		h -= p * lp;
	}
	m->entropy[c] = (double)h;
}

/*
 * Fit m to counts (k x k): every row, or with used non-NULL only the rows
 * where used (a window, k x k) has transitions; the others are left as
 * they were.
 */
static int sequence__fit_rows(struct sequence_model *m, const uint64_t *counts,
			      uint32_t k, const uint64_t *used)
{
	long double p1[SEQUENCE_MAX_SYMBOLS], q1[SEQUENCE_MAX_SYMBOLS];
	double l1[SEQUENCE_MAX_SYMBOLS];

	if (!m || !counts || k < 2 || k > SEQUENCE_MAX_SYMBOLS)
		return -EINVAL;
	sequence__unigram(counts, k, p1, q1, l1);
	m->k = k;
	for (uint32_t c = 0; c < k; c++) {
		bool any = !used;

		for (uint32_t x = 0; !any && x < k; x++)
			any = used[c * k + x] != 0;
		if (any)
			sequence__fit_row(m, counts, c, p1, q1, l1);
	}
	return 0;
}

int sequence__fit(struct sequence_model *m, const uint64_t *counts, uint32_t k)
{
	if (m)
		memset(m, 0, sizeof(*m));
	return sequence__fit_rows(m, counts, k, NULL);
}

int sequence__excess(const struct sequence_model *m, const uint64_t *window,
		     double *excess)
{
	long double sum = 0;	/* of up to 1024 terms of either sign */
	u128 n = 0;

	if (!sequence__valid(m) || !window || !excess)
		return -EINVAL;
	for (uint32_t c = 0; c < m->k; c++) {
		for (uint32_t x = 0; x < m->k; x++) {
			uint32_t bin = c * m->k + x;

			if (!window[bin])
				continue;
			n += window[bin];
			sum += window[bin] * sequence__surprise(m, c, bin);
		}
	}
	if (!n)
		return -ENODATA;
	*excess = (double)(sum / sequence__ld(n));
	return 0;
}

size_t sequence__top(const struct sequence_model *m, const uint64_t *window,
		     struct bin_contribution *top, size_t ntop)
{
	long double positive = 0;	/* the sum of all positive terms */
	size_t n = 0;

	if (!sequence__valid(m) || !window || (ntop && !top))
		return 0;
	for (uint32_t c = 0; c < m->k; c++) {
		const uint64_t *row = window + (size_t)c * m->k;
		long double wc;
		u128 sum = 0;

		for (uint32_t x = 0; x < m->k; x++)
			sum += row[x];
		if (!sum)
			continue;
		wc = sequence__ld(sum);
		for (uint32_t x = 0; x < m->k; x++) {
			uint32_t bin = c * m->k + x;
			long double d = sequence__surprise(m, c, bin);
			long double p = m->p[bin];
			double term;

			if (!(fabsl(d) > SEQUENCE_EPS))
				continue;
			/* More often than expected and more surprising than
			 * the row's average, or less often and less. */
			term = (double)(((long double)row[x] - wc * p) * d);
			if (!(term > 0))
				continue;
			positive += term;
			/* Most bins do not beat the last of a full top. */
			if (ntop &&
			    (n < ntop || term > top[ntop - 1].contribution))
				divergence__rank_top(top, &n, ntop,
					&(struct bin_contribution){
						.bin = bin,
						.baseline_p = (double)p,
						.window_p = (double)(row[x] / wc),
						.contribution = term,
					});
		}
	}
	for (size_t j = 0; j < n; j++)
		top[j].contribution = (double)(top[j].contribution / positive);
	return n;
}

int sequence__judge(const uint64_t *against, const uint64_t *window,
		    uint32_t k, double *effect, struct bin_contribution *top,
		    size_t ntop)
{
	struct sequence_model m;
	double excess;
	int err = window ? sequence__fit_rows(&m, against, k, window) : -EINVAL;

	if (err)
		return err;
	err = sequence__excess(&m, window, &excess);
	if (err && err != -ENODATA)
		return err;
	*effect = err || excess < 0 ? 0 : excess;
	return err ? 0 : (int)sequence__top(&m, window, top, ntop);
}
