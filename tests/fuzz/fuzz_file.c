// SPDX-License-Identifier: MIT
/* One reusable memfd per process holding the current fuzz input. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fuzz_file.h"

const char *fuzz_file__path(const uint8_t *data, size_t size)
{
	static char path[64];
	static int fd = -1;
	size_t off = 0;

	if (fd < 0) {
		fd = memfd_create("dprel-fuzz", MFD_CLOEXEC);
		if (fd < 0 || fchmod(fd, 0600)) {
			perror("fuzz: memfd");
			abort();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0)) {
		perror("fuzz: ftruncate");
		abort();
	}
	while (off < size) {
		ssize_t w = pwrite(fd, data + off, size - off, (off_t)off);

		if (w <= 0) {
			perror("fuzz: pwrite");
			abort();
		}
		off += (size_t)w;
	}
	return path;
}
