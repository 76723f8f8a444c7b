// SPDX-License-Identifier: MIT
/*
 * `analyze` on window files written here (no BPF needed): series absent
 * from the baseline are said once and never judged. A baseline learns the
 * host and one service from syscall.id alone; then the service also shows
 * syscall.errno and syscall.latency (new features of a known cgroup: one
 * `new` line each) and a second service appears with two features (a new
 * cgroup: one `new` line, whatever its features), over three windows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "feature.h"
#include "harness.h"

static char dir[] = "/tmp/dp-newseries.XXXXXX";

/* One window record: feature f of cgroup with n events in bin 1. */
static void write_hist(FILE *f, double ts, const char *cgroup,
		       enum dp_feature_id id, unsigned int n)
{
	const struct feature_info *fi = &feature_table[id];

	fprintf(f, "{\"ts\":%.1f,\"interval_s\":10,\"host\":\"h\",\"cgroup\":"
		"\"%s\",\"feature\":\"%s\",\"counts\":[", ts, cgroup, fi->name);
	for (uint32_t b = 0; b < fi->bins; b++)
		fprintf(f, "%s%u", b ? "," : "", b == 1 ? n : b == 2 ? 100 : 0);
	fputs("]}\n", f);
}

/* Lines of out holding every one of the (NULL-terminated) needles. */
static int count_lines(const char *out, ...)
{
	int n = 0;

	for (const char *line = out; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char *copy = strndup(line, len);
		const char *needle;
		bool all = true;
		va_list ap;

		assert_non_null(copy);
		va_start(ap, out);
		while ((needle = va_arg(ap, const char *)))
			all = all && strstr(copy, needle);
		va_end(ap);
		n += all;
		free(copy);
		line += len + (end != NULL);
	}
	return n;
}

static void analyze__new_cgroup_once__new_feature_of_known_cgroup_once_each(
	void **state)
{
	char learn[PATH_MAX], later[PATH_MAX], bl[PATH_MAX];
	char args[PATH_MAX * 3], *out;
	FILE *f;
	int st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(learn, sizeof(learn), "%s/learn.jsonl", dir);
	snprintf(later, sizeof(later), "%s/later.jsonl", dir);
	snprintf(bl, sizeof(bl), "%s/baseline.json", dir);
	f = fopen(learn, "w");
	assert_non_null(f);
	for (int i = 0; i < 6; i++) {
		write_hist(f, 1000 + 10 * i, "/", DP_F_SYSCALL_ID, 900 + i);
		write_hist(f, 1000 + 10 * i, "/a.service", DP_F_SYSCALL_ID,
			   500 + i);
	}
	assert_int_equal(fclose(f), 0);
	f = fopen(later, "w");
	assert_non_null(f);
	for (int i = 0; i < 3; i++) {
		double ts = 2000 + 10 * i;

		write_hist(f, ts, "/", DP_F_SYSCALL_ID, 900);
		write_hist(f, ts, "/a.service", DP_F_SYSCALL_ID, 500);
		write_hist(f, ts, "/a.service", DP_F_SYSCALL_ERRNO, 300);
		write_hist(f, ts, "/a.service", DP_F_SYSCALL_LATENCY, 300);
		write_hist(f, ts, "/b.service", DP_F_SYSCALL_ID, 300);
		write_hist(f, ts, "/b.service", DP_F_SYSCALL_ERRNO, 300);
	}
	assert_int_equal(fclose(f), 0);
	snprintf(args, sizeof(args), "baseline build -o %s %s >/dev/null",
		 bl, learn);
	free(harness__capture(args, &st));
	assert_int_equal(st, 0);

	snprintf(args, sizeof(args), "analyze --json -b %s %s", bl, later);
	out = harness__capture(args, &st);
	assert_int_equal(st, 0);
	assert_int_equal(count_lines(out, "\"verdict\":\"new\"", NULL), 3);
	assert_int_equal(count_lines(out, "\"verdict\":\"new\"",
				     "\"cgroup\":\"/b.service\"",
				     "cgroup not in the baseline", NULL), 1);
	assert_int_equal(count_lines(out, "\"verdict\":\"new\"",
				     "\"cgroup\":\"/a.service\"",
				     "\"feature\":\"syscall.errno\"",
				     "no events of this feature", NULL), 1);
	assert_int_equal(count_lines(out, "\"verdict\":\"new\"",
				     "\"cgroup\":\"/a.service\"",
				     "\"feature\":\"syscall.latency\"",
				     "no events of this feature", NULL), 1);
	/* The known series are still judged, every window. */
	assert_int_equal(count_lines(out, "\"cgroup\":\"/a.service\"",
				     "\"feature\":\"syscall.id\"",
				     "\"verdict\":\"normal\"", NULL), 3);
	free(out);

	snprintf(args, sizeof(args), "analyze -b %s %s", bl, later);
	out = harness__capture(args, &st);
	assert_int_equal(st, 0);
	assert_int_equal(count_lines(out, "NEW cgroup /b.service", NULL), 1);
	assert_int_equal(count_lines(out, "NEW syscall.errno in cgroup "
				     "/a.service", NULL), 1);
	free(out);
	assert_int_equal(harness__remove_dir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		analyze__new_cgroup_once__new_feature_of_known_cgroup_once_each),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
