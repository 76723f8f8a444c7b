// SPDX-License-Identifier: MIT
/*
 * `driftprobe mute`: add a mute to the mute file that `run` follows
 * (mute_file.h), list the mutes in it, or clear one. The rule itself is
 * mute.h's: the options here are its fields. Ended mutes are left out
 * whenever the file is written.
 */
#include <argp.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "live.h"
#include "mute_file.h"
#include "timefmt.h"

/* The fields of the rule to add, in mute.h's order, then the rest. */
enum { F_FEATURE, F_WORKLOAD, F_BIN, F_UNTIL, F_FOR, F_SCHEDULE, F_REASON,
       F_COUNT };

static const char *const field_names[F_COUNT] = {
	"feature", "workload", "bin", "until", "for", "schedule", "reason",
};

struct mute_opts {
	const char *field[F_COUNT];
	const char *path;
	bool list;
	unsigned long clear;
};

enum { OPT_LIST = 0x400, OPT_CLEAR, OPT_MUTE_FILE };

static const struct argp_option mute_options[] = {
	{ "for", 0x300 + F_FOR, "DURATION", 0, "Mute from now for DURATION "
		"(90s, 10m, 2h, 1d); with --schedule, each occurrence's "
		"length", 0 },
	{ "until", 0x300 + F_UNTIL, "TIME", 0, "Mute until TIME "
		"(2026-12-07T05:00:00Z, UTC, or @UNIX seconds)", 0 },
	{ "schedule", 0x300 + F_SCHEDULE, "CRON", 0, "Mute at the times "
		"'M H DOM MON DOW' start (local time, as cron), each for "
		"--for", 0 },
	{ "feature", 0x300 + F_FEATURE, "NAME", 0, "Only this feature "
		"(default: all)", 0 },
	{ "workload", 0x300 + F_WORKLOAD, "GLOB", 0, "Only series whose "
		"workload name or cgroup path matches GLOB (default: all)", 0 },
	{ "bin", 0x300 + F_BIN, "BIN", 0, "Only this bin of --feature: its "
		"label as 'driftprobe features' prints it (443/https) or its "
		"index", 0 },
	{ "reason", 0x300 + F_REASON, "TEXT", 0, "Why: shown wherever the "
		"mute is", 0 },
	{ "list", OPT_LIST, NULL, 0, "List the mutes that have not ended", 0 },
	{ "clear", OPT_CLEAR, "ID", 0, "Remove mute ID (as --list shows "
		"it)", 0 },
	{ "mute-file", OPT_MUTE_FILE, "FILE", 0, "The mute file (default "
		MUTE_FILE_DEFAULT ")", 0 },
	{},
};

