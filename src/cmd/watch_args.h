/* SPDX-License-Identifier: MIT */
/*
 * The options that say what is muted and how features are watched
 * (--mute, --threshold, --features; mute.h), shared by run and analyze as
 * an argp child. Values that came from run's config file are not kept
 * here: watch_args__apply reads them from the file's entries, so that
 * run can read them again on SIGHUP.
 */
#ifndef DRIFTPROBE_WATCH_ARGS_H
#define DRIFTPROBE_WATCH_ARGS_H

#include <argp.h>
#include <stddef.h>
#include "mute.h"

struct config_args;

/* The values typed on the command line, in order. */
struct watch_args {
	struct watch_arg {
		int key;
		const char *value;
	} *v;
	size_t n;
};

/* The options, as an argp child whose input is a struct watch_args. */
extern const struct argp watch_args__argp;

/*
 * The config file's mute, threshold and features entries (ca, may be
 * NULL), in order, then the typed ones, into *mutes and *watch (made
 * anew; for= counts from now). 0, or -errno with the first bad value in
 * err ("FILE:LINE: " first when it came from the file); *mutes is empty
 * then.
 */
int watch_args__apply(const struct watch_args *w, const struct config_args *ca,
		      double now, struct mute_set *mutes,
		      struct watch_policy *watch, char *err, size_t errlen);

void watch_args__free(struct watch_args *w);

#endif /* DRIFTPROBE_WATCH_ARGS_H */
