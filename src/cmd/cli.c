// SPDX-License-Identifier: MIT
/* Shared command-line plumbing: error lines and strict option parsers. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "config.h"
#include "detector.h"
#include "textesc.h"
#include "window_io.h"
#include "workload_node.h"

/*
 * The arguments cli__parse_config_args is parsing, so that the option
 * parsers can name the config file line a bad value came from; NULL
 * outside it.
 */
static const struct config_args *parsing;

const char *cli__origin(const char *arg)
{
	static char where[PATH_MAX + 16];

	return config__origin(parsing, arg, where, sizeof(where));
}

int cli__parse_config_args(const struct argp *argp,
			   const struct config_args *ca, void *input)
{
	error_t err;

	parsing = ca;
	err = argp_parse(argp, ca->argc, ca->argv, 0, NULL, input);
	parsing = NULL;
	return err ? -EINVAL : 0;
}

/*
 * Escaped whole: messages quote names and values from files and from the
 * host (textesc.h), and are one line by contract.
 */
void cli__error(const char *fmt, ...)
{
	char *line = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	fputs("driftprobe: ", stderr);
	textesc__fputs(n < 0 ? fmt : line, stderr);
	fputc('\n', stderr);
	if (n >= 0)
		free(line);
}

int cli__finish_stdout(int ret)
{
	bool failed = ferror(stdout);
	int e = fflush(stdout) ? errno : 0;

	if (fclose(stdout) && !e)
		e = errno;
	if (!failed && !e)
		return ret;
	cli__error("stdout: failed to write the output: %s",
		   e ? strerror(e) : "an earlier write failed");
	return ret == EXIT_OK ? EXIT_RUNTIME : ret;
}

