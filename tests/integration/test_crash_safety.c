// SPDX-License-Identifier: MIT
/*
 * Crash safety, with the real binary:
 *   - `baseline build` and `run --save-baseline` are SIGKILLed at random
 *     moments while they work; the destination must always be the old
 *     baseline byte for byte or a complete new one (loads, and for `build`
 *     equals an uninterrupted build apart from its creation time), never
 *     torn. Half the kills are aimed at the write itself (within 1 ms of a
 *     temp file appearing, or of the destination changing). Temp files a
 *     kill strands next to it are counted and removed.
 *   - after SIGTERM and after SIGKILL of `record` and `run`, every BPF
 *     program, link and map that process held (read from its
 *     /proc/PID/fdinfo while it ran, so other users' BPF objects are never
 *     looked at) is gone from the kernel.
 * The random delays come from a seed printed at the start (DPREL_SEED=n
 * repeats a run).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <cmocka.h>
#include "baseline.h"
#include "harness.h"

#define BUILD_KILLS	40
#define RUN_KILLS	8
#define BIG_WINDOWS	2000

static char top[] = "/tmp/dprel-crash.XXXXXX";
static char path_big[PATH_MAX], path_small[PATH_MAX], path_old[PATH_MAX],
	    path_ref[PATH_MAX], path_dest[PATH_MAX], path_null[PATH_MAX];

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	FILE *m;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &cap);
	assert_non_null(m);
	for (int c; (c = fgetc(f)) != EOF;)
		fputc(c, m);
	fclose(f);
	fclose(m);
	*len = cap;
	return buf;
}

/* The document without its "created" value, the one field runs differ in. */
static char *without_created(char *text)
{
	char *at = strstr(text, "\"created\":"), *end;

	if (at) {
		end = strchr(at, ',');
		if (end)
			memmove(at, end + 1, strlen(end + 1) + 1);
	}
	return text;
}

static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *text = slurp(from, &len);
	int fd;

	assert_non_null(text);
	fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fsync(fd), 0);
	close(fd);
	free(text);
}

/* Count temp files next to dest, removing them if remove is set. */
static int strays(const char *dest, bool remove)
{
	const char *base = strrchr(dest, '/') + 1;
	char prefix[NAME_MAX + 2];
	DIR *d = opendir(top);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	snprintf(prefix, sizeof(prefix), ".%s.", base);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix))) {
			char p[PATH_MAX + NAME_MAX + 2];

			snprintf(p, sizeof(p), "%s/%s", top, e->d_name);
			assert_true(!remove || !unlink(p));
			n++;
		}
	closedir(d);
	return n;
}

/* Wait for pid; 1 if it was SIGKILLed, 0 if it exited 0; fails otherwise. */
static int reap(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return 1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fail_msg("driftprobe ended with status 0x%x", status);
	return -1;
}

/* The destination is the old file or a complete new one: which? */
enum outcome { OLD, NEW };

