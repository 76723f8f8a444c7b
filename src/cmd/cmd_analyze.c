// SPDX-License-Identifier: MIT
/*
 * `driftprobe analyze`: recorded windows against a baseline, offline, with
 * the same analyzer `run` uses live.
 */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include "analyzer.h"
#include "cli.h"
#include "live.h"
#include "report.h"
#include "watch_args.h"
#include "window.h"

struct analyze_args {
	const char *baseline;
	bool json;
	struct detector_opts det;
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

static const struct argp_option analyze_options[] = {
	{ "baseline", 'b', "FILE", 0, "Baseline to compare with (required)", 0 },
	{ "json", 'j', NULL, 0, "One JSON line per window x feature", 0 },
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
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->det;
		state->child_inputs[1] = &a->watch_args;
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
	"jq 'select(.verdict==\"anomaly\")'",
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

int cmd_analyze(int argc, char **argv)
{
	struct analyze_args a = {};
	struct analysis_sink sink;
	struct baseline *bl = NULL;
	char err[1024];
	int ret;

	detector_opts__defaults(&a.det);
	if (argp_parse(&analyze_argp, argc, argv, 0, NULL, &a))
		return EXIT_INPUT;
	if (watch_args__apply(&a.watch_args, NULL, live__realtime(), &a.mutes,
			      &a.watch, err, sizeof(err))) {
		cli__error("%s", err);
		watch_args__free(&a.watch_args);
		return EXIT_INPUT;
	}
	bl = baseline__load(a.baseline, err, sizeof(err));
	if (!bl) {
		cli__error("%s", err);
		ret = EXIT_INPUT;
		goto cleanup;
	}
	a.bl = bl;
	a.analyzer = analyzer__new(bl, &a.det);
	a.report = report__new(stdout, a.json ? REPORT_JSON : REPORT_TEXT, 0);
	if (!a.analyzer || !a.report) {
		cli__error("analyze: out of memory");
		ret = EXIT_RUNTIME;
		goto cleanup;
	}
	analyzer__set_mutes(a.analyzer, &a.mutes, &a.watch);
	sink = report__sink(a.report);
	analyzer__add_sink(a.analyzer, &sink);
	ret = cli__for_each_window(a.paths, a.npaths, analyze_window, &a);
	if (ret == EXIT_OK)
		report__summary(a.report);
cleanup:
	report__free(a.report);
	analyzer__free(a.analyzer);
	baseline__free(bl);
	mute_set__clear(&a.mutes);
	watch_args__free(&a.watch_args);
	return ret;
}
