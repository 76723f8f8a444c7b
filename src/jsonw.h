/* SPDX-License-Identifier: MIT */
/*
 * Minimal JSON writing helpers used by every JSON producer (window records,
 * analysis lines, baselines), so escaping and number formatting live in one
 * place. Doubles in data files are printed with 17 significant digits
 * (round-trippable), analysis numbers with JSONW_DIGITS; non-finite values
 * are never printed, they become null.
 */
#ifndef DRIFTPROBE_JSONW_H
#define DRIFTPROBE_JSONW_H

#include <stdint.h>
#include <stdio.h>

void jsonw__string(FILE *f, const char *s);
void jsonw__double(FILE *f, double v);

/* Statistics mean nothing beyond 10 digits, and %.17g costs ~3x as much. */
#define JSONW_DIGITS	10

/* An analysis number: as jsonw__double, with JSONW_DIGITS digits. */
void jsonw__number(FILE *f, double v);
void jsonw__u64_array(FILE *f, const uint64_t *v, size_t n);

#endif /* DRIFTPROBE_JSONW_H */
