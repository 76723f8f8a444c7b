/* SPDX-License-Identifier: MIT */
/*
 * The live loop shared by `record` and `run`: attach the probe, then every
 * interval collect one window and hand it to a callback, on an absolute
 * monotonic schedule (no drift), until the duration ends or SIGINT/SIGTERM.
 * A window cut short by a signal is dropped: every window handed out is a
 * full interval, or, after a stall (SIGSTOP, a paused VM, a callback
 * blocked on a slow reader), one window as long as the stall that says so
 * in its interval_s, after which the schedule restarts. No two windows
 * share a ts. Once attached it drops every privilege it no longer needs
 * (privdrop.h). At the end it prints the probe's health counters (events
 * it could not time or count right) on stderr, so losses are never silent.
 */
#ifndef DRIFTPROBE_LIVE_H
#define DRIFTPROBE_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <argp.h>
#include <stdint.h>
#include "privdrop.h"
#include "probe.h"
#include "probe_status.h"
#include "workload_node.h"

struct window;

struct live_opts {
	double interval_s;
	double duration_s;	/* 0 = until signalled */
	struct probe_opts probe;
	struct privdrop_user user;	/* --user: switch to it after attach */
	struct workload_opts workload;	/* how cgroups' workloads are named */
};

/*
 * Called with each window and the probe status (the callback owns nothing;
 * both are freed after it returns). Return 0 to go on, > 0 to stop
 * cleanly, < 0 to fail.
 */
typedef int (*live_window_fn)(const struct window *w,
			      const struct probe_status *st, void *ctx);

/*
 * The live commands' options (--interval, --duration, --hooks, --netns,
 * --per-cgroup, --latency-sample, --no-exemplars, --verbose, --user, and
 * cli__workload_argp's), as an argp child whose input is a struct
 * live_opts.
 */
extern const struct argp live__argp;

/* Now, in unix seconds (CLOCK_REALTIME), as windows' ts are. */
double live__realtime(void);

/* This host's name, as records carry it. */
const char *live__hostname(void);

/* Returns EXIT_OK, or EXIT_RUNTIME after printing what failed. */
int live__run(const struct live_opts *o, live_window_fn fn, void *ctx);

#endif /* DRIFTPROBE_LIVE_H */
