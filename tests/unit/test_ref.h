/* SPDX-License-Identifier: MIT */
/*
 * Reading the reference files that tests/ref/gen_*.py write (numpy, scipy,
 * scikit-learn values, one record per line, fields separated by spaces):
 * a cursor over one record whose ok drops to false on a malformed field.
 * Include after <cmocka.h> (record_end fails the test).
 */
#ifndef DRIFTPROBE_TEST_REF_H
#define DRIFTPROBE_TEST_REF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct cursor {
	char *p;
	bool ok;
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

#endif /* DRIFTPROBE_TEST_REF_H */
