// SPDX-License-Identifier: MIT
/* Shared command-line plumbing: error lines and strict option parsers. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/nsfs.h>
#include "cli.h"
#include "config.h"
#include "detector.h"
#include "live.h"
#include "safe_file.h"
#include "window.h"
#include "window_io.h"

void cli__error(const char *fmt, ...)
{
	va_list ap;

	fputs("driftprobe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
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
			   "to %g", config__origin(arg), opt, arg, min, max);
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
			   "from %lu to %lu", config__origin(arg), opt, arg, min,
			   max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int cli__open_append(const char *path)
{
	/* O_NOFOLLOW: a link planted by another user must not aim root. */
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
			    O_NOFOLLOW, 0600);
	struct stat st;
	char err[512];

	if (fd < 0) {
		cli__error("%s: cannot open for writing: %s%s", path,
			   strerror(errno), errno == ELOOP ?
			   " (a symbolic link; expected a file)" : "");
		return -1;
	}
	if (fstat(fd, &st)) {
		cli__error("%s: cannot stat: %s", path, strerror(errno));
	} else if (safe_file__check(&st, path, true, err, sizeof(err))) {
		cli__error("%s", err);
	} else if (S_ISREG(st.st_mode) && (st.st_mode & 077) &&
		   fchmod(fd, st.st_mode & 0700)) {	/* ours, but readable */
		cli__error("%s: cannot make it mode 0600: %s", path,
			   strerror(errno));
	} else {
		return fd;
	}
	close(fd);
	return -1;
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

const char *cli__hostname(void)
{
	static char host[256];

	if (!host[0] && gethostname(host, sizeof(host) - 1))
		snprintf(host, sizeof(host), "unknown");
	return host;
}

enum {
	OPT_ALPHA = 0x200,
	OPT_MIN_COUNT,
	OPT_P,
	OPT_CONSECUTIVE,
	OPT_CLEAR,
};

static const struct argp_option detector_options[] = {
	{ "alpha", OPT_ALPHA, "A", 0, "Additive smoothing of both histograms "
				      "(default 0.5)", 1 },
	{ "min-count", OPT_MIN_COUNT, "N", 0, "Windows with fewer events are "
		"'insufficient' (default 50)", 1 },
	{ "p", OPT_P, "P", 0, "Family-wise significance level, Bonferroni-"
			      "corrected over features (default 0.001)", 1 },
	{ "consecutive", OPT_CONSECUTIVE, "N", 0, "Exceeding windows needed "
		"before an anomaly is raised (default 1)", 1 },
	{ "clear-fraction", OPT_CLEAR, "F", 0, "A raised anomaly clears when "
		"the effect falls to F x threshold (default 0.5)", 1 },
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
	}
	return ARGP_ERR_UNKNOWN;
}

const struct argp cli__detector_argp = {
	detector_options, detector_parse, NULL, NULL, NULL, NULL, NULL,
};

int cli__for_each_window(char *const *paths, int npaths,
			 int (*fn)(const struct window *w, void *ctx),
			 void *ctx)
{
	char err[512];

	for (int i = 0; i < npaths; i++) {
		struct window_reader *r;
		struct window *w;
		int ret;

		r = window_reader__open(paths[i], err, sizeof(err));
		if (!r) {
			cli__error("%s", err);
			return EXIT_INPUT;
		}
		while ((ret = window_reader__next(r, &w, err, sizeof(err))) == 1) {
			const char *warning = window_reader__warning(r);
			int cb;

			if (warning)
				cli__error("warning: %s", warning);
			cb = fn(w, ctx);
			window__free(w);
			if (cb == -EOVERFLOW)
				cli__error("%s:%lu: counts overflow when added to "
					   "those of the windows before; expected "
					   "sums below 2^64", paths[i],
					   window_reader__line(r));
			if (cb < 0) {
				window_reader__close(r);
				return cb == -EOVERFLOW ? EXIT_INPUT :
							  EXIT_RUNTIME;
			}
		}
		window_reader__close(r);
		if (ret < 0) {
			cli__error("%s", err);
			return ret == -ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
		}
	}
	return EXIT_OK;
}

