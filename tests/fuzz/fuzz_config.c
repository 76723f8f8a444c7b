// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: config files (`run --config FILE`), read with inih and
 * turned into --key=value arguments. Whatever the file holds, config__merge
 * must either refuse it (with a message) or insert
 * only arguments of the form --KEY or --KEY=VALUE for keys the argp knows,
 * ahead of the command line's own. config__origin (the "FILE:LINE: "
 * prefix of errors about a value) must name the file and a line for
 * every byte of an argument from the file, nothing for the command
 * line's, and nothing once released.
 */
#include <argp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A few of run's options, with values and without. */
static const struct argp_option options[] = {
	{ "interval", 'i', "SEC", 0, "", 0 },
	{ "learn", 0x300, "SEC", 0, "", 0 },
	{ "listen", 0x301, "ADDR", 0, "", 0 },
	{ "json", 'j', NULL, 0, "", 0 },
	{ "per-cgroup", 0x302, NULL, 0, "", 0 },
	{},
};

static const struct argp fuzz_argp = { options, NULL, NULL, NULL, NULL, NULL,
				       NULL };

static int known(const char *arg)
{
	size_t n = strcspn(arg + 2, "=");

	for (const struct argp_option *o = options; o->name; o++)
		if (strlen(o->name) == n && !strncmp(arg + 2, o->name, n))
			return 1;
	return 0;
}

/* config__origin(ca, arg) is "PATH:LINE: " with LINE >= 1. */
static int names_file(const struct config_args *ca, const char *arg,
		      const char *path)
{
	char buf[4200];
	const char *o = config__origin(ca, arg, buf, sizeof(buf));
	size_t n = strlen(path);
	unsigned int line = 0;
	char end[3] = "";

	return !strncmp(o, path, n) && o[n] == ':' &&
	       sscanf(o + n + 1, "%u%2[: ]", &line, end) == 2 && line >= 1 &&
	       !strcmp(end, ": ");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char cmd[] = "driftprobe run", flag[] = "--config", tail[] = "--json";
	const char *path = fuzz_file__path(data, size);
	char *argv[] = { cmd, flag, (char *)path, tail, NULL };
	struct config_args ca;
	char err[512] = "", buf[4200];
	char **out;
	int out_argc;

	if (config__merge(&fuzz_argp, 4, argv, &ca, err, sizeof(err))) {
		if (!err[0])
			abort();	/* refused without a word */
		return 0;
	}
	out = ca.argv;
	out_argc = ca.argc;
	/* argv[0], the file's arguments, then the command line's 3. */
	if (out_argc < 4 || strcmp(out[0], cmd) ||
	    strcmp(out[out_argc - 1], tail))
		abort();
	for (int i = 1; i < out_argc - 3; i++)
		if (strncmp(out[i], "--", 2) || !known(out[i]) ||
		    !names_file(&ca, out[i], path) ||
		    !names_file(&ca, out[i] + strlen(out[i]), path))
			abort();
	if (*config__origin(&ca, out[out_argc - 1], buf, sizeof(buf)))
		abort();
	config__release(&ca);
	if (*config__origin(&ca, tail, buf, sizeof(buf)))
		abort();
	return 0;
}
