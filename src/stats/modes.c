// SPDX-License-Identifier: MIT
/*
 * The modes of one series (modes.h): Hellinger distances between windows,
 * k-medoids by PAM, silhouettes as scikit-learn computes them, and the
 * choice of k.
 *
 * Every distance between two windows, whether it lands in the matrix or is
 * taken later to assign a window that was not clustered, goes through
 * hellinger_of() with each sqrt(c / n) formed by the same expression and
 * summed in bin order. So a distance is the same double on every path, and
 * the ties that decide a label are decided the same way in PAM, in the
 * silhouette and in the final assignment.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "modes.h"

/* A window as the distance sees it: its bins, total and sqrt proportions. */
struct sqrtp {
	const struct modes_bin *bins;
	size_t nz;
	double n;		/* total, as a double */
	const double *r;	/* sqrt(count / n) per bin, or NULL: on the fly */
};

static inline double sqrtp_at(const struct sqrtp *w, size_t i)
{
	return w->r ? w->r[i] : sqrt((double)w->bins[i].count / w->n);
}

/*
 * sqrt(sum over the union of bins of (r_a - r_b)^2 / 2), terms in bin
 * order: the same double whichever side is a (a term's square does not
 * see the sign of the difference). Rounding may push a disjoint pair a
 * hair over 1; it is clamped.
 */
static double hellinger_of(const struct sqrtp *a, const struct sqrtp *b)
{
	size_t i = 0, j = 0;
	double s = 0.0, t;

	while (i < a->nz || j < b->nz) {
		if (j == b->nz ||
		    (i < a->nz && a->bins[i].bin < b->bins[j].bin)) {
			t = sqrtp_at(a, i++);
		} else if (i == a->nz || b->bins[j].bin < a->bins[i].bin) {
			t = sqrtp_at(b, j++);
		} else {
			t = sqrtp_at(a, i++) - sqrtp_at(b, j++);
		}
		s += t * t;
	}
	s *= 0.5;
	return s < 1.0 ? sqrt(s) : 1.0;
}

/* The total of a window, unchecked (modes__hellinger's precondition). */
static uint64_t window_sum(const struct modes_window *w)
{
	uint64_t n = 0;

	for (size_t i = 0; i < w->nz; i++)
		n += w->bins[i].count;
	return n;
}

double modes__hellinger(const struct modes_window *a,
			const struct modes_window *b)
{
	struct sqrtp pa = { a->bins, a->nz, (double)window_sum(a), NULL };
	struct sqrtp pb = { b->bins, b->nz, (double)window_sum(b), NULL };

	return hellinger_of(&pa, &pb);
}

/* Validate a window and get its total (modes.h: "valid"). */
static int window_check(const struct modes_window *w, uint64_t *n)
{
	uint64_t s = 0;

	if (w->nz && !w->bins)
		return -EINVAL;
	for (size_t i = 0; i < w->nz; i++) {
		if (i && w->bins[i].bin <= w->bins[i - 1].bin)
			return -EINVAL;
		if (__builtin_add_overflow(s, w->bins[i].count, &s))
			return -EOVERFLOW;
	}
	*n = s;
	return s ? 0 : -EINVAL;
}

/* The windows of a distance matrix with their sqrt proportions. */
struct wset {
	size_t s;
	struct sqrtp *p;	/* s entries */
	double *r;		/* every listed bin of the s windows */
};

static void wset_free(struct wset *ws)
{
	free(ws->p);
	free(ws->r);
}

/*
 * The windows w[idx[t]] (w[t] when idx is NULL), t < s, whose totals n[]
 * (indexed by window) were checked: sqrt proportions computed once each.
 */
static int wset_init(struct wset *ws, const struct modes_window *w,
		     const size_t *idx, size_t s, const uint64_t *n)
{
	size_t bins = 0, off = 0;

	ws->s = s;
	ws->r = NULL;
	ws->p = calloc(s, sizeof(*ws->p));
	if (!ws->p)
		return -ENOMEM;
	for (size_t t = 0; t < s; t++)
		if (__builtin_add_overflow(bins, w[idx ? idx[t] : t].nz,
					   &bins))
			return -ENOMEM;
	ws->r = malloc((bins ? bins : 1) * sizeof(*ws->r));
	if (!ws->r)
		return -ENOMEM;
	for (size_t t = 0; t < s; t++) {
		size_t j = idx ? idx[t] : t;
		struct sqrtp *p = &ws->p[t];

		*p = (struct sqrtp){ w[j].bins, w[j].nz, (double)n[j], NULL };
		for (size_t i = 0; i < p->nz; i++)
			ws->r[off + i] = sqrtp_at(p, i);
		p->r = ws->r + off;
		off += p->nz;
	}
	return 0;
}