static error_t mute_parse(int key, char *arg, struct argp_state *state)
{
	struct mute_opts *o = state->input;

	if (key >= 0x300 && key < 0x300 + F_COUNT) {
		if (strchr(arg, '"')) {
			argp_error(state, "--%s: holds '\"'; expected text "
				   "without double quotes",
				   field_names[key - 0x300]);
			return EINVAL;
		}
		o->field[key - 0x300] = arg;
		return 0;
	}
	switch (key) {
	case OPT_LIST:
		o->list = true;
		return 0;
	case OPT_CLEAR:
		return cli__parse_uint("--clear", arg, 1, ULONG_MAX,
				       &o->clear) ? EINVAL : 0;
	case OPT_MUTE_FILE:
		o->path = arg;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	case ARGP_KEY_END: {
		bool adding = false;

		for (int f = 0; f < F_COUNT; f++)
			adding |= o->field[f] != NULL;
		if (o->list + !!o->clear + adding > 1) {
			argp_error(state, "--list, --clear and a new mute's "
				   "options go alone; expected one of them");
			return EINVAL;
		}
		if (!o->list && !o->clear && !adding) {
			argp_error(state, "nothing to do; expected --for, "
				   "--until or --schedule (a new mute), "
				   "--list or --clear ID");
			return EINVAL;
		}
		return 0;
	}
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp mute_argp = {
	mute_options, mute_parse, NULL,
	"Mute a feature, a workload, a bin or all of them for a while or on a "
	"schedule: `run` neither alerts on nor learns what a mute covers, "
	"and says it is muted. The mutes go to a file `run` follows "
	"(--mute-file on both).\v"
	"EXAMPLES:\n"
	"  driftprobe mute --for 10m --reason deploy\n"
	"  driftprobe mute --workload 'systemd:backup*' "
	"--schedule '0 2 * * *' --for 90m\n"
	"  driftprobe mute --feature net.dport --bin 443/https --for 1d\n"
	"  driftprobe mute --list\n"
	"  driftprobe mute --clear 3",
	NULL, NULL, NULL,
};

/* The options as a spec (mute.h): key="value" for each one given. */
static char *make_spec(const struct mute_opts *o)
{
	char *spec = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&spec, &len);

	if (!f)
		return NULL;
	for (int k = 0, n = 0; k < F_COUNT; k++)
		if (o->field[k])
			fprintf(f, "%s%s=\"%s\"", n++ ? " " : "",
				field_names[k], o->field[k]);
	if (fclose(f)) {
		free(spec);
		return NULL;
	}
	return spec;
}

/* The mute file's directory, made (0700) when it is missing. */
static int make_dir(const char *path)
{
	char copy[PATH_MAX], *dir;

	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	if (mkdir(dir, 0700) && errno != EEXIST) {
		cli__error("%s: failed to create the mute file's directory: "
			   "%s", dir, strerror(errno));
		return -errno;
	}
	return 0;
}

static void list(const struct mute_set *s, double now)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct mute_rule *r = &s->rules[i];

		if (mute_rule__expired(r, now))
			continue;
		printf("%lu\t%s\t%s\n", r->id,
		       mute_rule__active_at(r, now) ? "active" : "waiting",
		       r->spec);
	}
}

int cmd_mute(int argc, char **argv)
{
	struct mute_opts o = { .path = MUTE_FILE_DEFAULT };
	struct mute_set s = { 0 };
	char err[1024], *spec = NULL;
	unsigned long next_id = 1;
	double now = live__realtime();
	int ret = EXIT_INPUT;
	size_t i;

	if (argp_parse(&mute_argp, argc, argv, 0, NULL, &o))
		return EXIT_INPUT;
	if (mute_file__read(o.path, now, &s, err, sizeof(err))) {
		cli__error("%s", err);
		goto out;
	}
	if (o.list) {
		list(&s, now);
		ret = EXIT_OK;
		goto out;
	}
	for (i = 0; i < s.n && s.rules[i].id != o.clear; i++)
		if (s.rules[i].id >= next_id)
			next_id = s.rules[i].id + 1;
	if (o.clear) {
		if (i == s.n) {
			cli__error("--clear %lu: %s has no such mute; expected "
				   "an ID 'driftprobe mute --list' shows",
				   o.clear, o.path);
			goto out;
		}
		mute_rule__clear(&s.rules[i]);
		memmove(&s.rules[i], &s.rules[i + 1],
			(s.n - i - 1) * sizeof(*s.rules));
		s.n--;
	} else {
		spec = make_spec(&o);
		if (!spec) {
			cli__error("mute: out of memory");
			ret = EXIT_RUNTIME;
			goto out;
		}
		if (mute_set__add(&s, spec, now, err, sizeof(err))) {
			cli__error("%s", err);
			goto out;
		}
		s.rules[s.n - 1].id = next_id;
		if (mute_rule__expired(&s.rules[s.n - 1], now)) {
			cli__error("--until %s: is past; expected a time to "
				   "come", o.field[F_UNTIL]);
			goto out;
		}
	}
	ret = EXIT_RUNTIME;
	if (make_dir(o.path))
		goto out;
	if (mute_file__write(o.path, &s, now, err, sizeof(err))) {
		cli__error("%s", err);
		goto out;
	}
	if (o.clear)
		printf("mute %lu cleared\n", o.clear);
	else
		printf("mute %lu: %s\n", next_id, s.rules[s.n - 1].spec);
	ret = EXIT_OK;
out:
	free(spec);
	mute_set__clear(&s);
	return ret;
}
