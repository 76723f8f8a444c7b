/* SPDX-License-Identifier: MIT */
/*
 * Reading the reference files that tests/ref/gen_*.py write (numpy, scipy,
 * scikit-learn values, one record per line, a one-character tag and fields
 * separated by spaces): a loop over the records of a tag, a cursor over one
 * record whose ok drops to false on a malformed field, and a comparison to
 * tolerance that keeps the largest errors for a summary line. Include after
 * <cmocka.h> (the helpers fail the test).
 */
#ifndef DRIFTPROBE_TEST_REF_H
#define DRIFTPROBE_TEST_REF_H

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reference magnitude from which a relative error is reported. */
#define REL_REPORT_FLOOR 1e-6

struct cursor {
	char *p;
	bool ok;
	char tag;	/* the record's first character */
};

static inline double next_double(struct cursor *c)
{
	char *end;
	double v = strtod(c->p, &end);

	c->ok &= end != c->p;
	c->p = end;
	return v;
}

static inline uint64_t next_u64(struct cursor *c)
{
	char *end;
	unsigned long long v = strtoull(c->p, &end, 10);

	c->ok &= end != c->p;
	c->p = end;
	return v;
}

static inline size_t next_size(struct cursor *c)
{
	return (size_t)next_u64(c);
}

/* Every field parsed and nothing left on the line, or the record fails. */
static inline void record_end(struct cursor *c, size_t line)
{
	c->ok &= strspn(c->p, " \n") == strlen(c->p);
	if (!c->ok)
		fail_msg("reference line %zu: malformed record", line);
}

/* A reference file, named on the command line. */
struct ref_file {
	const char *path;	/* argv[1]; NULL fails the test with usage */
	const char *usage;	/* "test_x REFERENCE_FILE (from gen_x.py)" */
};

/*
 * Call fn on every record whose tag is tag (0: on every line, the callback
 * dispatching on c->tag); returns how many. The cursor starts after the
 * tag; line is 1-based. Fails if the reference file cannot be opened.
 */
static inline size_t for_each_record(const struct ref_file *ref, char tag,
				     void (*fn)(struct cursor *c, size_t line,
						void *ctx),
				     void *ctx)
{
	size_t cap = 0, lineno = 0, count = 0;
	char *buf = NULL;
	FILE *f;

	if (!ref->path)
		fail_msg("usage: %s", ref->usage);
	f = fopen(ref->path, "r");
	if (!f)
		fail_msg("reference '%s': failed to open: %s", ref->path,
			 strerror(errno));
	while (getline(&buf, &cap, f) > 0) {
		struct cursor c = { buf + 1, true, buf[0] };

		lineno++;
		if (tag && buf[0] != tag)
			continue;
		fn(&c, lineno, ctx);
		count++;
	}
	free(buf);
	fclose(f);
	return count;
}

/*
 * One compared quantity: its tolerance, |got - want| <= rel_tol |want| +
 * abs_tol, and the largest errors seen, for the summary line.
 */
struct err_stat {
	const char *name;
	const char *ref;	/* who computed the values; NULL: "reference" */
	double rel_tol;
	double abs_tol;		/* 0: relative only */
	size_t n;
	double max_rel;		/* where the reference is non-zero (and
				   >= REL_REPORT_FLOOR when abs_tol allows) */
	double max_abs;
};

/* Count the comparison, keep its errors, fail outside the tolerance. */
static inline void check_close(struct err_stat *s, double got, double want,
			       size_t line)
{
	double diff = fabs(got - want);

	/* Below the floor the absolute tolerance governs, not the relative. */
	if (want != 0 && (!s->abs_tol || fabs(want) >= REL_REPORT_FLOOR))
		s->max_rel = fmax(s->max_rel, diff / fabs(want));
	s->max_abs = fmax(s->max_abs, diff);
	s->n++;
	if (!(diff <= s->rel_tol * fabs(want) + s->abs_tol))
		fail_msg("%s, line %zu: got %.17g, %s %.17g", s->name, line,
			 got, s->ref ? s->ref : "reference", want);
}

static inline void print_stats(const struct err_stat *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		print_message("  %-16s %6zu compared, max rel error %.2g, "
			      "max abs error %.2g\n", s[i].name, s[i].n,
			      s[i].max_rel, s[i].max_abs);
}

#endif /* DRIFTPROBE_TEST_REF_H */
