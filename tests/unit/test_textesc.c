// SPDX-License-Identifier: MIT
/*
 * textesc: every byte alone, the UTF-8 edge cases (overlong, surrogates,
 * beyond U+10FFFF, truncated, C1 and bidi code points), the terminal
 * attacks of issue 24, cutting short, and the property that no input, of
 * every two-byte string and a million random ones, gives output with a
 * control byte, invalid UTF-8 or a C1 code point (checked by glibc's own
 * UTF-8 decoder).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <cmocka.h>
#include "textesc.h"
#include "test_rand.h"

/* textesc__fputs(s) into a string (malloc'd). */
static char *via_fputs(const char *s)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(textesc__fputs(s, f), 0);
	assert_int_equal(fclose(f), 0);
	return out;
}

/* Both entry points give want. */
static void check(const char *s, const char *want)
{
	char buf[TEXTESC_SIZE], *got = via_fputs(s);

	assert_string_equal(textesc__str(s, buf, sizeof(buf)), want);
	assert_string_equal(got, want);
	free(got);
}

static void textesc__every_byte_alone__printable_ascii_passes(void **state)
{
	char s[2] = "", want[8];

	(void)state;
	for (int b = 1; b < 256; b++) {
		s[0] = (char)b;
		if (b == '\\')
			strcpy(want, "\\\\");
		else if (b == '\n')
			strcpy(want, "\\n");
		else if (b == '\t')
			strcpy(want, "\\t");
		else if (b == '\r')
			strcpy(want, "\\r");
		else if (b >= 0x20 && b < 0x7f)
			snprintf(want, sizeof(want), "%c", b);
		else
			snprintf(want, sizeof(want), "\\x%02x", b);
		check(s, want);
	}
	check("", "");
}

static void textesc__utf8__valid_passes_invalid_escaped(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "caf\xc3\xa9", "caf\xc3\xa9" },		/* U+00E9 */
		{ "\xc2\xa0", "\xc2\xa0" },			/* U+00A0 */
		{ "\xe2\x82\xac", "\xe2\x82\xac" },		/* U+20AC */
		{ "\xed\x9f\xbf", "\xed\x9f\xbf" },		/* U+D7FF */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },	/* U+1F600 */
		{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" },	/* U+10FFFF */
		{ "\xc2\x9b" "2K", "\\xc2\\x9b2K" },		/* U+009B CSI */
		{ "\xc2\x80", "\\xc2\\x80" },			/* U+0080 */
		{ "\xc0\x80", "\\xc0\\x80" },			/* overlong */
		{ "\xc1\xbf", "\\xc1\\xbf" },
		{ "\xe0\x80\x80", "\\xe0\\x80\\x80" },
		{ "\xe0\x9f\xbf", "\\xe0\\x9f\\xbf" },
		{ "\xf0\x8f\xbf\xbf", "\\xf0\\x8f\\xbf\\xbf" },
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },		/* surrogate */
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" },	/* > U+10FFFF */
		{ "\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80" },
		{ "\xe2\x82", "\\xe2\\x82" },			/* truncated */
		{ "\xe2\x82" "A", "\\xe2\\x82A" },
		{ "\xf0\x9f\x98", "\\xf0\\x9f\\x98" },
		{ "\x80" "a", "\\x80a" },			/* lone tail */
		{ "\xe2\x80\xae" "fdp.exe", "\\xe2\\x80\\xaefdp.exe" }, /* RLO */
		{ "\xe2\x81\xa6", "\\xe2\\x81\\xa6" },		/* U+2066 */
		{ "\xe2\x80\x8f", "\\xe2\\x80\\x8f" },		/* U+200F */
		{ "\xe2\x80\xa8", "\\xe2\\x80\\xa8" },		/* U+2028 */
		{ "\xd8\x9c", "\\xd8\\x9c" },			/* U+061C */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(cases[i].in, cases[i].want);
}

