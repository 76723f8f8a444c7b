// SPDX-License-Identifier: MIT
/* The nearest mode or mixture of two modes to a window (nearest.h). */
#include <errno.h>
#include <math.h>
#include "nearest.h"

static uint64_t total_of(const uint64_t *c, size_t nbins)
{
	uint64_t t = 0;

	for (size_t i = 0; i < nbins; i++)
		t += c[i];
	return t;
}

/* Two modes and their totals (> 0), for the search of their mixtures. */
struct pair {
	const uint64_t *a, *b;
	double ta, tb;
};

/*
 * The mixture counts at share of a: the proportions mixed, scaled to the
 * larger mode's total and rounded, into mix. Returns their total.
 */
static uint64_t pair__mix(const struct pair *p, size_t nbins, double share,
			  uint64_t *mix)
{
	double n = fmax(p->ta, p->tb);
	uint64_t total = 0;

	for (size_t i = 0; i < nbins; i++) {
		mix[i] = (uint64_t)llround(n * (share * p->a[i] / p->ta +
						(1 - share) * p->b[i] / p->tb));
		total += mix[i];
	}
	return total;
}

/*
 * The divergence of window from the mixture of a and b at share: G to
 * search on (the effect is clamped at 0, flat where the fit is good), and
 * the effect to compare with the modes.
 */
static int mix_g(const struct pair *p, const uint64_t *window, size_t nbins,
		 double alpha, double share, uint64_t *mix, double *g,
		 double *effect)
{
	struct divergence d;
	int err;

	if (!pair__mix(p, nbins, share, mix)) {	/* rounded away: none */
		*g = *effect = INFINITY;
		return 0;
	}
	err = divergence__compute(mix, window, nbins, alpha, &d);
	*g = d.g;
	*effect = d.effect;
	return err;
}

/*
 * Golden-section search for the share of a in (0, 1) nearest to window
 * (smallest G); its effect and share into *best, *share when better than
 * *best. 1 when better, 0 not, or -errno.
 */
static int nearest__pair(const struct pair *p, const uint64_t *window,
			 size_t nbins, double alpha, uint64_t *mix,
			 double *best, double *share)
{
	const double g = (sqrt(5) - 1) / 2;
	double lo = 0, hi = 1, x1 = hi - g, x2 = g, f1, f2, e1, e2;
	int err = mix_g(p, window, nbins, alpha, x1, mix, &f1, &e1);

	if (!err)
		err = mix_g(p, window, nbins, alpha, x2, mix, &f2, &e2);
	for (int i = 0; !err && i < NEAREST_MIX_STEPS; i++) {
		if (f1 <= f2) {
			hi = x2;
			x2 = x1;
			f2 = f1;
			e2 = e1;
			x1 = hi - g * (hi - lo);
			err = mix_g(p, window, nbins, alpha, x1, mix, &f1, &e1);
		} else {
			lo = x1;
			x1 = x2;
			f1 = f2;
			e1 = e2;
			x2 = lo + g * (hi - lo);
			err = mix_g(p, window, nbins, alpha, x2, mix, &f2, &e2);
		}
	}
	if (err)
		return err;
	if (f1 > f2) {
		x1 = x2;
		e1 = e2;
	}
	if (e1 < *best) {
		*best = e1;
		*share = x1;
		return 1;
	}
	return 0;
}

int nearest__modes(const uint64_t *const *modes, unsigned int k,
		   const uint64_t *window, size_t nbins, double alpha,
		   bool mixtures, uint64_t *mix, struct nearest *out)
{
	uint64_t total[MODES_MAX];
	bool any = false;

	if (!k || k > MODES_MAX)
		return -EINVAL;
	*out = (struct nearest){ .effect = INFINITY, .share = 1 };
	for (unsigned int i = 0; i < k; i++) {
		struct divergence d;
		int err;

		total[i] = total_of(modes[i], nbins);
		if (!total[i])
			continue;
		err = divergence__compute(modes[i], window, nbins, alpha, &d);
		if (err)
			return err;
		any = true;
		if (d.effect < out->effect) {
			out->effect = d.effect;
			out->mode = out->other = i;
		}
	}
	if (!any)
		return -ENODATA;
	for (unsigned int i = 0; mixtures && i < k; i++) {
		for (unsigned int j = i + 1; total[i] && j < k; j++) {
			struct pair p = { modes[i], modes[j], (double)total[i],
					  (double)total[j] };
			double share = 1;
			int better;

			if (!total[j])
				continue;
			better = nearest__pair(&p, window, nbins, alpha, mix,
					       &out->effect, &share);
			if (better < 0)
				return better;
			if (better) {
				out->mode = i;
				out->other = j;
				out->share = share;
			}
		}
	}
	if (out->other != out->mode) {
		struct pair p = { modes[out->mode], modes[out->other],
				  (double)total[out->mode],
				  (double)total[out->other] };

		pair__mix(&p, nbins, out->share, mix);
	}
	return 0;
}