int cli__parse_double(const char *opt, const char *arg, double min,
		      double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end || errno || !isfinite(v) || v < min ||
	    v > max) {
		cli__error("%s%s: bad value '%s'; expected a number from %g "
			   "to %g", cli__origin(arg), opt, arg, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int cli__parse_uint(const char *opt, const char *arg, unsigned long min,
		    unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (end == arg || *end || errno || arg[0] == '-' || v < min ||
	    v > max) {
		cli__error("%s%s: bad value '%s'; expected a whole number "
			   "from %lu to %lu", cli__origin(arg), opt, arg, min,
			   max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

enum {
	OPT_ALPHA = 0x200,
	OPT_MIN_COUNT,
	OPT_P,
	OPT_CONSECUTIVE,
	OPT_CLEAR,
	OPT_BUDGET,
	OPT_WORKLOAD_RULE,
	OPT_HOST_ROOT,
};

static const struct argp_option detector_options[] = {
	{ "alpha", OPT_ALPHA, "A", 0, "Additive smoothing of both histograms "
				      "(default 0.5)", 1 },
	{ "min-count", OPT_MIN_COUNT, "N", 0, "Windows with fewer events are "
		"'insufficient' (default 50)", 1 },
	{ "p", OPT_P, "P", 0, "Family-wise significance level, Bonferroni-"
			      "corrected over the baseline's series "
			      "(default 0.001)", 1 },
	{ "consecutive", OPT_CONSECUTIVE, "N", 0, "Exceeding windows needed "
		"before an anomaly is raised (default 1)", 1 },
	{ "clear-fraction", OPT_CLEAR, "F", 0, "A raised anomaly clears when "
		"its score falls to F x threshold (default 0.5)", 1 },
	{ "alarm-budget", OPT_BUDGET, "PER_DAY", 0, "Expected false alarms "
		"a day for the whole host; every series' threshold derives "
		"from it (default 1)", 1 },
	{},
};

static error_t detector_parse(int key, char *arg, struct argp_state *state)
{
	struct detector_opts *o = state->input;
	unsigned long u;

	switch (key) {
	case OPT_ALPHA:
		return cli__parse_double("--alpha", arg, 0, 1e6, &o->alpha) ?
			       EINVAL : 0;
	case OPT_MIN_COUNT:
		if (cli__parse_uint("--min-count", arg, 0, 1UL << 62, &u))
			return EINVAL;
		o->min_count = u;
		return 0;
	case OPT_P:
		return cli__parse_double("--p", arg, 1e-300, 1, &o->family_p) ?
			       EINVAL : 0;
	case OPT_CONSECUTIVE:
		if (cli__parse_uint("--consecutive", arg, 1, 1000, &u))
			return EINVAL;
		o->consecutive = (unsigned int)u;
		return 0;
	case OPT_CLEAR:
		return cli__parse_double("--clear-fraction", arg, 0, 1,
					 &o->clear_fraction) ? EINVAL : 0;
	case OPT_BUDGET:
		return cli__parse_double("--alarm-budget", arg, 1e-9, 1e9,
					 &o->budget) ? EINVAL : 0;
	}
	return ARGP_ERR_UNKNOWN;
}

const struct argp cli__detector_argp = {
	detector_options, detector_parse, NULL, NULL, NULL, NULL, NULL,
};

static const struct argp_option workload_options[] = {
	{ "workload-rule", OPT_WORKLOAD_RULE, "'REGEX => NAME'", 0, "Name the "
		"workload of cgroups whose path matches REGEX (POSIX "
		"extended; \\1..\\9 in NAME are its groups) before the "
		"built-in rules; repeatable, the first match wins", 3 },
	{ "host-root", OPT_HOST_ROOT, "DIR", 0, "Where the host's / is, for "
		"the kubelet's pod logs and docker's container configs that "
		"name workloads (default /)", 3 },
	{},
};

static error_t workload_parse(int key, char *arg, struct argp_state *state)
{
	struct workload_opts *o = state->input;
	char err[512];

	switch (key) {
	case OPT_WORKLOAD_RULE:
		if (workload_rules__add(&o->rules, arg, err, sizeof(err))) {
			cli__error("%s--workload-rule: %s", cli__origin(arg),
				   err);
			return EINVAL;
		}
		return 0;
	case OPT_HOST_ROOT:
		o->host_root = arg;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

const struct argp cli__workload_argp = {
	workload_options, workload_parse, NULL, NULL, NULL, NULL, NULL,
};

static void warn_input(const char *what)
{
	cli__error("warning: %s", what);
}

/* What cli__for_each_window hands each window to. */
struct labelled_reader {
	struct workload_names *names;
	int (*fn)(const struct window *w, void *ctx);
	void *ctx;
};

/*
 * Name the workloads of a window read (records that carry one keep it):
 * the reader made w and frees it after, so it may be written here.
 */
static int label_window(const struct window *w, void *ctx)
{
	struct labelled_reader *lr = ctx;

	if (lr->names && workload_names__label(lr->names, (struct window *)w)) {
		cli__error("workloads: out of memory");
		return -ENOMEM;
	}
	return lr->fn(w, lr->ctx);
}

int cli__for_each_window(char *const *paths, int npaths,
			 const struct workload_opts *wo,
			 int (*fn)(const struct window *w, void *ctx),
			 void *ctx)
{
	struct labelled_reader lr = { .fn = fn, .ctx = ctx };
	char err[512];
	int ret;

	if (wo && !(lr.names = workload_names__new(wo))) {
		cli__error("workloads: out of memory");
		return EXIT_RUNTIME;
	}
	ret = window_io__read_files(paths, npaths, label_window, warn_input,
				    &lr, err, sizeof(err));
	workload_names__free(lr.names);

	if (ret == -ECANCELED)
		return EXIT_RUNTIME;
	if (ret) {
		cli__error("%s", err);
		return ret == -ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
	}
	return EXIT_OK;
}

/* "/real/dir/NAME" of path, its directory resolved (NULL: no memory). */
static char *canonical_path(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash - path + (slash == path)) :
			    strdup(".");
	char *real = dir ? realpath(dir, NULL) : NULL;
	char *out;

	if (asprintf(&out, "%s/%s", real ? real : dir ? dir : "",
		     slash ? slash + 1 : path) < 0)
		out = NULL;
	free(real);
	free(dir);
	return out;
}

bool cli__same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	char *ca, *cb;
	bool same;

	if (!strcmp(a, "-") || !strcmp(b, "-"))
		return false;
	if (!stat(a, &sa) && !stat(b, &sb))
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	ca = canonical_path(a);
	cb = canonical_path(b);
	same = ca && cb ? !strcmp(ca, cb) : !strcmp(a, b);
	free(ca);
	free(cb);
	return same;
}

int cli__parse_normal_lines(struct argp_state *state, const char *arg,
			    enum report_normal *how)
{
	if (!report__parse_normal(arg, how))
		return 0;
	argp_error(state, "--normal-lines '%s': expected " REPORT_NORMAL_NAMES,
		   arg);
	return EINVAL;
}
