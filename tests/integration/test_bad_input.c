// SPDX-License-Identifier: MIT
/*
 * Bad input, table-driven, against the real binary. Every case runs in its
 * own directory holding a valid window file (good.jsonl) and baseline
 * (b.json) plus whatever the case breaks, and must:
 *   - exit with the expected status (2 bad usage/input, 1 runtime), not die
 *     from a signal (no crash, no sanitizer abort: those exit 99/98);
 *   - print one error line naming the problem (containing `says`); the only
 *     other stderr text allowed is `run`'s "learning baseline:" progress and
 *     argp's standard "Try `driftprobe X --help' ..." hint after a usage
 *     error;
 *   - leave its directory exactly as it was: no new file (partial output,
 *     temp file), no changed file (an old baseline stays as it was).
 * Cases flagged AS_NOBODY run as uid/gid 65534; NO_TRACEFS runs in a
 * private mount namespace with tracefs and debugfs unmounted (the host's
 * mounts are untouched) and without CAP_SYS_ADMIN, as a service does: it
 * cannot mount tracefs itself. STDOUT_FULL and STDOUT_CLOSED give it a
 * stdout that fails every write (ENOSPC, EPIPE).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "harness.h"

#define NOBODY 65534

/* STDOUT_FULL: stdout is /dev/full; STDOUT_CLOSED: a pipe nobody reads. */
enum { AS_NOBODY = 1, NO_TRACEFS = 2, STDOUT_FULL = 4, STDOUT_CLOSED = 8 };

struct bad_case {
	const char *name;
	void (*setup)(const char *dir);
	/* "@x" is the case directory's file x. */
	const char *args[14];
	int status;
	const char *says;
	unsigned int flags;
};

static char top[] = "/tmp/dprel-bad.XXXXXX";
static char binary[PATH_MAX];
static char *good_baseline;	/* text of a valid baseline */
static size_t good_baseline_len;

/* ---- files ---------------------------------------------------------------- */

static void put(const char *dir, const char *name, const char *text,
		size_t len, mode_t mode)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);	/* not masked by umask */
	close(fd);
}

static void put_str(const char *dir, const char *name, const char *text)
{
	put(dir, name, text, strlen(text), 0644);
}

/* One record line; counts has exactly `bins` entries given by first/rest. */
static char *record(const char *feature, double interval, uint32_t bins,
		    const char *first, const char *rest)
{
	size_t cap = 256 + (size_t)bins * (strlen(rest) + 1) + strlen(first);
	char *s = malloc(cap);
	size_t n;

	assert_non_null(s);
	n = snprintf(s, cap, "{\"ts\":1700000000.0,\"interval_s\":%g,\"host\":"
		     "\"h\",\"cgroup\":\"/\",\"feature\":\"%s\",\"counts\":[%s",
		     interval, feature, first);
	for (uint32_t i = 1; i < bins; i++)
		n += snprintf(s + n, cap - n, ",%s", rest);
	snprintf(s + n, cap - n, "]}\n");
	return s;
}

static void put_record(const char *dir, const char *name, const char *feature,
		       double interval, uint32_t bins, const char *first,
		       const char *rest)
{
	char *s = record(feature, interval, bins, first, rest);

	put_str(dir, name, s);
	free(s);
}

static void put_good_windows(const char *dir)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/good.jsonl", dir);
	harness__write_windows(path, 4);
}

/* bad.json: the valid baseline with the first `from` replaced by `to`. */
static void put_edited_baseline(const char *dir, const char *from,
				const char *to)
{
	const char *at = strstr(good_baseline, from);
	size_t cap = good_baseline_len + strlen(to) + 1;
	char *s = malloc(cap);

	assert_non_null(at);
	assert_non_null(s);
	snprintf(s, cap, "%.*s%s%s", (int)(at - good_baseline), good_baseline,
		 to, at + strlen(from));
	put(dir, "bad.json", s, strlen(s), 0600);
	free(s);
}

/* bad.json: the valid baseline with its first count replaced by value. */
static void put_first_count(const char *dir, const char *value)
{
	const char *key = "\"counts\":[";
	const char *at = strstr(good_baseline, key);
	char from[64];
	size_t n;

	assert_non_null(at);
	at += strlen(key);
	n = strspn(at, "0123456789");
	snprintf(from, sizeof(from), "%s%.*s,", key, (int)n, at);
	{
		char to[96];

		snprintf(to, sizeof(to), "%s%s,", key, value);
		put_edited_baseline(dir, from, to);
	}
}

/* ---- case setups ---------------------------------------------------------- */

