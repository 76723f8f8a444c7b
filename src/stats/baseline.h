/* SPDX-License-Identifier: MIT */
/*
 * The baseline: what "normal" looked like while learning. Per (feature,
 * cgroup), a series, it holds the counts pooled over the learning windows,
 * up to BASELINE_MAX_MODES modes (clusters of learning windows in
 * Hellinger geometry, modes.h: a service that alternates between kinds of
 * work has one per kind), and the score model (score.h) fitted to how far
 * each learning window strays from the modes of the others (held out).
 * Bursts inside the learning period (a stretch or two of windows far out,
 * at most BASELINE_TRIM_MAX of them; below) are left out of the modes and
 * of the score model, so one storm while learning neither becomes normal
 * nor widens every threshold. Built from struct window
 * (baseline_builder.c), saved to and loaded from one JSON document
 * (baseline_file.c, README "Baseline file").
 *
 * Errors follow libbpf: int functions return 0 or a negative errno, pointer
 * functions NULL with errno set. Functions taking err/errlen also write a
 * one-line message there naming the file and what was expected.
 */
#ifndef DRIFTPROBE_BASELINE_H
#define DRIFTPROBE_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <driftprobe/features.h>
#include "coupling.h"
#include "key_index.h"
#include "modes.h"
#include "score.h"

struct window;

/* 2: modes and score models replaced version 1's effect thresholds. */
#define BASELINE_VERSION	2
#define BASELINE_FORMAT		"driftprobe-baseline"
/*
 * The largest baseline file read (a larger one is refused before parsing):
 * 1,024 cgroups of 2,531 per-cgroup bins each, a tenth of them used at 12
 * digits, the pool and two modes per series, make ~24 MiB.
 */
#define BASELINE_MAX_FILE	(64ull << 20)
/*
 * A series' pooled counts total less than this, so that a window of as
 * many events can always be judged against them (the divergences sum the
 * two in 64 bits). Learning, merging and loading refuse more.
 */
#define BASELINE_MAX_TOTAL	(1ull << 63)
/* Modes per series at most; a mode holds at least BASELINE_MODE_MIN_SHARE
 * of the series' learning windows, and at least 3 of them. */
#define BASELINE_MAX_MODES	MODES_MAX
#define BASELINE_MODE_MIN_SHARE	0.05
/*
 * Bursts while learning, trimmed: the windows whose held-out z is beyond
 * BASELINE_BURST_Z, when they are at most BASELINE_TRIM_MAX of the windows
 * with events and come in at most BASELINE_BURST_RUNS stretches of
 * consecutive windows (a storm, or two). A pattern that recurs through
 * learning, however far out, is normal and kept; so is a storm longer
 * than BASELINE_TRIM_MAX of the learning period.
 */
#define BASELINE_BURST_Z	8.0
#define BASELINE_BURST_RUNS	2
#define BASELINE_TRIM_MAX	0.05
/*
 * Held-out scores are computed for at most about this many learning
 * windows of a series (an evenly spaced sample beyond): the tail needs a
 * few hundred, and each costs a divergence per mode, and with modes a
 * search of their mixtures.
 */
#define BASELINE_SCORED_MAX	512

struct baseline_mode {
	uint64_t windows;		/* learning windows in it */
	uint64_t *counts;		/* pooled over them; == the entry's
					   counts when it has one mode */
};

struct baseline_entry {			/* one (feature, cgroup) */
	enum dp_feature_id feature;
	char *cgroup;
	uint32_t nbins;
	uint64_t *counts;		/* pooled over the kept learning windows */
	uint64_t windows;		/* learning windows that had it */
	uint64_t trimmed;		/* of those with events: bursts */
	unsigned int nmodes;		/* 1..BASELINE_MAX_MODES */
	struct baseline_mode modes[BASELINE_MAX_MODES];
	struct score_model score;	/* of held-out effects */
	double novel_rate;		/* score__novel_rate of the kept
					   windows */
	/* Joint features only: the plug-in MI of each learning window. */
	struct coupling_band coupling;
};

