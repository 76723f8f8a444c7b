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

/*
 * Append every histogram of w to fd with whole lines only: formatted in
 * memory, written at once, and on a failed write (ENOSPC, EFBIG, EIO) a
 * regular file is cut back to its size before, so it never ends in half a
 * line. 0 or -errno.
 */
int window_io__append(int fd, const struct window *w);

struct window_reader;

/* path "-" is stdin. NULL + errno; the message is in err. */
struct window_reader *window_reader__open(const char *path, char *err,
					  size_t errlen);
void window_reader__close(struct window_reader *r);

/*
 * Next window: 1 and *out set, 0 at end of input, or -EINVAL with a
 * message "FILE:LINE: what was wrong, what was expected" in err (-EIO for
 * a read error, -ENOMEM). Lines are at most 16 MiB, read with no more
 * memory than that; a ts beyond year 9999 is out of range.
 */
int window_reader__next(struct window_reader *r, struct window **out,
			char *err, size_t errlen);

/*
 * A warning about the input so far, once ("FILE:LINE: ..."): windows of
 * different lengths (interval_s more than 5% off the first window's) are
 * read and pooled as they are, and said so. NULL when there is none new.
 */
const char *window_reader__warning(struct window_reader *r);

/* The line of the last record of the window last returned. */
unsigned long window_reader__line(const struct window_reader *r);

/*
 * Read every window of every file in order (path "-" is stdin) and call fn
 * with it; the window is freed after. warn (may be NULL) gets the readers'
 * warnings. 0; -EOVERFLOW when fn did (its counts would wrap when pooled),
 * with "FILE:LINE: ..." in err; -ECANCELED when fn returned another
 * error (fn said why); else -errno with "FILE[:LINE]: ..." in err
 * (-ENOMEM: out of memory, not bad input).
 */
int window_io__read_files(char *const *paths, int npaths,
			  int (*fn)(const struct window *w, void *ctx),
			  void (*warn)(const char *what), void *ctx,
			  char *err, size_t errlen);

/*
 * Open path for appending records, creating it with mode 0600 whatever the
 * umask (window records show what runs on the host): never through a
 * symbolic link (one planted by another user must not aim root at its
 * target), never a file others own or can write (safe_file__check; a
 * device or FIFO of root's or ours, such as /dev/null, is fine), and a
 * file of ours that others can read is made 0600. The fd, or -errno with
 * "PATH: ..." in err.
 */
int window_io__open_append(const char *path, char *err, size_t errlen);

#endif /* DRIFTPROBE_WINDOW_IO_H */
