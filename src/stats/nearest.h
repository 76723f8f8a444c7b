/* SPDX-License-Identifier: MIT */
/*
 * The nearest point of a series' modes to a window, by divergence.effect:
 * each mode, and with mixtures asked for, every mixture a P_i + (1 - a)
 * P_j of two modes' proportions (0 < a < 1). A window during which a
 * service switched from one kind of work to another is such a mixture, and
 * is normal; scored against either mode alone it would look far from both.
 * Used the same way for the held-out learning windows (baseline_builder.c)
 * and for the windows judged (detector.c), so scores and their calibration
 * agree. Pure; the caller gives the scratch.
 */
#ifndef DRIFTPROBE_NEAREST_H
#define DRIFTPROBE_NEAREST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "divergence.h"
#include "modes.h"

/* Golden-section steps per pair: a to within 0.618^12 ~ 3e-3. */
#define NEAREST_MIX_STEPS	12

struct nearest {
	double effect;		/* at the nearest point */
	unsigned int mode;	/* the nearest mode, or the pair's first */
	unsigned int other;	/* the pair's second; == mode: no mixture */
	double share;		/* of mode in the mixture (1: no mixture) */
};

/*
 * The nearest of modes[0..k) (counts over nbins; a mode of no events is
 * skipped) to window, into out; with mixtures, pairs too, and when a
 * mixture is nearest its counts (the two modes' proportions mixed, scaled
 * to the larger mode's total and rounded) are left in mix[0..nbins).
 * 0, -ENODATA when no mode has events, -EINVAL (k == 0 or above
 * MODES_MAX), or what
 * divergence__compute returns.
 */
int nearest__modes(const uint64_t *const *modes, unsigned int k,
		   const uint64_t *window, size_t nbins, double alpha,
		   bool mixtures, uint64_t *mix, struct nearest *out);

#endif /* DRIFTPROBE_NEAREST_H */