enum { OPT_HOOKS = 0x280, OPT_NETNS, OPT_PER_CGROUP, OPT_NO_EXEMPLARS,
       OPT_USER, OPT_LATENCY_SAMPLE };

/* The inode of the network namespace file at path (/run/netns/NAME). */
static int netns_inode(const char *path, unsigned int *ino)
{
	struct stat st;
	int fd, type;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli__error("--netns: cannot open '%s': %s; expected a network "
			   "namespace file such as /run/netns/NAME", path,
			   strerror(errno));
		return -EINVAL;
	}
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET || fstat(fd, &st)) {
		close(fd);
		cli__error("--netns: '%s' is not a network namespace; expected "
			   "a file such as /run/netns/NAME or /proc/PID/ns/net",
			   path);
		return -EINVAL;
	}
	close(fd);
	*ino = (unsigned int)st.st_ino;
	return 0;
}

static const struct argp_option live_options[] = {
	{ "interval", 'i', "SEC", 0, "Window length in seconds (default 10)", 0 },
	{ "duration", 'd', "SEC", 0, "Stop after SEC seconds (default: until "
				     "SIGINT/SIGTERM)", 0 },
	{ "hooks", OPT_HOOKS, "KIND", 0, "auto (default), tp_btf or tracepoint", 0 },
	{ "no-exemplars", OPT_NO_EXEMPLARS, NULL, 0, "Do not sample which "
						     "processes fill the syscall "
						     "bins", 0 },
	{ "latency-sample", OPT_LATENCY_SAMPLE, "N", 0, "Time one syscall in N, "
						       "each chosen at random "
						       "(default 16; 1 = every "
						       "syscall, ~2x the "
						       "overhead)", 0 },
	{ "per-cgroup", OPT_PER_CGROUP, NULL, 0, "Also keep the syscall and "
						 "network features per cgroup "
						 "v2 (at most 1024 cgroups, "
						 "~12 MiB of kernel memory)",
	  0 },
	{ "netns", OPT_NETNS, "PATH", 0, "Network features count only this "
					 "network namespace (/run/netns/NAME)", 0 },
	{ "verbose", 'v', NULL, 0, "Show libbpf's log", 0 },
	{ "user", OPT_USER, "NAME", 0, "After attaching, switch to this "
				       "unprivileged user", 0 },
	{},
};

static error_t live_parse(int key, char *arg, struct argp_state *state)
{
	struct live_opts *o = state->input;

	switch (key) {
	case 'i':
		return cli__parse_double("--interval", arg, 0.1, 86400,
					 &o->interval_s) ? EINVAL : 0;
	case 'd':
		return cli__parse_double("--duration", arg, 0.1, 1e9,
					 &o->duration_s) ? EINVAL : 0;
	case OPT_HOOKS:
		if (probe__parse_hooks(arg, &o->probe.hooks)) {
			cli__error("%s--hooks: bad value '%s'; expected auto, "
				   "tp_btf or tracepoint", config__origin(arg),
				   arg);
			return EINVAL;
		}
		return 0;
	case OPT_NO_EXEMPLARS:
		o->probe.proc_exemplars = false;
		return 0;
	case OPT_PER_CGROUP:
		o->probe.per_cgroup = true;
		return 0;
	case OPT_LATENCY_SAMPLE: {
		unsigned long n;

		if (cli__parse_uint("--latency-sample", arg, 1, 1UL << 20, &n))
			return EINVAL;
		o->probe.latency_sample_period = n;
		return 0;
	}
	case OPT_NETNS:
		return netns_inode(arg, &o->probe.netns_ino) ? EINVAL : 0;
	case 'v':
		o->probe.verbose = true;
		return 0;
	case OPT_USER: {
		char err[256];

		if (privdrop__resolve(arg, &o->user, err, sizeof(err))) {
			cli__error("%s%s", config__origin(arg), err);
			return EINVAL;
		}
		return 0;
	}
	case ARGP_KEY_END:
		if (o->duration_s && o->duration_s < o->interval_s) {
			cli__error("--duration %g is shorter than --interval "
				   "%g; expected at least one window",
				   o->duration_s, o->interval_s);
			return EINVAL;
		}
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

const struct argp cli__live_argp = {
	live_options, live_parse, NULL, NULL, NULL, NULL, NULL,
};
