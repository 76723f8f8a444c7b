// SPDX-License-Identifier: MIT
/*
 * `driftprobe record`: attach and write one JSON Lines record per feature
 * every interval, to stdout or a file. Each window is written as a whole
 * (window_io__append), so a reader never sees half a window.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "live.h"
#include "window_io.h"

struct record_args {
	struct live_opts live;
	const char *output;
	int out;
};

static const struct argp_option record_options[] = {
	{ "output", 'o', "FILE", 0, "Append records to FILE (default stdout)", 0 },
	{},
};

static error_t record_parse(int key, char *arg, struct argp_state *state)
{
	struct record_args *a = state->input;

	switch (key) {
	case 'o':
		a->output = arg;
		return 0;
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->live;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp_child record_children[] = {
	{ &live__argp, 0, NULL, 0 },
	{},
};

static const struct argp record_argp = {
	record_options, record_parse, NULL,
	"Attach the probe and write one JSON Lines window record per feature "
	"every interval.\v"
	"Each line: {\"ts\":..,\"interval_s\":..,\"host\":..,\"cgroup\":\"/\","
	"\"feature\":..,\"counts\":[..]}\n\n"
	"EXAMPLES:\n"
	"  driftprobe record --interval 10 -o windows.jsonl\n"
	"  driftprobe record -i 1 -d 60 | jq -c '{feature, n: (.counts|add)}'",
	record_children, NULL, NULL,
};

static int write_window(const struct window *w, const struct probe_status *st,
			void *ctx)
{
	struct record_args *a = ctx;

	int err;

	(void)st;
	err = window_io__append(a->out, w);
	if (err)
		cli__error("%s: failed to write records: %s",
			   a->output ? a->output : "stdout", strerror(-err));
	return err;
}

int cmd_record(int argc, char **argv)
{
	struct record_args a = {
		.live = { .interval_s = 10,
			  .probe = { .hooks = PROBE_HOOKS_AUTO,
				     .exemplars = true } },
	};
	int ret;

	if (argp_parse(&record_argp, argc, argv, 0, NULL, &a)) {
		workload_rules__free(&a.live.workload.rules);
		return EXIT_INPUT;
	}
	a.out = STDOUT_FILENO;
	if (a.output) {
		char err[512];

		a.out = window_io__open_append(a.output, err, sizeof(err));
		if (a.out < 0) {
			cli__error("%s", err);
			workload_rules__free(&a.live.workload.rules);
			return EXIT_INPUT;
		}
	}
	ret = live__run(&a.live, write_window, &a);
	if (a.output && close(a.out) && ret == EXIT_OK) {
		cli__error("%s: failed to close: %s", a.output,
			   strerror(errno));
		ret = EXIT_RUNTIME;
	}
	workload_rules__free(&a.live.workload.rules);
	return ret;
}