static enum outcome check_dest(const char *dest, const char *old_text,
			       size_t old_len, const char *new_text,
			       uint64_t new_windows)
{
	struct baseline *bl;
	struct stat st;
	char err[512];
	size_t len;
	char *text = slurp(dest, &len);
	enum outcome o;

	if (!text)
		fail_msg("%s: gone after a kill: %s", dest, strerror(errno));
	assert_int_equal(stat(dest, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	bl = baseline__load(dest, err, sizeof(err));
	if (!bl)
		fail_msg("torn destination: %s", err);
	if (len == old_len && !memcmp(text, old_text, len)) {
		o = OLD;
	} else {
		if (new_text && strcmp(without_created(text), new_text))
			fail_msg("%s: neither the old baseline nor the "
				 "uninterrupted build's", dest);
		if (bl->windows != new_windows)
			fail_msg("%s: %lu windows, a complete new baseline has "
				 "%lu", dest, (unsigned long)bl->windows,
				 (unsigned long)new_windows);
		o = NEW;
	}
	baseline__free(bl);
	free(text);
	return o;
}

/*
 * Spin until pid starts writing: a temp file appears next to dest, or dest
 * itself changes (a writer that is not atomic). True if seen before pid
 * exited, false after timeout_s or once pid has exited (not reaped).
 */
static bool wait_for_write(pid_t pid, const char *dest,
			   const struct stat *before, double timeout_s)
{
	double end = harness__now() + timeout_s;
	siginfo_t si;
	struct stat st;

	while (harness__now() < end) {
		if (strays(dest, false) ||
		    (!stat(dest, &st) && (st.st_ino != before->st_ino ||
					  st.st_size != before->st_size ||
					  st.st_mtim.tv_nsec != before->st_mtim.tv_nsec)))
			return true;
		si.si_pid = 0;
		if (!waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) &&
		    si.si_pid == pid)
			return false;
	}
	return false;
}

static void build_quietly(const char *out, const char *in)
{
	const char *args[] = { "baseline", "build", "-o", out, in, NULL };

	assert_int_equal(reap(harness__spawn(path_null, args)), 0);
}

static void baseline_build__sigkill_at_random__dest_old_or_complete(void **state)
{
	const char *args[] = { "baseline", "build", "-o", path_dest, path_big,
			       NULL };
	int counts[2] = { 0, 0 }, killed = 0, nstrays = 0, in_write = 0;
	char *old_text, *ref_text;
	size_t old_len, ref_len;
	double t0, full;

	(void)state;
	old_text = slurp(path_old, &old_len);
	ref_text = slurp(path_ref, &ref_len);
	assert_non_null(old_text);
	assert_non_null(ref_text);
	without_created(ref_text);

	/* How long an uninterrupted build takes, to spread kills over it. */
	copy_file(path_old, path_dest);
	t0 = harness__now();
	assert_int_equal(reap(harness__spawn(path_null, args)), 0);
	full = harness__now() - t0;

	/*
	 * Even runs: killed at a random moment of the whole run. Odd runs:
	 * killed 0-1 ms after the write begins, the moment a non-atomic
	 * writer would tear the file.
	 */
	for (int i = 0; i < BUILD_KILLS; i++) {
		struct stat before;
		pid_t pid;

		copy_file(path_old, path_dest);
		assert_int_equal(stat(path_dest, &before), 0);
		pid = harness__spawn(path_null, args);
		if (i % 2 == 0) {
			usleep((useconds_t)(drand48() * 1.1 * full * 1e6));
		} else if (wait_for_write(pid, path_dest, &before, 3 * full + 5)) {
			in_write++;
			usleep((useconds_t)(drand48() * 1000));
		}
		kill(pid, SIGKILL);
		killed += reap(pid);
		counts[check_dest(path_dest, old_text, old_len, ref_text,
				  BIG_WINDOWS)]++;
		nstrays += strays(path_dest, true);
	}
	print_message("baseline build (%.2f s uninterrupted): %d runs, %d "
		      "SIGKILLed (%d within 1 ms of the write starting); "
		      "destination old %d, complete new %d, torn 0; stray temp "
		      "files %d\n", full, BUILD_KILLS, killed, in_write,
		      counts[OLD], counts[NEW], nstrays);
	/* Else every run finished first, or no kill hit a write. */
	assert_true(killed > 0 && in_write > 0);
	free(old_text);
	free(ref_text);
}

static void run_save_baseline__sigkill_at_random__dest_old_or_complete(void **state)
{
	const char *args[] = { "run", "--learn", "0.4", "--interval", "0.2",
			       "--duration", "0.6", "--save-baseline",
			       path_dest, NULL };
	int counts[2] = { 0, 0 }, killed = 0, nstrays = 0, in_write = 0;
	char *old_text;
	size_t old_len;
	double t0, full;

	(void)state;
	harness__require_root();
	old_text = slurp(path_old, &old_len);
	assert_non_null(old_text);
	copy_file(path_old, path_dest);
	t0 = harness__now();
	assert_int_equal(reap(harness__spawn(path_null, args)), 0);
	full = harness__now() - t0;
	assert_int_equal(check_dest(path_dest, old_text, old_len, NULL, 2), NEW);

	/* As for baseline build: odd runs are killed as the save begins. */
	for (int i = 0; i < RUN_KILLS; i++) {
		struct stat before;
		pid_t pid;

		copy_file(path_old, path_dest);
		assert_int_equal(stat(path_dest, &before), 0);
		pid = harness__spawn(path_null, args);
		if (i % 2 == 0) {
			usleep((useconds_t)(drand48() * 1.1 * full * 1e6));
		} else if (wait_for_write(pid, path_dest, &before, 3 * full + 5)) {
			in_write++;
			usleep((useconds_t)(drand48() * 1000));
		}
		kill(pid, SIGKILL);
		killed += reap(pid);
		counts[check_dest(path_dest, old_text, old_len, NULL, 2)]++;
		nstrays += strays(path_dest, true);
	}
	print_message("run --save-baseline (%.2f s uninterrupted): %d runs, "
		      "%d SIGKILLed (%d within 1 ms of the write starting); "
		      "destination old %d, complete new %d, torn 0; stray temp "
		      "files %d\n", full, RUN_KILLS, killed, in_write,
		      counts[OLD], counts[NEW], nstrays);
	assert_true(killed > 0 && in_write > 0);
	free(old_text);
}

/* ---- nothing stays attached ----------------------------------------------- */

struct bpf_ids {
	int n;
	struct {
		char kind;	/* 'p'rog, 'm'ap, 'l'ink */
		__u32 id;
	} v[256];
};

static bool has_id(const struct bpf_ids *ids, char kind, __u32 id)
{
	for (int i = 0; i < ids->n; i++)
		if (ids->v[i].kind == kind && ids->v[i].id == id)
			return true;
	return false;
}

/*
 * Every BPF object pid holds an fd of (a link's fdinfo names its program
 * too), from /proc/PID/fdinfo; each id once.
 */
static void held_ids(pid_t pid, struct bpf_ids *ids)
{
	char dir[64];
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "/proc/%d/fdinfo", (int)pid);
	d = opendir(dir);
	assert_non_null(d);
	ids->n = 0;
	while ((e = readdir(d))) {
		char p[80 + NAME_MAX], line[256];
		FILE *f;

		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		f = fopen(p, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f) && ids->n < 256) {
			unsigned int id;
			char kind[8];

			if (sscanf(line, "%7[a-z]_id: %u", kind, &id) == 2 &&
			    (!strcmp(kind, "prog") || !strcmp(kind, "map") ||
			     !strcmp(kind, "link")) &&
			    !has_id(ids, kind[0], id)) {
				ids->v[ids->n].kind = kind[0];
				ids->v[ids->n++].id = id;
			}
		}
		fclose(f);
	}
	closedir(d);
}

