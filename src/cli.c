// SPDX-License-Identifier: MIT
/* Shared command-line plumbing: error lines and strict option parsers. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "cli.h"

void cli__error(const char *fmt, ...)
{
	va_list ap;

	fputs("driftprobe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli__parse_double(const char *opt, const char *arg, double min,
		      double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end || errno || !isfinite(v) || v < min ||
	    v > max) {
		cli__error("%s: bad value '%s'; expected a number from %g to "
			   "%g", opt, arg, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int cli__parse_uint(const char *opt, const char *arg, unsigned long min,
		    unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (end == arg || *end || errno || arg[0] == '-' || v < min ||
	    v > max) {
		cli__error("%s: bad value '%s'; expected a whole number from "
			   "%lu to %lu", opt, arg, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

const char *cli__hostname(void)
{
	static char host[256];

	if (!host[0] && gethostname(host, sizeof(host) - 1))
		snprintf(host, sizeof(host), "unknown");
	return host;
}
