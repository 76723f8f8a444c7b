// SPDX-License-Identifier: MIT
/*
 * Keyed collection against a fake kernel map (bpf_map_get_next_key and
 * bpf_map_lookup_elem wrapped): per-cgroup deltas between reads, a new
 * cgroup counted from zero, an evicted one counted and forgotten, a walk
 * that restarts mid-way read once, empty histograms left out; cgroup id ->
 * path on a directory tree made by the test; and the per-program map,
 * its entries named by program_name.c from a fake /proc.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include "keyed_collect.h"
#include "cgroup_path.h"
#include "feature.h"
#include "program_name.h"
#include "window.h"
#include "test_tmpdir.h"

#define MAXKEYS 8
/* A map value of either group's cgroup map; value_size bytes are read. */
union cg_value {
	struct dp_syscall_cgroup_hist sys;
	struct dp_net_cgroup_hist net;
	struct dp_syscall_program_hist prog;
};

static const struct keyed_map_desc sys_desc = {
	DP_GROUP_SYSCALL, DP_SYSCALL_BINS, sizeof(struct dp_syscall_cgroup_hist),
};
static const struct keyed_map_desc net_desc = {
	DP_GROUP_NET, DP_NET_BINS, sizeof(struct dp_net_cgroup_hist),
};
static const struct keyed_map_desc prog_desc = {
	DP_GROUP_SYSCALL, DP_SYSCALL_BINS,
	sizeof(struct dp_syscall_program_hist),
};

/* The cgroup maps' namer, as collect.c's. */
static const char *cgroup_name(void *paths, uint64_t id, const void *value)
{
	(void)value;
	return cgroup_paths__name(paths, id);
}

static struct {
	size_t n;
	size_t value_size;
	uint64_t keys[MAXKEYS];
	union cg_value vals[MAXKEYS];
	int restart_after;	/* > 0: the walk restarts after this many keys */
	bool batch;		/* the kernel has batch lookups */
} fake;

/* Batches of 2 elements; in/out are the index of the next element. */
int __wrap_bpf_map_lookup_batch(int fd, void *in, void *out, void *keys,
				void *values, __u32 *count,
				const struct bpf_map_batch_opts *opts);
int __wrap_bpf_map_lookup_batch(int fd, void *in, void *out, void *keys,
				void *values, __u32 *count,
				const struct bpf_map_batch_opts *opts)
{
	uint32_t from = in ? *(uint32_t *)in : 0, n = 0;

	(void)fd;
	(void)opts;
	if (!fake.batch) {
		errno = EINVAL;
		return -EINVAL;
	}
	while (n < 2 && n < *count && from + n < fake.n) {
		((uint64_t *)keys)[n] = fake.keys[from + n];
		memcpy((char *)values + n * fake.value_size,
		       &fake.vals[from + n], fake.value_size);
		n++;
	}
	*count = n;
	*(uint32_t *)out = from + n;
	if (from + n >= fake.n) {
		errno = ENOENT;
		return -ENOENT;
	}
	return 0;
}

int __wrap_bpf_map_get_next_key(int fd, const void *key, void *next);
int __wrap_bpf_map_get_next_key(int fd, const void *key, void *next)
{
	static int walked;
	size_t i = 0;

	(void)fd;
	if (!key) {
		walked = 0;
	} else {
		while (i < fake.n && fake.keys[i] != *(const uint64_t *)key)
			i++;
		i++;
		/* The kernel restarts from the first key if key vanished. */
		if (fake.restart_after && ++walked == fake.restart_after) {
			fake.restart_after = 0;
			i = 0;
		}
	}
	if (i >= fake.n) {
		errno = ENOENT;
		return -ENOENT;
	}
	*(uint64_t *)next = fake.keys[i];
	return 0;
}

int __wrap_bpf_map_lookup_elem(int fd, const void *key, void *value);
int __wrap_bpf_map_lookup_elem(int fd, const void *key, void *value)
{
	(void)fd;
	for (size_t i = 0; i < fake.n; i++)
		if (fake.keys[i] == *(const uint64_t *)key) {
			memcpy(value, &fake.vals[i], fake.value_size);
			return 0;
		}
	errno = ENOENT;
	return -ENOENT;
}

static char root[] = "/tmp/dp_cgtest.XXXXXX";
static uint64_t ino_a, ino_b;

