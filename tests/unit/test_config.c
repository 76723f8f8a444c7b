// SPDX-License-Identifier: MIT
/*
 * config.c with a small argp of its own: entries become arguments before
 * the command line (so the command line wins), flags take yes/no, and
 * every refusal names FILE:LINE - unknown and repeated keys, sections,
 * syntax, empty values, overlong lines, unsafe files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "config.h"

static char last_error[1024];

static const struct argp_option child_options[] = {
	{ "alpha", 0x201, "A", 0, "smoothing", 0 },
	{},
};
static const struct argp child_argp = { child_options, NULL, NULL, NULL,
					NULL, NULL, NULL };
static const struct argp_child children[] = { { &child_argp, 0, NULL, 0 },
					      {} };
static const struct argp_option options[] = {
	{ "interval", 'i', "SEC", 0, "window", 0 },
	{ "json", 'j', NULL, 0, "json", 0 },
	{ "verbose", 'v', NULL, 0, "verbose", 0 },
	{ "config", 0x300, "FILE", 0, "config", 0 },
	{ "mute", 0x301, "SPEC", 0, "mute", 0 },
	{ "workload-rule", 0x302, "RULE", 0, "rule", 0 },
	{},
};
static const struct argp test_argp = { options, NULL, NULL, NULL, children,
				       NULL, NULL };

static char path[64];

static void write_config(const char *text, mode_t mode)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/dpeco-config-%d.conf", getpid());
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* Merge with argv = prog --config PATH extra...; returns config__merge's. */
static int merge(const char *extra, struct config_args *ca)
{
	char *args[6] = { "prog", "--config", path };
	int n = 3;

	if (extra)
		args[n++] = (char *)extra;
	last_error[0] = '\0';
	return config__merge(&test_argp, n, args, ca, last_error,
			     sizeof(last_error));
}

static void entries_become_arguments_before_the_command_line(void **state)
{
	struct config_args ca;

	(void)state;
	write_config("# comment\n; another\n\ninterval = 5\n  alpha=0.25 ; why\n"
		     "json = yes\nverbose = no\n", 0600);
	assert_int_equal(merge("--interval=7", &ca), 0);
	assert_int_equal(ca.argc, 7);
	assert_string_equal(ca.argv[0], "prog");
	assert_string_equal(ca.argv[1], "--interval=5");
	assert_string_equal(ca.argv[2], "--alpha=0.25");
	assert_string_equal(ca.argv[3], "--json");
	assert_string_equal(ca.argv[4], "--config");
	assert_string_equal(ca.argv[5], path);
	assert_string_equal(ca.argv[6], "--interval=7");	/* after, so it wins */
	config__release(&ca);

	write_config("interval = 5\n", 0600);
	assert_int_equal(merge("-j", &ca), 0);
	assert_int_equal(ca.argc, 5);
	assert_string_equal(ca.argv[4], "-j");
	config__release(&ca);
}

static void origin__names_file_and_line(void **state)
{
	char expect[128], buf[128];
	struct config_args ca;

	(void)state;
	write_config("\n\ninterval = oops\n", 0600);
	assert_int_equal(merge(NULL, &ca), 0);
	snprintf(expect, sizeof(expect), "%s:3: ", path);
	assert_string_equal(config__origin(&ca, ca.argv[1] +
					   strlen("--interval="), buf,
					   sizeof(buf)), expect);
	assert_string_equal(config__origin(&ca, ca.argv[2], buf, sizeof(buf)),
			    "");	/* --config */
	assert_string_equal(config__origin(&ca, "oops", buf, sizeof(buf)), "");
	assert_string_equal(config__origin(NULL, ca.argv[1], buf, sizeof(buf)),
			    "");
	config__release(&ca);
}

