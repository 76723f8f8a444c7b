// SPDX-License-Identifier: MIT
/*
 * `driftprobe baseline build`: pool recorded windows into a baseline, with
 * each series' modes and score model; `driftprobe baseline merge`: pool the
 * baselines of hosts of one role into a fleet baseline. Both are written
 * atomically (mode 0600).
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "baseline.h"
#include "baseline_merge.h"
#include "cli.h"
#include "safe_file.h"
#include "workload_node.h"

enum baseline_action { ACTION_BUILD, ACTION_MERGE };

struct baseline_args {
	enum baseline_action action;
	const char *output;
	const char *role;	/* merge only */
	double alpha;
	bool alpha_set;		/* build only */
	struct workload_opts workload;	/* build only */
	char **paths;
	int npaths;
	struct baseline_builder *builder;
};

enum { OPT_ROLE = 0x100 };

static const struct argp_option baseline_options[] = {
	{ "output", 'o', "FILE", 0, "Write the baseline to FILE (build: default "
				    "baseline.json; merge: required)", 0 },
	{ "alpha", 'a', "A", 0, "build: smoothing used by the calibration "
				"(default 0.5)", 0 },
	{ "role", OPT_ROLE, "NAME", 0, "merge: the hosts' role; the merged "
				       "baseline's host is fleet:NAME (default "
				       "fleet)", 0 },
	{},
};

