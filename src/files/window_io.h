/* SPDX-License-Identifier: MIT */
/*
 * Window records <-> JSON Lines, one object per window x feature [x cgroup]:
 * {"ts":..,"interval_s":..,"host":"..","cgroup":"/","feature":"syscall.id",
 *  "counts":[...]}. Consecutive records with the same ts and host form one
 * window. Reading validates every field and names file:line on error.
 */
#ifndef DRIFTPROBE_WINDOW_IO_H
#define DRIFTPROBE_WINDOW_IO_H

#include <stddef.h>
#include <stdio.h>
#include "window.h"

/* Write every histogram of w, one line each. 0 or -errno (EIO). */
int window_io__write(FILE *f, const struct window *w);

struct window_reader;

/* path "-" is stdin. NULL + errno; the message is in err. */
struct window_reader *window_reader__open(const char *path, char *err,
					  size_t errlen);
void window_reader__close(struct window_reader *r);

/*
 * Next window: 1 and *out set, 0 at end of input, or -EINVAL with a
 * message "FILE:LINE: what was wrong, what was expected" in err.
 */
int window_reader__next(struct window_reader *r, struct window **out,
			char *err, size_t errlen);

/*
 * Read every window of every file in order (path "-" is stdin) and call fn
 * with it; the window is freed after. 0; -ECANCELED when fn returned < 0
 * (fn said why); else -errno with "FILE[:LINE]: ..." in err.
 */
int window_io__read_files(char *const *paths, int npaths,
			  int (*fn)(const struct window *w, void *ctx),
			  void *ctx, char *err, size_t errlen);

/*
 * Open path for appending records, creating it with mode 0600 whatever the
 * umask (window records show what runs on the host). NULL + errno.
 */
FILE *window_io__open_append(const char *path);

#endif /* DRIFTPROBE_WINDOW_IO_H */
