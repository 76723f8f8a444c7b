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

void nearest__mix(const uint64_t *a, const uint64_t *b, size_t nbins,
		  double share, uint64_t *mix)
{
	double ta = (double)total_of(a, nbins), tb = (double)total_of(b, nbins);
	double n = fmax(ta, tb);

	for (size_t i = 0; i < nbins; i++)
		mix[i] = (uint64_t)llround(n * (share * a[i] / ta +
						(1 - share) * b[i] / tb));
}

/*
 * The divergence of window from the mixture of a and b at share: G to
 * search on (the effect is clamped at 0, flat where the fit is good), and
 * the effect to compare with the modes.
 */
static int mix_g(const uint64_t *a, const uint64_t *b, const uint64_t *window,
		 size_t nbins, double alpha, double share, uint64_t *mix,
		 double *g, double *effect)
{
	struct divergence d;
	int err;

	nearest__mix(a, b, nbins, share, mix);
	if (!total_of(mix, nbins)) {	/* rounded away: no mixture at all */
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
static int nearest__pair(const uint64_t *a, const uint64_t *b,
			 const uint64_t *window, size_t nbins, double alpha,
			 uint64_t *mix, double *best, double *share)
{
	const double g = (sqrt(5) - 1) / 2;
	double lo = 0, hi = 1, x1 = hi - g, x2 = g, f1, f2, e1, e2;
	int err = mix_g(a, b, window, nbins, alpha, x1, mix, &f1, &e1);

	if (!err)
		err = mix_g(a, b, window, nbins, alpha, x2, mix, &f2, &e2);
	for (int i = 0; !err && i < NEAREST_MIX_STEPS; i++) {
		if (f1 <= f2) {
			hi = x2;
			x2 = x1;
			f2 = f1;
			e2 = e1;
			x1 = hi - g * (hi - lo);
			err = mix_g(a, b, window, nbins, alpha, x1, mix, &f1,
				    &e1);
		} else {
			lo = x1;
			x1 = x2;
			f1 = f2;
			e1 = e2;
			x2 = lo + g * (hi - lo);
			err = mix_g(a, b, window, nbins, alpha, x2, mix, &f2,
				    &e2);
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
	bool any = false;

	if (!k)
		return -EINVAL;
	*out = (struct nearest){ .effect = INFINITY, .share = 1 };
	for (unsigned int i = 0; i < k; i++) {
		struct divergence d;
		int err;

		if (!total_of(modes[i], nbins))
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
		for (unsigned int j = i + 1; j < k; j++) {
			double share = 1;
			int better;

			if (!total_of(modes[i], nbins) ||
			    !total_of(modes[j], nbins))
				continue;
			better = nearest__pair(modes[i], modes[j], window,
					       nbins, alpha, mix,
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
	if (out->other != out->mode)
		nearest__mix(modes[out->mode], modes[out->other], nbins,
			     out->share, mix);
	return 0;
}