static uint64_t make_dir(const char *rel)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(root))
		return -1;
	ino_a = make_dir("/a");
	make_dir("/a/x");
	ino_b = make_dir("/b.slice");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return test_tmpdir__remove(root);
}

static void paths__ids_resolve_to_paths_and_unknown_ids_say_so(void **state)
{
	struct cgroup_paths *cp = cgroup_paths__new(root);
	char path[300];
	struct stat st;

	(void)state;
	assert_non_null(cp);
	assert_string_equal(cgroup_paths__name(cp, ino_a), "/a");
	assert_string_equal(cgroup_paths__name(cp, ino_b), "/b.slice");
	assert_int_equal(stat(root, &st), 0);
	assert_string_equal(cgroup_paths__name(cp, st.st_ino), "<root>");
	/* Made after the first scan: found by the rescan of this window. */
	snprintf(path, sizeof(path), "%s/late", root);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_string_equal(cgroup_paths__name(cp, st.st_ino), "/late");
	assert_string_equal(cgroup_paths__name(cp, 123456789012ull),
			    "cgroup:123456789012");
	cgroup_paths__free(cp);
}

static const struct window_hist *find(const struct window *w,
				      enum dp_feature_id f, const char *cg)
{
	return window__find(w, f, cg);
}

static void read__deltas_new_evicted_restart_and_empty(void **state)
{
	struct cgroup_paths *cp = cgroup_paths__new(root);
	struct keyed_collector *cc = keyed_collector__new(3, &sys_desc, cgroup_name, cp);
	uint32_t getppid = DP_OFF_SYSCALL_ID + 110;
	struct window *w;

	(void)state;
	assert_non_null(cc);
	fake.value_size = sizeof(struct dp_syscall_cgroup_hist);
	fake.n = 2;
	fake.keys[0] = ino_a;
	fake.keys[1] = ino_b;
	fake.vals[0].sys.counts[getppid] = 100;
	fake.vals[1].sys.counts[getppid] = 7;
	assert_int_equal(keyed_collector__read(cc, NULL), 0);	/* prime */

	fake.vals[0].sys.counts[getppid] = 150;	/* +50 */
	fake.vals[1].sys.counts[getppid] = 7;	/* +0: no histogram */
	fake.keys[2] = 999;			/* unknown id, new */
	fake.vals[2].sys.counts[DP_OFF_SYSCALL_ERRNO + 9] = 4;
	fake.n = 3;
	fake.restart_after = 2;			/* walk restarts once */
	w = window__new(1, 1, "h");
	assert_int_equal(keyed_collector__read(cc, w), 0);
	assert_int_equal(window_hist__count(find(w, DP_F_SYSCALL_ID, "/a"),
						    110), 50);
	assert_null(find(w, DP_F_SYSCALL_ID, "/b.slice"));
	assert_null(find(w, DP_F_SYSCALL_LATENCY, "/a"));
	assert_int_equal(window_hist__count(find(w, DP_F_SYSCALL_ERRNO, "cgroup:999"),
						    9), 4);
	assert_int_equal(w->n, 2);
	assert_int_equal(keyed_collector__evicted(cc), 0);
	window__free(w);

	/* /a evicted: counted once, and a returning /a starts from zero. */
	fake.keys[0] = 999;
	fake.keys[1] = ino_b;
	fake.vals[0] = fake.vals[2];
	fake.n = 2;
	w = window__new(2, 1, "h");
	assert_int_equal(keyed_collector__read(cc, w), 0);
	assert_int_equal(keyed_collector__evicted(cc), 1);
	assert_int_equal(w->n, 0);
	window__free(w);
	fake.keys[2] = ino_a;
	memset(&fake.vals[2], 0, sizeof(fake.vals[2]));
	fake.vals[2].sys.counts[getppid] = 30;
	fake.n = 3;
	w = window__new(3, 1, "h");
	assert_int_equal(keyed_collector__read(cc, w), 0);
	assert_int_equal(window_hist__count(find(w, DP_F_SYSCALL_ID, "/a"),
						    110), 30);
	assert_int_equal(keyed_collector__evicted(cc), 1);
	window__free(w);
	keyed_collector__free(cc);
	cgroup_paths__free(cp);
}

