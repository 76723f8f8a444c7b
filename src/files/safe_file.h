/* SPDX-License-Identifier: MIT */
/*
 * Reading a file that decides what driftprobe trusts (a baseline, the
 * config): it must be a regular file of bounded size that only its owner
 * can write, because whoever can edit it can blind the detector. One
 * check shared by every such reader, with one wording of its refusals;
 * and writing one so that a crash leaves either the old file or the new.
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

/*
 * Whether path can take a file written by safe_file__replace: nothing, or
 * a regular file, there (a device, FIFO, directory or symlink would be
 * replaced: refused with -EINVAL), in a directory we can write. what
 * names the file in the message ("a baseline file"). 0, or -errno with a
 * message naming path in err. Checked before the work that makes the data.
 */
int safe_file__check_dest(const char *path, const char *what, char *err,
			  size_t errlen);

/*
 * Replace path with data[0..len) atomically: a 0600 temp file in the same
 * directory (its name cut to fit NAME_MAX), fsync, rename over path, fsync
 * the directory. Refuses what safe_file__check_dest refuses. On failure
 * path is left as it was and no temp file remains. 0, or -errno with a
 * message naming the file in err.
 */
int safe_file__replace(const char *path, const char *data, size_t len,
		       char *err, size_t errlen);

#endif /* DRIFTPROBE_SAFE_FILE_H */