static void s_bl_dir(const char *d)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/bad.json", d);
	assert_int_equal(mkdir(p, 0700), 0);
}

static void s_bl_fifo(const char *d)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/bad.json", d);
	assert_int_equal(mkfifo(p, 0600), 0);
}

static void s_bl_empty(const char *d) { put(d, "bad.json", "", 0, 0600); }
static void s_bl_truncated(const char *d)
{
	put(d, "bad.json", good_baseline, good_baseline_len / 2, 0600);
}
static void s_bl_garbage(const char *d)
{
	put(d, "bad.json", "hello, baseline\n", 16, 0600);
}
static void s_bl_trailing(const char *d)
{
	char *s;

	assert_true(asprintf(&s, "%s{}", good_baseline) > 0);
	put(d, "bad.json", s, strlen(s), 0600);
	free(s);
}

static void s_bl_huge(const char *d)
{
	char p[PATH_MAX];

	s_bl_empty(d);
	snprintf(p, sizeof(p), "%s/bad.json", d);
	assert_int_equal(truncate(p, 300ll << 20), 0);	/* sparse */
}

static void s_bl_mode(const char *d, mode_t mode)
{
	put(d, "bad.json", good_baseline, good_baseline_len, mode);
}
static void s_bl_0666(const char *d) { s_bl_mode(d, 0666); }
static void s_bl_0620(const char *d) { s_bl_mode(d, 0620); }
static void s_bl_0000(const char *d) { s_bl_mode(d, 0000); }

static void s_bl_other_owner(const char *d)
{
	char p[PATH_MAX];

	s_bl_mode(d, 0600);
	snprintf(p, sizeof(p), "%s/bad.json", d);
	assert_int_equal(chown(p, NOBODY, NOBODY), 0);
}

static void s_bl_version(const char *d)
{
	put_edited_baseline(d, "\"version\":2", "\"version\":3");
}
static void s_bl_version1(const char *d)
{
	put_edited_baseline(d, "\"version\":2", "\"version\":1");
}
static void s_bl_format(const char *d)
{
	put_edited_baseline(d, "\"driftprobe-baseline\"", "\"other-baseline\"");
}
static void s_bl_bins(const char *d)
{
	put_edited_baseline(d, "\"bins\":512", "\"bins\":500");
}
static void s_bl_feature(const char *d)
{
	put_edited_baseline(d, "\"syscall.errno\"", "\"net.bogus\"");
}
static void s_bl_windows1(const char *d)
{
	put_edited_baseline(d, "\"windows\":4,\n", "\"windows\":1,\n");
}
static void s_bl_nan(const char *d)
{
	put_edited_baseline(d, "\"scale\":", "\"scale\":NaN,\"x\":");
}
static void s_bl_negative(const char *d) { put_first_count(d, "-1"); }
static void s_bl_overflow(const char *d)
{
	put_first_count(d, "18446744073709551616");
}

static void s_w_empty(const char *d) { put_str(d, "bad.jsonl", ""); }
static void s_w_truncated(const char *d)
{
	char *s = record("syscall.errno", 1, 136, "1", "2");

	s[strlen(s) / 2] = 0;
	put_str(d, "bad.jsonl", s);
	free(s);
}
static void s_w_nan(const char *d)
{
	put_record(d, "bad.jsonl", "syscall.errno", 1, 136, "NaN", "0");
}
static void s_w_negative(const char *d)
{
	put_record(d, "bad.jsonl", "syscall.errno", 1, 136, "0", "-4");
}
static void s_w_too_big(const char *d)
{
	put_record(d, "bad.jsonl", "syscall.errno", 1, 136,
		   "18446744073709551616", "0");
}
static void s_w_sum_overflow(const char *d)
{
	put_record(d, "bad.jsonl", "syscall.errno", 1, 136,
		   "9223372036854775808", "9223372036854775808");
}
static void s_w_bins(const char *d)
{
	put_record(d, "bad.jsonl", "syscall.errno", 1, 135, "1", "1");
}
static void s_w_feature(const char *d)
{
	put_record(d, "bad.jsonl", "net.bogus", 1, 136, "1", "1");
}
static void s_w_interval(const char *d)
{
	put_record(d, "bad.jsonl", "syscall.errno", -1, 136, "1", "1");
}
static void s_w_huge_line(const char *d)
{
	size_t len = (17u << 20) + 1;
	char *s = malloc(len);

	assert_non_null(s);
	memset(s, ' ', len - 1);
	s[0] = '{';
	s[len - 1] = '\n';
	put(d, "bad.jsonl", s, len, 0644);
	free(s);
}
static void s_w_nul(const char *d)
{
	put(d, "bad.jsonl", "{\"ts\":1\0}\n", 10, 0644);
}
static void s_w_0000(const char *d)
{
	put(d, "bad.jsonl", "{}\n", 3, 0000);
}
static void s_w_dir(const char *d)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/bad.jsonl", d);
	assert_int_equal(mkdir(p, 0700), 0);
}
static void s_w_dup(const char *d)
{
	char *a = record("syscall.errno", 1, 136, "1", "1");
	char *s;

	assert_true(asprintf(&s, "%s%s", a, a) > 0);
	put_str(d, "bad.jsonl", s);
	free(s);
	free(a);
}
static void s_w_interval_mix(const char *d)
{
	char *a = record("syscall.errno", 1, 136, "1", "1");
	char *b = record("syscall.latency", 2, 160, "1", "1");
	char *s;

	assert_true(asprintf(&s, "%s%s", a, b) > 0);
	put_str(d, "bad.jsonl", s);
	free(s);
	free(a);
	free(b);
}