/* The same deltas through batched reads of 2 elements at a time. */
static void read__batched__same_deltas(void **state)
{
	struct cgroup_paths *cp = cgroup_paths__new(root);
	struct keyed_collector *cc = keyed_collector__new(3, &sys_desc, cgroup_name, cp);
	uint32_t getppid = DP_OFF_SYSCALL_ID + 110;
	struct window *w;

	(void)state;
	memset(&fake, 0, sizeof(fake));
	fake.value_size = sizeof(struct dp_syscall_cgroup_hist);
	fake.batch = true;
	fake.n = 3;
	fake.keys[0] = ino_a;
	fake.keys[1] = ino_b;
	fake.keys[2] = 777;
	for (int i = 0; i < 3; i++)
		fake.vals[i].sys.counts[getppid] = 10 * (i + 1);
	assert_int_equal(keyed_collector__read(cc, NULL), 0);
	for (int i = 0; i < 3; i++)
		fake.vals[i].sys.counts[getppid] += (uint64_t)i + 1;
	w = window__new(1, 1, "h");
	assert_int_equal(keyed_collector__read(cc, w), 0);
	assert_int_equal(window_hist__count(find(w, DP_F_SYSCALL_ID, "/a"),
						    110), 1);
	assert_int_equal(window_hist__count(find(w, DP_F_SYSCALL_ID, "/b.slice"),
						    110), 2);
	assert_int_equal(window_hist__count(find(w, DP_F_SYSCALL_ID, "cgroup:777"),
						    110), 3);
	assert_int_equal(w->n, 3);
	window__free(w);
	keyed_collector__free(cc);
	cgroup_paths__free(cp);
}

/*
 * The net group's map: its own value size and offsets, only net features
 * in the window, evictions counted per collector.
 */
static void read__net_group__net_features_at_their_offsets(void **state)
{
	struct cgroup_paths *cp = cgroup_paths__new(root);
	struct keyed_collector *cc = keyed_collector__new(4, &net_desc, cgroup_name, cp);
	uint32_t accept = DP_OFF_TCP_EVENT + DP_TCP_EV_ACCEPT;
	uint32_t tx_1k = DP_OFF_NET_TX_BYTES + 10;
	struct window *w;

	(void)state;
	assert_non_null(cc);
	memset(&fake, 0, sizeof(fake));
	fake.value_size = sizeof(struct dp_net_cgroup_hist);
	fake.batch = true;
	fake.n = 2;
	fake.keys[0] = ino_a;
	fake.keys[1] = ino_b;
	fake.vals[0].net.counts[accept] = 5;
	fake.vals[1].net.counts[tx_1k] = 9;
	assert_int_equal(keyed_collector__read(cc, NULL), 0);
	fake.vals[0].net.counts[accept] += 3;
	fake.vals[1].net.counts[tx_1k] += 4;
	fake.vals[1].net.counts[DP_NET_BINS - 1] += 2;	/* last comm_dport cell */
	w = window__new(1, 1, "h");
	assert_int_equal(keyed_collector__read(cc, w), 0);
	assert_int_equal(window_hist__count(find(w, DP_F_TCP_EVENT, "/a"),
						    DP_TCP_EV_ACCEPT),
			 3);
	assert_int_equal(window_hist__count(find(w, DP_F_NET_TX_BYTES, "/b.slice"),
						    10), 4);
	assert_int_equal(window_hist__count(find(w, DP_F_NET_COMM_DPORT, "/b.slice"),
						    DP_COMM_ROWS * DP_PORT_CLASS_N - 1), 2);
	assert_int_equal(w->n, 3);
	window__free(w);

	/* /a evicted: /b.slice's snapshot moves up and keeps its counts. */
	fake.n = 1;
	fake.keys[0] = ino_b;
	fake.vals[0] = fake.vals[1];
	fake.vals[0].net.counts[tx_1k] += 1;
	w = window__new(2, 1, "h");
	assert_int_equal(keyed_collector__read(cc, w), 0);
	assert_int_equal(keyed_collector__evicted(cc), 1);
	assert_int_equal(window_hist__count(find(w, DP_F_NET_TX_BYTES, "/b.slice"),
						    10), 1);
	assert_int_equal(w->n, 1);
	window__free(w);
	keyed_collector__free(cc);
	cgroup_paths__free(cp);
}

/*
 * A program's value as the kernel fills it: run from the file at rel
 * under root (none: NULL) by process tgid named comm.
 */
