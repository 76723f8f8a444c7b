/* SPDX-License-Identifier: MIT */
/*
 * An append-only line log rotated by size, the way logrotate's default
 * (rename) rotation does it, so that log shippers' file inputs (Vector's
 * file source, Fluent Bit's tail, rsyslog's imfile) follow it by inode:
 * before a line that would take FILE past max_bytes, FILE.(keep-1) is
 * renamed to FILE.keep (dropping the oldest), ..., FILE to FILE.1, and a
 * new FILE is created. Every line is one write(2) to an O_APPEND
 * descriptor; a write cut short (a full disk) is truncated away, so a
 * reader never sees half a line. Files are created mode 0600, opened
 * without following a symlink, and must be regular files that only their
 * owner can write (safe_file__check). A line longer than max_bytes goes
 * alone into a fresh file.
 */
#ifndef DRIFTPROBE_ROTATING_LOG_H
#define DRIFTPROBE_ROTATING_LOG_H

#include <stddef.h>
#include <stdint.h>

#define ROTATING_LOG_KEEP	5		/* FILE.1 ... FILE.5 */
#define ROTATING_LOG_DEFAULT	(10u << 20)	/* 10 MiB */

struct rotating_log;

/*
 * Open (create) path for appending. NULL with errno set and "PATH: what
 * was wrong" in err.
 */
struct rotating_log *rotating_log__open(const char *path, uint64_t max_bytes,
					unsigned int keep, char *err,
					size_t errlen);
void rotating_log__close(struct rotating_log *lg);

/*
 * Append line[0..len) (which should end with '\n'), rotating first when
 * it does not fit. 0: written. 1: written, but the rotation failed (a
 * directory no longer writable after --user, say): "PATH: cannot rotate
 * ..." in err, and the file grows past max_bytes rather than lose lines
 * until a rotation works. -errno: not written, "PATH: what failed" in
 * err; the log stays usable (the next line tries again).
 */
int rotating_log__append(struct rotating_log *lg, const char *line,
			 size_t len, char *err, size_t errlen);

#endif /* DRIFTPROBE_ROTATING_LOG_H */
