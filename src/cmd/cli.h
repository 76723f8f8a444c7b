/* SPDX-License-Identifier: MIT */
/*
 * What every command shares: exit codes, the error line format, option
 * value parsers, and the command entry points main() dispatches to.
 */
#ifndef DRIFTPROBE_CLI_H
#define DRIFTPROBE_CLI_H

#include <argp.h>
#include <stdbool.h>
#include <stdio.h>
#include "report.h"

#define DRIFTPROBE_VERSION "0.1.0"

enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,	/* the probe, the kernel or I/O failed */
	EXIT_INPUT = 2,		/* bad usage or bad input */
};

/* "driftprobe: <message>\n" on stderr. */
void cli__error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Flush and close stdout: a command's status ret, or after one line saying
 * so when any output was lost (a full disk, a closed pipe: SIGPIPE is
 * ignored so that it shows here as EPIPE) EXIT_RUNTIME if ret was EXIT_OK.
 */
int cli__finish_stdout(int ret);

/*
 * Parse a number within [min, max] for option opt; on error print which
 * option, what was given and what was expected, and return -EINVAL.
 */
int cli__parse_double(const char *opt, const char *arg, double min,
		      double max, double *out);
/*
 * --normal-lines MODE (report.h) into *how: 0, or EINVAL after argp_error
 * has said what was expected.
 */
int cli__parse_normal_lines(struct argp_state *state, const char *arg,
			    enum report_normal *how);
int cli__parse_uint(const char *opt, const char *arg, unsigned long min,
		    unsigned long max, unsigned long *out);

/*
 * "FILE:LINE: " when arg is (in) an argument cli__parse_config_args is
 * parsing that came from the config file, else "": the prefix of a
 * complaint about an option's value.
 */
const char *cli__origin(const char *arg);

/*
 * argp_parse over the arguments config__merge made (struct config_args,
 * config.h), so that a bad value from the file is reported with its
 * FILE:LINE. 0 or -EINVAL (argp printed why).
 */
struct config_args;
int cli__parse_config_args(const struct argp *argp,
			   const struct config_args *ca, void *input);

/*
 * Options every analysing command shares (--alpha, --min-count, --p,
 * --consecutive, --clear-fraction), as an argp child whose input is a
 * struct detector_opts.
 */
extern const struct argp cli__detector_argp;

/*
 * --workload-rule and --host-root (workload_node.h), as an argp child
 * whose input is a struct workload_opts.
 */
extern const struct argp cli__workload_argp;


/*
 * window_io__read_files for a command, printing the readers' warnings,
 * every window's workloads named first with wo (workload_node.h; NULL:
 * only those the records carry):
 * EXIT_OK, EXIT_INPUT after printing the bad file:line (fn returning
 * -EOVERFLOW: pooled counts past 2^64, said with the window's file:line),
 * or EXIT_RUNTIME when fn returns another error or memory runs out.
 */
struct window;
struct workload_opts;
int cli__for_each_window(char *const *paths, int npaths,
			 const struct workload_opts *wo,
			 int (*fn)(const struct window *w, void *ctx),
			 void *ctx);

/*
 * Do paths a and b name the same file: the same device and inode when both
 * exist, else the same name in the same (resolved) directory? "-" (stdin or
 * stdout) is never the same as anything.
 */
bool cli__same_file(const char *a, const char *b);

int cmd_features(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_mi(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_mute(int argc, char **argv);

#endif /* DRIFTPROBE_CLI_H */