static void wset_distances(const struct wset *ws, double *d)
{
	size_t s = ws->s;

	for (size_t i = 0; i < s; i++) {
		d[i * s + i] = 0.0;
		for (size_t j = i + 1; j < s; j++)
			d[i * s + j] = d[j * s + i] =
				hellinger_of(&ws->p[i], &ws->p[j]);
	}
}

int modes__distances(const struct modes_window *w, size_t m, double *d)
{
	struct wset ws = { 0 };
	uint64_t *n;
	int err = 0;

	if (!w || !m || !d)
		return -EINVAL;
	n = malloc(m * sizeof(*n));
	if (!n)
		return -ENOMEM;
	for (size_t i = 0; i < m && !err; i++)
		err = window_check(&w[i], &n[i]);
	if (!err)
		err = wset_init(&ws, w, NULL, m, n);
	if (!err)
		wset_distances(&ws, d);
	wset_free(&ws);
	free(n);
	return err;
}

/*
 * Label of point j given its distances dj[0..k) to the medoids (in
 * increasing index order): its own cluster if it is medoid c, else the
 * nearest, ties to the lowest c.
 */
static size_t nearest_of(const double *dj, unsigned int k, const size_t *med,
			 size_t j)
{
	size_t best = 0;

	for (unsigned int c = 0; c < k; c++)
		if (med[c] == j)
			return c;
	for (unsigned int c = 1; c < k; c++)
		if (dj[c] < dj[best])
			best = c;
	return best;
}

/* The total distance of the points to their nearest medoid. */
static double pam_cost(const double *d, size_t s, unsigned int k,
		       const size_t *med)
{
	double cost = 0.0;

	for (size_t j = 0; j < s; j++) {
		double dj = d[j * s + med[0]];

		for (unsigned int c = 1; c < k; c++)
			dj = fmin(dj, d[j * s + med[c]]);
		cost += dj;
	}
	return cost;
}

/* BUILD: the greedy start. near[] gets each point's nearest distance. */
static void pam_build(const double *d, size_t s, unsigned int k,
		      size_t *med, bool *is_med, double *near)
{
	double best = INFINITY;

	for (size_t i = 0; i < s; i++) {
		double t = 0.0;

		for (size_t j = 0; j < s; j++)
			t += d[i * s + j];
		if (t < best) {
			best = t;
			med[0] = i;
		}
	}
	is_med[med[0]] = true;
	for (size_t j = 0; j < s; j++)
		near[j] = d[j * s + med[0]];
	for (unsigned int c = 1; c < k; c++) {
		double gain_best = -1.0;

		for (size_t i = 0; i < s; i++) {
			double gain = 0.0;

			if (is_med[i])
				continue;
			for (size_t j = 0; j < s; j++)
				gain += fmax(0.0, near[j] - d[j * s + i]);
			if (gain > gain_best) {
				gain_best = gain;
				med[c] = i;
			}
		}
		is_med[med[c]] = true;
		for (size_t j = 0; j < s; j++)
			near[j] = fmin(near[j], d[j * s + med[c]]);
	}
}

/*
 * One SWAP step: the exchange of medoid slot h for non-medoid i that
 * lowers the total most, computed for every pair from each point's
 * nearest (slot, distance) and second-nearest distance. Returns false when
 * none lowers it.
 */
