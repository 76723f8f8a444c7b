/* SPDX-License-Identifier: MIT */
/*
 * Minimal JSON writing helpers used by every JSON producer (window records,
 * analysis lines, baselines), so escaping and number formatting live in one
 * place. Doubles are printed with 17 significant digits (round-trippable);
 * non-finite values are never printed, they become null.
 */
#ifndef DRIFTPROBE_JSONW_H
#define DRIFTPROBE_JSONW_H

#include <stdint.h>
#include <stdio.h>

void jsonw__string(FILE *f, const char *s);
void jsonw__double(FILE *f, double v);
void jsonw__u64_array(FILE *f, const uint64_t *v, size_t n);

#endif /* DRIFTPROBE_JSONW_H */
