/* SPDX-License-Identifier: MIT */
/*
 * The probe's state as of a window (hooks attached, health counters), as
 * the live loop hands it to its callback: plain data, valid during the
 * callback only. Its own header so that outputs (metrics.h) can take it
 * without depending on the live loop.
 */
#ifndef DRIFTPROBE_PROBE_STATUS_H
#define DRIFTPROBE_PROBE_STATUS_H

#include <stddef.h>
#include <stdint.h>

/* A kernel hook the probe attached. */
struct probe_hook {
	const char *group;	/* "syscall", "net", "node" */
	const char *name;	/* the tracepoint: "sys_enter", ... */
	const char *kind;	/* "tp_btf" or "tracepoint" */
};

/* The probe's state as of a window, for health reporting. */
struct probe_status {
	const struct probe_hook *hooks;	/* every hook of every group */
	size_t nhooks;
	const char **health_names;	/* probe health counters since start */
	const uint64_t *health;
	size_t nhealth;
	uint64_t counter_resets;	/* bins whose counters went backwards */
};

#endif /* DRIFTPROBE_PROBE_STATUS_H */