/* How many of ids still exist in the kernel. */
static int still_there(const struct bpf_ids *ids)
{
	int n = 0;

	for (int i = 0; i < ids->n; i++) {
		__u32 id = ids->v[i].id;
		int fd = ids->v[i].kind == 'p' ? bpf_prog_get_fd_by_id(id) :
			 ids->v[i].kind == 'm' ? bpf_map_get_fd_by_id(id) :
			 bpf_link_get_fd_by_id(id);

		if (fd >= 0) {
			close(fd);
			n++;
		} else if (errno != ENOENT) {
			fail_msg("bpf id %u: %s", id, strerror(errno));
		}
	}
	return n;
}

static void kill_and_check_detached(const char *what, int sig,
				    const char *const *args)
{
	char out[PATH_MAX + 16];
	struct bpf_ids ids;
	int progs = 0, links = 0, left;
	pid_t pid;
	double end;

	harness__require_root();
	snprintf(out, sizeof(out), "%s/records.jsonl", top);
	unlink(out);
	pid = harness__spawn(path_null, args);
	harness__wait_lines(out, DP_F_COUNT, 30);	/* attached, counting */
	held_ids(pid, &ids);
	for (int i = 0; i < ids.n; i++) {
		progs += ids.v[i].kind == 'p';
		links += ids.v[i].kind == 'l';
	}
	kill(pid, sig);
	if (sig == SIGKILL)
		assert_int_equal(reap(pid), 1);
	else
		assert_int_equal(harness__wait_exit(pid, 20), 0);
	/* The kernel frees objects after their last fd closes, not at once. */
	end = harness__now() + 20;
	while ((left = still_there(&ids)) && harness__now() < end)
		usleep(50000);
	print_message("%s, %s: held %d prog, %d link, %d map ids; %d left "
		      "after exit\n", what, strsignal(sig), progs, links,
		      ids.n - progs - links, left);
	assert_true(progs > 0 && links > 0);
	assert_int_equal(left, 0);
}

