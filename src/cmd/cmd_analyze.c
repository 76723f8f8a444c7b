// SPDX-License-Identifier: MIT
/*
 * `driftprobe analyze`: recorded windows against a baseline, offline, with
 * the same analyzer `run` uses live; --compare NEW=OLD judges one
 * workload's windows against another's baseline (the canary against the
 * old version) by giving the baseline's series of OLD to NEW as well.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyzer.h"
#include "baseline_merge.h"
#include "cli.h"
#include "live.h"
#include "report.h"
#include "watch_args.h"
#include "window.h"
#include "workload_node.h"

struct analyze_args {
	const char *baseline;
	bool json;
	enum report_normal normal;	/* --normal-lines */
	struct detector_opts det;
	struct workload_opts workload;
	struct baseline_alias *compare;	/* --compare NEW=OLD pairs */
	size_t ncompare;
	char **paths;
	int npaths;
	const struct baseline *bl;
	struct analyzer *analyzer;
	struct report *report;
	unsigned long anomalies, windows;
	struct watch_args watch_args;	/* --mute, --threshold, --features */
	struct mute_set mutes;
	struct watch_policy watch;
};

enum { OPT_COMPARE = 0x100, OPT_NORMAL_LINES };

static const struct argp_option analyze_options[] = {
	{ "baseline", 'b', "FILE", 0, "Baseline to compare with (required)", 0 },
	{ "json", 'j', NULL, 0, "One JSON line per window x feature", 0 },
	{ "normal-lines", OPT_NORMAL_LINES, "MODE", 0, "With --json, the "
	  "line of a normal or insufficient verdict: full (default), compact "
	  "(n, effect, score, threshold, verdict) or none", 0 },
	{ "compare", OPT_COMPARE, "NEW=OLD", 0, "Judge the windows of series "
	  "key NEW (a cgroup, a workload) against the baseline's series of "
	  "OLD instead of NEW's own; repeatable", 0 },
	{},
};

