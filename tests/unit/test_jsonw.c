// SPDX-License-Identifier: MIT
/*
 * JSON writing: escaping of quotes, backslashes and control characters,
 * numbers (integral as "3.0", 10 or 17 significant digits, non-finite as
 * null), u64, and the head of a series line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "jsonw.h"

/* What fn writes to a FILE, as a string (free it). */
static char *captured(void (*fn)(FILE *f, const void *arg), const void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	fn(f, arg);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void put_string(FILE *f, const void *arg)
{
	jsonw__string(f, arg);
}

static void put_double(FILE *f, const void *arg)
{
	jsonw__double(f, *(const double *)arg);
}

static void put_array(FILE *f, const void *arg)
{
	jsonw__u64_array(f, arg, 3);
}

static void jsonw_string__controls_quotes_backslashes__escaped(void **state)
{
	char *s;

	(void)state;
	s = captured(put_string, "a\"b\\c\nd\te\x01" "f\x1f/\xc3\xa9");
	assert_string_equal(s, "\"a\\\"b\\\\c\\nd\\te\\u0001f\\u001f/\xc3\xa9\"");
	free(s);
	s = captured(put_string, "");
	assert_string_equal(s, "\"\"");
	free(s);
}

static void jsonw_double__integral_exact_and_nonfinite(void **state)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 3.0, "3.0" }, { -0.5, "-0.5" }, { 0.1, "0.10000000000000001" },
		{ 1e300, "1.0000000000000001e+300" }, { NAN, "null" },
		{ INFINITY, "null" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = captured(put_double, &cases[i].v);

		assert_string_equal(s, cases[i].want);
		free(s);
	}
}

static void jsonw_u64_array__commas_no_spaces(void **state)
{
	static const uint64_t v[3] = { 0, 18446744073709551615ull, 7 };
	char *s;

	(void)state;
	s = captured(put_array, v);
	assert_string_equal(s, "[0,18446744073709551615,7]");
	free(s);
}

static void jsonw_line__numbers_ten_digits__u64_exact(void **state)
{
	struct jsonw_line l = { 0 };

	(void)state;
	jsonw_line__number(&l, 1.0 / 3.0);
	jsonw_line__raw(&l, ",");
	jsonw_line__number(&l, 2.0);
	jsonw_line__raw(&l, ",");
	jsonw_line__number(&l, -INFINITY);
	jsonw_line__raw(&l, ",");
	jsonw_line__u64(&l, 0);
	jsonw_line__raw(&l, ",");
	jsonw_line__u64(&l, 12345678901234ull);
	assert_string_equal(l.s, "0.3333333333,2.0,null,0,12345678901234");
	jsonw_line__free(&l);
}

static void jsonw_line_head__fields_in_order__type_first_when_given(
	void **state)
{
	struct jsonw_line l = { 0 };

	(void)state;
	jsonw_line__head(&l, NULL, 1700000000.25, "h\"1", "syscall.id", "/");
	assert_string_equal(l.s, "{\"ts\":1700000000.250,\"host\":\"h\\\"1\","
			    "\"feature\":\"syscall.id\",\"cgroup\":\"/\"");
	jsonw_line__reset(&l);
	/* Another ts right after: the memo must not answer for it. */
	jsonw_line__head(&l, "coupling", 5.0005, "h", "f", "/a");
	assert_string_equal(l.s, "{\"type\":\"coupling\",\"ts\":5.000,"
			    "\"host\":\"h\",\"feature\":\"f\",\"cgroup\":"
			    "\"/a\"");
	jsonw_line__free(&l);
}

static void jsonw_line_flush__writes_and_empties(void **state)
{
	struct jsonw_line l = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	jsonw_line__raw(&l, "{}\n");
	assert_int_equal(jsonw_line__flush(&l, f), 0);
	assert_int_equal(l.len, 0);
	jsonw_line__raw(&l, "[]\n");
	assert_int_equal(jsonw_line__flush(&l, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(text, "{}\n[]\n");
	free(text);
	jsonw_line__free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jsonw_string__controls_quotes_backslashes__escaped),
		cmocka_unit_test(jsonw_double__integral_exact_and_nonfinite),
		cmocka_unit_test(jsonw_u64_array__commas_no_spaces),
		cmocka_unit_test(jsonw_line__numbers_ten_digits__u64_exact),
		cmocka_unit_test(jsonw_line_head__fields_in_order__type_first_when_given),
		cmocka_unit_test(jsonw_line_flush__writes_and_empties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
