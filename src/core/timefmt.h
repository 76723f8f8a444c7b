/* SPDX-License-Identifier: MIT */
/*
 * How driftprobe writes a time for a person: ISO 8601 in UTC, to the
 * second ("2026-11-24T19:06:43Z"), the same in every report and view.
 */
#ifndef DRIFTPROBE_TIMEFMT_H
#define DRIFTPROBE_TIMEFMT_H

#include <stddef.h>

/* Unix seconds ts as "YYYY-MM-DDTHH:MM:SSZ" into buf (21 bytes needed). */
void timefmt__utc(double ts, char *buf, size_t len);

#endif /* DRIFTPROBE_TIMEFMT_H */
