/* SPDX-License-Identifier: MIT */
/*
 * The config file: INI-style "key = value" lines (read with inih) whose
 * keys are the long options of `run`; boolean options take yes/no. Its
 * entries become --key=value arguments placed before the command line, so
 * the command line overrides the file and both go through the same option
 * parsers. Every complaint about a value from the file names FILE:LINE.
 */
#ifndef DRIFTPROBE_CONFIG_H
#define DRIFTPROBE_CONFIG_H

#include <argp.h>

#define CONFIG_DEFAULT_PATH "/etc/driftprobe/driftprobe.conf"

/* One entry of the file. */
struct config_arg {
	char *text;		/* "--key=value", "--flag", or NULL for a
				   flag set to no (kept to catch repeats) */
	char *key;
	unsigned int line;
};

/* What config__merge made: the arguments, and where each came from. */
struct config_args {
	int argc;
	char **argv;		/* argv[0], the file's arguments, the rest */
	char *path;		/* the file read, or NULL */
	size_t n;
	struct config_arg *args;	/* the file's entries, in order */
};

/*
 * out->argv: argv with the config's arguments inserted after argv[0]. The
 * file is --config FILE (or --config=FILE) from argv, which must exist,
 * else CONFIG_DEFAULT_PATH if it exists. Keys are checked against argp's
 * long options (and its children's); "config" itself is not a key.
 * Refuses a file that is not safe to trust (see safe_file.h), syntax
 * errors, sections, unknown or repeated keys (but mute, threshold and
 * workload-rule, which may be given on several lines), empty values and non-boolean
 * values for flags: returns -EINVAL (or the system's -errno) with
 * "FILE:LINE: ..." or the file's problem in err. 0 otherwise; free out
 * with config__release.
 */
int config__merge(const struct argp *argp, int argc, char **argv,
		  struct config_args *out, char *err, size_t errlen);
/* Accepts NULL and a released or zeroed struct. */
void config__release(struct config_args *ca);

/*
 * "FILE:LINE: " (in buf) when arg points into one of ca's arguments that
 * came from the config file, else "": a prefix for error messages about
 * option values. ca may be NULL (no config).
 */
const char *config__origin(const struct config_args *ca, const char *arg,
			   char *buf, size_t len);

#endif /* DRIFTPROBE_CONFIG_H */
