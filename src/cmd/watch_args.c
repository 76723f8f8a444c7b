// SPDX-License-Identifier: MIT
/* --mute, --threshold, --features for run and analyze; see watch_args.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "config.h"
#include "watch_args.h"

enum { OPT_MUTE = 0x500, OPT_THRESHOLD, OPT_FEATURES };

/* The config keys, and the options they are. */
static const struct { const char *key; int opt; } keys[] = {
	{ "mute", OPT_MUTE }, { "threshold", OPT_THRESHOLD },
	{ "features", OPT_FEATURES },
};

static const struct argp_option options[] = {
	{ "mute", OPT_MUTE, "SPEC", 0, "Neither alert on nor learn what SPEC "
		"covers: feature=, workload=GLOB, bin=, until=, for=, "
		"schedule=\"M H DOM MON DOW\", reason= (repeatable; see "
		"'driftprobe mute')", 0 },
	{ "threshold", OPT_THRESHOLD, "FEATURE=LEVEL", 0, "Judge FEATURE at "
		"LEVEL (decades of surprise) instead of the budget's level "
		"(repeatable)", 0 },
	{ "features", OPT_FEATURES, "LIST", 0, "Judge and report only these "
		"features (comma-separated names)", 0 },
	{},
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct watch_args *w = state->input;
	struct watch_arg *grown;

	if (key != OPT_MUTE && key != OPT_THRESHOLD && key != OPT_FEATURES)
		return ARGP_ERR_UNKNOWN;
	if (*cli__origin(arg))	/* the config's: read from its entries */
		return 0;
	grown = realloc(w->v, (w->n + 1) * sizeof(*grown));
	if (!grown)
		return ENOMEM;
	w->v = grown;
	w->v[w->n++] = (struct watch_arg){ key, arg };
	return 0;
}

const struct argp watch_args__argp = { options, parse, NULL, NULL, NULL,
				       NULL, NULL };

/* One value into mutes or watch; where starts the message in err. */
static int apply_one(int key, const char *value, const char *where,
		     double now, struct mute_set *mutes,
		     struct watch_policy *watch, char *err, size_t errlen)
{
	char msg[768];
	int ret;

	if (key == OPT_MUTE)
		ret = mute_set__add(mutes, value, now, msg, sizeof(msg));
	else if (key == OPT_THRESHOLD)
		ret = watch_policy__threshold(watch, value, msg, sizeof(msg));
	else
		ret = watch_policy__features(watch, value, msg, sizeof(msg));
	if (ret)
		snprintf(err, errlen, "%s%s", where, msg);
	return ret;
}

int watch_args__apply(const struct watch_args *w, const struct config_args *ca,
		      double now, struct mute_set *mutes,
		      struct watch_policy *watch, char *err, size_t errlen)
{
	char where[PATH_MAX + 16];
	int ret = 0;

	*mutes = (struct mute_set){ 0 };
	*watch = (struct watch_policy){ 0 };
	for (size_t i = 0; !ret && ca && i < ca->n; i++) {
		const struct config_arg *c = &ca->args[i];

		for (size_t k = 0; !ret && c->text && k < 3; k++) {
			if (strcmp(c->key, keys[k].key))
				continue;
			snprintf(where, sizeof(where), "%s:%u: ", ca->path,
				 c->line);
			/* text is "--KEY=VALUE" */
			ret = apply_one(keys[k].opt,
					c->text + strlen(c->key) + 3, where,
					now, mutes, watch, err, errlen);
		}
	}
	for (size_t i = 0; !ret && i < w->n; i++)
		ret = apply_one(w->v[i].key, w->v[i].value, "", now, mutes,
				watch, err, errlen);
	if (ret)
		mute_set__clear(mutes);
	return ret;
}

void watch_args__free(struct watch_args *w)
{
	if (!w)
		return;
	free(w->v);
	*w = (struct watch_args){ 0 };
}
