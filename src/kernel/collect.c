// SPDX-License-Identifier: MIT
/*
 * Live collection: read each group's per-CPU map value in one syscall, sum
 * the CPUs, diff against the previous snapshot, and hand out a window. The
 * kernel counters are cumulative, so nothing is lost at window edges. The
 * net group's value also carries the last endpoint per bin, which becomes
 * the bin's exemplars, unless the probe keeps none (--no-exemplars: then
 * the kernel writes none and nothing here reads them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "keyed_collect.h"
#include "cgroup_path.h"
#include "collect.h"
#include "counters.h"
#include "exemplar.h"
#include "feature.h"
#include "probe.h"
#include "proc_exemplar.h"
#include "program_name.h"
#include "window.h"

/* What the collector needs to know about each group's map values. */
struct group_desc {
	const char *name;
	size_t words;		/* value size in u64 words */
	size_t bins;		/* count words, then nhealth health words */
	size_t nhealth;
	size_t cgroup_value_size;	/* --per-cgroup map value; 0: none */
};

static const struct group_desc group_descs[DP_GROUP_COUNT] = {
	[DP_GROUP_SYSCALL] = {
		"syscall", sizeof(struct dp_syscall_hist) / sizeof(uint64_t),
		DP_SYSCALL_BINS, DP_SYSCALL_HEALTH_N,
		sizeof(struct dp_syscall_cgroup_hist),
	},
	[DP_GROUP_NET] = {
		"net", sizeof(struct dp_net_hist) / sizeof(uint64_t),
		DP_NET_BINS, DP_NET_HEALTH_N,
		sizeof(struct dp_net_cgroup_hist),
	},
	[DP_GROUP_NODE] = {
		"node", sizeof(struct dp_node_hist) / sizeof(uint64_t),
		DP_NODE_BINS, DP_NODE_HEALTH_N,
		sizeof(struct dp_node_cgroup_hist),
	},
};

/* The kernel's health counters, then the ones userspace keeps. */
#define HEALTH_KERNEL (DP_SYSCALL_HEALTH_N + DP_NET_HEALTH_N + DP_NODE_HEALTH_N)
#define HEALTH_EVICTED HEALTH_KERNEL	/* --per-cgroup entries evicted */
#define HEALTH_PROGRAM_EVICTED (HEALTH_KERNEL + 1)	/* --per-program's */
#define HEALTH_N (HEALTH_KERNEL + 2)

/* Group by group, in enum dp_group order. */
static const char *const health_names[HEALTH_N] = {
#define DP_X_HEALTH_NAME(id, name) name,
	DP_SYSCALL_HEALTH(DP_X_HEALTH_NAME)
	DP_NET_HEALTH(DP_X_HEALTH_NAME)
	DP_NODE_HEALTH(DP_X_HEALTH_NAME)
#undef DP_X_HEALTH_NAME
	[HEALTH_EVICTED] = "cgroup_entries_evicted",	/* every group's */
	[HEALTH_PROGRAM_EVICTED] = "program_entries_evicted",
};

struct group_state {
	int fd;			/* < 0: not loaded, no windows for it */
	uint64_t *percpu;	/* ncpus * words, this read */
	uint64_t *percpu_prev;	/* the read before, for exemplars */
	uint64_t *cur;		/* bins + health, summed over CPUs */
	uint64_t *prev;
	uint64_t *delta;
};

struct collector {
	struct probe *probe;
	size_t ncpus;
	struct group_state g[DP_GROUP_COUNT];
	struct exemplars *ex;
	uint64_t health[HEALTH_N];	/* since start */
	uint64_t resets;
	bool primed;
	bool exemplars;		/* the probe keeps them (--no-exemplars) */
	struct cgroup_paths *cgroup_paths;	/* per-cgroup or exemplars */
	/* --per-cgroup only, per group with a cgroup map (NULL: none) */
	struct keyed_collector *cgroups[DP_GROUP_COUNT];
	uint64_t evicted_reported[DP_GROUP_COUNT];
	/* --per-program only: the syscall group's per-program map */
	struct program_names *program_names;
	struct keyed_collector *programs;
	uint64_t programs_evicted_reported;
	struct proc_exemplars *procs;		/* unless --no-exemplars */
};

/* A keyed_namer_fn for cgroup maps: the cgroup's path. */
static const char *cgroup_name(void *paths, uint64_t id, const void *value)
{
	(void)value;
	return cgroup_paths__name(paths, id);
}

