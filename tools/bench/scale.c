// SPDX-License-Identifier: MIT
/*
 * Userspace cost of one window at scale: the per-cgroup features for N
 * cgroups plus every feature host-wide, through the analyzer and the JSON
 * report (the path `run` and `analyze`
 * take from struct window on). Builds synthetic windows in memory, learns
 * a baseline from 5 of them, then times 20 more with the process CPU
 * clock. Prints CPU per window and peak RSS next to their targets, as
 * ratios: the peak of the whole run (learning's is the highest: it keeps
 * every learning window's non-zero bins), and the peak while judging
 * (the steady state), measured apart by resetting the kernel's peak
 * (clear_refs) once learning is done. Every cgroup has every feature
 * --per-cgroup keeps busy, the worst case: a real cgroup rarely uses them
 * all.
 *
 * With "refresh", run's rolling refresh (refresh.h, its defaults) is the
 * last sink, as in run, and 40 windows are timed: its guard of 30
 * windows commits once among them. With "compact" or "none", the report
 * writes quiet verdicts as --normal-lines says (report.h); full lines
 * otherwise.
 *
 * usage: scale [CGROUPS [refresh|compact|none]...]   (default 1000, full
 *        lines, no refresh)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <malloc.h>
#include <math.h>
#include <sys/resource.h>
#include "analyzer.h"
#include "baseline.h"
#include "feature.h"
#include "refresh.h"
#include "report.h"
#include "window.h"

#define LEARN	5
#define TIMED	20
#define TARGET_MS	10.0
#define TARGET_RSS_MB	32.0

static uint64_t rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * A window where each (feature, cgroup) has min(40, bins / 4) busy bins
 * with counts that differ from window to window by up to 5x: a busier,
 * noisier cgroup than most (the cost grows with busy bins, not bins).
 */
/*
 * Whether --per-cgroup keeps feature f per cgroup: all but net.pkt_rx,
 * which has no owning socket where it is counted (bpf/net.bpf.c).
 */
static bool kept_per_cgroup(int f)
{
	return f != DP_F_NET_PKT_RX;
}

static struct window *synthetic(double ts, unsigned int cgroups, uint64_t *seed)
{
	struct window *w = window__new(ts, 10, "bench");
	uint64_t *counts = calloc(FEATURE_MAX_BINS, sizeof(*counts));
	char name[64];

	if (!w || !counts)
		exit(1);
	for (unsigned int c = 0; c <= cgroups; c++) {
		/* Host-wide: every feature; per cgroup: what --per-cgroup keeps. */
		if (c == cgroups)
			snprintf(name, sizeof(name), "/");
		else
			snprintf(name, sizeof(name),
				 "/system.slice/svc-%u.service", c);
		for (int f = 0; f < DP_F_COUNT; f++) {
			if (c < cgroups && !kept_per_cgroup(f))
				continue;
			uint32_t k = feature_table[f].bins;
			uint32_t busy = k / 4 < 40 ? k / 4 : 40;

			memset(counts, 0, k * sizeof(*counts));
			for (uint32_t i = 0; i < busy; i++)
				counts[(c * 7 + i * i) % k] += 10 + rng(seed) % 50;
			if (window__add(w, f, name, counts, k))
				exit(1);
		}
	}
	free(counts);
	return w;
}

/* How many features --per-cgroup keeps per cgroup. */
static unsigned int per_cgroup_features(void)
{
	unsigned int n = 0;

	for (int f = 0; f < DP_F_COUNT; f++)
		n += kept_per_cgroup(f);
	return n;
}

