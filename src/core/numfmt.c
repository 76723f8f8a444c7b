// SPDX-License-Identifier: MIT
/*
 * "%.*g" by scaling with an exact power of ten (numfmt.h). v 10^s is
 * formed with one rounding, and when that lands on a half the rounding
 * error is recovered exactly with fma, so the digits are the correctly
 * rounded ones, as glibc's. Values that need a power of ten beyond 1e22
 * (not exact in a double) take snprintf: at 10 digits, those below ~1e-13
 * (tiny p-values, ~3% of a report's time) and above ~1e31.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "numfmt.h"

static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

#define POW10_MAX	((int)(sizeof(pow10_exact) / sizeof(pow10_exact[0])) - 1)

/*
 * a 10^s rounded to the nearest integer, ties to even; |s| <= POW10_MAX
 * and the result below 2^53. The product (quotient) x is one rounding off
 * the exact value x + err; err is smaller than half an ulp of x, while
 * t = x - floor(x) - 0.5 is a multiple of that ulp: so t decides, unless
 * it is 0, when err (exact by fma) does.
 */
static double numfmt__scale_round(double a, int s)
{
	double x = s >= 0 ? a * pow10_exact[s] : a / pow10_exact[-s];
	double fl = (double)(int64_t)x;	/* x >= 0: truncation is floor */
	double t = x - fl - 0.5, err;

	if (t != 0)
		return t > 0 ? fl + 1 : fl;
	/* a - x 10^-s is exact, and its sign is err's. */
	err = s >= 0 ? fma(a, pow10_exact[s], -x) :
		       fma(-x, pow10_exact[-s], a);
	if (err != 0)
		return err > 0 ? fl + 1 : fl;
	return fmod(fl, 2) == 0 ? fl : fl + 1;
}

/*
 * The prec decimal digits of m (10^(prec-1) <= m < 10^prec), most
 * significant first: two at a time from a table, in 32-bit arithmetic
 * below 10^8.
 */
static void numfmt__digits(double m, int prec, char *d)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930"
		"31323334353637383940414243444546474849505152535455565758596061"
		"62636465666768697071727374757677787980818283848586878889909192"
		"93949596979899";
	uint64_t u = (uint64_t)(int64_t)m;
	int i = prec;

	while (u >= 100000000) {	/* eight digits while more remain */
		uint32_t chunk = (uint32_t)(u % 100000000);

		u /= 100000000;
		for (int j = 0; j < 4; j++, chunk /= 100) {
			i -= 2;
			memcpy(d + i, pairs + 2 * (chunk % 100), 2);
		}
	}
	for (uint32_t v = (uint32_t)u; i > 0; v /= 100) {
		if (i == 1) {
			d[0] = (char)('0' + v);
			break;
		}
		i -= 2;
		memcpy(d + i, pairs + 2 * (v % 100), 2);
	}
}

/*
 * floor(log10(a)) or one less, for a > 0: log2(1 + f) >= f on the
 * mantissa f, so the estimate is low by at most 0.026 in log10.
 */
static int numfmt__exp10(double a)
{
	uint64_t bits;
	double l;
	int be;

	memcpy(&bits, &a, sizeof(bits));
	be = (int)(bits >> 52 & 0x7ff);
	if (!be)		/* subnormal */
		return (int)floor(log10(a));
	l = (be - 1023 + (double)(bits & ((1ull << 52) - 1)) * 0x1p-52) *
	    0.30102999566398120;
	/* floor(), which is a call without SSE4.1. */
	return (int)l - ((double)(int)l > l);
}

size_t numfmt__g(char *buf, double v, int prec)
{
	char d[20], *o = buf;
	double a = fabs(v), m;
	int e, n, s;

	if (a == 0 || prec < 1 || prec > NUMFMT_MAX_PREC)
		return (size_t)snprintf(buf, NUMFMT_BUFSZ, "%.*g", prec, v);
	e = numfmt__exp10(a);
	for (;;) {
		s = prec - 1 - e;
		if (s > POW10_MAX || s < -POW10_MAX)
			return (size_t)snprintf(buf, NUMFMT_BUFSZ, "%.*g",
						prec, v);
		m = numfmt__scale_round(a, s);
		if (m >= pow10_exact[prec]) {
			if (m > pow10_exact[prec]) {	/* e one too small */
				e++;
				continue;
			}
			m = pow10_exact[prec - 1];	/* 9.99.. rounded up */
			e++;
		} else if (m < pow10_exact[prec - 1]) {	/* e one too large */
			e--;
			continue;
		}
		break;
	}
	numfmt__digits(m, prec, d);
	n = prec;
	while (n > 1 && d[n - 1] == '0')
		n--;
	if (signbit(v))
		*o++ = '-';
	if (e < -4 || e >= prec) {
		*o++ = d[0];
		if (n > 1) {
			*o++ = '.';
			memcpy(o, d + 1, n - 1);
			o += n - 1;
		}
		*o++ = 'e';
		*o++ = e < 0 ? '-' : '+';
		e = e < 0 ? -e : e;
		if (e >= 100)
			*o++ = (char)('0' + e / 100);
		*o++ = (char)('0' + e / 10 % 10);
		*o++ = (char)('0' + e % 10);
	} else if (e >= 0) {
		for (int i = 0; i <= e; i++)
			*o++ = i < n ? d[i] : '0';
		if (n > e + 1) {
			*o++ = '.';
			memcpy(o, d + e + 1, n - e - 1);
			o += n - e - 1;
		}
	} else {
		*o++ = '0';
		*o++ = '.';
		for (int i = 0; i < -e - 1; i++)
			*o++ = '0';
		memcpy(o, d, n);
		o += n;
	}
	*o = '\0';
	return (size_t)(o - buf);
}
