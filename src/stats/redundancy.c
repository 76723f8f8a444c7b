// SPDX-License-Identifier: MIT
/*
 * Pairwise KSG mutual information between per-window signal series, the
 * informational coefficient of correlation, and each signal's unique share.
 * See redundancy.h.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "mi.h"
#include "redundancy.h"

void redundancy__free(struct redundancy *r)
{
	if (!r)
		return;
	free(r->mi);
	free(r->r);
	free(r->unique);
	free(r->constant);
	r->mi = r->r = r->unique = NULL;
	r->constant = NULL;
}

/* x / sd(x) (population sd, not centred); 0 when x is constant. */
static double scale(const double *x, size_t len, double *out)
{
	double mean = 0, ss = 0, sd;

	for (size_t i = 0; i < len; i++)
		mean += x[i];
	mean /= (double)len;
	for (size_t i = 0; i < len; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	sd = sqrt(ss / (double)len);
	if (!(sd > 0))
		return 0;
	for (size_t i = 0; i < len; i++)
		out[i] = x[i] / sd;
	return sd;
}

static int scale_all(const double *const *series, size_t nsig, size_t len,
		     double *scaled, bool *constant)
{
	for (size_t s = 0; s < nsig; s++) {
		for (size_t i = 0; i < len; i++)
			if (!isfinite(series[s][i]))
				return -EINVAL;
		constant[s] = !scale(series[s], len, scaled + s * len);
	}
	return 0;
}

int redundancy__compute(const double *const *series, size_t nsig, size_t len,
			unsigned int k, struct redundancy *out)
{
	double *scaled;
	int err = 0;

	if (!series || !out || nsig < 2 || !k || len <= k)
		return -EINVAL;
	out->n = nsig;
	out->mi = calloc(nsig * nsig, sizeof(double));
	out->r = calloc(nsig * nsig, sizeof(double));
	out->unique = calloc(nsig, sizeof(double));
	out->constant = calloc(nsig, sizeof(bool));
	scaled = calloc(nsig * len, sizeof(double));
	if (!out->mi || !out->r || !out->unique || !out->constant || !scaled) {
		err = -ENOMEM;
		goto out;
	}
	err = scale_all(series, nsig, len, scaled, out->constant);
	for (size_t a = 0; !err && a < nsig; a++) {
		out->r[a * nsig + a] = 1;
		for (size_t b = a + 1; !err && b < nsig; b++) {
			double mi = 0;

			if (!out->constant[a] && !out->constant[b])
				err = mi__ksg(scaled + a * len, scaled + b * len,
					      len, k, &mi);
			out->mi[a * nsig + b] = out->mi[b * nsig + a] = mi;
			out->r[a * nsig + b] = out->r[b * nsig + a] =
				sqrt(1 - exp(-2 * mi));
		}
	}
	for (size_t a = 0; !err && a < nsig; a++) {
		double best = 0;

		for (size_t b = 0; b < nsig; b++)
			if (b != a && out->r[a * nsig + b] > best)
				best = out->r[a * nsig + b];
		out->unique[a] = out->constant[a] ? 0 : 1 - best;
	}
out:
	free(scaled);
	if (err)
		redundancy__free(out);
	return err;
}

void redundancy__rank(const struct redundancy *r, size_t *order)
{
	/* Insertion sort: a handful of signals, and a stable order. */
	for (size_t i = 0; i < r->n; i++) {
		size_t j = i;

		order[i] = i;
		while (j > 0) {
			size_t p = order[j - 1], c = order[j];
			bool swap = r->constant[p] != r->constant[c]
					    ? r->constant[p]
					    : r->unique[c] > r->unique[p];

			if (!swap)
				break;
			order[j - 1] = c;
			order[j] = p;
			j--;
		}
	}
}
