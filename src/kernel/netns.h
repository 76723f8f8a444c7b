/* SPDX-License-Identifier: MIT */
/*
 * Which network namespace a file names (/run/netns/NAME, /proc/PID/ns/net):
 * its inode, the id the net programs filter on (--netns).
 */
#ifndef DRIFTPROBE_NETNS_H
#define DRIFTPROBE_NETNS_H

#include <stddef.h>

/*
 * The inode of the network namespace file at path. 0, or -EINVAL with a
 * message ("cannot open '...': ...; expected ...", "'...' is not a network
 * namespace; expected ...") in err.
 */
int netns__inode(const char *path, unsigned int *ino, char *err,
		 size_t errlen);

#endif /* DRIFTPROBE_NETNS_H */
