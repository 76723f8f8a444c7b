// SPDX-License-Identifier: MIT
/* The one human time format (UTC, ISO 8601), shared by reports and views. */
#include <stdio.h>
#include <time.h>
#include "timefmt.h"

void timefmt__utc(double ts, char *buf, size_t len)
{
	struct tm tm;
	time_t t;

	if (!(ts >= 0 && ts <= TIMEFMT_MAX_UNIX)) {	/* no cast of a huge */
		snprintf(buf, len, "out-of-range");
		return;
	}
	t = (time_t)ts;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
