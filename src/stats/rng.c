// SPDX-License-Identifier: MIT
/*
 * The bootstrap's random numbers (rng.h): xoshiro256** seeded through
 * splitmix64 (Blackman & Vigna), uniform, normal and gamma variates, and
 * exact binomial and multinomial samplers on top of them.
 */
#include <math.h>
#include <stdbool.h>
#include "rng.h"

void rng__seed(struct rng *g, uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		g->s[i] = z ^ (z >> 31);
	}
}

static uint64_t rotl(uint64_t v, int k)
{
	return (v << k) | (v >> (64 - k));
}

static uint64_t rng_next(struct rng *g)
{
	uint64_t *s = g->s, r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* Uniform in the open interval (0, 1): safe to take the log of. */
static double rng_uniform(struct rng *g)
{
	return ((double)(rng_next(g) >> 11) + 0.5) * 0x1.0p-53;
}

static double rng_normal(struct rng *g)
{
	double u = rng_uniform(g), v = rng_uniform(g);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* Gamma(a, 1) for a >= 1 (Marsaglia & Tsang 2000). */
static double rng_gamma(struct rng *g, double a)
{
	double d = a - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);

	for (;;) {
		double z = rng_normal(g), v = 1.0 + c * z;

		if (v <= 0.0)
			continue;
		v = v * v * v;
		if (log(rng_uniform(g)) < 0.5 * z * z + d - d * v + d * log(v))
			return d * v;
	}
}

/* Binomial(n, p) by inversion; for small n only (q^n must not underflow). */
static uint64_t binomial_inversion(struct rng *g, uint64_t n, double p)
{
	bool flip = p > 0.5;
	double q, s, a, f, u;
	uint64_t x = 0;

	if (flip)
		p = 1.0 - p;
	q = 1.0 - p;
	s = p / q;
	a = (double)(n + 1) * s;
	f = pow(q, (double)n);
	u = rng_uniform(g);
	while (u > f && x < n) {
		u -= f;
		x++;
		f *= a / (double)x - s;
	}
	return flip ? n - x : x;
}

#define RNG_BINOMIAL_SMALL 64

/*
 * Binomial(n, p), exact for any n: while n is large, the median order
 * statistic X ~ Beta(a, n + 1 - a) of n uniforms splits them into a - 1
 * below X and n - a above it, so the count below p is Binomial(a - 1, p/X)
 * if X >= p, else a + Binomial(n - a, (p - X)/(1 - X)) (Knuth, TAOCP 3.4.1).
 * O(log n) Beta draws, then inversion on at most RNG_BINOMIAL_SMALL trials.
 */
static uint64_t rng_binomial(struct rng *g, uint64_t n, double p)
{
	uint64_t base = 0;

	while (n > RNG_BINOMIAL_SMALL && p > 0.0 && p < 1.0) {
		uint64_t a = 1 + n / 2, b = n + 1 - a;
		double ga = rng_gamma(g, (double)a);
		double x = ga / (ga + rng_gamma(g, (double)b));

		if (x >= p) {
			n = a - 1;
			p /= x;
		} else {
			base += a;
			n = b - 1;
			p = (p - x) / (1.0 - x);
		}
	}
	if (p <= 0.0)
		return base;
	if (p >= 1.0)
		return base + n;
	return base + binomial_inversion(g, n, p);
}

void rng__multinomial(struct rng *g, const uint64_t *c, size_t k,
		      uint64_t total, uint64_t draws, uint64_t *out)
{
	for (size_t i = 0; i < k; i++) {
		if (!draws || !c[i])
			out[i] = 0;
		else if (c[i] == total)
			out[i] = draws;
		else
			out[i] = rng_binomial(g, draws,
					      (double)c[i] / (double)total);
		draws -= out[i];
		total -= c[i];
	}
}
