/* SPDX-License-Identifier: MIT */
/*
 * The mute file: the mutes `driftprobe mute` adds and `run` follows. One
 * rule a line, "ID SPEC" with SPEC as mute.h writes it (normalised, times
 * absolute), '#' comments and blank lines ignored. Written atomically
 * (safe_file__replace: temp, fsync, rename, mode 0600), read with the
 * trust checks of every file that decides what driftprobe alerts on.
 */
#ifndef DRIFTPROBE_MUTE_FILE_H
#define DRIFTPROBE_MUTE_FILE_H

#include <stddef.h>
#include "mute.h"

#define MUTE_FILE_DEFAULT	"/run/driftprobe/mutes"
/* The largest mute file read. */
#define MUTE_FILE_MAX		(1u << 20)

/*
 * Append path's rules to s, their ids set, as of now. A missing file has
 * none: 0. -EINVAL (or the system's -errno) with "PATH:LINE: ..." or the
 * file's problem in err; s then holds what it held before.
 */
int mute_file__read(const char *path, double now, struct mute_set *s,
		    char *err, size_t errlen);

/*
 * Replace path with s's rules that have not ended by now (a new file,
 * mode 0600). 0 or -errno with the file's problem in err.
 */
int mute_file__write(const char *path, const struct mute_set *s, double now,
		     char *err, size_t errlen);

#endif /* DRIFTPROBE_MUTE_FILE_H */
