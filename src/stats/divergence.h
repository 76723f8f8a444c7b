/* SPDX-License-Identifier: MIT */
/*
 * Divergences between a baseline histogram and a window histogram. Pure:
 * counts in, numbers out; no I/O, no allocation, no global state.
 *
 * Conventions (see README "Statistics"): nats; additive smoothing
 * p_i = (b_i + alpha) / (N_B + k alpha), q_i = (w_i + alpha) / (N_W + k alpha);
 * p is the baseline, q the window.
 */
#ifndef DRIFTPROBE_DIVERGENCE_H
#define DRIFTPROBE_DIVERGENCE_H

#include <stddef.h>
#include <stdint.h>

/* Bits of divergence.undefined: which values could not be computed. */
enum divergence_undefined {
	DIV_UNDEF_KL_WB = 1u << 0,	/* q_i > 0 where p_i = 0 */
	DIV_UNDEF_KL_BW = 1u << 1,	/* p_i > 0 where q_i = 0 */
	DIV_UNDEF_PSI = 1u << 2,	/* p_i = 0 xor q_i = 0 */
	DIV_UNDEF_SMOOTHED = 1u << 3,	/* alpha = 0 and a side is all zero:
					   p or q does not exist, so no
					   kl/js/psi/hellinger */
	DIV_UNDEF_G = 1u << 4,		/* a side is all zero, or df = 0 */
};

struct divergence {
	uint64_t n_baseline;	/* N_B */
	uint64_t n_window;	/* N_W */
	double kl_wb;		/* KL(q || p): the window under the baseline */
	double kl_bw;		/* KL(p || q) */
	double js;		/* Jensen-Shannon divergence, nats */
	double psi;		/* sum (q_i - p_i) ln(q_i / p_i) */
	double hellinger;	/* sqrt(1 - sum sqrt(p_i q_i)) */
	double g;		/* G-test of homogeneity on raw counts */
	unsigned int df;	/* non-empty bins (b_i + w_i > 0) - 1 */
	double p_value;		/* chi-square survival of g with df */
	/*
	 * Size-independent effect: (g - df) / (2 n_eff), n_eff =
	 * N_B N_W / (N_B + N_W), clamped at 0. Under no change it is ~0 for
	 * any window size; under a change it estimates KL(window || baseline)
	 * of the underlying distributions. This is what thresholds compare.
	 */
	double effect;
	unsigned int undefined;	/* enum divergence_undefined bits; a value
				   whose bit is set is 0.0 and must be
				   reported as undefined, never printed */
};

/* How outputs treat a measure (flags of DIVERGENCE_MEASURES). */
enum {
	DIVM_METRIC = 1u << 0,	/* driftprobe_divergence_nats{measure=} */
	DIVM_LISTED = 1u << 1,	/* named in an analysis line's "undefined" */
};

/*
 * The measures of struct divergence that outputs print, in the order of an
 * analysis line: X(field, its enum divergence_undefined bit, DIVM_ flags).
 * The field name is the measure's name everywhere.
 */
#define DIVERGENCE_MEASURES(X)						\
	X(kl_wb, DIV_UNDEF_KL_WB, DIVM_METRIC | DIVM_LISTED)		\
	X(kl_bw, DIV_UNDEF_KL_BW, DIVM_METRIC | DIVM_LISTED)		\
	X(js, DIV_UNDEF_SMOOTHED, DIVM_METRIC | DIVM_LISTED)		\
	X(psi, DIV_UNDEF_PSI, DIVM_METRIC | DIVM_LISTED)		\
	X(hellinger, DIV_UNDEF_SMOOTHED, DIVM_LISTED)			\
	X(effect, DIV_UNDEF_G, DIVM_METRIC)				\
	X(g, DIV_UNDEF_G, DIVM_LISTED)					\
	X(p_value, DIV_UNDEF_G, DIVM_LISTED)

enum divergence_measure {
#define DIVM_X_ENUM(field, bit, flags) DIVM_##field,
	DIVERGENCE_MEASURES(DIVM_X_ENUM)
#undef DIVM_X_ENUM
	DIVM_COUNT
};

struct divergence_measure_info {
	const char *name;
	size_t offset;		/* of the double in struct divergence */
	unsigned int undefined;	/* its enum divergence_undefined bit */
	unsigned int flags;	/* DIVM_METRIC, DIVM_LISTED */
};

extern const struct divergence_measure_info divergence_measures[DIVM_COUNT];

/* Measure m of d (0.0 when undefined; check its bit first). */
static inline double divergence__measure(const struct divergence *d,
					 enum divergence_measure m)
{
	return *(const double *)(const void *)((const char *)d +
					       divergence_measures[m].offset);
}

/*
 * Compute every divergence between baseline counts b[0..k) and window counts
 * w[0..k) with smoothing alpha >= 0. Returns 0, or -EINVAL for k == 0,
 * alpha < 0 or non-finite alpha, or -EOVERFLOW when k > UINT_MAX or a total
 * (N_B, N_W, N_B + N_W) does not fit in 64 bits. Never produces NaN or
 * infinity: an undefined value is 0.0 with its bit set in out->undefined.
 */
int divergence__compute(const uint64_t *b, const uint64_t *w, size_t k,
			double alpha, struct divergence *out);

/* One bin's share of the G statistic (what moved, and which way). */
struct bin_contribution {
	unsigned int bin;
	double baseline_p;	/* smoothed p_i */
	double window_p;	/* smoothed q_i */
	double contribution;	/* g_i / g, in [0, 1]; g_i >= 0 */
};

/*
 * Keep *bin among the ntop largest contributions in top[0..*n): largest
 * first, ties by bin index provided bins are offered in increasing bin
 * order (an equal one goes after those already kept). *n is how many are
 * kept (<= ntop) and grows until top is full; then the smallest drops out.
 * The ranking of divergence__top_bins, shared with sequence__top.
 */
void divergence__rank_top(struct bin_contribution *top, size_t *n, size_t ntop,
			  const struct bin_contribution *bin);

/*
 * The ntop bins with the largest G contributions, largest first, ties by
 * bin index. g_i = 2 [b_i ln(b_i/E_bi) + w_i ln(w_i/E_wi)] is >= 0 for every
 * column and the g_i add up to g. Returns how many were written (<= ntop;
 * bins with g_i == 0 are left out), or an error as divergence__compute.
 */
int divergence__top_bins(const uint64_t *b, const uint64_t *w, size_t k,
			 double alpha, struct bin_contribution *top,
			 size_t ntop);

/*
 * Both of the above in one pass over the bins (each g_i is computed once):
 * fills out as divergence__compute and top as divergence__top_bins (top may
 * be NULL when ntop is 0). Returns the number of top bins written, or an
 * error as divergence__compute.
 */
int divergence__compute_top(const uint64_t *b, const uint64_t *w, size_t k,
			    double alpha, struct divergence *out,
			    struct bin_contribution *top, size_t ntop);

/*
 * divergence__compute_top without the smoothed measures (kl_wb, kl_bw,
 * js, psi, hellinger: 0.0, their bits set in out->undefined): the G-test,
 * its p-value, the effect and the top bins, which are all a verdict
 * reads, for about half the logarithms. Everything it fills equals
 * divergence__compute_top's.
 */
int divergence__compute_g(const uint64_t *b, const uint64_t *w, size_t k,
			  double alpha, struct divergence *out,
			  struct bin_contribution *top, size_t ntop);

#endif /* DRIFTPROBE_DIVERGENCE_H */
