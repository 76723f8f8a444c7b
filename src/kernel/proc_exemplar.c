// SPDX-License-Identifier: MIT
/* Process exemplars of the syscall bins; see proc_exemplar.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "cgroup_path.h"
#include "feature.h"
#include "key_index.h"
#include "map_walk.h"
#include "proc_exemplar.h"
#include "window.h"

/* One (process, bin) entry: its samples at the last read. */
struct proc_entry {
	struct dp_proc_key key;
	uint64_t samples;
	uint64_t delta;		/* this window's new samples */
	uint64_t cgroup_id;
	char comm[17];
	bool seen;
	bool ppid_read;		/* ppid looked up (0: unknown) */
	uint32_t ppid;
};

struct proc_exemplars {
	int map_fd;
	struct cgroup_paths *paths;
	size_t n, cap;
	struct proc_entry *entries;
	struct key_index index;
};

static uint64_t key_hash(const struct dp_proc_key *k)
{
	return ((uint64_t)k->tgid << 32 | k->bin) * 0x9e3779b97f4a7c15ull;
}

struct proc_exemplars *proc_exemplars__new(int map_fd,
					   struct cgroup_paths *paths)
{
	struct proc_exemplars *pe = calloc(1, sizeof(*pe));

	if (!pe)
		return NULL;
	pe->map_fd = map_fd;
	pe->paths = paths;
	return pe;
}

void proc_exemplars__free(struct proc_exemplars *pe)
{
	if (!pe)
		return;
	free(pe->entries);
	key_index__free(&pe->index);
	free(pe);
}

int proc_exemplars__format(char *buf, size_t len, uint32_t pid,
			   uint32_t ppid, const char *comm, uint64_t events,
			   const char *cgroup)
{
	if (ppid)
		return snprintf(buf, len, "%u %s ~%llu ppid=%u %s", pid, comm,
				(unsigned long long)events, ppid, cgroup);
	return snprintf(buf, len, "%u %s ~%llu %s", pid, comm,
			(unsigned long long)events, cgroup);
}

uint32_t proc_exemplars__ppid(const char *proc, uint32_t pid,
			      const char *comm)
{
	char path[64], buf[512];
	const char *open_paren, *close_paren;
	unsigned int ppid;
	ssize_t n;
	char state;
	int fd;

	snprintf(path, sizeof(path), "%s/%u/stat", proc, pid);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;		/* gone already, or /proc hidden */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* "PID (COMM) STATE PPID ...": COMM may hold ')' and spaces. */
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren ||
	    (size_t)(close_paren - open_paren - 1) != strlen(comm) ||
	    memcmp(open_paren + 1, comm, strlen(comm)) ||
	    sscanf(close_paren + 1, " %c %u", &state, &ppid) != 2)
		return 0;	/* another process now has the pid */
	return ppid;
}

static struct proc_entry *entry(struct proc_exemplars *pe,
				const struct dp_proc_key *k)
{
	uint64_t h = key_hash(k);
	size_t cursor = 0, i;

	while ((i = key_index__next(&pe->index, h, &cursor)) != SIZE_MAX)
		if (pe->entries[i].key.tgid == k->tgid &&
		    pe->entries[i].key.bin == k->bin)
			return &pe->entries[i];
	if (pe->n == pe->cap) {
		size_t cap = pe->cap ? 2 * pe->cap : 256;
		void *p = realloc(pe->entries, cap * sizeof(*pe->entries));

		if (!p)
			return NULL;
		pe->entries = p;
		pe->cap = cap;
	}
	if (key_index__add(&pe->index, h, pe->n))
		return NULL;
	memset(&pe->entries[pe->n], 0, sizeof(pe->entries[0]));
	pe->entries[pe->n].key = *k;
	return &pe->entries[pe->n++];
}

/* Keep only entries still in the map (evicted ones would only grow). */
static int compact(struct proc_exemplars *pe)
{
	struct key_index fresh = { 0 };
	size_t kept = 0;

	for (size_t i = 0; i < pe->n; i++) {
		if (!pe->entries[i].seen)
			continue;
		pe->entries[kept] = pe->entries[i];
		pe->entries[kept].seen = false;
		if (key_index__add(&fresh, key_hash(&pe->entries[kept].key),
				   kept)) {
			key_index__free(&fresh);
			return -ENOMEM;
		}
		kept++;
	}
	key_index__free(&pe->index);
	pe->index = fresh;
	pe->n = kept;
	return 0;
}

