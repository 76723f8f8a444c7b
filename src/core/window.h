/* SPDX-License-Identifier: MIT */
/*
 * struct window: what happened during one interval, as one histogram per
 * feature (per cgroup). Live collection and offline replay both produce it;
 * everything downstream (baseline, detector, report) consumes only this.
 */
#ifndef DRIFTPROBE_WINDOW_H
#define DRIFTPROBE_WINDOW_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <driftprobe/features.h>
#include "feature.h"
#include "key_index.h"

/*
 * A histogram's scope (its "cgroup" string): "/" for host-wide, a cgroup
 * path (which always starts with "/", --per-cgroup), or a program's name
 * after WINDOW_PROGRAM_PREFIX (--per-program, program_name.h).
 */
#define WINDOW_PROGRAM_PREFIX	"program:"

/* Whether scope names a program (else the host or a cgroup). */
static inline int window__is_program(const char *scope)
{
	return !strncmp(scope, WINDOW_PROGRAM_PREFIX,
			sizeof(WINDOW_PROGRAM_PREFIX) - 1);
}

/* What scope is, for a person: "program" or "cgroup". */
static inline const char *window__scope_kind(const char *scope)
{
	return window__is_program(scope) ? "program" : "cgroup";
}

/*
 * What to print before scope in text: "cgroup " ("cgroup /a.slice"), and
 * nothing for a program's, which says what it is ("program:/bin/sh").
 */
static inline const char *window__scope_label(const char *scope)
{
	return window__is_program(scope) ? "" : "cgroup ";
}

/*
 * One histogram, sparse: only its non-zero bins are kept, in increasing
 * order (at 1,000 busy cgroups a window's dense counts are 20 MB, its
 * non-zero ones a third of that). window_hist__dense gives the dense
 * form to what needs it.
 */
struct window_hist {
	enum dp_feature_id feature;
	char *cgroup;		/* scope: "/", a cgroup, a program */
	char *workload;		/* its workload (workload.h), NULL: the
				   scope itself */
	uint32_t nbins;		/* of the feature */
	uint32_t nnz;		/* non-zero bins */
	uint64_t *nz_counts;	/* their counts, nnz of them */
	uint16_t *nz_bins;	/* their bins, increasing; in nz_counts'
				   allocation */
	uint64_t total;		/* of the counts */
	char **exemplars;	/* NULL, or nbins entries: NULL or "a, b" */
};

struct window {
	double ts;		/* unix seconds at the end of the window */
	double interval_s;
	char *host;
	size_t n;
	size_t cap;
	struct window_hist *hists;
	struct key_index index;	/* (feature, cgroup) -> hists[] */
	/*
	 * How histograms are found by key (window_hist__key): while none has
	 * a workload, through index; once some have, through by_workload
	 * (several cgroups, replicas or restarts, may share one workload),
	 * rebuilt by window__index_workloads; in between, by a scan.
	 */
	enum { WINDOW_KEYS_SCOPES, WINDOW_KEYS_INDEXED, WINDOW_KEYS_STALE } keys;
	struct key_index by_workload;
};

/* NULL + errno on allocation failure. */
struct window *window__new(double ts, double interval_s, const char *host);
void window__free(struct window *w);

/*
 * Append counts[0..nbins), kept sparse. Returns 0, -ENOMEM, or -EINVAL
 * when nbins exceeds FEATURE_MAX_BINS.
 */
int window__add(struct window *w, enum dp_feature_id f, const char *cgroup,
		const uint64_t *counts, uint32_t nbins);

/*
 * Replace the counts of the histogram of (f, cgroup) with counts[0..its
 * nbins). 0, -ENOENT (no such histogram), or -ENOMEM (it is left as it
 * was).
 */
int window__set_counts(struct window *w, enum dp_feature_id f,
		       const char *cgroup, const uint64_t *counts);

/*
 * Set the workload of the histogram of (f, cgroup) (NULL or equal to
 * cgroup: the scope itself). Call window__index_workloads after the
 * last. 0, -ENOENT (no such histogram), or -ENOMEM.
 */
int window__set_workload(struct window *w, enum dp_feature_id f,
			 const char *cgroup, const char *workload);

/* Rebuild the workload index after window__set_workload. 0 or -ENOMEM. */
int window__index_workloads(struct window *w);

/*
 * The series key of h, under which its baseline entry is kept: its
 * workload, or its scope.
 */
static inline const char *window_hist__key(const struct window_hist *h)
{
	return h->workload ? h->workload : h->cgroup;
}

/*
 * The histograms of feature f whose key (window_hist__key) is key: start
 * with *cursor = 0 and call until NULL.
 */
const struct window_hist *window__next_of_key(const struct window *w,
					      enum dp_feature_id f,
					      const char *key, size_t *cursor);

/*
 * Attach the exemplar text of one bin (who was behind it, e.g.
 * "10.0.0.2:443, 10.0.0.3:443") to the histogram of (f, cgroup).
 * 0, -ENOENT (no such histogram or bin), or -ENOMEM.
 */
int window__set_exemplar(struct window *w, enum dp_feature_id f,
			 const char *cgroup, uint32_t bin, const char *text);

/* The histogram for (feature, cgroup), or NULL. */
const struct window_hist *window__find(const struct window *w,
				       enum dp_feature_id f,
				       const char *cgroup);

static inline uint64_t window_hist__total(const struct window_hist *h)
{
	return h->total;
}

/* The counts of h, dense, into buf[0..h->nbins); returns buf. */
const uint64_t *window_hist__dense(const struct window_hist *h, uint64_t *buf);

/* The count of bin (0 past the last). */
uint64_t window_hist__count(const struct window_hist *h, uint32_t bin);

/* The exemplar text of bin, or NULL. */
const char *window_hist__exemplar(const struct window_hist *h, uint32_t bin);

#endif /* DRIFTPROBE_WINDOW_H */
