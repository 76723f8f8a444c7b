/* SPDX-License-Identifier: MIT */
/*
 * A Unix datagram socket of the test's own, standing in for /dev/log (the
 * syslog and incident feed tests). Include after <cmocka.h>: a socket it
 * cannot bind fails the test.
 */
#ifndef DRIFTPROBE_TEST_UNIX_SOCKET_H
#define DRIFTPROBE_TEST_UNIX_SOCKET_H

#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Bind a datagram socket at path (replacing a stale one); its fd. */
static inline int test_unix_socket__bind(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	assert_true(strlen(path) < sizeof(a.sun_path));
	memcpy(a.sun_path, path, strlen(path) + 1);
	unlink(path);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

#endif /* DRIFTPROBE_TEST_UNIX_SOCKET_H */
