/* SPDX-License-Identifier: MIT */
/*
 * Whole reads and writes on a stream socket, for the load generators
 * (tools/netload.c, tools/bench/tcp_loop.c): a short read or write is
 * continued, EOF or an error is a failure.
 */
#ifndef DRIFTPROBE_IO_FULL_H
#define DRIFTPROBE_IO_FULL_H

#include <stddef.h>
#include <unistd.h>

/* Read exactly n bytes (0), or fail on EOF/error (-1). */
static inline int read_full(int fd, char *buf, size_t n)
{
	while (n) {
		ssize_t r = read(fd, buf, n);

		if (r <= 0)
			return -1;
		buf += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Write exactly n bytes (0), or fail (-1). */
static inline int write_full(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

#endif /* DRIFTPROBE_IO_FULL_H */
