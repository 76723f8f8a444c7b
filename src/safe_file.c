// SPDX-License-Identifier: MIT
/*
 * The trusted-file read: open without following a FIFO into a hang,
 * check type, size, mode and owner on the open descriptor (no race with a
 * rename between check and read), then read it all.
 */
#include <errno.h>
#include <fcntl.h>
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
