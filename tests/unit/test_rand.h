/* SPDX-License-Identifier: MIT */
/*
 * Test data generator shared by the unit tests: splitmix64, independent of
 * the PRNG inside src/stats/rng.c, so a test never draws its data from the code
 * it checks.
 */
#ifndef DRIFTPROBE_TEST_RAND_H
#define DRIFTPROBE_TEST_RAND_H

#include <stdint.h>

static inline uint64_t test_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif /* DRIFTPROBE_TEST_RAND_H */
