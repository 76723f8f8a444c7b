// SPDX-License-Identifier: MIT
/*
 * Size-rotated line log (rotating_log.h): rename-based rotation and one
 * write per line, truncated back on a short write.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rotating_log.h"
#include "safe_file.h"

struct rotating_log {
	char *path;
	int fd;
	uint64_t size, max;
	unsigned int keep;
};

static int open_log(struct rotating_log *lg, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(lg->path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
		      O_CLOEXEC | O_NONBLOCK, 0600);

	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "%s: cannot open: %s", lg->path,
			 strerror(e));
		return -e;
	}
	if (fstat(fd, &st)) {
		int e = errno;

		snprintf(err, errlen, "%s: cannot stat: %s", lg->path,
			 strerror(e));
		close(fd);
		return -e;
	}
	if (safe_file__check(&st, lg->path, false, err, errlen)) {
		close(fd);
		return -EINVAL;
	}
	lg->fd = fd;
	lg->size = (uint64_t)st.st_size;
	return 0;
}

struct rotating_log *rotating_log__open(const char *path, uint64_t max_bytes,
					unsigned int keep, char *err,
					size_t errlen)
{
	struct rotating_log *lg = calloc(1, sizeof(*lg));
	int ret;

	if (!lg || !(lg->path = strdup(path))) {
		free(lg);
		snprintf(err, errlen, "%s: out of memory", path);
		errno = ENOMEM;
		return NULL;
	}
	lg->max = max_bytes;
	lg->keep = keep;
	ret = open_log(lg, err, errlen);
	if (ret) {
		free(lg->path);
		free(lg);
		errno = -ret;
		return NULL;
	}
	return lg;
}

void rotating_log__close(struct rotating_log *lg)
{
	if (!lg)
		return;
	if (lg->fd >= 0)
		close(lg->fd);
	free(lg->path);
	free(lg);
}

/* FILE.(keep-1) -> FILE.keep, ..., FILE -> FILE.1; then a new FILE. */
static int rotate(struct rotating_log *lg, char *err, size_t errlen)
{
	char from[PATH_MAX], to[PATH_MAX];

	for (unsigned int i = lg->keep; i >= 1; i--) {
		if (i == 1)
			snprintf(from, sizeof(from), "%s", lg->path);
		else
			snprintf(from, sizeof(from), "%s.%u", lg->path, i - 1);
		snprintf(to, sizeof(to), "%s.%u", lg->path, i);
		if (rename(from, to) && errno != ENOENT) {
			int e = errno;

			snprintf(err, errlen, "%s: cannot rotate to %s: %s; "
				 "%s grows past its size until it can", from,
				 to, strerror(e), lg->path);
			return -e;
		}
	}
	if (!lg->keep && unlink(lg->path) && errno != ENOENT) {
		int e = errno;

		snprintf(err, errlen, "%s: cannot remove: %s", lg->path,
			 strerror(e));
		return -e;
	}
	close(lg->fd);
	lg->fd = -1;
	return open_log(lg, err, errlen);
}

int rotating_log__append(struct rotating_log *lg, const char *line,
			 size_t len, char *err, size_t errlen)
{
	struct stat st;
	int ret, rotated = 0;
	ssize_t r;

	if (lg->fd < 0 && (ret = open_log(lg, err, errlen)))
		return ret;
	/* Its size now: another writer may have appended. */
	if (!fstat(lg->fd, &st))
		lg->size = (uint64_t)st.st_size;
	if (lg->size && lg->size + len > lg->max) {
		rotated = rotate(lg, err, errlen);
		if (rotated && lg->fd < 0)
			return rotated;	/* renamed, but no new file */
	}
	do
		r = write(lg->fd, line, len);
	while (r < 0 && errno == EINTR);
	if (r == (ssize_t)len) {
		lg->size += len;
		return rotated ? 1 : 0;
	}
	ret = r < 0 ? -errno : -ENOSPC;
	/* No half line for a reader: cut what got written. */
	if (r > 0 && ftruncate(lg->fd, (off_t)lg->size))
		ret = -errno;
	snprintf(err, errlen, "%s: failed to write a line: %s", lg->path,
		 strerror(-ret));
	return ret;
}