/* Whether any group keeps per-cgroup counts. */
static bool any_cgroup_map(const struct probe *p)
{
	for (int i = 0; i < DP_GROUP_COUNT; i++)
		if (probe__cgroup_map_fd(p, i) >= 0)
			return true;
	return false;
}

/* A collector for each group's per-cgroup map. 0, or -1 + errno. */
static int new_keyed_collectors(struct collector *c)
{
	for (int i = 0; i < DP_GROUP_COUNT; i++) {
		const struct group_desc *d = &group_descs[i];
		int fd = probe__cgroup_map_fd(c->probe, i);
		struct keyed_map_desc md = { i, d->bins, d->cgroup_value_size };

		if (fd < 0)
			continue;
		c->cgroups[i] = keyed_collector__new(fd, &md, cgroup_name,
						     c->cgroup_paths);
		if (!c->cgroups[i])
			return -1;
	}
	return 0;
}

/* The collector of the per-program map, if any. 0, or -1 + errno. */
static int new_program_collector(struct collector *c)
{
	static const struct keyed_map_desc md = {
		DP_GROUP_SYSCALL, DP_SYSCALL_BINS,
		sizeof(struct dp_syscall_program_hist),
	};
	int fd = probe__program_map_fd(c->probe);

	if (fd < 0)
		return 0;
	c->program_names = program_names__new("/proc");
	if (!c->program_names)
		return -1;
	c->programs = keyed_collector__new(fd, &md, program_names__name,
					   c->program_names);
	return c->programs ? 0 : -1;
}

struct collector *collector__new(struct probe *p)
{
	struct collector *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->probe = p;
	c->ncpus = probe__ncpus(p);
	c->exemplars = probe__exemplars(p);
	c->ex = exemplars__new();
	if (!c->ex)
		goto nomem;
	for (int i = 0; i < DP_GROUP_COUNT; i++) {
		const struct group_desc *d = &group_descs[i];
		struct group_state *g = &c->g[i];
		size_t n = d->bins + d->nhealth;

		g->fd = probe__map_fd(p, i);	/* < 0: group not loaded */
		if (g->fd < 0)
			continue;
		g->percpu = calloc(c->ncpus * d->words, sizeof(uint64_t));
		g->percpu_prev = calloc(c->ncpus * d->words, sizeof(uint64_t));
		g->cur = calloc(n, sizeof(uint64_t));
		g->prev = calloc(n, sizeof(uint64_t));
		g->delta = calloc(n, sizeof(uint64_t));
		if (!g->percpu || !g->percpu_prev || !g->cur || !g->prev ||
		    !g->delta)
			goto nomem;
	}
	if ((any_cgroup_map(p) || probe__proc_map_fd(p) >= 0) &&
	    !(c->cgroup_paths = cgroup_paths__new(NULL)))
		goto fail;
	if (new_keyed_collectors(c) || new_program_collector(c))
		goto fail;
	if (probe__proc_map_fd(p) >= 0 &&
	    !(c->procs = proc_exemplars__new(probe__proc_map_fd(p),
					     c->cgroup_paths)))
		goto fail;
	return c;
fail:
	if (errno != ENOMEM) {	/* cgroup2 not mounted, say */
		int err = errno;

		collector__free(c);
		errno = err;
		return NULL;
	}
nomem:
	collector__free(c);
	errno = ENOMEM;
	return NULL;
}

void collector__free(struct collector *c)
{
	if (!c)
		return;
	for (int i = 0; i < DP_GROUP_COUNT; i++) {
		free(c->g[i].percpu);
		free(c->g[i].percpu_prev);
		free(c->g[i].cur);
		free(c->g[i].prev);
		free(c->g[i].delta);
		keyed_collector__free(c->cgroups[i]);
	}
	keyed_collector__free(c->programs);
	program_names__free(c->program_names);
	exemplars__free(c->ex);
	proc_exemplars__free(c->procs);
	cgroup_paths__free(c->cgroup_paths);
	free(c);
}

/*
 * One keyed map's histograms into w (NULL: prime): its entries the
 * kernel's LRU evicted since the last read (more live keys than max) are
 * said once, as "N <what> entries evicted from the kernel's <map> map".
 * *evicted: its total since the start. 0 or -errno.
 */
