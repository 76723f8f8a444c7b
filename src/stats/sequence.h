/* SPDX-License-Identifier: MIT */
/*
 * The transition model of sequence features (syscall.transition): a
 * Witten-Bell interpolated bigram fitted to a K x K table of transition
 * counts, how surprising a window's transitions are under it, and which
 * transitions carry that surprise. Pure: counts in, numbers out; no I/O,
 * no allocation, no global state.
 *
 * Tables are row-major uint64_t counts, row = the previous symbol c, column
 * = the next symbol x: bin = c * K + x. Nats.
 *
 * Smoothing (Witten & Bell 1991; Chen & Goodman 1998), every level
 * interpolated with the one below, the bottom one uniform, so that no
 * transition is ever infinitely surprising:
 *   unigram  n(x) column sums, N = sum n(x), T = #{x : n(x) > 0}:
 *            p1(x) = (n(x) + T/K) / (N + T); 1/K when N = 0
 *   bigram   n(c) row sum, T(c) = #{x : n(c,x) > 0}:
 *            p(x|c) = (n(c,x) + T(c) p1(x)) / (n(c) + T(c)); p1(x) when
 *            n(c) = 0
 */
#ifndef DRIFTPROBE_SEQUENCE_H
#define DRIFTPROBE_SEQUENCE_H

#include <stddef.h>
#include <stdint.h>
#include "divergence.h"

#define SEQUENCE_MAX_SYMBOLS 32

/*
 * A transition is more (or less) surprising than its row's entropy only by
 * more than this many nats: -ln p(x|c) and H(c) are each exact to ~1e-14,
 * and where they are equal (a uniform row) their rounded difference is
 * noise, not a transition to name.
 */
#define SEQUENCE_EPS 1e-12

/* Witten-Bell interpolated bigram model fitted to a K x K transition table. */
struct sequence_model {
	uint32_t k;
	/* p(next | prev) and its logarithm, row-major: bin = prev * k + next */
	double p[SEQUENCE_MAX_SYMBOLS * SEQUENCE_MAX_SYMBOLS];
	double logp[SEQUENCE_MAX_SYMBOLS * SEQUENCE_MAX_SYMBOLS];
	double entropy[SEQUENCE_MAX_SYMBOLS];	/* H(p(. | prev)), nats */
};

/*
 * Fit m to counts[0..k*k) (any counts up to 2^64 - 1; sums are exact).
 * Entries of m->p and m->logp past k*k are 0. Returns 0, or -EINVAL for a NULL
 * pointer or k outside [2, SEQUENCE_MAX_SYMBOLS].
 */
int sequence__fit(struct sequence_model *m, const uint64_t *counts, uint32_t k);

/*
 * The window's excess surprise under m, in nats per transition:
 * (1/N) sum_{c,x} w(c,x) [-ln p(x|c) - H(c)], N = sum w. Its expectation is 0
 * when the window's transitions are drawn from the model (for any window size,
 * given its contexts), positive when the window does what the model finds
 * unlikely. window is m->k x m->k. Returns 0, -ENODATA when the window has
 * no transitions, -EINVAL for a NULL pointer or a model not fitted.
 */
int sequence__excess(const struct sequence_model *m, const uint64_t *window,
		     double *excess);

/*
 * The ntop transitions that carry the most of the excess, largest first,
 * ties by bin index. The excess is N times the sum over transitions of
 * (w(c,x) - w(c) p(x|c)) [-ln p(x|c) - H(c)] (the expected part adds up to
 * 0 in every row), and a term is positive for a transition both more
 * frequent than the model expects and more surprising than its row's
 * average (what the window does that normal did not), or both less
 * frequent and less surprising (a usual transition that stopped). Each is
 * written as struct bin_contribution (divergence.h): bin = c*K + x,
 * baseline_p = p(x|c), window_p = w(c,x)/w(c) (the window's own
 * conditional share), contribution = that term / the sum of all positive
 * terms (in (0,1]). Terms <= 0 are left out, and so are transitions whose
 * -ln p(x|c) is within SEQUENCE_EPS of H(c) (rounding). Returns how many
 * were written (0 for an empty window, a NULL pointer or a model not
 * fitted; top may be NULL when ntop is 0).
 */
size_t sequence__top(const struct sequence_model *m, const uint64_t *window,
		     struct bin_contribution *top, size_t ntop);

/*
 * A window of a sequence feature judged against the counts it is compared
 * with (the baseline's nearest mode): the model fitted to against (k x k),
 * the window's effect in *effect, its excess surprise under the model or 0
 * when that is negative (a window more predictable than the model has not
 * drifted; like divergence.effect, the effect is never negative) or the
 * window has no transitions, and its top transitions in top[0..ntop) (top
 * may be NULL when ntop is 0). Returns how many top transitions were
 * written, or -EINVAL.
 */
int sequence__judge(const uint64_t *against, const uint64_t *window,
		    uint32_t k, double *effect, struct bin_contribution *top,
		    size_t ntop);

#endif /* DRIFTPROBE_SEQUENCE_H */
