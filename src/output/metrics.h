/* SPDX-License-Identifier: MIT */
/*
 * Prometheus exposition (text format 0.0.4) of what `run` knows: per
 * feature and per workload (cgroup) aggregates of the latest verdicts,
 * events and latency percentiles; per (feature, cgroup) series the latest
 * divergences, p-value, threshold and verdict, for a bounded number of
 * series (the host's, open incidents', the top N by score); the open
 * incidents; the probe's health and build info. Pure:
 * callers feed it analysis results and health snapshots, and it writes
 * text; it never touches BPF, sockets or threads (the HTTP side is
 * exporter.c). Metric names and labels are documented in README
 * "Prometheus metrics" and driftprobe(8).
 */
#ifndef DRIFTPROBE_METRICS_H
#define DRIFTPROBE_METRICS_H

#include <stdio.h>
#include <driftprobe/features.h>
#include "probe_status.h"
#include "sink.h"

struct analysis;
struct baseline;
struct coupling_verdict;
struct incident;
struct window;
struct metrics;

#define METRICS_TOP_DEFAULT	20	/* --metrics-top */
#define METRICS_GRACE_DEFAULT	300	/* --metrics-grace, seconds */

struct metrics_opts {
	/*
	 * Per-(feature, cgroup) detail for this many workload series of
	 * highest score, besides the host's ("/") and those of open
	 * incidents (0: only those).
	 */
	unsigned long top;
	/* A cgroup without a window for this long (window time) is dropped. */
	double grace_s;
};

/*
 * NULL + errno (ENOMEM). version goes into driftprobe_build_info; o NULL:
 * the defaults.
 */
struct metrics *metrics__new(const char *version,
			     const struct metrics_opts *o);
void metrics__free(struct metrics *m);

/* The baseline analysis now uses (NULL: still learning). Not copied. */
void metrics__set_baseline(struct metrics *m, const struct baseline *bl);

/* How many mute rules are in force as of the latest window (mute.h). */
void metrics__set_mutes(struct metrics *m, size_t active);

/* The rolling refresh's counts so far (refresh.h; never set: it is off). */
struct refresh_stats;
void metrics__set_refresh(struct metrics *m, const struct refresh_stats *st);

/*
 * Probe status as of the latest window (hooks, health counters), copied:
 * st need not outlive the call. 0 or -ENOMEM (the previous status stays).
 */
int metrics__set_probe(struct metrics *m, const struct probe_status *st);

/*
 * One window was collected (events per feature) and processed in
 * processing_s seconds: its events and latency percentiles replace the
 * previous window's; then the cgroups without a window since w->ts minus
 * the grace period (but those of an open incident) are forgotten.
 * 0 or -ENOMEM.
 */
int metrics__window(struct metrics *m, const struct window *w,
		    double processing_s);

/*
 * The verdict for (f, cgroup) in the latest window, and for a joint
 * feature its coupling (else cv is NULL). 0 or -ENOMEM.
 */
int metrics__analysis(struct metrics *m, enum dp_feature_id f,
		      const char *cgroup, const struct analysis *an,
		      const struct coupling_verdict *cv);

/*
 * An incident of the latest window (incident.h) on host (the window's):
 * open and ongoing ones are exported as active, a resolved one is
 * dropped. 0 or -ENOMEM.
 */
int metrics__incident(struct metrics *m, const char *host,
		      const struct incident *inc);

/*
 * The sink (sink.h) through which the analyzer hands m every verdict and
 * incident.
 */
struct analysis_sink metrics__sink(struct metrics *m);

/* Write the exposition. 0, -ENOMEM, or -EIO when the stream failed. */
int metrics__write(const struct metrics *m, FILE *out);

#endif /* DRIFTPROBE_METRICS_H */
