// SPDX-License-Identifier: MIT
/*
 * The trusted-file read: open without following a FIFO into a hang,
 * check type, size, mode and owner on the open descriptor (no race with a
 * rename between check and read), then read it all. And the atomic
 * replace that writes such a file: temp file, fsync, rename, fsync the
 * directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "safe_file.h"

int safe_file__check(const struct stat *st, const char *path, bool stream_ok,
		     char *err, size_t errlen)
{
	bool stream = S_ISCHR(st->st_mode) || S_ISFIFO(st->st_mode);

	if (!S_ISREG(st->st_mode) && !(stream_ok && stream)) {
		snprintf(err, errlen, "%s: not a regular file", path);
	} else if (S_ISREG(st->st_mode) && (st->st_mode & 022)) {
		snprintf(err, errlen, "%s: is writable by group/other (mode "
			 "%04o); chmod 600 it", path,
			 (unsigned int)st->st_mode & 07777);
	} else if (st->st_uid != geteuid() && st->st_uid != 0) {
		/* Its owner can rewrite (or read) it whatever the mode says. */
		snprintf(err, errlen, "%s: is owned by uid %u, who can rewrite "
			 "it; expected owner root or uid %u", path,
			 (unsigned int)st->st_uid, (unsigned int)geteuid());
	} else {
		return 0;
	}
	return -EINVAL;
}

char *safe_file__read(const char *path, uint64_t max, const char *max_text,
		      const char *what, size_t *len, char *err, size_t errlen)
{
	char *buf = NULL;
	struct stat st;
	ssize_t r = 1;
	int fd, saved = EINVAL;

	*len = 0;
	/* O_NONBLOCK: a FIFO must not hang us before fstat refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		saved = errno;
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(saved));
		errno = saved;
		return NULL;
	}
	if (fstat(fd, &st)) {
		saved = errno;
		snprintf(err, errlen, "%s: cannot stat: %s", path,
			 strerror(saved));
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
	} else if ((uint64_t)st.st_size > max) {
		snprintf(err, errlen, "%s: larger than %s (%lld bytes); not a "
			 "%s", path, max_text, (long long)st.st_size, what);
	} else if (!safe_file__check(&st, path, false, err, errlen) &&
		   !(buf = malloc((size_t)st.st_size + 1))) {
		saved = ENOMEM;
		snprintf(err, errlen, "%s: out of memory", path);
	}
	while (buf && r > 0 && *len < (size_t)st.st_size) {
		r = read(fd, buf + *len, (size_t)st.st_size - *len);
		if (r < 0) {
			saved = errno;
			snprintf(err, errlen, "%s: cannot read: %s", path,
				 strerror(saved));
			free(buf);
			buf = NULL;
		} else {
			*len += (size_t)r;
		}
	}
	close(fd);
	if (buf)
		buf[*len] = '\0';
	else
		errno = saved;
	return buf;
}

int safe_file__write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t r = write(fd, buf, len);

		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0) {
			buf += r;
			len -= r;
		}
	}
	return 0;
}

int safe_file__check_dest(const char *path, const char *what, char *err,
			  size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash - path + (slash == path)) :
			    strdup(".");
	struct stat st;
	int ret = 0;

	if (!dir) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	if (!lstat(path, &st) && !S_ISREG(st.st_mode)) {
		free(dir);
		snprintf(err, errlen, "%s: is not a regular file (it would be "
			 "replaced); expected the path of %s", path, what);
		return -EINVAL;
	}
	if (stat(dir, &st))
		ret = -errno;
	else if (!S_ISDIR(st.st_mode))
		ret = -ENOTDIR;
	else if (access(dir, W_OK | X_OK))
		ret = -errno;
	if (ret)
		snprintf(err, errlen, "%s: cannot write %s in directory %s: %s",
			 path, what, dir, strerror(-ret));
	free(dir);
	return ret;
}

int safe_file__replace(const char *path, const char *data, size_t len,
		       char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	int dirlen = slash ? (int)(slash - path) + 1 : 0;
	char *tmp = NULL, *dir = NULL;
	bool made = false;	/* tmp exists and must go on failure */
	int fd = -1, ret;

	ret = safe_file__check_dest(path, "a file", err, errlen);
	if (ret)
		return ret;
	/* ".NAME.XXXXXX", NAME cut so that it fits NAME_MAX */
	if (asprintf(&tmp, "%.*s.%.*s.XXXXXX", dirlen, path, NAME_MAX - 8,
		     name) < 0) {
		tmp = NULL;
		ret = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", path);
		goto cleanup;
	}
	fd = mkstemp(tmp);	/* mode 0600 */
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot create a temp file next to "
			 "it: %s", path, strerror(-ret));
		goto cleanup;
	}
	made = true;
	ret = safe_file__write_all(fd, data, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	fd = -1;
	if (ret) {
		snprintf(err, errlen, "%s: failed to write: %s", tmp,
			 strerror(-ret));
		goto cleanup;
	}
	if (rename(tmp, path)) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot replace it with %s: %s",
			 path, tmp, strerror(-ret));
		goto cleanup;
	}
	made = false;
	/* Make the rename itself durable. */
	dir = dirlen ? strndup(path, dirlen) : strdup(".");
	fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	ret = fd < 0 || fsync(fd) ? -errno : 0;
	if (ret)
		snprintf(err, errlen, "%s: written, but syncing its directory "
			 "failed: %s", path, strerror(-ret));
cleanup:
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(tmp);
	free(tmp);
	free(dir);
	return ret;
}