static error_t analyze_parse(int key, char *arg, struct argp_state *state)
{
	struct analyze_args *a = state->input;

	switch (key) {
	case 'b':
		a->baseline = arg;
		return 0;
	case 'j':
		a->json = true;
		return 0;
	case OPT_NORMAL_LINES:
		return cli__parse_normal_lines(state, arg, &a->normal);
	case OPT_COMPARE: {
		char *eq = strchr(arg, '=');

		if (!eq || eq == arg || !eq[1]) {
			argp_error(state, "--compare '%s': expected NEW=OLD, two "
					  "series keys (e.g. /web-v2=/web-v1)",
				   arg);
			return EINVAL;
		}
		*eq = '\0';	/* argv is ours to cut */
		a->compare[a->ncompare++] = (struct baseline_alias){ arg,
								     eq + 1 };
		return 0;
	}
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->det;
		state->child_inputs[1] = &a->watch_args;
		state->child_inputs[2] = &a->workload;
		return 0;
	case ARGP_KEY_ARGS:
		a->paths = state->argv + state->next;
		a->npaths = state->argc - state->next;
		return 0;
	case ARGP_KEY_END:
		if (!a->baseline) {
			argp_error(state, "--baseline FILE is required");
			return EINVAL;
		}
		if (!a->npaths) {
			argp_error(state, "no window files; expected "
					  "WINDOWS.jsonl... (or - for stdin)");
			return EINVAL;
		}
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp_child analyze_children[] = {
	{ &cli__detector_argp, 0, "Detection:", 1 },
	{ &watch_args__argp, 0, "Mutes and watched features:", 2 },
	{ &cli__workload_argp, 0, "Workloads:", 3 },
	{},
};

static const struct argp analyze_argp = {
	analyze_options, analyze_parse, "WINDOWS.jsonl...",
	"Compare recorded windows with a baseline: one verdict per window x "
	"feature (normal, anomaly, insufficient; new for a series the baseline "
	"lacks, said once).\v"
	"EXAMPLES:\n"
	"  driftprobe analyze --baseline baseline.json today.jsonl\n"
	"  driftprobe analyze -b baseline.json --json today.jsonl | "
	"jq 'select(.verdict==\"anomaly\")'\n"
	"  driftprobe analyze -b fleet.json new-host.jsonl\n"
	"  driftprobe analyze -b baseline.json --compare "
	"/web-v2.service=/web-v1.service canary.jsonl",
	analyze_children, NULL, NULL,
};

static int analyze_window(const struct window *w, void *ctx)
{
	struct analyze_args *a = ctx;
	char text[512];
	int n;

	if (!a->windows++ && baseline__differs(a->bl, w->host, NULL,
					       w->interval_s, text,
					       sizeof(text)))
		cli__error("warning: %s: %s", a->baseline, text);
	n = analyzer__window(a->analyzer, w);

	if (n < 0) {
		cli__error("analyze: %s", strerror(-n));
		return n;
	}
	a->anomalies += (unsigned long)n;
	return 0;
}

/*
 * The baseline with each --compare NEW given OLD's series (NEW's own
 * dropped): NULL after saying why, *ret the exit code.
 */
static struct baseline *compare_baseline(const struct analyze_args *a,
					 struct baseline *bl, int *ret)
{
	struct baseline *out;
	char err[512];

	out = baseline__aliased(bl, a->compare, a->ncompare, err, sizeof(err));
	baseline__free(bl);
	if (!out) {
		cli__error("%s: --compare %s", a->baseline, err);
		*ret = errno == ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
		return NULL;
	}
	for (size_t i = 0; i < a->ncompare; i++)
		fprintf(stderr, "analyze: the windows of %s judged against the "
			"baseline of %s\n", a->compare[i].now, a->compare[i].as);
	return out;
}

int cmd_analyze(int argc, char **argv)
{
	struct analyze_args a = {};
	struct analysis_sink sink;
	struct baseline *bl = NULL;
	char err[1024];
	int ret = EXIT_INPUT;

	detector_opts__defaults(&a.det);
	a.compare = calloc((size_t)argc + 1, sizeof(*a.compare));
	if (!a.compare) {
		cli__error("analyze: out of memory");
		return EXIT_RUNTIME;
	}
	if (argp_parse(&analyze_argp, argc, argv, 0, NULL, &a))
		goto cleanup;
	if (watch_args__apply(&a.watch_args, NULL, live__realtime(), &a.mutes,
			      &a.watch, err, sizeof(err))) {
		cli__error("%s", err);
		goto cleanup;
	}
	bl = baseline__load(a.baseline, err, sizeof(err));
	if (!bl) {
		cli__error("%s", err);
		goto cleanup;
	}
	if (a.ncompare && !(bl = compare_baseline(&a, bl, &ret)))
		goto cleanup;
	a.bl = bl;
	a.analyzer = analyzer__new(bl, &a.det);
	a.report = report__new(stdout, a.json ? REPORT_JSON : REPORT_TEXT, 0);
	if (a.report)
		report__set_normal(a.report, a.normal);
	if (!a.analyzer || !a.report) {
		cli__error("analyze: out of memory");
		ret = EXIT_RUNTIME;
		goto cleanup;
	}
	analyzer__set_mutes(a.analyzer, &a.mutes, &a.watch);
	sink = report__sink(a.report);
	analyzer__add_sink(a.analyzer, &sink);
	ret = cli__for_each_window(a.paths, a.npaths, &a.workload,
				   analyze_window, &a);
	if (ret == EXIT_OK)
		report__summary(a.report);
cleanup:
	report__free(a.report);
	analyzer__free(a.analyzer);
	baseline__free(bl);
	free(a.compare);	/* the baseline has its own copies */
	mute_set__clear(&a.mutes);
	watch_args__free(&a.watch_args);
	workload_rules__free(&a.workload.rules);
	return ret;
}
