/* SPDX-License-Identifier: MIT */
/*
 * Where the analyzer's results go: a small table of callbacks and their
 * context, as libbpf hands records to ring_buffer__new's callback. The
 * analyzer calls the sinks it was given and knows nothing of them; the
 * outputs (report.c, metrics.c) each offer one. A NULL callback is skipped.
 */
#ifndef DRIFTPROBE_SINK_H
#define DRIFTPROBE_SINK_H

#include <stdbool.h>
#include <stdint.h>
#include <driftprobe/features.h>

struct analysis;
struct coupling_verdict;
struct incident;
struct window;
struct window_hist;

struct analysis_sink {
	/*
	 * One baseline entry (f, cgroup) judged in w: h is w's histogram of
	 * it (NULL when w has none), cv a joint feature's coupling (else
	 * NULL). 0 or -errno, which stops the window.
	 */
	int (*analysis)(void *ctx, const struct window *w,
			enum dp_feature_id f, const char *cgroup,
			const struct window_hist *h, const struct analysis *an,
			const struct coupling_verdict *cv);
	/*
	 * A series the baseline lacks, with n events in w: a cgroup it never
	 * saw (cgroup_known false), or a known cgroup's feature that had no
	 * events while learning. Handed over once, never judged. 0 or -errno.
	 */
	int (*new_series)(void *ctx, const struct window *w,
			  enum dp_feature_id f, const char *cgroup, uint64_t n,
			  bool cgroup_known);
	/* Every entry of w was handed over. 0 or -errno. */
	int (*window_done)(void *ctx, const struct window *w);
	void *ctx;
	/*
	 * An incident of w (incident.h): after every analysis and new series
	 * of w, before window_done; critical ones first, resolved ones last.
	 * inc and what it points to are valid during the call. 0 or -errno.
	 * (Last, so that positional initialisers of the table stay valid.)
	 */
	int (*incident)(void *ctx, const struct window *w,
			const struct incident *inc);
	/*
	 * The sink never reads the smoothed divergences (kl_wb, kl_bw, js,
	 * psi, hellinger) of a quiet verdict: when every sink says so, the
	 * analyzer leaves them out (detector_opts.lean). False, the safe
	 * default, when not set.
	 */
	bool quiet_lean;
};

#endif /* DRIFTPROBE_SINK_H */
