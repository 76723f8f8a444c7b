/* SPDX-License-Identifier: MIT */
/*
 * Minimal JSON writing helpers used by every JSON producer (window records,
 * analysis lines, baselines), so escaping and number formatting live in one
 * place. Doubles in data files are printed with 17 significant digits
 * (round-trippable), analysis numbers with JSONW_DIGITS; non-finite values
 * are never printed, they become null.
 */
#ifndef DRIFTPROBE_JSONW_H
#define DRIFTPROBE_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void jsonw__string(FILE *f, const char *s);
void jsonw__double(FILE *f, double v);

/* Statistics mean nothing beyond 10 digits, and %.17g costs ~3x as much. */
#define JSONW_DIGITS	10

void jsonw__u64_array(FILE *f, const uint64_t *v, size_t n);

/*
 * A line built in memory, then written with one fwrite: an analysis line
 * is ~70 pieces, 4,000 lines a window at 1,000 cgroups, and stdio's cost
 * per call exceeds the formatting. Zero-initialise; the buffer is kept
 * between lines.
 */
struct jsonw_line {
	char *s;		/* NUL-terminated once anything was added */
	size_t len, cap;
	bool failed;		/* out of memory: the line is dropped */
};

void jsonw_line__free(struct jsonw_line *l);
void jsonw_line__reset(struct jsonw_line *l);	/* empty it, keep memory */

/* jsonw_line__put when the buffer is full; not for callers. */
void jsonw_line__put_slow(struct jsonw_line *l, const char *s, size_t n);

/* Append n bytes as they are. Inline: most are short literals. */
static inline void jsonw_line__put(struct jsonw_line *l, const char *s,
				   size_t n)
{
	if (l->cap - l->len <= n) {
		jsonw_line__put_slow(l, s, n);
		return;
	}
	memcpy(l->s + l->len, s, n);
	l->len += n;
	l->s[l->len] = '\0';
}

/* Append s as it is. */
static inline void jsonw_line__raw(struct jsonw_line *l, const char *s)
{
	jsonw_line__put(l, s, strlen(s));
}

void jsonw_line__string(struct jsonw_line *l, const char *s);
void jsonw_line__number(struct jsonw_line *l, double v);
void jsonw_line__u64(struct jsonw_line *l, uint64_t v);
/*
 * The head of every line driftprobe writes about one series of a window:
 * {"ts":TS,"host":HOST,"feature":FEATURE,"cgroup":CGROUP, with
 * "type":TYPE first unless type is NULL. The caller appends the rest and
 * the closing brace.
 */
void jsonw_line__head(struct jsonw_line *l, const char *type, double ts,
		      const char *host, const char *feature,
		      const char *cgroup);

/* Write the line to f and empty it. 0, -ENOMEM (dropped) or -EIO. */
int jsonw_line__flush(struct jsonw_line *l, FILE *f);

#endif /* DRIFTPROBE_JSONW_H */
