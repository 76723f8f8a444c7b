// SPDX-License-Identifier: MIT
/*
 * `driftprobe run`: the live detector. With no --baseline it first learns
 * one from --learn seconds of windows (optionally saving it), then judges
 * every window with the analyzer `analyze` uses offline.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "analyzer.h"
#include "cli.h"
#include "live.h"
#include "report.h"
#include "window_io.h"

struct run_args {
	struct live_opts live;
	struct detector_opts det;
	const char *baseline_path, *save_path, *record_path;
	double learn_s;
	bool json;

	FILE *record;
	unsigned long learn_windows, learned;
	struct baseline_builder *builder;
	struct baseline *baseline;
	struct analyzer *analyzer;
	struct report *report;
};

enum { OPT_LEARN = 0x300, OPT_SAVE, OPT_RECORD };

static const struct argp_option run_options[] = {
	{ "baseline", 'b', "FILE", 0, "Compare with this baseline instead of "
				      "learning one", 0 },
	{ "learn", OPT_LEARN, "SEC", 0, "Learn a baseline for SEC seconds "
					"first (default 60)", 0 },
	{ "save-baseline", OPT_SAVE, "FILE", 0, "Save the learnt baseline "
						"(atomically, mode 0600)", 0 },
	{ "json", 'j', NULL, 0, "Print every analysis line as JSON", 0 },
	{ "record", OPT_RECORD, "FILE", 0, "Also append every window's records "
					   "to FILE", 0 },
	{},
};

static error_t run_parse(int key, char *arg, struct argp_state *state)
{
	struct run_args *a = state->input;

	switch (key) {
	case 'b':
		a->baseline_path = arg;
		return 0;
	case OPT_LEARN:
		return cli__parse_double("--learn", arg, 0.2, 86400 * 30,
					 &a->learn_s) ? EINVAL : 0;
	case OPT_SAVE:
		a->save_path = arg;
		return 0;
	case 'j':
		a->json = true;
		return 0;
	case OPT_RECORD:
		a->record_path = arg;
		return 0;
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->det;
		state->child_inputs[1] = &a->live;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	case ARGP_KEY_END:
		if (a->baseline_path && a->save_path) {
			argp_error(state, "--save-baseline goes with learning, "
					  "not with --baseline");
			return EINVAL;
		}
		a->learn_windows = (unsigned long)(a->learn_s /
						   a->live.interval_s + 0.5);
		if (!a->baseline_path && a->learn_windows < 2) {
			cli__error("--learn %g with --interval %g gives %lu "
				   "window(s); expected at least 2",
				   a->learn_s, a->live.interval_s,
				   a->learn_windows);
			return EINVAL;
		}
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp_child run_children[] = {
	{ &cli__detector_argp, 0, "Detection:", 1 },
	{ &cli__live_argp, 0, NULL, 0 },
	{},
};

static const struct argp run_argp = {
	run_options, run_parse, NULL,
	"Attach the probe, learn (or load) a baseline, and report every window "
	"that drifts from it.\v"
	"EXAMPLES:\n"
	"  driftprobe run                                  # learn 60 s, then watch\n"
	"  driftprobe run --learn 600 --save-baseline /var/lib/driftprobe/baseline.json\n"
	"  driftprobe run --baseline /var/lib/driftprobe/baseline.json --json",
	run_children, NULL, NULL,
};

static void show_progress(const struct run_args *a)
{
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\rlearning baseline: %lu/%lu windows%s",
			a->learned, a->learn_windows,
			a->learned == a->learn_windows ? "\n" : "");
	else
		fprintf(stderr, "learning baseline: %lu/%lu windows\n",
			a->learned, a->learn_windows);
}

static int start_analyzing(struct run_args *a)
{
	a->analyzer = analyzer__new(a->baseline, &a->det);
	a->report = report__new(stdout, a->json ? REPORT_JSON
						: REPORT_TEXT_LIVE);
	if (!a->analyzer || !a->report) {
		cli__error("run: out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int finish_learning(struct run_args *a)
{
	char err[512];

	a->baseline = baseline_builder__finish(a->builder, err, sizeof(err));
	if (!a->baseline) {
		cli__error("baseline: %s", err);
		return -EINVAL;
	}
	if (a->save_path) {
		if (baseline__save(a->baseline, a->save_path, err, sizeof(err))) {
			cli__error("%s", err);
			return -EIO;
		}
		fprintf(stderr, "baseline saved to %s\n", a->save_path);
	}
	return start_analyzing(a);
}

static int on_window(const struct window *w, void *ctx)
{
	struct run_args *a = ctx;
	int err;

	if (a->record && (window_io__write(a->record, w) || fflush(a->record))) {
		cli__error("%s: failed to write records: %s", a->record_path,
			   strerror(errno));
		return -EIO;
	}
	if (a->analyzer) {
		err = analyzer__window(a->analyzer, w, a->report);
		return err < 0 ? err : 0;
	}
	err = baseline_builder__add(a->builder, w);
	if (err) {
		cli__error("baseline: failed to add a window: %s", strerror(-err));
		return err;
	}
	a->learned++;
	show_progress(a);
	return a->learned == a->learn_windows ? finish_learning(a) : 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = {
		.live = { .interval_s = 10, .hooks = PROBE_HOOKS_AUTO },
		.learn_s = 60,
	};
	char err[512];
	int ret = EXIT_RUNTIME;

	detector_opts__defaults(&a.det);
	if (argp_parse(&run_argp, argc, argv, 0, NULL, &a))
		return EXIT_INPUT;
	if (a.baseline_path) {
		a.baseline = baseline__load(a.baseline_path, err, sizeof(err));
		if (!a.baseline) {
			cli__error("%s", err);
			return EXIT_INPUT;
		}
		if (start_analyzing(&a))
			goto cleanup;
	} else {
		a.builder = baseline_builder__new(a.det.alpha);
		if (!a.builder) {
			cli__error("run: out of memory");
			goto cleanup;
		}
	}
	if (a.record_path) {
		a.record = cli__open_append(a.record_path);
		if (!a.record) {
			cli__error("%s: cannot open for writing: %s",
				   a.record_path, strerror(errno));
			ret = EXIT_INPUT;
			goto cleanup;
		}
	}
	ret = live__run(&a.live, on_window, &a);
	if (ret == EXIT_OK && !a.analyzer)
		fprintf(stderr, "run: stopped after %lu of %lu learning windows; "
			"no baseline was learnt\n", a.learned, a.learn_windows);
cleanup:
	if (a.record)
		fclose(a.record);
	report__free(a.report);
	analyzer__free(a.analyzer);
	baseline__free(a.baseline);
	baseline_builder__free(a.builder);
	return ret;
}