static bool pam_best_swap(const double *d, size_t s, unsigned int k,
			  const size_t *med, const bool *is_med,
			  unsigned int *slot, double *near, double *second,
			  unsigned int *h_out, size_t *i_out)
{
	double best = 0.0;
	bool found = false;

	for (size_t j = 0; j < s; j++) {
		near[j] = second[j] = INFINITY;
		slot[j] = 0;
		for (unsigned int c = 0; c < k; c++) {
			double t = d[j * s + med[c]];

			if (t < near[j]) {
				second[j] = near[j];
				near[j] = t;
				slot[j] = c;
			} else if (t < second[j]) {
				second[j] = t;
			}
		}
	}
	for (unsigned int h = 0; h < k; h++)
		for (size_t i = 0; i < s; i++) {
			double delta = 0.0;

			if (is_med[i])
				continue;
			for (size_t j = 0; j < s; j++) {
				double t = d[j * s + i];

				if (slot[j] == h)
					delta += fmin(second[j], t) - near[j];
				else if (t < near[j])
					delta += t - near[j];
			}
			if (delta < best) {
				best = delta;
				*h_out = h;
				*i_out = i;
				found = true;
			}
		}
	return found;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

int modes__pam(const double *d, size_t s, unsigned int k, size_t *medoid,
	       size_t *label, double *cost)
{
	double *near, *second, total;
	unsigned int *slot;
	bool *is_med;
	int err = 0;

	if (!d || !medoid || !label || !k || k > MODES_MAX || k > s)
		return -EINVAL;
	near = malloc(s * sizeof(*near));
	second = malloc(s * sizeof(*second));
	slot = malloc(s * sizeof(*slot));
	is_med = calloc(s, sizeof(*is_med));
	if (!near || !second || !slot || !is_med) {
		err = -ENOMEM;
		goto cleanup;
	}
	pam_build(d, s, k, medoid, is_med, near);
	total = pam_cost(d, s, k, medoid);
	for (int step = 0; step < MODES_SWAPS_MAX; step++) {
		unsigned int h = 0;
		size_t i = 0, old;
		double t;

		if (!pam_best_swap(d, s, k, medoid, is_med, slot, near, second,
				   &h, &i))
			break;
		old = medoid[h];
		medoid[h] = i;
		/*
		 * The delta and the new total are summed differently; keep
		 * the swap only if the total itself went down, so rounding
		 * can never make PAM cycle between equal-cost medoid sets.
		 */
		t = pam_cost(d, s, k, medoid);
		if (!(t < total)) {
			medoid[h] = old;
			break;
		}
		is_med[old] = false;
		is_med[i] = true;
		total = t;
	}
	qsort(medoid, k, sizeof(*medoid), cmp_size);
	for (size_t j = 0; j < s; j++) {
		double dj[MODES_MAX];

		for (unsigned int c = 0; c < k; c++)
			dj[c] = d[j * s + medoid[c]];
		label[j] = nearest_of(dj, k, medoid, j);
	}
	if (cost)
		*cost = total;
cleanup:
	free(near);
	free(second);
	free(slot);
	free(is_med);
	return err;
}

int modes__silhouette(const double *d, size_t s, const size_t *label,
		      unsigned int k, double *out)
{
	size_t count[MODES_MAX] = { 0 };
	unsigned int used = 0;
	double sum = 0.0;

	if (!d || !label || !out || !k || k > MODES_MAX)
		return -EINVAL;
	for (size_t i = 0; i < s; i++) {
		if (label[i] >= k)
			return -EINVAL;
		used += !count[label[i]]++;
	}
	*out = 0.0;
	if (used < 2 || used == s)
		return 0;
	for (size_t i = 0; i < s; i++) {
		double to[MODES_MAX] = { 0 }, a, b = INFINITY, top;
		size_t li = label[i];

		if (count[li] == 1)
			continue;	/* s_i = 0 */
		for (size_t j = 0; j < s; j++)
			to[label[j]] += d[i * s + j];
		a = to[li] / (double)(count[li] - 1);
		for (unsigned int c = 0; c < k; c++)
			if (c != li && count[c])
				b = fmin(b, to[c] / (double)count[c]);
		top = fmax(a, b);
		if (top > 0.0)
			sum += (b - a) / top;
	}
	*out = sum / (double)s;
	return 0;
}

/* What modes__cluster() works on; cluster_free() releases it. */
struct cluster {
	const struct modes_window *w;
	uint64_t *n;		/* m totals */
	size_t *heavy;		/* h heavy window indices, increasing */
	size_t h;
	size_t *sample;		/* s clustered window indices (may be heavy) */
	struct wset ws;		/* the clustered windows */
	double *d;		/* their s x s distances */
	size_t *label;		/* s PAM labels */
};

static void cluster_free(struct cluster *c)
{
	if (c->sample != c->heavy)
		free(c->sample);
	free(c->heavy);
	free(c->n);
	wset_free(&c->ws);
	free(c->d);
	free(c->label);
}

/*
 * The mode of window j for the k medoids at sample positions med[0..k)
 * (increasing): the same distances, bit for bit, as the matrix PAM saw.
 */
static size_t window_mode(const struct cluster *c, size_t j, unsigned int k,
			  const size_t *med)
{
	const struct modes_window *wj = &c->w[j];
	struct sqrtp pj = { wj->bins, wj->nz, (double)c->n[j], NULL };
	size_t med_w[MODES_MAX];
	double dj[MODES_MAX];

	for (unsigned int i = 0; i < k; i++) {
		med_w[i] = c->sample[med[i]];
		dj[i] = hellinger_of(&pj, &c->ws.p[med[i]]);
	}
	return nearest_of(dj, k, med_w, j);
}

/* Split the windows into heavy and light, pick the sample, get distances. */
static int cluster_prepare(struct cluster *c, const struct modes_window *w,
			   size_t m, uint64_t min_events, size_t *s_out)
{
	size_t s;
	int err;

	c->w = w;
	c->n = malloc(m * sizeof(*c->n));
	c->heavy = malloc(m * sizeof(*c->heavy));
	if (!c->n || !c->heavy)
		return -ENOMEM;
	for (size_t j = 0; j < m; j++) {
		err = window_check(&w[j], &c->n[j]);
		if (err)
			return err;
		if (c->n[j] >= min_events)
			c->heavy[c->h++] = j;
	}
	s = c->h ? c->h : m;
	if (s > MODES_SAMPLE_MAX)
		s = MODES_SAMPLE_MAX;
	if (c->h <= MODES_SAMPLE_MAX) {
		c->sample = c->heavy;
		if (!c->h)	/* no heavy window: cluster them all */
			for (size_t j = 0; j < m; j++)
				c->heavy[j] = j;
	} else {
		c->sample = malloc(s * sizeof(*c->sample));
		if (!c->sample)
			return -ENOMEM;
		for (size_t t = 0; t < s; t++)
			c->sample[t] = c->heavy[(unsigned __int128)t * c->h /
						MODES_SAMPLE_MAX];
	}
	err = wset_init(&c->ws, w, c->sample, s, c->n);
	if (err)
		return err;
	c->d = malloc(s * s * sizeof(*c->d));
	c->label = malloc(s * sizeof(*c->label));
	if (!c->d || !c->label)
		return -ENOMEM;
	wset_distances(&c->ws, c->d);
	*s_out = s;
	return 0;
}

int modes__cluster(const struct modes_window *w, size_t m, unsigned int kmax,
		   size_t min_size, uint64_t min_events, size_t *assign,
		   struct modes_result *out)
{
	size_t med[MODES_MAX + 1][MODES_MAX], s = 0;
	double cost[MODES_MAX + 1], best_sil = -INFINITY;
	struct cluster c = { 0 };
	unsigned int kcap, k = 1;
	int err;

	if (!w || !m || !assign || !out || !kmax || kmax > MODES_MAX)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	err = cluster_prepare(&c, w, m, min_events, &s);
	if (err)
		goto cleanup;
	out->clustered = s;
	out->light = m - c.h;
	/* Silhouettes exist for 2 <= k <= s - 1; none without heavy windows. */
	kcap = !c.h || s < 3 ? 1 : kmax < s - 1 ? kmax : (unsigned int)(s - 1);
	for (unsigned int kk = 1; kk <= kcap; kk++) {
		size_t size[MODES_MAX] = { 0 };
		bool small = false;
		double sil;

		err = modes__pam(c.d, s, kk, med[kk], c.label, &cost[kk]);
		if (err)
			goto cleanup;
		if (kk == 1)
			continue;
		for (size_t t = 0; t < c.h; t++)
			size[window_mode(&c, c.heavy[t], kk, med[kk])]++;
		for (unsigned int i = 0; i < kk; i++)
			small |= size[i] < min_size;
		err = modes__silhouette(c.d, s, c.label, kk, &sil);
		if (err)
			goto cleanup;
		out->silhouette_of[kk - 1] = sil;
		out->k_tried = kk;
		if (small)
			out->too_small |= 1u << (kk - 1);
		else if (sil > best_sil) {
			best_sil = sil;
			k = kk;
		}
	}
	if (k > 1 && !(best_sil >= MODES_MIN_SILHOUETTE))
		k = 1;
	out->k = k;
	out->silhouette = k > 1 ? best_sil : 0.0;
	out->cost = cost[k];
	for (unsigned int i = 0; i < k; i++)
		out->medoid[i] = c.sample[med[k][i]];
	for (size_t j = 0; j < m; j++) {
		assign[j] = k > 1 ? window_mode(&c, j, k, med[k]) : 0;
		out->size[assign[j]]++;
	}
cleanup:
	cluster_free(&c);
	return err;
}
