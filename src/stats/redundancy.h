/* SPDX-License-Identifier: MIT */
/*
 * Which signals carry the same information. For S per-window series (event
 * counts, divergences), the pairwise KSG mutual information, its
 * informational coefficient of correlation r = sqrt(1 - exp(-2 MI))
 * (Linfoot 1957: |rho| for a bivariate normal, 0 for independence, -> 1
 * for a deterministic relation), and how much each signal adds beyond the
 * others: unique = 1 - max over others of r. A signal with unique near 0
 * is redundant with some other one and could be dropped; one near 1 is
 * the only witness of what it measures. Pure; allocates only the result.
 */
#ifndef DRIFTPROBE_REDUNDANCY_H
#define DRIFTPROBE_REDUNDANCY_H

#include <stdbool.h>
#include <stddef.h>

struct redundancy {
	size_t n;		/* signals */
	double *mi;		/* n x n, nats (KSG on scaled series); diag 0 */
	double *r;		/* n x n informational coefficient; diag 1 */
	double *unique;		/* n: 1 - max_j r_ij; 0 for a constant */
	bool *constant;		/* n: the series never changed */
};

/*
 * series[s][0..len) for s < nsig; each is scaled to unit standard
 * deviation (as sklearn's mutual_info_regression does) before KSG with k
 * neighbours. Constant series get MI 0 with every other and are flagged.
 * Returns 0, -EINVAL (nsig < 2, len <= k, k == 0, a non-finite value),
 * -ENOMEM.
 */
int redundancy__compute(const double *const *series, size_t nsig, size_t len,
			unsigned int k, struct redundancy *out);
void redundancy__free(struct redundancy *r);

/* order[0..n): signals by unique, most informative first, constants last. */
void redundancy__rank(const struct redundancy *r, size_t *order);

#endif /* DRIFTPROBE_REDUNDANCY_H */
