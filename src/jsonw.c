// SPDX-License-Identifier: MIT
/* JSON string escaping and number formatting for all of driftprobe's output. */
#include <inttypes.h>
#include <math.h>
#include "jsonw.h"
#include "numfmt.h"

void jsonw__string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void jsonw__double(FILE *f, double v)
{
	if (!isfinite(v))
		fputs("null", f);
	else if (v == floor(v) && fabs(v) < 1e15)
		fprintf(f, "%.1f", v);
	else
		fprintf(f, "%.17g", v);
}

void jsonw__number(FILE *f, double v)
{
	char buf[NUMFMT_BUFSZ];

	if (!isfinite(v) || (v == floor(v) && fabs(v) < 1e15)) {
		jsonw__double(f, v);
		return;
	}
	fwrite(buf, 1, numfmt__g(buf, v, JSONW_DIGITS), f);
}

void jsonw__u64_array(FILE *f, const uint64_t *v, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, i ? ",%" PRIu64 : "%" PRIu64, v[i]);
	fputc(']', f);
}
