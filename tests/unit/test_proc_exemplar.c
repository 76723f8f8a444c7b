// SPDX-License-Identifier: MIT
/*
 * Process exemplars against a fake kernel map (bpf_map_get_next_key and
 * bpf_map_lookup_elem wrapped, no batch lookups): after priming, each bin
 * with new samples names its top PROC_EXEMPLARS_PER_BIN processes by this
 * window's increase, events estimated as samples x DP_PROC_SAMPLE_PERIOD;
 * a process's own cgroup histogram names it too; an entry gone from the map
 * is forgotten; an entry the kernel started again counts only its new life.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include "cgroup_path.h"
#include "feature.h"
#include "proc_exemplar.h"
#include "window.h"
#include "test_tmpdir.h"

#define MAXKEYS 8

static struct {
	size_t n;
	struct dp_proc_key keys[MAXKEYS];
	struct dp_proc_val vals[MAXKEYS];
} fake;

int __wrap_bpf_map_lookup_batch(int fd, void *in, void *out, void *keys,
				void *values, __u32 *count,
				const struct bpf_map_batch_opts *opts);
int __wrap_bpf_map_lookup_batch(int fd, void *in, void *out, void *keys,
				void *values, __u32 *count,
				const struct bpf_map_batch_opts *opts)
{
	(void)fd, (void)in, (void)out, (void)keys, (void)values, (void)count;
	(void)opts;
	errno = EINVAL;		/* no batch operations: element by element */
	return -EINVAL;
}

static size_t find(const void *key)
{
	size_t i = 0;

	while (i < fake.n && memcmp(&fake.keys[i], key, sizeof(fake.keys[0])))
		i++;
	return i;
}

int __wrap_bpf_map_get_next_key(int fd, const void *key, void *next);
int __wrap_bpf_map_get_next_key(int fd, const void *key, void *next)
{
	size_t i = key ? find(key) + 1 : 0;

	(void)fd;
	if (i >= fake.n) {
		errno = ENOENT;
		return -ENOENT;
	}
	memcpy(next, &fake.keys[i], sizeof(fake.keys[0]));
	return 0;
}

int __wrap_bpf_map_lookup_elem(int fd, const void *key, void *value);
int __wrap_bpf_map_lookup_elem(int fd, const void *key, void *value)
{
	size_t i = find(key);

	(void)fd;
	if (i >= fake.n) {
		errno = ENOENT;
		return -ENOENT;
	}
	memcpy(value, &fake.vals[i], sizeof(fake.vals[0]));
	return 0;
}

static char root[] = "/tmp/dp_unit_procex.XXXXXX";
static uint64_t ino_a, ino_b;

static int setup(void **state)
{
	char path[300];
	struct stat st;

	(void)state;
	if (!mkdtemp(root))
		return -1;
	snprintf(path, sizeof(path), "%s/a", root);
	if (mkdir(path, 0700) || stat(path, &st))
		return -1;
	ino_a = st.st_ino;
	snprintf(path, sizeof(path), "%s/b", root);
	if (mkdir(path, 0700) || stat(path, &st))
		return -1;
	ino_b = st.st_ino;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return test_tmpdir__remove(root);
}

/* Process tgid in bin (syscall.id's bin of the syscall map), in cgroup. */
static void set(size_t i, unsigned int tgid, unsigned int bin,
		unsigned long long samples, uint64_t cgroup, const char *comm)
{
	fake.keys[i] = (struct dp_proc_key){ tgid, bin };
	fake.vals[i] = (struct dp_proc_val){ .samples = samples,
					     .cgroup_id = cgroup };
	snprintf(fake.vals[i].comm, sizeof(fake.vals[i].comm), "%s", comm);
	if (i >= fake.n)
		fake.n = i + 1;
}

static struct window *window_with(const char *cgroup2)
{
	struct window *w = window__new(1, 1, "h");
	uint64_t c[DP_SYSCALL_ID_BINS] = { [0] = 1 };

	assert_int_equal(window__add(w, DP_F_SYSCALL_ID, "/", c,
				     DP_SYSCALL_ID_BINS), 0);
	if (cgroup2)
		assert_int_equal(window__add(w, DP_F_SYSCALL_ID, cgroup2, c,
					     DP_SYSCALL_ID_BINS), 0);
	return w;
}

static void read__top_processes_by_increase__at_most_three(void **state)
{
	struct cgroup_paths *cp = cgroup_paths__new(root);
	struct proc_exemplars *pe = proc_exemplars__new(3, cp);
	unsigned int bin = feature_table[DP_F_SYSCALL_ID].offset;
	struct window *w = window_with("/a");
	char want[512], a[96], b[96], c[96];

	(void)state;
	assert_non_null(cp);
	assert_non_null(pe);
	fake.n = 0;
	set(0, 100, bin, 10, ino_a, "small");
	set(1, 200, bin, 10, ino_a, "big");
	set(2, 300, bin, 10, ino_a, "mid");
	set(3, 400, bin, 10, ino_a, "tiny");
	assert_int_equal(proc_exemplars__read(pe, NULL), 0);	/* prime */
	set(0, 100, bin, 12, ino_a, "small");	/* +2 */
	set(1, 200, bin, 40, ino_a, "big");	/* +30 */
	set(2, 300, bin, 20, ino_a, "mid");	/* +10 */
	set(3, 400, bin, 11, ino_a, "tiny");	/* +1: fourth, left out */
	assert_int_equal(proc_exemplars__read(pe, w), 0);
	proc_exemplars__format(a, sizeof(a), 200, 0, "big",
			       30ull * DP_PROC_SAMPLE_PERIOD, "/a");
	proc_exemplars__format(b, sizeof(b), 300, 0, "mid",
			       10ull * DP_PROC_SAMPLE_PERIOD, "/a");
	proc_exemplars__format(c, sizeof(c), 100, 0, "small",
			       2ull * DP_PROC_SAMPLE_PERIOD, "/a");
	snprintf(want, sizeof(want), "%s, %s, %s", a, b, c);
	assert_string_equal(window_hist__exemplar(
		window__find(w, DP_F_SYSCALL_ID, "/"), 0), want);
	/* The cgroup's own histogram names its top process. */
	assert_string_equal(window_hist__exemplar(
		window__find(w, DP_F_SYSCALL_ID, "/a"), 0), a);
	window__free(w);
	proc_exemplars__free(pe);
	cgroup_paths__free(cp);
}

