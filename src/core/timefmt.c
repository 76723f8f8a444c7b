// SPDX-License-Identifier: MIT
/* The one human time format (UTC, ISO 8601), shared by reports and views. */
#include <time.h>
#include "timefmt.h"

void timefmt__utc(double ts, char *buf, size_t len)
{
	time_t t = (time_t)ts;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