struct baseline {
	unsigned int version;		/* BASELINE_VERSION */
	double created;			/* unix seconds */
	char *host, *kernel;		/* kernel: uname -r when built */
	double interval_s;		/* of the first learning window */
	uint64_t windows;
	size_t n;
	struct baseline_entry *entries;
	struct key_index index;		/* (feature, cgroup) -> entries[] */
};

struct baseline_builder;

/*
 * A builder; alpha is the smoothing handed to
 * divergence__compute. NULL + errno (EINVAL for a negative or non-finite
 * alpha, ENOMEM).
 */
struct baseline_builder *baseline_builder__new(double alpha);

/*
 * Add one learning window; copies what it needs. -EINVAL for an unknown
 * feature, a bin count other than the feature table's, or the same
 * (feature, cgroup) twice in one window (nothing is added then);
 * -EOVERFLOW if a series' pooled counts would total BASELINE_MAX_TOTAL
 * or more; -ENOMEM, after which the
 * builder refuses to finish; -EALREADY once finish has built from it.
 */
int baseline_builder__add(struct baseline_builder *b, const struct window *w);

/*
 * Pool, find the modes and fit the score models. Needs >= 2 windows: else
 * NULL, errno EINVAL and a message saying how many it got, and the builder
 * stays usable (more windows can be added and finish called again). Once
 * it has started building (a baseline, or an error while building), the
 * builder is spent: each series' learning windows are freed as soon as
 * its entry is built, so that learning's peak memory is not the windows
 * and the baseline both; a spent builder refuses to add or finish
 * (EALREADY) and is only for baseline_builder__free.
 */
struct baseline *baseline_builder__finish(struct baseline_builder *b,
					  char *err, size_t errlen);
void baseline_builder__free(struct baseline_builder *b);

/*
 * Write bl to path atomically: a 0600 temp file in the same directory,
 * fsync, rename over path, fsync the directory. On failure path is left as
 * it was and no temp file remains. 0 or negative errno (-EINVAL when
 * safe_file__check_dest refuses path: call that early, to fail before
 * the work).
 */
int baseline__save(const struct baseline *bl, const char *path, char *err,
		   size_t errlen);

/*
 * Read and validate a baseline file. Refuses (NULL, errno EINVAL unless
 * the system said otherwise) anything that is not a regular file of at most
 * 64 MiB, is writable by group or other, is owned by anyone but root or
 * the caller (an owner can rewrite it), is not valid JSON, or does not
 * match this build: format, version (a version 1 file, from before modes,
 * is refused with a message saying to learn it again), feature names, bin
 * counts and a consistent mode and score model per entry.
 */
struct baseline *baseline__load(const char *path, char *err, size_t errlen);

/*
 * Add entries[i] to bl's index (for baseline__find). 0, -EEXIST when an
 * indexed entry has the same (feature, cgroup), or -ENOMEM.
 */
int baseline__index_entry(struct baseline *bl, size_t i);

/*
 * Was bl learnt elsewhere: another host, kernel (NULL: not known), or
 * window length (more than 5% off)? Then true and a phrase for a warning
 * in buf: "learnt on host h1 (this is h2), from 10 s windows (these are
 * 1 s)".
 */
bool baseline__differs(const struct baseline *bl, const char *host,
		       const char *kernel, double interval_s, char *buf,
		       size_t len);

/* The entry for (f, cgroup), or NULL: one hash probe. */
const struct baseline_entry *baseline__find(const struct baseline *bl,
					    enum dp_feature_id f,
					    const char *cgroup);
/* Free what e owns (its counts, modes and cgroup name). */
void baseline_entry__clear(struct baseline_entry *e);
void baseline__free(struct baseline *bl);

#endif /* DRIFTPROBE_BASELINE_H */