static void bad_files__refused_with_file_line(void **state)
{
	static const struct {
		const char *text, *expect;
		unsigned int line;
	} cases[] = {
		{ "interval = 1\nbogus = 2\n", "unknown key 'bogus'", 2 },
		{ "config = /x\n", "unknown key 'config'", 1 },
		{ "#\n[run]\ninterval = 1\n", "section [run]", 2 },
		{ "interval = 1\n\ninterval = 2\n",
		  "'interval' is set twice (first on line 1)", 3 },
		{ "json = yes\njson = no\n", "'json' is set twice", 2 },
		{ "json = maybe\n", "'json = maybe': expected yes or no", 1 },
		{ "interval =\n", "'interval' has no value; expected SEC", 1 },
		{ "interval = 1\njust words\n", "expected 'key = value'", 2 },
	};
	char expect[256];
	struct config_args ca;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_config(cases[i].text, 0600);
		if (merge(NULL, &ca) != -EINVAL)
			fail_msg("case %zu accepted: %s", i, cases[i].text);
		snprintf(expect, sizeof(expect), "%s:%u: ", path,
			 cases[i].line);
		if (strncmp(last_error, expect, strlen(expect)) ||
		    !strstr(last_error, cases[i].expect))
			fail_msg("case %zu: got '%s', want '%s%s...'", i,
				 last_error, expect, cases[i].expect);
	}
}

static void overlong_line__refused(void **state)
{
	char text[512];
	struct config_args ca;

	(void)state;
	memset(text, '1', sizeof(text));
	memcpy(text, "interval = ", 11);
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = '\0';
	write_config(text, 0600);
	assert_int_equal(merge(NULL, &ca), -EINVAL);
	assert_non_null(strstr(last_error, ":1: line longer than"));

	/* A long comment on line 2: the line is still named, once. */
	memcpy(text, "json = no\n# ", 12);
	write_config(text, 0600);
	assert_int_equal(merge(NULL, &ca), -EINVAL);
	assert_non_null(strstr(last_error, ":2: line longer than"));
}

static void unsafe_or_missing_file__refused(void **state)
{
	struct config_args ca;

	(void)state;
	write_config("interval = 1\n", 0620);
	assert_int_equal(merge(NULL, &ca), -EINVAL);
	assert_non_null(strstr(last_error, "is writable by group/other"));
	write_config("interval = 1\n", 0602);
	assert_int_equal(merge(NULL, &ca), -EINVAL);
	unlink(path);
	assert_int_equal(merge(NULL, &ca), -ENOENT);
	assert_non_null(strstr(last_error, "cannot open"));
}

/*
 * mute (threshold, workload-rule) may repeat: each line one more
 * argument, in order; interval may not.
 */
static void mute_lines__repeat(void **state)
{
	struct config_args ca;

	(void)state;
	write_config("mute = for=1m\ninterval = 2\nmute = feature=syscall.id "
		     "for=2m\nworkload-rule = ^/a => x\nworkload-rule = ^/b "
		     "=> y\n", 0600);
	assert_int_equal(merge(NULL, &ca), 0);
	assert_int_equal(ca.argc, 8);
	assert_string_equal(ca.argv[1], "--mute=for=1m");
	assert_string_equal(ca.argv[3], "--mute=feature=syscall.id for=2m");
	assert_string_equal(ca.argv[4], "--workload-rule=^/a => x");
	assert_string_equal(ca.argv[5], "--workload-rule=^/b => y");
	config__release(&ca);
	write_config("interval = 1\nmute = for=1m\ninterval = 2\n", 0600);
	assert_int_equal(merge(NULL, &ca), -EINVAL);
	assert_non_null(strstr(last_error, ":3: 'interval' is set twice"));
	config__release(&ca);
	unlink(path);
}

static void config_option_forms(void **state)
{
	char *eq_form[] = { "prog", NULL }, arg[80], *dangling[] = {
		"prog", "--config" };
	struct config_args ca;

	(void)state;
	write_config("interval = 3\n", 0600);
	snprintf(arg, sizeof(arg), "--config=%s", path);
	eq_form[1] = arg;
	assert_int_equal(config__merge(&test_argp, 2, eq_form, &ca, last_error,
					sizeof(last_error)), 0);
	assert_int_equal(ca.argc, 3);
	assert_string_equal(ca.argv[1], "--interval=3");
	config__release(&ca);
	assert_int_equal(config__merge(&test_argp, 2, dangling, &ca, last_error,
					sizeof(last_error)), -EINVAL);
	assert_non_null(strstr(last_error, "--config: expected a FILE"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entries_become_arguments_before_the_command_line),
		cmocka_unit_test(origin__names_file_and_line),
		cmocka_unit_test(bad_files__refused_with_file_line),
		cmocka_unit_test(overlong_line__refused),
		cmocka_unit_test(unsafe_or_missing_file__refused),
		cmocka_unit_test(config_option_forms),
		cmocka_unit_test(mute_lines__repeat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
