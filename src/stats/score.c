// SPDX-License-Identifier: MIT
/*
 * The score model (score.h): robust standardisation of held-out effects,
 * their tail, and the budget's levels.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "score.h"
#include "stats.h"

/* The median of sorted v[0..n), n >= 1. */
static double sorted_median(const double *v, size_t n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int score__fit(struct score_model *m, const double *effects, size_t n,
	       double *scratch)
{
	double *v = scratch, *z = scratch + n;
	int err;

	for (size_t i = 0; i < n; i++)
		if (!isfinite(effects[i]))
			return -EINVAL;
	*m = (struct score_model){
		.scale = SCORE_SCALE_MIN,
		.tail = { .u = 0, .rate = 1, .g = { .xi = 0, .sigma = 1 },
			  .n = (uint32_t)n },
	};
	if (n < 2)
		return 0;
	memcpy(v, effects, n * sizeof(*v));
	stats__sort(v, n);
	m->median = sorted_median(v, n);
	for (size_t i = 0; i < n; i++)
		v[i] = fabs(v[i] - m->median);
	stats__sort(v, n);
	m->scale = fmax(1.4826 * sorted_median(v, n), SCORE_SCALE_MIN);
	for (size_t i = 0; i < n; i++)
		z[i] = score__z(m, effects[i]);
	err = evt__pot(z, n, SCORE_TAIL_FRACTION, v, &m->tail);
	if (err)
		return err;
	m->tail.rate = fmax(m->tail.rate, 1.0 / (n + 1));
	m->tail.g.sigma = fmax(m->tail.g.sigma, SCORE_SIGMA_MIN);
	/*
	 * The predictive tail of a scale learnt from n_tail excesses
	 * (Lomax: a GPD of shape 1 / n_tail), within the fit's clamp so a
	 * short learning period still lets a gross change through. Without
	 * excesses the scale is the floor, not an estimate, and the
	 * exponential stays.
	 */
	if (m->tail.n_tail)
		m->tail.g.xi = fmin(EVT_XI_MAX, fmax(m->tail.g.xi,
						    1.0 / m->tail.n_tail));
	return 0;
}

double score__z(const struct score_model *m, double effect)
{
	return (effect - m->median) / m->scale;
}

double score__surprise(const struct score_model *m, double effect)
{
	const struct tail_model *t = &m->tail;
	double z = score__z(m, effect), p;

	if (!(effect > SCORE_EFFECT_MIN))
		return 0;
	if (z > t->u)
		p = evt__survival(t, z);
	else	/* the tail's exponential, extended below u */
		p = fmin(1, t->rate * exp((t->u - z) / t->g.sigma));
	if (!(p > 1e-300))
		return SCORE_MAX;
	return fmin(SCORE_MAX, fmax(0, -log10(p)));
}

double score__threshold(double budget, double interval_s, size_t series)
{
	double q;

	if (!isfinite(budget) || budget <= 0 || !isfinite(interval_s) ||
	    interval_s <= 0)
		return NAN;
	q = budget * interval_s / 86400 / (series ? series : 1);
	return q >= 1 ? 0 : -log10(q);
}

double score__effect_at(const struct score_model *m, double level)
{
	const struct tail_model *t = &m->tail;
	double q = pow(10, -level), z;

	if (q < t->rate)
		z = evt__level(t, q);
	else
		z = t->u - t->g.sigma * log(fmin(1, q) / t->rate);
	return fmax(m->median + z * m->scale, SCORE_EFFECT_MIN);
}

double score__novelty(double novel_rate, uint32_t k)
{
	double p;

	if (!k)
		return 0;
	/* P(Poisson(r) >= k) = P(k, r), the regularized lower gamma. */
	p = stats__gamma_p(k, novel_rate);
	if (!(p > 1e-300))
		return p < 0 ? 0 : SCORE_MAX;
	return fmin(SCORE_MAX, fmax(0, -log10(p)));
}

double score__novel_rate(uint64_t novel, uint64_t windows)
{
	return (novel + 0.5) / (windows + 1.0);
}

double score__accumulate(double prev, double s)
{
	return fmax(0, prev + s - SCORE_ALLOWANCE);
}