/* The feature and bin within it of a syscall-group map index. */
static int feature_of(uint32_t idx, uint32_t *bin)
{
	for (int f = 0; f < DP_F_COUNT; f++) {
		const struct feature_info *fi = &feature_table[f];

		if (fi->group == DP_GROUP_SYSCALL && idx >= fi->offset &&
		    idx < fi->offset + fi->bins) {
			*bin = idx - fi->offset;
			return f;
		}
	}
	return -1;
}

static int by_delta_desc(const void *a, const void *b)
{
	const struct proc_entry *x = *(const struct proc_entry *const *)a;
	const struct proc_entry *y = *(const struct proc_entry *const *)b;

	if (x->key.bin != y->key.bin)
		return x->key.bin < y->key.bin ? -1 : 1;
	if (x->delta != y->delta)
		return x->delta > y->delta ? -1 : 1;
	return x->key.tgid < y->key.tgid ? -1 : x->key.tgid > y->key.tgid;
}

/* Attach the top processes of every bin that had new samples. */
static int attach(struct proc_exemplars *pe, struct window *w)
{
	struct proc_entry **act = malloc((pe->n + 1) * sizeof(*act));
	char text[PROC_EXEMPLARS_PER_BIN * 96], one[96];
	size_t m = 0;
	int err = 0;

	if (!act)
		return -ENOMEM;
	for (size_t i = 0; i < pe->n; i++)
		if (pe->entries[i].delta)
			act[m++] = &pe->entries[i];
	qsort(act, m, sizeof(*act), by_delta_desc);
	for (size_t i = 0; i < m && !err;) {
		uint32_t idx = act[i]->key.bin, bin = 0;
		int f = feature_of(idx, &bin);
		const struct window_hist *hist;
		size_t len = 0, k;

		text[0] = '\0';
		for (k = 0; i + k < m && act[i + k]->key.bin == idx; k++) {
			struct proc_entry *e = act[i + k];
			const char *cg = cgroup_paths__name(pe->paths,
							    e->cgroup_id);

			if (k >= PROC_EXEMPLARS_PER_BIN)
				continue;
			if (!e->ppid_read) {
				e->ppid = proc_exemplars__ppid("/proc",
							       e->key.tgid,
							       e->comm);
				e->ppid_read = true;
			}
			proc_exemplars__format(one, sizeof(one), e->key.tgid,
					       e->ppid, e->comm,
					       e->delta * DP_PROC_SAMPLE_PERIOD,
					       cg);
			len += snprintf(text + len, sizeof(text) - len, "%s%s",
					k ? ", " : "", one);
			if (len >= sizeof(text))
				len = sizeof(text) - 1;
			/* With --per-cgroup, its cgroup's histogram too. */
			hist = f >= 0 ? window__find(w, f, cg) : NULL;
			if (hist && !window_hist__exemplar(hist, bin)) {
				err = window__set_exemplar(w, f, cg, bin, one);
				if (err)
					break;
			}
		}
		if (!err && f >= 0 && window__find(w, f, "/"))
			err = window__set_exemplar(w, f, "/", bin, text);
		if (err == -ENOENT)
			err = 0;
		i += k;
	}
	free(act);
	return err;
}

static int read_one(const void *key, const void *value, void *ctx)
{
	const struct dp_proc_val *val = value;
	struct proc_exemplars *pe = ctx;
	struct proc_entry *e = entry(pe, key);

	if (!e)
		return -ENOMEM;
	if (e->seen)
		return 0;	/* a walk that met an element twice */
	e->seen = true;
	/* Another life of the process (the kernel started the entry again). */
	if (e->cgroup_id != val->cgroup_id ||
	    strncmp(e->comm, val->comm, sizeof(val->comm))) {
		e->samples = 0;
		e->ppid_read = false;
	}
	e->delta = val->samples >= e->samples ? val->samples - e->samples
					      : val->samples;
	e->samples = val->samples;
	e->cgroup_id = val->cgroup_id;
	memcpy(e->comm, val->comm, sizeof(val->comm));
	e->comm[sizeof(val->comm)] = '\0';
	return 0;
}

int proc_exemplars__read(struct proc_exemplars *pe, struct window *w)
{
	int err;

	for (size_t i = 0; i < pe->n; i++)
		pe->entries[i].delta = 0;
	err = map_walk(pe->map_fd, sizeof(struct dp_proc_key),
		       sizeof(struct dp_proc_val), read_one, pe);
	if (!err && w)
		err = attach(pe, w);
	return err ? err : compact(pe);
}
