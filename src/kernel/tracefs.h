/* SPDX-License-Identifier: MIT */
/* tracefs, which classic tracepoints need: found, or mounted where missing. */
#ifndef DRIFTPROBE_TRACEFS_H
#define DRIFTPROBE_TRACEFS_H

#include <stddef.h>

/*
 * Make the events of every subsystem (e.g. "raw_syscalls") visible in
 * tracefs, mounting tracefs at /sys/kernel/tracing when it is not mounted
 * (one line on stderr says so). 0, or -errno after one line on stderr
 * naming hook and what to run: -EPERM without CAP_SYS_ADMIN, -ENOENT when
 * the kernel has no such events.
 */
int tracefs__require(const char *const *subsystems, size_t n,
		     const char *hook);

#endif
