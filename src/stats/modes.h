/* SPDX-License-Identifier: MIT */
/*
 * The modes of "normal" for one series (feature x cgroup, issue 19): the
 * learning windows of a series are clustered by k-medoids in Hellinger
 * geometry into at most MODES_MAX modes; the baseline builder pools each
 * cluster's windows into a mode, and a later window is scored against its
 * nearest one. Pure: windows in, labels out; no I/O, no global state, no
 * randomness. Only modes__distances(), modes__pam() and modes__cluster()
 * allocate (and say so). Errors are negative errno.
 *
 * Layers, each usable alone: modes__hellinger() (two windows) ->
 * modes__distances() (the matrix) -> modes__pam() and modes__silhouette()
 * (on any matrix) -> modes__cluster() (choosing k). tests/ref/gen_modes.py
 * checks the distances against scipy, the silhouettes against scikit-learn
 * 1.2 and PAM's costs against the exact k-medoids optimum found by brute
 * force (test_modes_sklearn).
 *
 * Noise floor (why windows with few events are set aside): two windows of
 * n events each drawn from the same distribution over K occupied bins are
 * typically sqrt((K - 1) / (4 n)) apart in Hellinger distance (delta
 * method: each sqrt(p_i) has variance ~ (1 - p_i) / (4 n)); for K = 60,
 * 0.12 at n = 1000. The formula holds within a few percent once bins
 * average 10 events or more and is low below that (measured 0.31 for 0.27
 * at 3 events a bin; test_modes). Modes closer than this floor cannot be
 * told apart, and windows of 1-10 events are worse than noise: a handful
 * of one-event windows that hit the same bin are at distance 0 from each
 * other and far from everything else, a tight and well separated "mode"
 * that is only sampling noise (test_modes shows it). So windows with fewer
 * than min_events events take no part in choosing k or the medoids (see
 * modes__cluster()); they are only assigned to their nearest medoid. A
 * min_events of 25 (K - 1) keeps the floor near 0.1.
 */
#ifndef DRIFTPROBE_MODES_H
#define DRIFTPROBE_MODES_H

#include <stddef.h>
#include <stdint.h>

#define MODES_MAX 4			/* K is bounded */
#define MODES_SAMPLE_MAX 128		/* windows clustered at most */
/*
 * The mean silhouette a k > 1 needs to be chosen: Kaufman & Rousseeuw's
 * "a reasonable structure has been found" (0.51-0.70; 0.26-0.50 is "weak
 * and could be artificial").
 */
#define MODES_MIN_SILHOUETTE 0.5
#define MODES_SWAPS_MAX 100		/* PAM SWAP steps at most per k */

/*
 * One non-empty bin of a window. Packed (10 bytes, not 16): learning keeps
 * one for every non-zero bin of every series of every learning window,
 * ~680,000 a window at 1,000 busy cgroups. Bins are below
 * FEATURE_MAX_BINS.
 */
struct modes_bin {
	uint16_t bin;
	uint64_t count;
} __attribute__((packed));

/*
 * One window: nz bins in strictly increasing bin order (a bin of count 0
 * may be listed and counts for nothing). Its total n is the sum of the
 * counts; a window is valid when bins is non-NULL (or nz is 0), the bins
 * increase strictly, and 0 < n < 2^64.
 */
struct modes_window {
	size_t nz;
	const struct modes_bin *bins;
};

/*
 * Hellinger distance between two valid windows' proportions p = a / n_a,
 * q = b / n_b: sqrt(1 - sum sqrt(p_i q_i)), in [0, 1]; 0 for proportional
 * counts, 1 for disjoint bins. Computed as the equal
 * sqrt(sum (sqrt p_i - sqrt q_i)^2 / 2), a sum of non-negative terms, so
 * near-identical windows keep their small distance instead of losing it to
 * the cancellation in 1 - sum. Symmetric bit for bit. O(a->nz + b->nz);
 * no allocation. The result for an invalid window is meaningless (no
 * checks: modes__distances() and modes__cluster() validate).
 */
double modes__hellinger(const struct modes_window *a,
			const struct modes_window *b);

/*
 * The m x m Hellinger distance matrix of w[0..m), row-major, into d
 * (m * m doubles): d[i * m + j] == d[j * m + i] == modes__hellinger(&w[i],
 * &w[j]) bit for bit, and d[i * m + i] == 0. O(m^2 nz) time; allocates one
 * double per listed bin. Returns 0, -EINVAL (m == 0, NULL pointer, an
 * invalid window), -EOVERFLOW (a total does not fit in 64 bits), -ENOMEM.
 */
int modes__distances(const struct modes_window *w, size_t m, double *d);

/*
 * k-medoids by PAM (Kaufman & Rousseeuw 1990) on the s x s symmetric
 * distance matrix d (zero diagonal): BUILD (first medoid minimises the
 * total distance, each next one maximises the decrease of the total), then
 * SWAP (the single best medoid <-> non-medoid exchange, repeated while it
 * strictly lowers the total, at most MODES_SWAPS_MAX times). PAM stops at
 * a local optimum: no single exchange helps. Against exhaustive k-medoids
 * on test_modes_sklearn's 160 cases (m 3..60, k 1..4) it is exact in 617
 * of 624 (case, k), small m included (276 of 280 with m <= 12), 4.4% above
 * the optimum at worst (m = 6, k = 4); modes__cluster()'s k equals the one
 * the exact optimum gives in all 160.
 *
 * Writes medoid[0..k) in increasing index order and label[0..s): a medoid
 * is in its own cluster, any other point in its nearest medoid's, a point
 * equidistant from several in the lowest-numbered one; cost (may be NULL)
 * gets the total distance of the points to their medoids. Deterministic:
 * every tie goes to the lowest index. O(k s^2) per SWAP step; allocates
 * O(s). Returns 0, -EINVAL (NULL pointer, k == 0, k > s, k > MODES_MAX),
 * -ENOMEM.
 */
