// SPDX-License-Identifier: MIT
/* The one human time format (UTC, ISO 8601), shared by reports and views. */
#include <stdio.h>
#include <time.h>
#include "timefmt.h"

/* Whole seconds t and ms of them as ISO 8601 UTC; ms < 0: seconds only. */
static void format(time_t t, int ms, char *buf, size_t len)
{
	struct tm tm;
	size_t n;

	gmtime_r(&t, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (ms >= 0)
		snprintf(buf + n, len - n, ".%03dZ", ms);
	else
		snprintf(buf + n, len - n, "Z");
}

void timefmt__utc(double ts, char *buf, size_t len)
{
	if (!(ts >= 0 && ts <= TIMEFMT_MAX_UNIX)) {	/* no cast of a huge */
		snprintf(buf, len, "out-of-range");
		return;
	}
	format((time_t)ts, -1, buf, len);
}

int timefmt__utc_ms(double ts, char *buf, size_t len)
{
	time_t t;
	int ms;

	if (!(ts >= 0 && ts <= TIMEFMT_MAX_UNIX))
		return -1;
	t = (time_t)ts;
	ms = (int)((ts - (double)t) * 1000 + 0.5);
	if (ms >= 1000) {		/* rounds up into the next second */
		t++;
		ms -= 1000;
	}
	format(t, ms, buf, len);
	return 0;
}
