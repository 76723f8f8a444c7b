// SPDX-License-Identifier: MIT
/*
 * JSON string escaping and number formatting for all of driftprobe's
 * output, to a FILE or to a line built in memory (jsonw.h). Both go
 * through one escaper and one number formatter, with a sink for where the
 * bytes go.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "jsonw.h"
#include "numfmt.h"

typedef void (*jsonw_put)(void *sink, const char *s, size_t n);

static void jsonw__put_file(void *sink, const char *s, size_t n)
{
	fwrite(s, 1, n, sink);
}

void jsonw_line__put_slow(struct jsonw_line *l, const char *s, size_t n)
{
	size_t cap = l->cap ? l->cap : 256;
	char *p;

	if (l->failed)
		return;
	while (cap - l->len < n + 1)
		cap *= 2;
	p = realloc(l->s, cap);
	if (!p) {
		l->failed = true;
		return;
	}
	l->s = p;
	l->cap = cap;
	jsonw_line__put(l, s, n);
}

static void jsonw__put_line(void *sink, const char *s, size_t n)
{
	jsonw_line__put(sink, s, n);
}

/* s quoted, with runs of plain characters passed on whole. */
static void jsonw__escaped(const char *s, jsonw_put put, void *sink)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;
	char esc[8];

	put(sink, "\"", 1);
	for (; *p; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		put(sink, (const char *)run, (size_t)(p - run));
		run = p + 1;
		if (*p == '"' || *p == '\\')
			snprintf(esc, sizeof(esc), "\\%c", *p);
		else if (*p == '\n')
			snprintf(esc, sizeof(esc), "\\n");
		else if (*p == '\t')
			snprintf(esc, sizeof(esc), "\\t");
		else
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
		put(sink, esc, strlen(esc));
	}
	put(sink, (const char *)run, (size_t)(p - run));
	put(sink, "\"", 1);
}

/*
 * v with digits significant digits (17: round-trippable); integral values
 * as "3.0", non-finite ones as null.
 */
static void jsonw__num(double v, int digits, jsonw_put put, void *sink)
{
	char buf[NUMFMT_BUFSZ + 8];
	size_t n;

	if (!isfinite(v)) {
		put(sink, "null", 4);
		return;
	}
	/* Integral: the test floor() would make, without its call. */
	if (fabs(v) < 1e15 && v == (double)(int64_t)v)
		n = (size_t)snprintf(buf, sizeof(buf), "%.1f", v);
	else if (digits <= NUMFMT_MAX_PREC)
		n = numfmt__g(buf, v, digits);
	else
		n = (size_t)snprintf(buf, sizeof(buf), "%.*g", digits, v);
	put(sink, buf, n);
}

void jsonw__string(FILE *f, const char *s)
{
	jsonw__escaped(s, jsonw__put_file, f);
}

void jsonw__double(FILE *f, double v)
{
	jsonw__num(v, 17, jsonw__put_file, f);
}

void jsonw__u64_array(FILE *f, const uint64_t *v, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, i ? ",%" PRIu64 : "%" PRIu64, v[i]);
	fputc(']', f);
}

void jsonw_line__free(struct jsonw_line *l)
{
	free(l->s);
	*l = (struct jsonw_line){ 0 };
}

void jsonw_line__string(struct jsonw_line *l, const char *s)
{
	jsonw__escaped(s, jsonw__put_line, l);
}

void jsonw_line__number(struct jsonw_line *l, double v)
{
	jsonw__num(v, JSONW_DIGITS, jsonw__put_line, l);
}

void jsonw_line__u64(struct jsonw_line *l, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	jsonw__put_line(l, p, (size_t)(buf + sizeof(buf) - p));
}

void jsonw_line__head(struct jsonw_line *l, const char *type, double ts,
		      const char *host, const char *feature,
		      const char *cgroup)
{
	/*
	 * A window's lines share its ts, and %.3f is most of a head's cost
	 * (16,000 lines a window at 1,000 cgroups): format it once. A memo
	 * per thread, so the result never depends on who called before.
	 */
	static _Thread_local struct {
		bool valid;
		double ts;
		char text[400];	/* %.3f of up to 1.8e308 */
	} memo;

	if (!memo.valid || memcmp(&memo.ts, &ts, sizeof(ts))) {
		snprintf(memo.text, sizeof(memo.text), "\"ts\":%.3f,\"host\":",
			 ts);
		memo.ts = ts;
		memo.valid = true;
	}
	jsonw_line__raw(l, "{");
	if (type) {
		jsonw_line__raw(l, "\"type\":");
		jsonw_line__string(l, type);
		jsonw_line__raw(l, ",");
	}
	jsonw_line__raw(l, memo.text);
	jsonw_line__string(l, host);
	jsonw_line__raw(l, ",\"feature\":");
	jsonw_line__string(l, feature);
	jsonw_line__raw(l, ",\"cgroup\":");
	jsonw_line__string(l, cgroup);
}

void jsonw_line__reset(struct jsonw_line *l)
{
	l->len = 0;
	l->failed = false;
	if (l->s)
		l->s[0] = '\0';
}

int jsonw_line__flush(struct jsonw_line *l, FILE *f)
{
	int err = 0;

	if (l->failed)
		err = -ENOMEM;
	else if (fwrite(l->s, 1, l->len, f) != l->len)
		err = -EIO;
	jsonw_line__reset(l);
	return err;
}