static void program_value(struct dp_syscall_program_hist *v, const char *rel,
			  unsigned int tgid, const char *comm)
{
	char path[300];
	struct stat st;

	memset(v, 0, sizeof(*v));
	if (rel) {
		snprintf(path, sizeof(path), "%s%s", root, rel);
		assert_int_equal(stat(path, &st), 0);
		v->ino = st.st_ino;
		v->dev = major(st.st_dev) << 20 | minor(st.st_dev);
	}
	v->tgid = tgid;
	memcpy(v->comm, comm, strnlen(comm, sizeof(v->comm)));
}

/*
 * The per-program map: deltas per program key, each named by its
 * executable's path (and name when it is not the path's basename), a
 * program whose process is gone by its name alone; an eviction counted.
 */
static void read__program_keys__named_by_executable(void **state)
{
	struct program_names *pn;
	struct keyed_collector *cc;
	uint32_t getppid = DP_OFF_SYSCALL_ID + 110;
	char proc[300], path[300], name[400];
	struct window *w;
	FILE *f;

	(void)state;
	snprintf(proc, sizeof(proc), "%s/proc", root);
	assert_int_equal(mkdir(proc, 0700), 0);
	snprintf(path, sizeof(path), "%s/srv", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/proc/41", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/proc/41/exe", root);
	snprintf(name, sizeof(name), "%s/srv", root);
	assert_int_equal(symlink(name, path), 0);
	pn = program_names__new(proc);
	cc = keyed_collector__new(5, &prog_desc, program_names__name, pn);
	assert_non_null(cc);
	memset(&fake, 0, sizeof(fake));
	fake.value_size = sizeof(struct dp_syscall_program_hist);
	fake.batch = true;
	fake.n = 3;
	fake.keys[0] = 0x1001;		/* /srv, as srv */
	fake.keys[1] = 0x2001;		/* /srv, renamed worker */
	fake.keys[2] = 0x3001;		/* gone: its name only */
	program_value(&fake.vals[0].prog, "/srv", 41, "srv");
	program_value(&fake.vals[1].prog, "/srv", 41, "worker");
	program_value(&fake.vals[2].prog, NULL, 99, "sh");
	assert_int_equal(keyed_collector__read(cc, NULL), 0);
	for (int i = 0; i < 3; i++)
		fake.vals[i].prog.counts[getppid] += (uint64_t)i + 1;
	w = window__new(1, 1, "h");
	assert_int_equal(keyed_collector__read(cc, w), 0);
	snprintf(name, sizeof(name), "program:%s/srv", root);
	assert_int_equal(window_hist__count(find(w, DP_F_SYSCALL_ID, name),
						    110), 1);
	snprintf(name, sizeof(name), "program:%s/srv[worker]", root);
	assert_int_equal(window_hist__count(find(w, DP_F_SYSCALL_ID, name),
						    110), 2);
	assert_int_equal(window_hist__count(find(w, DP_F_SYSCALL_ID, "program:[sh]"),
						    110),
			 3);
	assert_int_equal(w->n, 3);
	window__free(w);

	/* The renamed worker evicted: counted; the others' deltas go on. */
	fake.keys[1] = fake.keys[2];
	fake.vals[1] = fake.vals[2];
	fake.n = 2;
	fake.vals[0].prog.counts[getppid] += 5;
	w = window__new(2, 1, "h");
	assert_int_equal(keyed_collector__read(cc, w), 0);
	assert_int_equal(keyed_collector__evicted(cc), 1);
	snprintf(name, sizeof(name), "program:%s/srv", root);
	assert_int_equal(window_hist__count(find(w, DP_F_SYSCALL_ID, name),
						    110), 5);
	assert_int_equal(w->n, 1);
	window__free(w);
	keyed_collector__free(cc);
	program_names__free(pn);
}

static void new__value_smaller_than_its_bins__einval(void **state)
{
	struct keyed_map_desc d = net_desc;

	(void)state;
	d.value_size = DP_NET_BINS * sizeof(uint64_t) - 1;
	assert_null(keyed_collector__new(4, &d, cgroup_name, NULL));
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paths__ids_resolve_to_paths_and_unknown_ids_say_so),
		cmocka_unit_test(read__deltas_new_evicted_restart_and_empty),
		cmocka_unit_test(read__batched__same_deltas),
		cmocka_unit_test(read__net_group__net_features_at_their_offsets),
		cmocka_unit_test(read__program_keys__named_by_executable),
		cmocka_unit_test(new__value_smaller_than_its_bins__einval),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