/* bad.jsonl: two one-record windows, the second interval2 s long. */
static void put_two_windows(const char *d, const char *count, double interval2)
{
	char *a = record("syscall.errno", 1, 136, count, "0");
	char *b = record("syscall.errno", interval2, 136, count, "0");
	char *s;

	memcpy(strstr(b, "1700000000.0"), "1700000001.0", 12);
	assert_true(asprintf(&s, "%s%s", a, b) > 0);
	put_str(d, "bad.jsonl", s);
	free(s);
	free(a);
	free(b);
}
static void s_w_pool_overflow(const char *d)
{
	put_two_windows(d, "4611686018427387904", 1);	/* 2^62 each */
}
static void s_w_window_lengths(const char *d) { put_two_windows(d, "5", 2); }
static void s_w_ts_huge(const char *d)
{
	char *s = record("syscall.errno", 1, 136, "1", "1");

	memcpy(strstr(s, "1700000000.0"), "9.3e18      ", 12);
	put_str(d, "bad.jsonl", s);
	free(s);
}
static void s_bl_created_huge(const char *d)
{
	put_edited_baseline(d, "\"created\":", "\"created\":9.3e18,\"x\":");
}
static void s_bl_250mb(const char *d)
{
	char p[PATH_MAX];

	s_bl_empty(d);
	snprintf(p, sizeof(p), "%s/bad.json", d);
	assert_int_equal(truncate(p, 250ll << 20), 0);	/* sparse */
}
static void s_dev_out(const char *d)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/dev.json", d);
	assert_int_equal(mknod(p, S_IFCHR | 0600, makedev(1, 3)), 0);
}
static void s_rec_link(const char *d)
{
	char p[PATH_MAX];

	put(d, "t.jsonl", "", 0, 0600);
	snprintf(p, sizeof(p), "%s/link.jsonl", d);
	assert_int_equal(symlink("t.jsonl", p), 0);
}
static void s_rec_0666(const char *d) { put(d, "w.jsonl", "", 0, 0666); }
static void s_bl_here(const char *d);
static void s_rec_other(const char *d)
{
	char p[PATH_MAX];

	s_bl_here(d);
	put(d, "w.jsonl", "", 0, 0600);
	snprintf(p, sizeof(p), "%s/w.jsonl", d);
	assert_int_equal(chown(p, NOBODY, NOBODY), 0);
}
static void s_w_many(const char *d)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/many.jsonl", d);
	harness__write_windows(path, 12);
}
static void s_conf_user(const char *d)
{
	put_str(d, "c.conf", "interval = 1\nuser = dprel-nosuchuser\n");
}
/* bad.json: the valid baseline, learnt on this host (no warning). */
static void s_bl_here(const char *d)
{
	char host[300], to[320];

	assert_int_equal(gethostname(host, sizeof(host)), 0);
	snprintf(to, sizeof(to), "\"host\":\"%s\"", host);
	put_edited_baseline(d, "\"host\":\"h\"", to);
}

/* ---- the table ------------------------------------------------------------ */

#define ANALYZE(file) "analyze", "-b", "@b.json", "@" file
#define ANALYZE_BL "analyze", "-b", "@bad.json", "@good.jsonl"
#define BUILD(file) "baseline", "build", "-o", "@out.json", "@good.jsonl", "@" file

