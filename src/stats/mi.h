/* SPDX-License-Identifier: MIT */
/*
 * Mutual information between signals: plug-in and Miller-Madow estimates
 * from contingency tables, normalized MI, an asymptotic standard deviation,
 * and the KSG estimator for continuous series (bootstrap intervals are
 * mi_bootstrap.h's). Pure: numbers in, numbers out; no I/O, no global
 * state. Only mi__sd_of() and mi__ksg() allocate (and say so).
 *
 * Conventions: nats. Tables are row-major uint64_t counts, rows = X,
 * columns = Y. Plug-in values equal scikit-learn 1.2
 * (metrics.mutual_info_score with contingency=, normalized_mutual_info_score,
 * feature_selection._mutual_info._compute_mi_cc) to ~1e-12; see
 * tests/ref/gen_mi.py. Errors are negative errno.
 */
#ifndef DRIFTPROBE_MI_H
#define DRIFTPROBE_MI_H

#include <stddef.h>
#include <stdint.h>

#define MI_KSG_K_DEFAULT 3

struct mi_entropies {
	uint64_t n;		/* N: total count */
	size_t rows_nz;		/* m_x: non-empty rows */
	size_t cols_nz;		/* m_y: non-empty columns */
	size_t cells_nz;	/* m_xy: non-empty cells */
	double h_x;		/* H(X), row marginal */
	double h_y;		/* H(Y), column marginal */
	double h_xy;		/* H(X,Y) */
	/*
	 * Plug-in I(X;Y) = sum over non-empty cells of
	 * p_ij (ln p_ij - ln p_i - ln p_j), clipped at 0 like sklearn.
	 */
	double mi;
	/*
	 * Miller-Madow: each entropy gets + (m - 1) / (2N), m its non-empty
	 * bins, so mi_mm = mi + ((m_x - 1) + (m_y - 1) - (m_xy - 1)) / (2N).
	 * It removes the first-order upward bias of the plug-in MI and may
	 * be negative (not clipped): a negative value means "no evidence of
	 * dependence at this N".
	 */
	double mi_mm;
};

/*
 * Entropies and MI of the rows x cols table. Returns 0, -EINVAL for a NULL
 * pointer, rows or cols 0 or an all-zero table, -EOVERFLOW if the total
 * does not fit in 64 bits.
 */
int mi__entropies(const uint64_t *table, size_t rows, size_t cols,
		  struct mi_entropies *out);

/*
 * Asymptotic standard deviation of the plug-in MI given e =
 * mi__entropies(table, ...), for intervals where a bootstrap costs too
 * much (every window of every cgroup):
 *   Var = (sum p_ij ln^2(p_ij / p_i p_j) - MI^2) / N     (delta method)
 *       + 2 df / (2N)^2                                   (the null spread)
 * with df = (m_x - 1)(m_y - 1). The delta-method term vanishes at
 * independence, where 2N MI ~ chi2(df) instead; the second term is that
 * distribution's variance, so the interval never collapses to a point.
 * Allocates rows + cols doubles: 0 or -ENOMEM.
 */
int mi__sd_of(const uint64_t *table, size_t rows, size_t cols,
	      const struct mi_entropies *e, double *out);

/* The mean dividing MI in mi__nmi_of(), as sklearn's average_method. */
enum mi_norm {
	MI_NORM_ARITHMETIC,	/* (H(X) + H(Y)) / 2, sklearn's default */
	MI_NORM_GEOMETRIC,	/* sqrt(H(X) H(Y)) */
	MI_NORM_MIN,		/* min(H(X), H(Y)) */
	MI_NORM_MAX,		/* max(H(X), H(Y)) */
};

/*
 * Normalized MI in [0, 1] given e = mi__entropies(...) of the table, as
 * sklearn's normalized_mutual_info_score on the labels the table counts:
 * 1.0 when both sides have a single non-empty bin, 0.0 when MI is 0. norm
 * must be one of enum mi_norm.
 */
double mi__nmi_of(const struct mi_entropies *e, enum mi_norm norm);

/*
 * KSG estimate (Kraskov, Stoegbauer, Grassberger 2004, algorithm 1) of the
 * MI between continuous series x[0..n) and y[0..n), with k neighbours:
 * eps_i = max-norm distance to the k-th neighbour of point i in the joint
 * space, n_x(i), n_y(i) = points j != i with |x_j - x_i| < eps_i (resp. y);
 * MI = psi(k) + psi(n) - <psi(n_x + 1) + psi(n_y + 1)>, clipped at 0.
 * Equals sklearn's _compute_mi_cc(x, y, k) on the same data: no scaling, no
 * added noise (mutual_info_regression adds both). When duplicates make
 * eps_i = 0, n_x counts exact ties, as sklearn does. O(n^2 k) time; it
 * allocates k doubles. Returns 0, -EINVAL (NULL, k == 0, n <= k, non-finite
 * value), -ENOMEM.
 */
int mi__ksg(const double *x, const double *y, size_t n, unsigned int k,
	    double *out);

#endif /* DRIFTPROBE_MI_H */
