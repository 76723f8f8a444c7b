// SPDX-License-Identifier: MIT
/*
 * `driftprobe record`: attach and write one JSON Lines record per feature
 * every interval, to stdout or a file. Each window is written and flushed
 * as a whole, so a reader never sees half a window.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "live.h"
#include "window_io.h"

struct record_args {
	struct live_opts live;
	const char *output;
	FILE *out;
};

enum { OPT_HOOKS = 0x100 };

static const struct argp_option record_options[] = {
	{ "interval", 'i', "SEC", 0, "Window length in seconds (default 10)", 0 },
	{ "duration", 'd', "SEC", 0, "Stop after SEC seconds (default: until "
				     "SIGINT/SIGTERM)", 0 },
	{ "output", 'o', "FILE", 0, "Append records to FILE (default stdout)", 0 },
	{ "hooks", OPT_HOOKS, "KIND", 0, "auto (default), tp_btf or tracepoint", 0 },
	{ "verbose", 'v', NULL, 0, "Show libbpf's log", 0 },
	{},
};

static error_t record_parse(int key, char *arg, struct argp_state *state)
{
	struct record_args *a = state->input;

	switch (key) {
	case 'i':
		return cli__parse_double("--interval", arg, 0.1, 86400,
					 &a->live.interval_s) ? EINVAL : 0;
	case 'd':
		return cli__parse_double("--duration", arg, 0.1, 1e9,
					 &a->live.duration_s) ? EINVAL : 0;
	case 'o':
		a->output = arg;
		return 0;
	case OPT_HOOKS:
		if (probe__parse_hooks(arg, &a->live.hooks)) {
			cli__error("--hooks: bad value '%s'; expected auto, "
				   "tp_btf or tracepoint", arg);
			return EINVAL;
		}
		return 0;
	case 'v':
		a->live.verbose = true;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	case ARGP_KEY_END:
		if (a->live.duration_s &&
		    a->live.duration_s < a->live.interval_s) {
			cli__error("--duration %g is shorter than --interval "
				   "%g; expected at least one window",
				   a->live.duration_s, a->live.interval_s);
			return EINVAL;
		}
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp record_argp = {
	record_options, record_parse, NULL,
	"Attach the probe and write one JSON Lines window record per feature "
	"every interval.\v"
	"Each line: {\"ts\":..,\"interval_s\":..,\"host\":..,\"cgroup\":\"/\","
	"\"feature\":..,\"counts\":[..]}\n\n"
	"EXAMPLES:\n"
	"  driftprobe record --interval 10 -o windows.jsonl\n"
	"  driftprobe record -i 1 -d 60 | jq -c '{feature, n: (.counts|add)}'",
	NULL, NULL, NULL,
};

static int write_window(const struct window *w, void *ctx)
{
	struct record_args *a = ctx;

	if (window_io__write(a->out, w) || fflush(a->out)) {
		cli__error("%s: failed to write records: %s",
			   a->output ? a->output : "stdout", strerror(errno));
		return -EIO;
	}
	return 0;
}

int cmd_record(int argc, char **argv)
{
	struct record_args a = {
		.live = { .interval_s = 10, .hooks = PROBE_HOOKS_AUTO },
	};
	int ret;

	if (argp_parse(&record_argp, argc, argv, 0, NULL, &a))
		return EXIT_INPUT;
	a.out = stdout;
	if (a.output) {
		a.out = fopen(a.output, "a");
		if (!a.out) {
			cli__error("%s: cannot open for writing: %s", a.output,
				   strerror(errno));
			return EXIT_INPUT;
		}
	}
	ret = live__run(&a.live, write_window, &a);
	if (a.output && fclose(a.out) && ret == EXIT_OK) {
		cli__error("%s: failed to close: %s", a.output,
			   strerror(errno));
		ret = EXIT_RUNTIME;
	}
	return ret;
}