static const struct bad_case cases[] = {
	/* usage */
	{ "unknown command", NULL, { "frobnicate" }, 2,
	  "unknown command 'frobnicate'", 0 },
	{ "unknown option", NULL, { "analyze", "--bogus", "-b", "@b.json",
	  "@good.jsonl" }, 2, "unrecognized option '--bogus'", 0 },
	{ "interval zero", NULL, { "record", "--interval", "0" }, 2,
	  "--interval: bad value '0'", 0 },
	{ "interval with unit", NULL, { "run", "--interval", "10s" }, 2,
	  "--interval: bad value '10s'", 0 },
	{ "interval negative", NULL, { "record", "-i", "-1" }, 2,
	  "--interval: bad value '-1'", 0 },
	{ "interval above a day", NULL, { "record", "-i", "1e9" }, 2,
	  "--interval: bad value '1e9'", 0 },
	{ "duration shorter than interval", NULL, { "record", "-i", "2", "-d",
	  "1" }, 2, "--duration 1 is shorter than --interval 2", 0 },
	{ "learning under 2 windows", NULL, { "run", "--learn", "1", "-i",
	  "1" }, 2, "expected at least 2", 0 },
	{ "bad hooks", NULL, { "record", "--hooks", "kprobe" }, 2,
	  "--hooks: bad value 'kprobe'", 0 },
	{ "negative alpha", NULL, { "analyze", "--alpha", "-1", "-b",
	  "@b.json", "@good.jsonl" }, 2, "--alpha: bad value '-1'", 0 },
	{ "p above 1", NULL, { "analyze", "--p", "2", "-b", "@b.json",
	  "@good.jsonl" }, 2, "--p: bad value '2'", 0 },
	{ "consecutive zero", NULL, { "analyze", "--consecutive", "0", "-b",
	  "@b.json", "@good.jsonl" }, 2, "--consecutive: bad value '0'", 0 },
	{ "baseline with save-baseline", NULL, { "run", "-b", "@b.json",
	  "--save-baseline", "@new.json" }, 2,
	  "--save-baseline goes with learning", 0 },
	{ "analyze without baseline", NULL, { "analyze", "@good.jsonl" }, 2,
	  "--baseline FILE is required", 0 },
	{ "unknown user", NULL, { "record", "--user", "dprel-nosuchuser" }, 2,
	  "--user: no such user 'dprel-nosuchuser'", 0 },
	{ "user is root", NULL, { "run", "--user", "root" }, 2,
	  "--user root: is uid 0; expected an unprivileged user", 0 },
	{ "incident log size without the log", NULL, { "run",
	  "--incident-log-size", "100000" }, 2,
	  "--incident-log-size goes with --incident-log FILE", 0 },
	{ "incident log size too small", NULL, { "run", "--incident-log",
	  "@inc.jsonl", "--incident-log-size", "100" }, 2,
	  "--incident-log-size: bad value '100'", 0 },
	{ "incident log is a directory", s_bl_dir, { "run", "--incident-log",
	  "@bad.json" }, 2, "--incident-log: ", 0 },
	{ "incident log is the record file", NULL, { "run", "--record",
	  "@good.jsonl", "--incident-log", "@good.jsonl" }, 2,
	  "is the baseline or --record file too", 0 },
	{ "unknown baseline action", NULL, { "baseline", "frob",
	  "@good.jsonl" }, 2, "unknown action 'frob'", 0 },
	/* baseline files */
	{ "baseline missing", NULL, { ANALYZE_BL }, 2,
	  "bad.json: cannot open: No such file", 0 },
	{ "baseline is a directory", s_bl_dir, { ANALYZE_BL }, 2,
	  "bad.json: not a regular file", 0 },
	{ "baseline is a FIFO", s_bl_fifo, { ANALYZE_BL }, 2,
	  "bad.json: not a regular file", 0 },
	{ "baseline empty", s_bl_empty, { ANALYZE_BL }, 2,
	  "bad.json: truncated JSON", 0 },
	{ "baseline truncated", s_bl_truncated, { ANALYZE_BL }, 2,
	  "bad.json: truncated JSON", 0 },
	{ "baseline not JSON", s_bl_garbage, { ANALYZE_BL }, 2,
	  "bad.json: corrupt JSON", 0 },
	{ "baseline trailing data", s_bl_trailing, { ANALYZE_BL }, 2,
	  "trailing data", 0 },
	{ "baseline huge", s_bl_huge, { ANALYZE_BL }, 2,
	  "larger than 64 MiB", 0 },
	{ "baseline of 250 MB", s_bl_250mb, { ANALYZE_BL }, 2,
	  "bad.json: larger than 64 MiB (262144000 bytes)", 0 },
	{ "baseline created beyond year 9999", s_bl_created_huge,
	  { ANALYZE_BL }, 2, "\"created\" 9.3e+18 is out of range", 0 },
	{ "baseline world-writable", s_bl_0666, { ANALYZE_BL }, 2,
	  "is writable by group/other (mode 0666)", 0 },
	{ "baseline group-writable", s_bl_0620, { ANALYZE_BL }, 2,
	  "is writable by group/other (mode 0620)", 0 },
	{ "baseline owned by another user", s_bl_other_owner, { ANALYZE_BL }, 2,
	  "is owned by uid 65534", 0 },
	{ "baseline world-writable, live run", s_bl_0666, { "run", "-b",
	  "@bad.json" }, 2, "is writable by group/other", 0 },
	{ "baseline unreadable", s_bl_0000, { ANALYZE_BL }, 2,
	  "bad.json: cannot open: Permission denied", AS_NOBODY },
	{ "baseline wrong version", s_bl_version, { ANALYZE_BL }, 2,
	  "unknown version 3", 0 },
	{ "baseline of version 1", s_bl_version1, { ANALYZE_BL }, 2,
	  "version 1 baseline (effect thresholds, from before modes and the "
	  "alarm budget); learn it again", 0 },
	{ "baseline wrong format", s_bl_format, { ANALYZE_BL }, 2,
	  "wrong format \"other-baseline\"", 0 },
	{ "baseline bin-count mismatch", s_bl_bins, { ANALYZE_BL }, 2,
	  "bin-count mismatch: file has 500, this build has 512", 0 },
	{ "baseline unknown feature", s_bl_feature, { ANALYZE_BL }, 2,
	  "unknown feature name \"net.bogus\"", 0 },
	{ "baseline of one window", s_bl_windows1, { ANALYZE_BL }, 2,
	  "needs 2 or more", 0 },
	{ "baseline NaN score scale", s_bl_nan, { ANALYZE_BL }, 2,
	  "\"scale\" must be a finite number >= 0, got NaN", 0 },
	{ "baseline negative count", s_bl_negative, { ANALYZE_BL }, 2,
	  "counts[0] is -1, expected a non-negative integer", 0 },
	{ "baseline overflowing count", s_bl_overflow, { ANALYZE_BL }, 2,
	  "counts[0] overflows 64 bits", 0 },
	/* window files */
	{ "windows missing", NULL, { ANALYZE("none.jsonl") }, 2,
	  "none.jsonl: cannot open window records: No such file", 0 },
	{ "windows empty", s_w_empty, { "baseline", "build", "-o",
	  "@out.json", "@bad.jsonl" }, 2, "got 0 learning windows", 0 },
	{ "windows truncated line", s_w_truncated, { BUILD("bad.jsonl") }, 2,
	  "bad.jsonl:1: not a JSON object on one line", 0 },
	{ "windows NaN count", s_w_nan, { BUILD("bad.jsonl") }, 2,
	  "bad.jsonl:1: counts[0] of syscall.errno is not an integer", 0 },
	{ "windows negative count", s_w_negative, { ANALYZE("bad.jsonl") }, 2,
	  "bad.jsonl:1: counts[1] of syscall.errno is negative (-4)", 0 },
	{ "windows count over 64 bits", s_w_too_big, { ANALYZE("bad.jsonl") },
	  2, "bad.jsonl:1: counts[0] of syscall.errno overflows", 0 },
	{ "windows counts summing over 64 bits", s_w_sum_overflow,
	  { BUILD("bad.jsonl") }, 2,
	  "bad.jsonl:1: counts[1] of syscall.errno overflows", 0 },
	{ "windows bin-count mismatch", s_w_bins, { ANALYZE("bad.jsonl") }, 2,
	  "bad.jsonl:1: \"counts\" has 135 bins; syscall.errno has 136", 0 },
	{ "windows unknown feature", s_w_feature, { BUILD("bad.jsonl") }, 2,
	  "bad.jsonl:1: unknown feature \"net.bogus\"", 0 },
	{ "windows negative interval", s_w_interval, { ANALYZE("bad.jsonl") },
	  2, "bad.jsonl:1: \"interval_s\" missing or bad", 0 },
	{ "windows interval differs in a window", s_w_interval_mix,
	  { BUILD("bad.jsonl") }, 2,
	  "bad.jsonl:2: \"interval_s\" 2 differs from 1", 0 },
	{ "windows feature twice", s_w_dup, { ANALYZE("bad.jsonl") }, 2,
	  "bad.jsonl:2: feature syscall.errno, cgroup / appears twice", 0 },
	{ "windows huge line", s_w_huge_line, { BUILD("bad.jsonl") }, 2,
	  "bad.jsonl:1: line longer than 16 MiB", 0 },
	{ "windows from /dev/zero", NULL, { "analyze", "-b", "@b.json",
	  "/dev/zero" }, 2, "/dev/zero:1: line longer than 16 MiB", 0 },
	{ "windows ts beyond year 9999", s_w_ts_huge, { ANALYZE("bad.jsonl") },
	  2, "bad.jsonl:1: \"ts\" missing, bad or out of range", 0 },
	{ "windows pooled to 2^63", s_w_pool_overflow, { BUILD("bad.jsonl") },
	  2, "bad.jsonl:2: counts overflow when added", 0 },
	{ "windows of two lengths (warned, read)", s_w_window_lengths,
	  { ANALYZE("bad.jsonl") }, 0,
	  "bad.jsonl:2: window of 2 s among windows of 1 s", 0 },
	{ "windows NUL byte", s_w_nul, { ANALYZE("bad.jsonl") }, 2,
	  "bad.jsonl:1: NUL byte in line", 0 },
	{ "windows unreadable", s_w_0000, { "mi", "@bad.jsonl" }, 2,
	  "bad.jsonl: cannot open window records: Permission denied",
	  AS_NOBODY },
	{ "windows is a directory", s_w_dir, { BUILD("bad.jsonl") }, 2,
	  "bad.jsonl: read error: Is a directory", 0 },
	/* outputs and the system */
	{ "bad windows keep the old baseline", s_w_truncated, { "baseline",
	  "build", "-o", "@b.json", "@good.jsonl", "@bad.jsonl" }, 2,
	  "bad.jsonl:1: not a JSON object", 0 },
	{ "baseline output directory missing", NULL, { "baseline", "build",
	  "-o", "@nodir/b.json", "@good.jsonl" }, 2,
	  "nodir/b.json: cannot write a baseline file in directory", 0 },
	{ "baseline output directory not writable", NULL, { "baseline",
	  "build", "-o", "@b.json", "@good.jsonl" }, 2,
	  "b.json: cannot write a baseline file in directory", AS_NOBODY },
	{ "baseline output is a device", s_dev_out, { "baseline", "build",
	  "-o", "@dev.json", "@good.jsonl" }, 2,
	  "dev.json: is not a regular file", 0 },
	{ "baseline output is its input", NULL, { "baseline", "build", "-o",
	  "@./good.jsonl", "@good.jsonl" }, 2, "is the input", 0 },
	{ "run records into its new baseline", NULL, { "run", "--learn", "30",
	  "-i", "1", "-d", "31", "--record", "@x.json", "--save-baseline", "@x.json" }, 2,
	  "x.json: is the baseline file", 0 },
	{ "run records into its baseline", NULL, { "run", "-b", "@b.json",
	  "-i", "1", "-d", "1", "--record", "@b.json" }, 2, "b.json: is the baseline file", 0 },
	{ "record through a symbolic link", s_rec_link, { "record", "-i", "1",
	  "-d", "1", "-o", "@link.jsonl" }, 2,
	  "link.jsonl: cannot open for writing", 0 },
	{ "record into a world-writable file", s_rec_0666, { "record", "-i",
	  "1", "-d", "1", "-o", "@w.jsonl" }, 2,
	  "w.jsonl: is writable by group/other (mode 0666)", 0 },
	{ "run records into another user's file", s_rec_other, { "run",
	  "-b", "@bad.json", "-i", "1", "-d", "1", "--record", "@w.jsonl" }, 2,
	  "w.jsonl: is owned by uid 65534", 0 },
	{ "learning longer than the run", NULL, { "run", "--learn", "5", "-d",
	  "2", "-i", "1" }, 2, "--learn 5 is longer than --duration 2", 0 },
	{ "unknown user in the config", s_conf_user, { "run", "--config",
	  "@c.conf" }, 2, "c.conf:2: --user: no such user", 0 },
	{ "analyze to a full disk", NULL, { ANALYZE("good.jsonl") }, 1,
	  "stdout: failed to write the output: No space left", STDOUT_FULL },
	{ "analyze to a closed pipe", NULL, { ANALYZE("good.jsonl") }, 1,
	  "stdout: failed to write the output: Broken pipe", STDOUT_CLOSED },
	{ "show to a full disk", NULL, { "show", "@b.json" }, 1,
	  "stdout: failed to write the output", STDOUT_FULL },
	{ "mi to a closed pipe", s_w_many, { "mi", "@many.jsonl" }, 1,
	  "stdout: failed to write the output", STDOUT_CLOSED },
	{ "features to a full disk", NULL, { "features" }, 1,
	  "stdout: failed to write the output", STDOUT_FULL },
	{ "run --json to a full disk", s_bl_here, { "run", "-b", "@bad.json", "-j",
	  "-i", "1", "-d", "3" }, 1, "stdout: failed to write the output",
	  STDOUT_FULL },
	{ "record output directory missing", NULL, { "record", "-o",
	  "@nodir/w.jsonl" }, 2, "nodir/w.jsonl: cannot open for writing", 0 },
	{ "run record file is a directory", NULL, { "run", "--record", "@.", 0 },
	  2, "cannot open for writing: Is a directory", 0 },
	{ "not root", NULL, { "record", "-i", "1", "-d", "1", "-o",
	  "/dev/null" }, 1, "permission denied: driftprobe needs root",
	  AS_NOBODY },
	{ "tracefs absent, cannot mount it", NULL, { "record", "--hooks",
	  "tracepoint", "-i", "1", "-d", "1", "-o", "/dev/null" }, 1,
	  "mount -t tracefs nodev /sys/kernel/tracing", NO_TRACEFS },
	{ "run cannot save its baseline, before learning", NULL, { "run",
	  "--learn", "30", "-i", "1", "-d", "31", "--save-baseline",
	  "@nodir/b.json" }, 2,
	  "nodir/b.json: cannot write a baseline file in directory", 0 },
	{ "run cannot persist its baseline, before learning", NULL, { "run",
	  "--learn", "30", "-i", "1", "-d", "31", "--persist-baseline",
	  "@nodir/b.json" },
	  2, "nodir/b.json: cannot write a baseline file in directory", 0 },
};

