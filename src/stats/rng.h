/* SPDX-License-Identifier: MIT */
/*
 * A seeded random generator and the multinomial sampler the bootstrap
 * draws its replicates with. Our own, so that a seed means the same
 * interval on every platform and libc. Pure: no global state.
 */
#ifndef DRIFTPROBE_RNG_H
#define DRIFTPROBE_RNG_H

#include <stddef.h>
#include <stdint.h>

/* xoshiro256** state. */
struct rng {
	uint64_t s[4];
};

void rng__seed(struct rng *g, uint64_t seed);

/*
 * Draw draws events into out[0..k) with probabilities c_i / total (total =
 * the sum of c), as sequential conditional binomials on the integer counts
 * left: exact for any counts.
 */
void rng__multinomial(struct rng *g, const uint64_t *c, size_t k,
		      uint64_t total, uint64_t draws, uint64_t *out);

#endif /* DRIFTPROBE_RNG_H */