/* This process's peak RSS in MB (VmHWM), or -1. */
static double peak_rss_mb(void)
{
	char line[256];
	double kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %lf kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

/* Start this process's peak RSS again from its RSS now. 0 or -1. */
static int reset_peak_rss(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	int err = !f || fputs("5", f) < 0;

	if (f && fclose(f))
		err = 1;
	return err ? -1 : 0;
}

static double cpu_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	unsigned int cgroups = argc > 1 ? (unsigned int)atoi(argv[1]) : 1000;
	enum report_normal normal = REPORT_NORMAL_FULL;
	bool refresh = false;
	int timed;
	struct refresh_opts ro = { .half_life_s = REFRESH_HALF_LIFE_S,
				   .guard_s = REFRESH_GUARD_S,
				   .every_s = REFRESH_EVERY_S,
				   .interval_s = 10 };
	struct refresher *rf = NULL;
	struct baseline_builder *b = baseline_builder__new(0.5);
	struct detector_opts opts;
	struct baseline *bl;
	struct analyzer *a;
	struct report *r;
	struct analysis_sink sink;
	struct rusage ru;
	uint64_t seed = 1;
	double t0, per_window, rss_mb, learn_rss_mb, judge_rss_mb;
	char err[256];
	FILE *devnull = fopen("/dev/null", "w");

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "refresh")) {
			refresh = true;
		} else if (report__parse_normal(argv[i], &normal)) {
			fprintf(stderr, "scale: '%s': expected refresh, "
				REPORT_NORMAL_NAMES "\n", argv[i]);
			return 2;
		}
	}
	timed = refresh ? 2 * TIMED : TIMED;
	for (int i = 0; i < LEARN; i++) {
		struct window *w = synthetic(i * 10.0, cgroups, &seed);

		if (baseline_builder__add(b, w))
			return 1;
		window__free(w);
	}
	bl = baseline_builder__finish(b, err, sizeof(err));
	if (!bl) {
		fprintf(stderr, "scale: %s\n", err);
		return 1;
	}
	/* As run does: the learning windows' copies go once learnt. */
	baseline_builder__free(b);
	malloc_trim(0);
	learn_rss_mb = peak_rss_mb();
	if (reset_peak_rss())
		learn_rss_mb = -1;
	detector_opts__defaults(&opts);
	a = analyzer__new(bl, &opts);
	r = report__new(devnull, REPORT_JSON, 0);
	if (!a || !r || !devnull)
		return 1;
	report__set_normal(r, normal);
	sink = report__sink(r);
	analyzer__add_sink(a, &sink);
	if (refresh) {
		rf = refresher__new(bl, &ro);
		if (!rf)
			return 1;
		sink = refresher__sink(rf);
		analyzer__add_sink(a, &sink);
	}
	t0 = 0;
	for (int i = 0; i < timed; i++) {
		struct window *w = synthetic(1000 + i * 10.0, cgroups, &seed);
		double start = cpu_ms();

		if (analyzer__window(a, w) < 0)
			return 1;
		t0 += cpu_ms() - start;
		window__free(w);
	}
	per_window = t0 / timed;
	judge_rss_mb = learn_rss_mb < 0 ? -1 : peak_rss_mb();
	getrusage(RUSAGE_SELF, &ru);	/* reset with the peak, if it was */
	rss_mb = fmax(ru.ru_maxrss / 1024.0, learn_rss_mb);
	printf("userspace, one window of %u cgroups x the %u per-cgroup "
	       "features + %d host-wide (%u histograms): analyzer + JSON "
	       "report (%s quiet lines)%s\n", cgroups, per_cgroup_features(),
	       DP_F_COUNT, cgroups * per_cgroup_features() + DP_F_COUNT,
	       normal == REPORT_NORMAL_FULL ? "full" :
	       normal == REPORT_NORMAL_COMPACT ? "compact" : "no",
	       refresh ? " + rolling refresh" : "");
	printf("  cpu per window  %8.2f ms   target %5.1f ms   ratio %.2f\n",
	       per_window, TARGET_MS, per_window / TARGET_MS);
	printf("  peak rss        %8.1f MB   target %5.1f MB   ratio %.2f\n",
	       rss_mb, TARGET_RSS_MB, rss_mb / TARGET_RSS_MB);
	if (judge_rss_mb >= 0)
		printf("    learning      %8.1f MB\n"
		       "    judging       %8.1f MB   target %5.1f MB   ratio %.2f\n",
		       learn_rss_mb, judge_rss_mb, TARGET_RSS_MB,
		       judge_rss_mb / TARGET_RSS_MB);
	report__free(r);
	analyzer__free(a);
	refresher__free(rf);
	baseline__free(bl);
	fclose(devnull);
	return 0;
}