/* ---- running a case ------------------------------------------------------- */

/* A directory's entries, each with what would show a change. */
struct listing {
	size_t n;
	char line[32][320];
};

static void list_dir(const char *dir, struct listing *l)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	l->n = 0;
	while ((e = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		assert_true(l->n < 32);
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		assert_int_equal(lstat(p, &st), 0);
		snprintf(l->line[l->n++], sizeof(l->line[0]),
			 "%s ino %lu mode %o size %lld mtime %ld.%09ld",
			 e->d_name, (unsigned long)st.st_ino,
			 (unsigned int)st.st_mode, (long long)st.st_size,
			 (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	}
	closedir(d);
	qsort(l->line, l->n, sizeof(l->line[0]),
	      (int (*)(const void *, const void *))strcmp);
}

/* In the child: take away what the case says, then exec. */
static void child_exec(const struct bad_case *c, char **argv)
{
	if (c->flags & NO_TRACEFS) {
		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(126);
		umount2("/sys/kernel/debug/tracing", MNT_DETACH);
		umount2("/sys/kernel/debug", MNT_DETACH);
		umount2("/sys/kernel/tracing", MNT_DETACH);
		if (!access("/sys/kernel/tracing/events", F_OK) ||
		    !access("/sys/kernel/debug/tracing/events", F_OK) ||
		    prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0))
			_exit(126);
	}
	if (c->flags & AS_NOBODY) {
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(126);
	}
	execv(argv[0], argv);
	_exit(127);
}

static int spawn_case(const struct bad_case *c, const char *dir,
		      const char *errpath)
{
	char *argv[16], *owned[16];
	int n = 0, nowned = 0, status;
	double waited = 0;
	pid_t pid;

	argv[n++] = binary;
	for (const char *const *a = c->args; *a; a++) {
		if (**a == '@') {
			assert_true(asprintf(&owned[nowned], "%s/%s", dir,
					     *a + 1) > 0);
			argv[n++] = owned[nowned++];
		} else {
			argv[n++] = (char *)*a;
		}
	}
	argv[n] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int out = open(c->flags & STDOUT_FULL ? "/dev/full" :
			       "/dev/null", O_WRONLY);
		int p[2];

		if (c->flags & STDOUT_CLOSED) {
			if (pipe(p))
				_exit(125);
			close(p[0]);
			out = p[1];
		}
		int err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
		    chdir(dir))
			_exit(125);
		child_exec(c, argv);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (waited > 60) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail_msg("%s: still running after 60 s", c->name);
		}
		usleep(10000);
		waited += 0.01;
	}
	for (int i = 0; i < nowned; i++)
		free(owned[i]);
	if (WIFSIGNALED(status))
		fail_msg("%s: driftprobe died with signal %d", c->name,
			 WTERMSIG(status));
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* Is rest (stderr after the error line) only argp's "Try ..." hint? */
static bool is_argp_hint(const char *rest)
{
	char flat[512];
	size_t n = 0;

	for (; *rest && n < sizeof(flat) - 1; rest++)
		flat[n++] = *rest == '\n' ? ' ' : *rest;
	while (n && flat[n - 1] == ' ')
		n--;
	flat[n] = 0;
	return !strncmp(flat, "Try `driftprobe ", 16) &&
	       strstr(flat, "--help' or `driftprobe ") &&
	       n > 21 && !strcmp(flat + n - 21, "for more information.");
}

