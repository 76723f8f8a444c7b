// SPDX-License-Identifier: MIT
/*
 * driftprobe: host telemetry drift probe. main() only dispatches to the
 * command named by argv[1]; each command owns its options (cmd_*.c).
 */
#include <argp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

const char *argp_program_version = "driftprobe " DRIFTPROBE_VERSION;
const char *argp_program_bug_address = NULL;

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "features", cmd_features, "list features, bins, labels, attach status" },
	{ "record", cmd_record, "write window records (JSON Lines) live" },
	{ "baseline", cmd_baseline, "build a baseline from recorded windows; merge baselines of a fleet" },
	{ "analyze", cmd_analyze, "compare recorded windows with a baseline" },
	{ "mi", cmd_mi, "mutual information: coupling and redundant signals" },
	{ "run", cmd_run, "live: learn or load a baseline, report drift" },
	{ "show", cmd_show, "draw a baseline or windows as terminal histograms" },
	{ "mute", cmd_mute, "mute a feature, workload, bin or time; list, clear" },
};

static void usage(FILE *f)
{
	fputs("Usage: driftprobe COMMAND [OPTION...]\n\n"
	      "Kernel event histograms, compared with a baseline, reported when "
	      "they drift.\n\nCommands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fputs("\n'driftprobe COMMAND --help' describes each command.\n"
	      "Exit status: 0 ok, 1 runtime failure, 2 bad usage or input.\n",
	      f);
}

int main(int argc, char **argv)
{
	argp_err_exit_status = EXIT_INPUT;
	signal(SIGPIPE, SIG_IGN);	/* a closed reader: EPIPE, one line, 1 */
	if (argc < 2) {
		usage(stderr);
		return EXIT_INPUT;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		puts(argp_program_version);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			char name[64];

			snprintf(name, sizeof(name), "driftprobe %s", argv[1]);
			argv[1] = name;
			return cli__finish_stdout(commands[i].fn(argc - 1,
								 argv + 1));
		}
	}
	cli__error("unknown command '%s'; see "
		   "'driftprobe --help' for the commands", argv[1]);
	return EXIT_INPUT;
}
