// SPDX-License-Identifier: MIT
/* The network namespace a file names; see netns.h. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/nsfs.h>
#include "netns.h"

int netns__inode(const char *path, unsigned int *ino, char *err,
		 size_t errlen)
{
	struct stat st;
	int fd, type;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s; expected a network "
			 "namespace file such as /run/netns/NAME", path,
			 strerror(errno));
		return -EINVAL;
	}
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET || fstat(fd, &st)) {
		close(fd);
		snprintf(err, errlen, "'%s' is not a network namespace; "
			 "expected a file such as /run/netns/NAME or "
			 "/proc/PID/ns/net", path);
		return -EINVAL;
	}
	close(fd);
	*ino = (unsigned int)st.st_ino;
	return 0;
}