static void record__sigterm__nothing_stays_attached(void **state)
{
	char out[PATH_MAX + 16];
	const char *args[] = { "record", "-i", "0.3", "-o", out, NULL };

	(void)state;
	snprintf(out, sizeof(out), "%s/records.jsonl", top);
	kill_and_check_detached("record", SIGTERM, args);
}

static void record__sigkill__nothing_stays_attached(void **state)
{
	char out[PATH_MAX + 16];
	const char *args[] = { "record", "-i", "0.3", "-o", out, NULL };

	(void)state;
	snprintf(out, sizeof(out), "%s/records.jsonl", top);
	kill_and_check_detached("record", SIGKILL, args);
}

static void run__sigterm__nothing_stays_attached(void **state)
{
	char out[PATH_MAX + 16];
	const char *args[] = { "run", "-i", "0.3", "--learn", "60",
			       "--record", out, NULL };

	(void)state;
	snprintf(out, sizeof(out), "%s/records.jsonl", top);
	kill_and_check_detached("run", SIGTERM, args);
}

static void run__sigkill__nothing_stays_attached(void **state)
{
	char out[PATH_MAX + 16];
	const char *args[] = { "run", "-i", "0.3", "--learn", "60",
			       "--record", out, NULL };

	(void)state;
	snprintf(out, sizeof(out), "%s/records.jsonl", top);
	kill_and_check_detached("run", SIGKILL, args);
}

static int setup(void **state)
{
	const char *seed_env = getenv("DPREL_SEED");
	long seed = seed_env ? atol(seed_env) : (long)time(NULL) ^ getpid();

	(void)state;
	srand48(seed);
	print_message("random seed %ld (DPREL_SEED=%ld repeats it)\n", seed,
		      seed);
	if (!mkdtemp(top))
		return -1;
	snprintf(path_big, sizeof(path_big), "%s/big.jsonl", top);
	snprintf(path_small, sizeof(path_small), "%s/small.jsonl", top);
	snprintf(path_old, sizeof(path_old), "%s/old.json", top);
	snprintf(path_ref, sizeof(path_ref), "%s/ref.json", top);
	snprintf(path_dest, sizeof(path_dest), "%s/dest.json", top);
	snprintf(path_null, sizeof(path_null), "/dev/null");
	harness__write_windows(path_big, BIG_WINDOWS);
	harness__write_windows(path_small, 3);
	build_quietly(path_old, path_small);
	build_quietly(path_ref, path_big);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return harness__remove_dir(top);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(baseline_build__sigkill_at_random__dest_old_or_complete),
		cmocka_unit_test(run_save_baseline__sigkill_at_random__dest_old_or_complete),
		cmocka_unit_test(record__sigterm__nothing_stays_attached),
		cmocka_unit_test(record__sigkill__nothing_stays_attached),
		cmocka_unit_test(run__sigterm__nothing_stays_attached),
		cmocka_unit_test(run__sigkill__nothing_stays_attached),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
