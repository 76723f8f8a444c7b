/* SPDX-License-Identifier: MIT */
/*
 * Prometheus exposition (text format 0.0.4) of what `run` knows: per
 * feature and cgroup the latest divergences, p-value, threshold, verdict
 * and event counts; per process the probe's health and build info. Pure:
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

/* NULL + errno (ENOMEM). version goes into driftprobe_build_info. */
struct metrics *metrics__new(const char *version);
void metrics__free(struct metrics *m);

/* The baseline analysis now uses (NULL: still learning). Not copied. */
void metrics__set_baseline(struct metrics *m, const struct baseline *bl);

/*
 * Probe status as of the latest window (hooks, health counters), copied:
 * st need not outlive the call. 0 or -ENOMEM (the previous status stays).
 */
int metrics__set_probe(struct metrics *m, const struct probe_status *st);

/*
 * One window was collected (events per feature) and processed in
 * processing_s seconds. 0 or -ENOMEM.
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
 * An incident of the latest window (incident.h): open and ongoing ones
 * are exported as active, a resolved one is dropped. 0 or -ENOMEM.
 */
int metrics__incident(struct metrics *m, const struct incident *inc);

/*
 * The sink (sink.h) through which the analyzer hands m every verdict and
 * incident.
 */
struct analysis_sink metrics__sink(struct metrics *m);

/* Write the exposition. 0, or -EIO when the stream failed. */
int metrics__write(const struct metrics *m, FILE *out);

#endif /* DRIFTPROBE_METRICS_H */
