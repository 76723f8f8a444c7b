// SPDX-License-Identifier: MIT
/*
 * Root integration test of run's two human outputs: on a terminal (a
 * pseudo-terminal from script(1)) the compact view, one row per feature
 * redrawn in place with ANSI erase sequences; into a file plain status
 * lines with no escape sequence at all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "harness.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int count(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void terminal_gets_the_view_a_file_gets_lines(void **state)
{
	char dir[] = "/tmp/dpeco-live.XXXXXX", cmd[PATH_MAX * 3];
	char tty_out[PATH_MAX], file_out[PATH_MAX], *text, up[32];
	const char *run = "run --interval 0.5 --learn 1 --duration 3";
	int status;

	(void)state;
	harness__require_root();
	assert_non_null(mkdtemp(dir));
	snprintf(tty_out, sizeof(tty_out), "%s/tty", dir);
	snprintf(file_out, sizeof(file_out), "%s/file", dir);

	snprintf(cmd, sizeof(cmd), "script -qec '%s %s' /dev/null > %s "
		 "2>&1 < /dev/null", harness__binary(), run, tty_out);
	status = system(cmd);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	text = slurp(tty_out);
	/*
	 * 6 windows, 2 learning: 4 views, the first 3 erased by the next
	 * (cursor up over a header, a row per feature and a status line).
	 */
	assert_int_equal(count(text, "score/threshold"), 4);
	snprintf(up, sizeof(up), "\033[%dA\r\033[J", DP_F_COUNT + 2);
	assert_int_equal(count(text, up), 3);
	assert_int_equal(count(text, "\nsyscall.id "), 4);
	assert_int_equal(count(text, "\nsyscall.latency "), 4);
	assert_int_equal(count(text, "\nsyscall.errno "), 4);
	assert_null(strstr(text, "features checked"));
	free(text);

	snprintf(cmd, sizeof(cmd), "%s %s > %s 2>/dev/null", harness__binary(),
		 run, file_out);
	status = system(cmd);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	text = slurp(file_out);
	assert_null(strchr(text, '\033'));
	assert_int_equal(count(text, "features checked"), 4);
	free(text);

	assert_int_equal(harness__remove_dir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(terminal_gets_the_view_a_file_gets_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
