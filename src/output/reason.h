/* SPDX-License-Identifier: MIT */
/*
 * A verdict's reason in words, for the outputs (report, show): which test
 * decided and by how much, as a person on call reads it. The detector
 * only records the rule and its numbers (struct verdict_reason).
 */
#ifndef DRIFTPROBE_REASON_H
#define DRIFTPROBE_REASON_H

#include <stddef.h>

struct analysis;

/* Longest reason written, with its NUL. */
#define REASON_LEN 192

/*
 * Write an's reason into buf (REASON_LEN bytes, truncated if smaller) and
 * return buf, e.g. "score 9.3 > threshold 6.1 (effect 0.84 nats, G=.. df=..
 * p=.. < ..)" or "score 7.04 > threshold 6 (3 bins never seen while
 * learning)". A muted analysis (mute.h) says so first: "muted (nightly
 * backup): score ...", "1 bin muted (deploy): score ...".
 */
const char *reason__format(const struct analysis *an, char *buf, size_t len);

#endif /* DRIFTPROBE_REASON_H */