static void textesc__terminal_attacks__escaped(void **state)
{
	(void)state;
	check("\x1b[2K\x1b[1Aevil", "\\x1b[2K\\x1b[1Aevil");
	check("/x\x1b]0;x\x07", "/x\\x1b]0;x\\x07");
	check("a\nfake line", "a\\nfake line");
	/* The escaped form of one name is never another name's. */
	check("\\x1b", "\\\\x1b");
}

static void textesc__cut_short__at_a_piece_with_dots(void **state)
{
	char buf[16], big[1025], *got;

	(void)state;
	assert_string_equal(textesc__str("abcdefghijkl", buf, 10), "abcdef...");
	assert_string_equal(textesc__str("\x1b\x1b\x1b", buf, 10), "\\x1b...");
	assert_string_equal(textesc__str("\xe2\x82\xac\xe2\x82\xac"
					 "abcdefgh", buf, 10),
			    "\xe2\x82\xac\xe2\x82\xac...");
	assert_string_equal(textesc__str("abc", buf, 4), "abc");
	assert_string_equal(textesc__str("abcd", buf, 4), "...");
	assert_string_equal(textesc__str("abcd", buf, 2), ".");
	assert_string_equal(textesc__str("abcd", buf, 1), "");
	buf[0] = 'z';
	textesc__str("abcd", buf, 0);
	assert_int_equal(buf[0], 'z');
	/* TEXTESC holds a DP_CGROUP_MAX path escaped whole. */
	memset(big, 0x1b, sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(strlen(TEXTESC(big)), 4 * (sizeof(big) - 1));
	got = via_fputs(big);
	assert_int_equal(strlen(got), 4 * (sizeof(big) - 1));
	free(got);
}

static int bad_outputs;

/* out is valid UTF-8 without control bytes or C1 code points. */
static void check_clean(const char *in, size_t inlen, const char *out)
{
	mbstate_t st;
	size_t n = strlen(out);
	const char *p = out;
	bool bad = false;

	memset(&st, 0, sizeof(st));
	while (n && !bad) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, p, n, &st);

		bad = k == (size_t)-1 || k == (size_t)-2 || k == 0 ||
		      wc < 0x20 || (wc >= 0x7f && wc < 0xa0) ||
		      (wc >= 0xd800 && wc <= 0xdfff) || wc > 0x10ffff ||
		      wc == 0x202e || wc == 0x2066;
		if (!bad) {
			p += k;
			n -= k;
		}
	}
	if (bad && bad_outputs++ < 5) {
		print_error("input");
		for (size_t i = 0; i < inlen; i++)
			print_error(" %02x", (unsigned char)in[i]);
		print_error(": bad output at byte %zu\n", (size_t)(p - out));
	}
}

static void textesc__any_input__clean_utf8_out(void **state)
{
	char in[8], buf[64];
	uint64_t seed = 24;

	(void)state;
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	bad_outputs = 0;
	for (int a = 1; a < 256; a++)
		for (int b = 1; b < 256; b++) {
			in[0] = (char)a;
			in[1] = (char)b;
			in[2] = '\0';
			check_clean(in, 2, textesc__str(in, buf, sizeof(buf)));
		}
	for (int i = 0; i < 1000000; i++) {
		uint64_t r = test_rand(&seed);

		for (int k = 0; k < 7; k++) {
			/* Bias toward UTF-8 leads and tails. */
			unsigned char c = (unsigned char)(r >> (8 * k));

			in[k] = (char)(c & 1 ? (c | 0x80) : c ? c : 1);
		}
		in[7] = '\0';
		check_clean(in, 7, textesc__str(in, buf, sizeof(buf)));
	}
	assert_int_equal(bad_outputs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(textesc__every_byte_alone__printable_ascii_passes),
		cmocka_unit_test(textesc__utf8__valid_passes_invalid_escaped),
		cmocka_unit_test(textesc__terminal_attacks__escaped),
		cmocka_unit_test(textesc__cut_short__at_a_piece_with_dots),
		cmocka_unit_test(textesc__any_input__clean_utf8_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
