// SPDX-License-Identifier: MIT
/*
 * Live collection: read each group's per-CPU map value in one syscall, sum
 * the CPUs, diff against the previous snapshot, and hand out a window. The
 * kernel counters are cumulative, so nothing is lost at window edges.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "cgroup_collect.h"
#include "cgroup_path.h"
#include "collect.h"
#include "feature.h"
#include "probe.h"
#include "window.h"

#define SYSCALL_WORDS (sizeof(struct dp_syscall_hist) / sizeof(uint64_t))

static const char *const syscall_health_names[] = {
#define DP_X_HEALTH_NAME(id, name) name,
	DP_SYSCALL_HEALTH(DP_X_HEALTH_NAME)
#undef DP_X_HEALTH_NAME
};

struct collector {
	struct probe *probe;
	uint64_t *percpu;	/* ncpus * SYSCALL_WORDS, read buffer */
	uint64_t *cur;		/* summed over CPUs */
	uint64_t *prev;
	uint64_t *delta;
	uint64_t health[DP_SYSCALL_HEALTH_N];	/* since start */
	uint64_t resets;
	bool primed;
	struct cgroup_paths *cgroup_paths;	/* --per-cgroup only */
	struct cgroup_collector *cgroups;
	uint64_t evicted_reported;
};

void collect__sum_cpus(const uint64_t *percpu, size_t ncpus, size_t stride,
		       uint64_t *out, size_t n)
{
	memset(out, 0, n * sizeof(*out));
	for (size_t cpu = 0; cpu < ncpus; cpu++)
		for (size_t i = 0; i < n; i++)
			out[i] += percpu[cpu * stride + i];
}

size_t collect__diff(const uint64_t *prev, const uint64_t *cur, size_t n,
		     uint64_t *delta)
{
	size_t resets = 0;

	for (size_t i = 0; i < n; i++) {
		delta[i] = cur[i] - prev[i];
		if (delta[i] > (UINT64_C(1) << 63)) {
			delta[i] = 0;
			resets++;
		}
	}
	return resets;
}

struct collector *collector__new(struct probe *p)
{
	struct collector *c = calloc(1, sizeof(*c));
	size_t ncpus = probe__ncpus(p);

	if (!c)
		return NULL;
	c->probe = p;
	c->percpu = calloc(ncpus * SYSCALL_WORDS, sizeof(uint64_t));
	c->cur = calloc(SYSCALL_WORDS, sizeof(uint64_t));
	c->prev = calloc(SYSCALL_WORDS, sizeof(uint64_t));
	c->delta = calloc(SYSCALL_WORDS, sizeof(uint64_t));
	if (!c->percpu || !c->cur || !c->prev || !c->delta) {
		collector__free(c);
		errno = ENOMEM;
		return NULL;
	}
	if (probe__cgroup_map_fd(p) >= 0) {
		c->cgroup_paths = cgroup_paths__new(NULL);
		if (c->cgroup_paths)
			c->cgroups = cgroup_collector__new(
				probe__cgroup_map_fd(p), c->cgroup_paths);
		if (!c->cgroups) {
			int err = errno;

			collector__free(c);
			errno = err;
			return NULL;
		}
	}
	return c;
}

void collector__free(struct collector *c)
{
	if (!c)
		return;
	free(c->percpu);
	free(c->cur);
	free(c->prev);
	free(c->delta);
	cgroup_collector__free(c->cgroups);
	cgroup_paths__free(c->cgroup_paths);
	free(c);
}

/* Per-cgroup histograms into w (NULL: prime); evictions said once each. */
static int read_cgroups(struct collector *c, struct window *w)
{
	uint64_t evicted;
	int err;

	if (!c->cgroups)
		return 0;
	err = cgroup_collector__read(c->cgroups, w);
	evicted = cgroup_collector__evicted(c->cgroups);
	if (evicted > c->evicted_reported) {
		fprintf(stderr, "driftprobe: %llu cgroup entries evicted from "
			"the kernel map (more than %d live cgroups); their "
			"counts since the previous window are lost\n",
			(unsigned long long)(evicted - c->evicted_reported),
			DP_CGROUP_MAX);
		c->evicted_reported = evicted;
	}
	return err;
}

static int read_syscall_group(struct collector *c)
{
	uint32_t zero = 0;
	uint64_t *tmp;

	if (bpf_map_lookup_elem(probe__syscall_map_fd(c->probe), &zero,
				c->percpu))
		return -errno;
	tmp = c->prev;
	c->prev = c->cur;
	c->cur = tmp;
	collect__sum_cpus(c->percpu, probe__ncpus(c->probe), SYSCALL_WORDS,
			  c->cur, SYSCALL_WORDS);
	return 0;
}

struct window *collector__next(struct collector *c, double ts,
			       double interval_s, const char *host)
{
	struct window *w;
	int err;

	err = read_syscall_group(c);
	if (err) {
		errno = -err;
		return NULL;
	}
	if (!c->primed) {
		err = read_cgroups(c, NULL);
		if (err) {
			errno = -err;
			return NULL;
		}
		c->primed = true;
		errno = EAGAIN;
		return NULL;
	}
	c->resets += collect__diff(c->prev, c->cur, SYSCALL_WORDS, c->delta);
	for (size_t i = 0; i < DP_SYSCALL_HEALTH_N; i++)
		c->health[i] += c->delta[DP_SYSCALL_BINS + i];

	w = window__new(ts, interval_s, host);
	if (!w)
		return NULL;
	for (int f = 0; f < DP_F_COUNT; f++) {
		const struct feature_info *fi = &feature_table[f];

		err = window__add(w, f, "/", c->delta + fi->offset, fi->bins);
		if (err) {
			window__free(w);
			errno = -err;
			return NULL;
		}
	}
	err = read_cgroups(c, w);
	if (err) {
		window__free(w);
		errno = -err;
		return NULL;
	}
	return w;
}

size_t collector__health(const struct collector *c, const char ***names,
			 const uint64_t **values)
{
	*names = (const char **)syscall_health_names;
	*values = c->health;
	return DP_SYSCALL_HEALTH_N;
}

uint64_t collector__resets(const struct collector *c)
{
	return c->resets;
}
