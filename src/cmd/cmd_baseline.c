// SPDX-License-Identifier: MIT
/*
 * `driftprobe baseline build`: pool recorded windows into a baseline, with
 * each series' modes and score model, written atomically (mode 0600).
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "baseline.h"
#include "cli.h"
#include "safe_file.h"
#include "workload_node.h"

struct baseline_args {
	const char *output;
	double alpha;
	struct workload_opts workload;
	char **paths;
	int npaths;
	struct baseline_builder *builder;
};

static const struct argp_option baseline_options[] = {
	{ "output", 'o', "FILE", 0, "Write the baseline to FILE (default "
				    "baseline.json)", 0 },
	{ "alpha", 'a', "A", 0, "Smoothing used by the calibration (default 0.5)", 0 },
	{},
};

static error_t baseline_parse(int key, char *arg, struct argp_state *state)
{
	struct baseline_args *a = state->input;

	switch (key) {
	case 'o':
		a->output = arg;
		return 0;
	case 'a':
		return cli__parse_double("--alpha", arg, 0, 1e6, &a->alpha) ?
			       EINVAL : 0;
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->workload;
		return 0;
	case ARGP_KEY_ARGS:
		if (strcmp(state->argv[state->next], "build")) {
			argp_error(state, "unknown action '%s'; expected 'build'",
				   state->argv[state->next]);
			return EINVAL;
		}
		a->paths = state->argv + state->next + 1;
		a->npaths = state->argc - state->next - 1;
		if (!a->npaths) {
			argp_error(state, "no window files; expected "
					  "'baseline build WINDOWS.jsonl...'");
			return EINVAL;
		}
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "missing action; expected 'build'");
		return EINVAL;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp_child baseline_children[] = {
	{ &cli__workload_argp, 0, "Workloads:", 3 },
	{},
};

static const struct argp baseline_argp = {
	baseline_options, baseline_parse, "build WINDOWS.jsonl...",
	"Learn a baseline from recorded windows: per feature and cgroup, the "
	"pooled counts, up to 4 modes, and a score model fitted to how far "
	"each learning window strays from the modes of the others (held out); "
	"bursts while learning are left out.\v"
	"EXAMPLES:\n"
	"  driftprobe record -i 10 -d 600 -o quiet.jsonl\n"
	"  driftprobe baseline build -o baseline.json quiet.jsonl",
	baseline_children, NULL, NULL,
};

static int add_window(const struct window *w, void *ctx)
{
	struct baseline_args *a = ctx;
	int err = baseline_builder__add(a->builder, w);

	if (err && err != -EOVERFLOW)	/* that one is bad input: FILE:LINE */
		cli__error("baseline: failed to add a window: %s", strerror(-err));
	return err;
}

int cmd_baseline(int argc, char **argv)
{
	struct baseline_args a = { .output = "baseline.json", .alpha = 0.5 };
	struct baseline *bl = NULL;
	char err[512];
	int ret;

	if (argp_parse(&baseline_argp, argc, argv, 0, NULL, &a))
		return EXIT_INPUT;
	for (int i = 0; i < a.npaths; i++) {
		if (cli__same_file(a.output, a.paths[i])) {
			cli__error("-o %s: is the input %s too; expected a "
				   "different file for the baseline", a.output,
				   a.paths[i]);
			return EXIT_INPUT;
		}
	}
	if (safe_file__check_dest(a.output, "a baseline file", err,
				  sizeof(err))) {
		cli__error("%s", err);	/* before reading every window */
		return EXIT_INPUT;
	}
	a.builder = baseline_builder__new(a.alpha);
	if (!a.builder) {
		cli__error("baseline: out of memory");
		return EXIT_RUNTIME;
	}
	ret = cli__for_each_window(a.paths, a.npaths, &a.workload, add_window,
				   &a);
	if (ret)
		goto cleanup;
	bl = baseline_builder__finish(a.builder, err, sizeof(err));
	if (!bl) {
		cli__error("baseline: %s", err);
		ret = EXIT_INPUT;
		goto cleanup;
	}
	ret = baseline__save(bl, a.output, err, sizeof(err));
	if (ret) {
		cli__error("%s", err);
		ret = ret == -EINVAL ? EXIT_INPUT : EXIT_RUNTIME;
		goto cleanup;
	}
	fprintf(stderr, "baseline: %llu windows, %zu features -> %s\n",
		(unsigned long long)bl->windows, bl->n, a.output);
cleanup:
	baseline__free(bl);
	baseline_builder__free(a.builder);
	workload_rules__free(&a.workload.rules);
	return ret;
}