static error_t baseline_parse(int key, char *arg, struct argp_state *state)
{
	struct baseline_args *a = state->input;
	const char *action;

	switch (key) {
	case 'o':
		a->output = arg;
		return 0;
	case 'a':
		a->alpha_set = true;
		return cli__parse_double("--alpha", arg, 0, 1e6, &a->alpha) ?
			       EINVAL : 0;
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->workload;
		return 0;
	case OPT_ROLE:
		if (!*arg || strpbrk(arg, " \t\n")) {
			argp_error(state, "--role '%s': expected a name without "
					  "blanks (e.g. web)", arg);
			return EINVAL;
		}
		a->role = arg;
		return 0;
	case ARGP_KEY_ARGS:
		action = state->argv[state->next];
		a->paths = state->argv + state->next + 1;
		a->npaths = state->argc - state->next - 1;
		if (!strcmp(action, "build")) {
			a->action = ACTION_BUILD;
		} else if (!strcmp(action, "merge")) {
			a->action = ACTION_MERGE;
		} else {
			argp_error(state, "unknown action '%s'; expected "
					  "'build' or 'merge'", action);
			return EINVAL;
		}
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "missing action; expected 'build' or 'merge'");
		return EINVAL;
	case ARGP_KEY_END:
		if (a->action == ACTION_BUILD && !a->npaths) {
			argp_error(state, "no window files; expected "
					  "'baseline build WINDOWS.jsonl...'");
			return EINVAL;
		}
		if (a->action == ACTION_BUILD && a->role) {
			argp_error(state, "--role is an option of 'baseline "
					  "merge'; 'build' takes the host from "
					  "the windows");
			return EINVAL;
		}
		if (a->action == ACTION_MERGE && a->alpha_set) {
			argp_error(state, "--alpha is an option of 'baseline "
					  "build'; 'merge' keeps each input's "
					  "calibration");
			return EINVAL;
		}
		if (a->action == ACTION_MERGE && !a->output) {
			argp_error(state, "merge: -o OUT.json is required");
			return EINVAL;
		}
		if (a->action == ACTION_MERGE && a->npaths < 2) {
			argp_error(state, "merge: got %d baseline%s; expected "
					  "'baseline merge -o OUT.json A.json "
					  "B.json...'", a->npaths,
				   a->npaths == 1 ? "" : "s");
			return EINVAL;
		}
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp_child baseline_children[] = {
	{ &cli__workload_argp, 0, "Workloads:", 3 },
	{},
};

static const struct argp baseline_argp = {
	baseline_options, baseline_parse,
	"build WINDOWS.jsonl...\nmerge -o OUT.json BASELINE.json BASELINE.json...",
	"build: learn a baseline from recorded windows: per feature and cgroup, "
	"the pooled counts, up to 4 modes, and a score model fitted to how far "
	"each learning window strays from the modes of the others (held out); "
	"bursts while learning are left out. merge: pool the baselines of hosts "
	"of one role into a fleet baseline (same version, features and bins, "
	"window lengths within 5%), so a new host is judged against its peers "
	"from its first window: counts and windows summed, modes pooled down "
	"to 4, per series the most tolerant score model.\v"
	"EXAMPLES:\n"
	"  driftprobe record -i 10 -d 600 -o quiet.jsonl\n"
	"  driftprobe baseline build -o baseline.json quiet.jsonl\n"
	"  driftprobe baseline merge --role web -o fleet.json w1.json w2.json",
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

/* Learn from the windows of a->paths; NULL after saying why (*ret). */
static struct baseline *build(struct baseline_args *a, int *ret)
{
	struct baseline *bl;
	char err[512];

	a->builder = baseline_builder__new(a->alpha);
	if (!a->builder) {
		cli__error("baseline: out of memory");
		*ret = EXIT_RUNTIME;
		return NULL;
	}
	*ret = cli__for_each_window(a->paths, a->npaths, &a->workload,
				    add_window, a);
	if (*ret)
		return NULL;
	bl = baseline_builder__finish(a->builder, err, sizeof(err));
	if (!bl) {
		cli__error("baseline: %s", err);
		*ret = EXIT_INPUT;
	}
	return bl;
}

/* Merge the baselines of a->paths; NULL after saying why (*ret). */
static struct baseline *merge(const struct baseline_args *a, int *ret)
{
	struct baseline **in = calloc((size_t)a->npaths, sizeof(*in));
	struct baseline_merge_stats st;
	struct baseline *bl = NULL;
	struct timespec now;
	char host[256], err[512];

	*ret = EXIT_RUNTIME;
	if (!in) {
		cli__error("baseline merge: out of memory");
		return NULL;
	}
	*ret = EXIT_INPUT;
	for (int i = 0; i < a->npaths; i++) {
		in[i] = baseline__load(a->paths[i], err, sizeof(err));
		if (!in[i]) {
			cli__error("%s", err);
			goto cleanup;
		}
	}
	snprintf(host, sizeof(host), "fleet%s%s", a->role ? ":" : "",
		 a->role ? a->role : "");
	clock_gettime(CLOCK_REALTIME, &now);
	bl = baseline__merge((const struct baseline *const *)in,
			     (const char *const *)a->paths, (size_t)a->npaths,
			     host, now.tv_sec + now.tv_nsec / 1e9, &st, err,
			     sizeof(err));
	if (!bl) {
		cli__error("baseline merge: %s", err);
		*ret = errno == ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
		goto cleanup;
	}
	fprintf(stderr, "baseline: merged %d baselines: %zu series, %zu on "
		"only some hosts\n", a->npaths, st.series, st.partial);
	*ret = EXIT_OK;
cleanup:
	for (int i = 0; i < a->npaths; i++)
		baseline__free(in[i]);
	free(in);
	return bl;
}

int cmd_baseline(int argc, char **argv)
{
	struct baseline_args a = { .alpha = 0.5 };
	struct baseline *bl = NULL;
	char err[512];
	int ret;

	if (argp_parse(&baseline_argp, argc, argv, 0, NULL, &a))
		return EXIT_INPUT;
	if (!a.output)
		a.output = "baseline.json";
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
		cli__error("%s", err);	/* before reading every input */
		return EXIT_INPUT;
	}
	bl = a.action == ACTION_MERGE ? merge(&a, &ret) : build(&a, &ret);
	if (!bl)
		goto cleanup;
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