static int read_keyed(struct keyed_collector *kc, struct window *w,
		      const char *what, const char *map, int max,
		      uint64_t *reported, uint64_t *evicted)
{
	int err = keyed_collector__read(kc, w);

	*evicted = keyed_collector__evicted(kc);
	if (*evicted > *reported) {
		fprintf(stderr, "driftprobe: %llu %s entries evicted from the "
			"kernel's %s map (more than %d live %ss); their counts "
			"since the previous window are lost\n",
			(unsigned long long)(*evicted - *reported), what, map,
			max, what);
		*reported = *evicted;
	}
	return err;
}

/*
 * Per-cgroup histograms of every group into w (NULL: prime); evictions
 * summed over the groups in the health counter.
 */
static int read_cgroups(struct collector *c, struct window *w)
{
	uint64_t evicted, total = 0;
	int err = 0;

	for (int i = 0; i < DP_GROUP_COUNT && !err; i++) {
		if (!c->cgroups[i])
			continue;
		err = read_keyed(c->cgroups[i], w, "cgroup",
				 group_descs[i].name, DP_CGROUP_MAX,
				 &c->evicted_reported[i], &evicted);
		total += evicted;
	}
	c->health[HEALTH_EVICTED] = total;
	return err;
}

/* Per-program histograms into w (NULL: prime). */
static int read_programs(struct collector *c, struct window *w)
{
	if (!c->programs)
		return 0;
	return read_keyed(c->programs, w, "program", "syscall",
			  DP_PROGRAM_MAX, &c->programs_evicted_reported,
			  &c->health[HEALTH_PROGRAM_EVICTED]);
}

/*
 * The hash maps keyed by cgroup, program or process, into w (NULL: prime):
 * cgroups first, so that process exemplars find their cgroup's histograms.
 */
static int read_keyed_maps(struct collector *c, struct window *w)
{
	int err;

	/* Every reader below shares one rescan of the cgroup tree. */
	if (c->cgroup_paths)
		cgroup_paths__new_window(c->cgroup_paths);
	err = read_cgroups(c, w);
	if (!err)
		err = read_programs(c, w);

	return err || !c->procs ? err : proc_exemplars__read(c->procs, w);
}


static void swap(uint64_t **a, uint64_t **b)
{
	uint64_t *t = *a;

	*a = *b;
	*b = t;
}

static int read_group(struct collector *c, int i)
{
	const struct group_desc *d = &group_descs[i];
	struct group_state *g = &c->g[i];
	uint32_t zero = 0;

	swap(&g->percpu, &g->percpu_prev);
	if (bpf_map_lookup_elem(g->fd, &zero, g->percpu))
		return -errno;
	swap(&g->prev, &g->cur);
	counters__sum_cpus(g->percpu, c->ncpus, d->words, g->cur,
			  d->bins + d->nhealth);
	return 0;
}

/*
 * Process names as the exemplars of feature f's bins (the connecting
 * process of a net.comm_dport cell, the program of a proc.exec bin): each
 * bin whose last name changed since the previous read.
 */
static int note_names(struct exemplars *ex, enum dp_feature_id f,
		      const char (*now)[DP_COMM_LEN],
		      const char (*before)[DP_COMM_LEN], uint32_t bins)
{
	char text[DP_COMM_LEN + 1];
	int err = 0;

	for (uint32_t b = 0; b < bins && !err; b++)
		if (memcmp(now[b], before[b], DP_COMM_LEN)) {
			memcpy(text, now[b], DP_COMM_LEN);
			text[DP_COMM_LEN] = '\0';
			err = exemplars__note(ex, f, b, text);
		}
	return err;
}

/* Ports of hashed port bins that changed; a named bin is its own exemplar. */
static int note_ports(struct exemplars *ex, enum dp_feature_id f,
		      const unsigned int *now, const unsigned int *before)
{
	char text[EXEMPLAR_LEN];
	int err = 0;

	for (uint32_t b = DP_NAMED_PORTS_N; b < DP_NET_DPORT_BINS && !err; b++)
		if (now[b] != before[b]) {
			snprintf(text, sizeof(text), "%u", now[b]);
			err = exemplars__note(ex, f, b, text);
		}
	return err;
}

/*
 * The endpoints and ports the kernel last counted per bin, on each CPU where
 * they changed since the previous read, become the newest exemplars.
 */