/* stderr without run's progress lines (filtered in place). */
static char *read_errors(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = calloc(1, 1 << 16);
	size_t len = 0;

	assert_non_null(f);
	assert_non_null(text);
	while (len < (1 << 16) - 1 && fgets(text + len, (1 << 16) - len, f))
		if (strncmp(text + len, "learning baseline:", 18))
			len += strlen(text + len);
	text[len] = 0;
	fclose(f);
	return text;
}

#define CASE_FAIL(...)				\
	do {					\
		print_error(__VA_ARGS__);	\
		print_error("\n");		\
		free(errors);			\
		return false;			\
	} while (0)

/* One case; false (after saying why) if it failed. */
static bool run_case(const struct bad_case *c, size_t i)
{
	struct listing before, after;
	char dir[PATH_MAX], errpath[PATH_MAX];
	char *errors, *nl;
	int status;

	snprintf(dir, sizeof(dir), "%s/case%02zu", top, i);
	snprintf(errpath, sizeof(errpath), "%s/case%02zu.err", top, i);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	put_good_windows(dir);
	put(dir, "b.json", good_baseline, good_baseline_len, 0600);
	if (c->setup)
		c->setup(dir);
	list_dir(dir, &before);

	status = spawn_case(c, dir, errpath);
	errors = read_errors(errpath);
	nl = strchr(errors, '\n');
	print_message("%-42s exit %d: %.*s\n", c->name, status,
		      nl ? (int)(nl - errors) : (int)strlen(errors), errors);
	if (status != c->status)
		CASE_FAIL("%s: exit %d, expected %d; stderr:\n%s", c->name,
			 status, c->status, errors);
	if (!nl || !memmem(errors, nl - errors, c->says, strlen(c->says)))
		CASE_FAIL("%s: first stderr line does not say \"%s\":\n%s",
			 c->name, c->says, errors);
	if (nl[1] && !is_argp_hint(nl + 1))
		CASE_FAIL("%s: more than one error line:\n%s", c->name, errors);

	list_dir(dir, &after);
	if (before.n != after.n)
		CASE_FAIL("%s: %zu files before, %zu after (a partial or temp "
			 "file was left?)", c->name, before.n, after.n);
	for (size_t k = 0; k < before.n; k++)
		if (strcmp(before.line[k], after.line[k]))
			CASE_FAIL("%s: changed: %s -> %s", c->name,
				 before.line[k], after.line[k]);
	free(errors);
	return true;
}