int modes__pam(const double *d, size_t s, unsigned int k, size_t *medoid,
	       size_t *label, double *cost);

/*
 * *out = the mean silhouette of the labelling label[0..s) (values < k)
 * on the s x s distance matrix d, as scikit-learn's
 * silhouette_score(d, label, metric='precomputed'): for point i,
 * a = mean distance to the other points of its cluster, b = the smallest
 * mean distance to the points of another non-empty cluster,
 * s_i = (b - a) / max(a, b), with s_i = 0 in a cluster of one point and
 * when a == b == 0 (identical windows). Empty label values are ignored.
 * Where sklearn raises (fewer than 2 non-empty clusters, or every point
 * alone) *out is 0, the k = 1 convention. O(s^2); no allocation. Returns
 * 0, -EINVAL (NULL pointer, k == 0 or > MODES_MAX, a label >= k).
 */
int modes__silhouette(const double *d, size_t s, const size_t *label,
		      unsigned int k, double *out);

struct modes_result {
	unsigned int k;			/* modes chosen, 1..MODES_MAX */
	double silhouette;		/* mean silhouette of the chosen k
					   (0 for k == 1) */
	size_t medoid[MODES_MAX];	/* window index of each mode's
					   medoid, increasing */
	size_t size[MODES_MAX];		/* windows of each mode, light
					   ones included */
	double cost;			/* sum over the clustered windows
					   of the distance to their medoid */
	size_t clustered;		/* windows clustered (s below) */
	size_t light;			/* windows under min_events */
	/* Why this k: every k tried, whether chosen or not. */
	unsigned int k_tried;		/* k = 2..k_tried were evaluated
					   (0: none, k = 1 by default) */
	double silhouette_of[MODES_MAX];/* [k - 1]: mean silhouette of PAM's
					   k clusters, for 2 <= k <= k_tried;
					   [0] = 0 */
	unsigned int too_small;		/* bit k - 1: k was rejected for a
					   mode under min_size windows */
};

/*
 * Cluster the learning windows w[0..m) of one series into k modes and
 * write each window's mode (0..k-1) to assign[0..m).
 *
 * 1. Windows of at least min_events events are "heavy", the others
 *    "light" (see the noise floor above; min_events 0 or 1 makes every
 *    window heavy). If none is heavy, every window is treated as heavy
 *    and k = 1 without trying more.
 * 2. The clustered set is the heavy windows, or, when there are more than
 *    MODES_SAMPLE_MAX, an evenly spaced sample of MODES_SAMPLE_MAX of them
 *    (the t-th is heavy window floor(t h / MODES_SAMPLE_MAX) of h): s =
 *    min(h, MODES_SAMPLE_MAX) windows, deterministic.
 * 3. modes__pam() on their distance matrix for each k = 1..min(kmax, s-1).
 *    Every window, heavy or light, clustered or not, goes to its nearest
 *    medoid (ties to the lowest mode, a medoid to its own mode). A k > 1
 *    is eligible when each of its modes holds at least min_size heavy
 *    windows (light windows never count as support for a mode).
 * 4. The eligible k > 1 with the largest modes__silhouette() on the
 *    clustered set (ties to the smaller k) is chosen if that silhouette is
 *    >= MODES_MIN_SILHOUETTE; otherwise k = 1, one mode holding every
 *    window, its medoid the window closest in total to the clustered set.
 *
 * Identical windows are fine: their distance is 0, and copies of one
 * window split between two modes score a silhouette of 0 each (sklearn's
 * 0/0 = 0), so one set of copies never passes for two modes (two
 * different sets of copies are two modes, silhouette 1). Modes are numbered by their medoid's
 * window index. The same input gives the same output on every platform
 * that rounds IEEE doubles as specified (no randomness, no parallelism).
 *
 * Cost: with s clustered windows of nz listed bins on average and the m
 * windows in all, O(s^2 nz) for the distances, O(k s^2) per PAM SWAP step
 * and O(s^2) per silhouette for each k, plus O(m k nz) to assign every
 * window for each k. Allocates s^2 doubles (128 KiB at s = 128), one double
 * per listed bin of the clustered windows, and O(s); frees all before
 * returning. m = 128 windows of 60 listed bins (of 512), kmax 4: 2.3 ms
 * at -O2 on the 2-core development VM (test_modes prints it).
 *
 * Returns 0, -EINVAL (NULL pointer, m == 0, kmax == 0 or > MODES_MAX, an
 * invalid window, e.g. an empty one), -EOVERFLOW (a window's total does not
 * fit in 64 bits), -ENOMEM; on error assign and out are unspecified.
 */
int modes__cluster(const struct modes_window *w, size_t m, unsigned int kmax,
		   size_t min_size, uint64_t min_events, size_t *assign,
		   struct modes_result *out);

#endif /* DRIFTPROBE_MODES_H */