static int note_net_exemplars(struct collector *c)
{
	const struct group_state *g = &c->g[DP_GROUP_NET];
	size_t words = group_descs[DP_GROUP_NET].words;
	char text[EXEMPLAR_LEN];
	int err = 0;

	for (size_t cpu = 0; cpu < c->ncpus && !err; cpu++) {
		const struct dp_net_hist *now =
			(const void *)(g->percpu + cpu * words);
		const struct dp_net_hist *before =
			(const void *)(g->percpu_prev + cpu * words);

		for (uint32_t b = 0; b < DP_NET_PEER_BINS && !err; b++)
			if (memcmp(&now->peer_last[b], &before->peer_last[b],
				   sizeof(now->peer_last[b])) &&
			    exemplars__format_endpoint(&now->peer_last[b], text,
						       sizeof(text)) > 0)
				err = exemplars__note(c->ex, DP_F_NET_PEER, b,
						      text);
		if (!err)
			err = note_ports(c->ex, DP_F_NET_DPORT, now->dport_last,
					 before->dport_last);
		if (!err)
			err = note_ports(c->ex, DP_F_NET_UDP_DPORT,
					 now->udp_dport_last,
					 before->udp_dport_last);
		if (!err)
			err = note_names(c->ex, DP_F_NET_COMM_DPORT,
					 now->comm_dport_last,
					 before->comm_dport_last,
					 DP_COMM_ROWS * DP_PORT_CLASS_N);
	}
	return err;
}

/* The program names behind each proc.exec bin, from every CPU's value. */
static int note_node_exemplars(struct collector *c)
{
	const struct group_state *g = &c->g[DP_GROUP_NODE];
	size_t words = group_descs[DP_GROUP_NODE].words;
	int err = 0;

	for (size_t cpu = 0; cpu < c->ncpus && !err; cpu++) {
		const struct dp_node_hist *now =
			(const void *)(g->percpu + cpu * words);
		const struct dp_node_hist *before =
			(const void *)(g->percpu_prev + cpu * words);

		err = note_names(c->ex, DP_F_PROC_EXEC, now->exec_last,
				 before->exec_last, DP_PROC_EXEC_BINS);
	}
	return err;
}

static int read_maps(struct collector *c)
{
	int err = 0;

	for (int i = 0; i < DP_GROUP_COUNT && !err; i++)
		err = c->g[i].fd < 0 ? 0 : read_group(c, i);
	if (!err && c->exemplars && c->g[DP_GROUP_NET].fd >= 0)
		err = note_net_exemplars(c);
	if (!err && c->exemplars && c->g[DP_GROUP_NODE].fd >= 0)
		err = note_node_exemplars(c);
	return err;
}

/* Add feature f's histogram, with the exemplars of its non-empty bins. */
static int add_feature(struct collector *c, struct window *w,
		       enum dp_feature_id f)
{
	const struct feature_info *fi = &feature_table[f];
	const uint64_t *counts = c->g[fi->group].delta + fi->offset;
	char text[EXEMPLARS_PER_BIN * (EXEMPLAR_LEN + 2)];
	int err;

	err = window__add(w, f, "/", counts, fi->bins);
	for (uint32_t b = 0; b < fi->bins && !err; b++)
		if (counts[b] && exemplars__join(c->ex, f, b, text, sizeof(text)))
			err = window__set_exemplar(w, f, "/", b, text);
	return err;
}

struct window *collector__next(struct collector *c, double ts,
			       double interval_s, const char *host)
{
	struct window *w;
	size_t h = 0;
	int err;

	err = read_maps(c);
	if (err) {
		errno = -err;
		return NULL;
	}
	if (!c->primed) {
		err = read_keyed_maps(c, NULL);
		if (err) {
			errno = -err;
			return NULL;
		}
		c->primed = true;
		errno = EAGAIN;
		return NULL;
	}
	for (int i = 0; i < DP_GROUP_COUNT; i++) {
		const struct group_desc *d = &group_descs[i];
		struct group_state *g = &c->g[i];

		if (g->fd >= 0) {
			c->resets += counters__diff(g->prev, g->cur,
						   d->bins + d->nhealth,
						   g->delta);
			for (size_t k = 0; k < d->nhealth; k++)
				c->health[h + k] += g->delta[d->bins + k];
		}
		h += d->nhealth;
	}

	w = window__new(ts, interval_s, host);
	if (!w)
		return NULL;
	for (int f = 0; f < DP_F_COUNT; f++) {
		if (c->g[feature_table[f].group].fd < 0)
			continue;
		err = add_feature(c, w, f);
		if (err) {
			window__free(w);
			errno = -err;
			return NULL;
		}
	}
	err = read_keyed_maps(c, w);
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
	*names = (const char **)health_names;
	*values = c->health;
	return HEALTH_N;
}

uint64_t collector__resets(const struct collector *c)
{
	return c->resets;
}
