/* SPDX-License-Identifier: MIT */
/*
 * How driftprobe writes a time for a person: ISO 8601 in UTC, to the
 * second ("2026-11-24T19:06:43Z"), the same in every report and view;
 * to the millisecond where a protocol wants it (syslog).
 */
#ifndef DRIFTPROBE_TIMEFMT_H
#define DRIFTPROBE_TIMEFMT_H

#include <stddef.h>

/*
 * The latest time driftprobe accepts in its files: 9999-12-31T23:59:59Z.
 * Readers refuse a later ts (or a negative one) as out of range.
 */
#define TIMEFMT_MAX_UNIX	253402300799.0

/*
 * Unix seconds ts as "YYYY-MM-DDTHH:MM:SSZ" into buf (21 bytes needed);
 * "out-of-range" for ts outside 0..TIMEFMT_MAX_UNIX or NaN.
 */
void timefmt__utc(double ts, char *buf, size_t len);

/*
 * The same to the millisecond, rounded ("YYYY-MM-DDTHH:MM:SS.mmmZ", 25
 * bytes), as RFC 5424 timestamps want. 0, or -1 (buf untouched) for ts
 * outside 0..TIMEFMT_MAX_UNIX or NaN.
 */
int timefmt__utc_ms(double ts, char *buf, size_t len);

#endif /* DRIFTPROBE_TIMEFMT_H */
