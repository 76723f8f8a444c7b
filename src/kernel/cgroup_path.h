/* SPDX-License-Identifier: MIT */
/*
 * cgroup v2 ids -> paths ("/system.slice/nginx.service") for reports. A
 * cgroup v2 id is the inode number of its directory under the cgroup2
 * mount, so the resolver walks that tree and remembers what it saw; an id
 * it does not know triggers one rescan per window at most. The root
 * cgroup's own tasks are "<root>" ("/" means the whole host in records);
 * an id that is gone by the time we look is "cgroup:<id>".
 */
#ifndef DRIFTPROBE_CGROUP_PATH_H
#define DRIFTPROBE_CGROUP_PATH_H

#include <stdint.h>

struct cgroup_paths;

/*
 * mount: the cgroup2 mount point, or NULL to find it in /proc/self/mountinfo.
 * NULL + errno (ENOENT: no cgroup2 mount, ENOMEM).
 */
struct cgroup_paths *cgroup_paths__new(const char *mount);
void cgroup_paths__free(struct cgroup_paths *cp);

/* Allow one more rescan (call once per window). */
void cgroup_paths__new_window(struct cgroup_paths *cp);

/* The path of id; valid until the next call. Never NULL. */
const char *cgroup_paths__name(struct cgroup_paths *cp, uint64_t id);

#endif /* DRIFTPROBE_CGROUP_PATH_H */
