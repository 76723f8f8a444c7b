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

/*
 * argv with the config's arguments inserted after argv[0]. The file is
 * --config FILE (or --config=FILE) from argv, which must exist, else
 * CONFIG_DEFAULT_PATH if it exists. Keys are checked against argp's long
 * options (and its children's); "config" itself is not a key. Refuses
 * (after printing "FILE:LINE: ..." or the file's problem) a file that is
 * not safe to trust (see safe_file.h), syntax errors, sections, unknown or
 * repeated keys, empty values and non-boolean values for flags: returns
 * -EINVAL (or the system's -errno). 0 and *out_argv (free with
 * config__release) otherwise.
 */
int config__merge(const struct argp *argp, int argc, char **argv,
		  int *out_argc, char ***out_argv);
void config__release(char **argv);

/*
 * "FILE:LINE: " when arg points into an argument that came from the config
 * file, else "": a prefix for error messages about option values.
 */
const char *config__origin(const char *arg);

#endif /* DRIFTPROBE_CONFIG_H */