static void read__entry_gone_from_map__forgotten_then_counted_anew(
	void **state)
{
	struct cgroup_paths *cp = cgroup_paths__new(root);
	struct proc_exemplars *pe = proc_exemplars__new(3, cp);
	unsigned int bin = feature_table[DP_F_SYSCALL_ID].offset;
	struct window *w;
	char want[96];

	(void)state;
	fake.n = 0;
	set(0, 100, bin, 50, ino_a, "p");
	assert_int_equal(proc_exemplars__read(pe, NULL), 0);
	fake.n = 0;				/* evicted */
	w = window_with(NULL);
	assert_int_equal(proc_exemplars__read(pe, w), 0);
	assert_null(window_hist__exemplar(window__find(w, DP_F_SYSCALL_ID,
						       "/"), 0));
	window__free(w);
	set(0, 100, bin, 7, ino_a, "p");	/* back, from 7 samples */
	w = window_with(NULL);
	assert_int_equal(proc_exemplars__read(pe, w), 0);
	proc_exemplars__format(want, sizeof(want), 100, 0, "p",
			       7ull * DP_PROC_SAMPLE_PERIOD, "/a");
	assert_string_equal(window_hist__exemplar(
		window__find(w, DP_F_SYSCALL_ID, "/"), 0), want);
	window__free(w);
	proc_exemplars__free(pe);
	cgroup_paths__free(cp);
}

/*
 * The kernel starts an entry again when its process shows up in another
 * cgroup or as another command (a container's init: forked by the runtime,
 * moved, exec'd): this window's samples are all the new life's, and only
 * its cgroup is named.
 */
static void read__entry_restarted_by_move_and_exec__new_life_only(
	void **state)
{
	struct cgroup_paths *cp = cgroup_paths__new(root);
	struct proc_exemplars *pe = proc_exemplars__new(3, cp);
	unsigned int bin = feature_table[DP_F_SYSCALL_ID].offset;
	struct window *w = window_with("/a");
	char want[96];

	(void)state;
	fake.n = 0;
	set(0, 100, bin, 10, ino_b, "runc:[2:INIT]");
	assert_int_equal(proc_exemplars__read(pe, NULL), 0);
	set(0, 100, bin, 40, ino_a, "storm");	/* 40 samples since the move */
	assert_int_equal(proc_exemplars__read(pe, w), 0);
	proc_exemplars__format(want, sizeof(want), 100, 0, "storm",
			       40ull * DP_PROC_SAMPLE_PERIOD, "/a");
	assert_string_equal(window_hist__exemplar(
		window__find(w, DP_F_SYSCALL_ID, "/a"), 0), want);
	assert_string_equal(window_hist__exemplar(
		window__find(w, DP_F_SYSCALL_ID, "/"), 0), want);
	window__free(w);
	proc_exemplars__free(pe);
	cgroup_paths__free(cp);
}

static void format__pid_comm_estimate_cgroup(void **state)
{
	char buf[96];

	(void)state;
	assert_int_equal(proc_exemplars__format(buf, sizeof(buf), 4242, 0,
						"dpstorm", 51000, "/dpcg_b"),
			 27);
	assert_string_equal(buf, "4242 dpstorm ~51000 /dpcg_b");
	assert_int_equal(proc_exemplars__format(buf, sizeof(buf), 4242, 17,
						"dpstorm", 51000, "/dpcg_b"),
			 35);
	assert_string_equal(buf, "4242 dpstorm ~51000 ppid=17 /dpcg_b");
}

/* A fake /proc: comm with ')' and spaces; a reused pid; a missing one. */
static void ppid__from_stat__checked_against_comm(void **state)
{
	char dir[] = "/tmp/dp_proc.XXXXXX", path[128];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/42", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/42/stat", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("42 (a) b (c) S 7 42 42 0 -1 4194560 100\n", f);
	fclose(f);
	assert_int_equal(proc_exemplars__ppid(dir, 42, "a) b (c"), 7);
	assert_int_equal(proc_exemplars__ppid(dir, 42, "other"), 0);
	assert_int_equal(proc_exemplars__ppid(dir, 43, "a) b (c"), 0);
	/* Our own process, in the real /proc. */
	assert_int_equal(proc_exemplars__ppid("/proc", (uint32_t)getpid(),
					      "test_proc_exemp"),
			 (uint32_t)getppid());
	unlink(path);
	snprintf(path, sizeof(path), "%s/42", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read__top_processes_by_increase__at_most_three),
		cmocka_unit_test(read__entry_gone_from_map__forgotten_then_counted_anew),
		cmocka_unit_test(read__entry_restarted_by_move_and_exec__new_life_only),
		cmocka_unit_test(format__pid_comm_estimate_cgroup),
		cmocka_unit_test(ppid__from_stat__checked_against_comm),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
