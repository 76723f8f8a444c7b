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

#endif /* DRIFTPROBE_WINDOW_IO_H */
