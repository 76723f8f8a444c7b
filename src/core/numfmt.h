/* SPDX-License-Identifier: MIT */
/*
 * printf's "%.*g" for doubles, without its multi-precision arithmetic: the
 * analysis lines carry ~30 numbers each, 4,000 lines a window at 1,000
 * cgroups, and glibc spends ~150 ns on each.
 */
#ifndef DRIFTPROBE_NUMFMT_H
#define DRIFTPROBE_NUMFMT_H

#include <stddef.h>

#define NUMFMT_MAX_PREC	15
#define NUMFMT_BUFSZ	32

/*
 * Write v as snprintf(buf, NUMFMT_BUFSZ, "%.*g", prec, v) would, byte for
 * byte (correctly rounded, ties to even), for finite v and 1 <= prec <=
 * NUMFMT_MAX_PREC; buf holds NUMFMT_BUFSZ bytes. Returns the length.
 */
size_t numfmt__g(char *buf, double v, int prec);

#endif /* DRIFTPROBE_NUMFMT_H */