static void bad_input__each_case__one_line_right_status_nothing_written(
	void **state)
{
	size_t n = sizeof(cases) / sizeof(cases[0]), failed = 0;

	(void)state;
	harness__require_root();
	print_message("%zu bad-input cases\n", n);
	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++)
		failed += !run_case(&cases[i], i);
	if (failed)
		fail_msg("%zu of %zu bad-input cases failed", failed, n);
}

/* A real baseline, built by the binary under test from good windows. */
static int setup(void **state)
{
	char dir[PATH_MAX + 8], path[PATH_MAX + 16], *cmd;
	FILE *f;
	long len;

	(void)state;
	if (!mkdtemp(top) || chmod(top, 0755) ||
	    !realpath(harness__binary(), binary))
		return -1;
	snprintf(dir, sizeof(dir), "%s/setup", top);
	if (mkdir(dir, 0700))
		return -1;
	put_good_windows(dir);
	if (asprintf(&cmd, "'%s' baseline build -o '%s/b.json' "
		     "'%s/good.jsonl' 2>/dev/null", binary, dir, dir) < 0 ||
	    system(cmd))
		return -1;
	free(cmd);
	snprintf(path, sizeof(path), "%s/b.json", dir);
	f = fopen(path, "r");
	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0)
		return -1;
	rewind(f);
	good_baseline = calloc(1, len + 1);
	if (!good_baseline || fread(good_baseline, 1, len, f) != (size_t)len)
		return -1;
	good_baseline_len = len;
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(good_baseline);
	return harness__remove_dir(top);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_input__each_case__one_line_right_status_nothing_written),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
