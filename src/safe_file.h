/* SPDX-License-Identifier: MIT */
/*
 * Reading a file that decides what driftprobe trusts (a baseline, the
 * config): it must be a regular file of bounded size that only its owner
 * can write, because whoever can edit it can blind the detector. One
 * check shared by every such reader, with one wording of its refusals.
 */
#ifndef DRIFTPROBE_SAFE_FILE_H
#define DRIFTPROBE_SAFE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/*
 * The whole file, NUL-terminated (malloc'd), its length in *len. NULL with
 * errno set and a message "PATH: what was wrong" in err: cannot open/stat/
 * read (the system's errno), not a regular file, larger than max bytes
 * ("larger than MAX_TEXT (N bytes); not a WHAT"), or writable by group or
 * other ("is writable by group/other (mode 0664); chmod 600 it") - EINVAL
 * for those three.
 */
/*
 * The trust check on an open file's stat: a regular file that neither group
 * nor other can write, owned by root or the caller. With stream_ok a
 * character device or FIFO owned by root or the caller passes too (an
 * output such as /dev/null). 0, or -EINVAL with "PATH: what was wrong" in
 * err.
 */
int safe_file__check(const struct stat *st, const char *path, bool stream_ok,
		     char *err, size_t errlen);

char *safe_file__read(const char *path, uint64_t max, const char *max_text,
		      const char *what, size_t *len, char *err, size_t errlen);

/* All of buf to fd, retrying short writes and EINTR. 0 or -errno. */
int safe_file__write_all(int fd, const char *buf, size_t len);

#endif /* DRIFTPROBE_SAFE_FILE_H */
