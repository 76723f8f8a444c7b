// SPDX-License-Identifier: MIT
/*
 * `driftprobe features`: the feature table with every bin label, and
 * whether the hooks attach on this host (tried for real when root).
 */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "feature.h"
#include "jsonw.h"
#include "probe.h"

static const char *const kind_names[] = {
	[DP_BUCKET_CATEGORICAL] = "categorical",
	[DP_BUCKET_LOGLIN] = "log-linear",
	[DP_BUCKET_ERRNO] = "errno",
	[DP_BUCKET_JOINT] = "joint",
	[DP_BUCKET_LOG2] = "log2",
	[DP_BUCKET_PORT] = "port",
	[DP_BUCKET_HASH] = "hash",
};

struct features_args {
	bool json;
};

static const struct argp_option features_options[] = {
	{ "json", 'j', NULL, 0, "Print one JSON document", 0 },
	{},
};

static error_t features_parse(int key, char *arg, struct argp_state *state)
{
	struct features_args *a = state->input;

	(void)arg;
	switch (key) {
	case 'j':
		a->json = true;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp features_argp = {
	features_options, features_parse, NULL,
	"List every feature, its bins and bin labels, and whether its hooks "
	"attach on this host (tried when run as root).\v"
	"EXAMPLES:\n"
	"  driftprobe features           # table with labels\n"
	"  driftprobe features --json    # for scripts",
	NULL, NULL, NULL,
};

/* The attach status of each group's hooks, tried for real as root. */
static void attach_status(const char *status[])
{
	static char kind[DP_GROUP_COUNT][16];
	struct probe *p;

	for (int g = 0; g < DP_GROUP_COUNT; g++)
		status[g] = geteuid() ? "unknown (needs root to try)"
				      : "unavailable";
	if (geteuid() != 0)
		return;
	p = probe__open(&(struct probe_opts){ .hooks = PROBE_HOOKS_AUTO });
	if (!p)
		return;
	for (int g = 0; g < DP_GROUP_COUNT; g++) {
		const char *k = probe__hook_kind(p, g);

		snprintf(kind[g], sizeof(kind[0]), "%s", k ? k : "unavailable");
		status[g] = kind[g];
	}
	probe__destroy(p);
}

static void print_json(const char *const status[])
{
	char label[64];

	fputs("[", stdout);
	for (int f = 0; f < DP_F_COUNT; f++) {
		const struct feature_info *fi = &feature_table[f];

		printf("%s{\"name\":", f ? "," : "");
		jsonw__string(stdout, fi->name);
		printf(",\"kind\":\"%s\",\"bins\":%u,\"unit\":", kind_names[fi->kind],
		       fi->bins);
		jsonw__string(stdout, fi->unit);
		if (fi->rows > 1)
			printf(",\"shape\":[%u,%u]", fi->rows, fi->cols);
		fputs(",\"attach\":", stdout);
		jsonw__string(stdout, status[fi->group]);
		fputs(",\"labels\":[", stdout);
		for (uint32_t b = 0; b < fi->bins; b++) {
			feature__label(f, b, label, sizeof(label));
			if (b)
				fputc(',', stdout);
			jsonw__string(stdout, label);
		}
		fputs("]}", stdout);
	}
	fputs("]\n", stdout);
}

static void print_text(const char *const status[])
{
	char label[64];

	for (int f = 0; f < DP_F_COUNT; f++) {
		const struct feature_info *fi = &feature_table[f];
		int col = 0;

		printf("%-20s %-12s %4u bins  unit %-8s attach: %s\n",
		       fi->name, kind_names[fi->kind], fi->bins, fi->unit,
		       status[fi->group]);
		for (uint32_t b = 0; b < fi->bins; b++) {
			int n;

			feature__label(f, b, label, sizeof(label));
			n = printf("%s%u:%s", col ? " " : "    ", b, label);
			col += n;
			if (col > 72) {
				fputc('\n', stdout);
				col = 0;
			}
		}
		if (col)
			fputc('\n', stdout);
	}
}

int cmd_features(int argc, char **argv)
{
	struct features_args a = {};
	const char *status[DP_GROUP_COUNT];

	if (argp_parse(&features_argp, argc, argv, 0, NULL, &a))
		return EXIT_INPUT;
	attach_status(status);
	if (a.json)
		print_json(status);
	else
		print_text(status);
	return EXIT_OK;
}
