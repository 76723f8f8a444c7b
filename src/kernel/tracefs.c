// SPDX-License-Identifier: MIT
/*
 * tracefs for the classic-tracepoint fallback: find it, and mount it where
 * it is missing, as trace-cmd and libtracefs do. A fresh machine has no
 * tracefs mounted; root (CAP_SYS_ADMIN) can mount it, a service running
 * with only CAP_BPF and CAP_PERFMON cannot, and is told what to arrange
 * (its unit wants sys-kernel-tracing.mount). The mount is left in place:
 * another tracer may be using it by the time we exit.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include "tracefs.h"

#define TRACEFS_MOUNT "/sys/kernel/tracing"

static const char *const tracefs_roots[] = {
	TRACEFS_MOUNT,
	"/sys/kernel/debug/tracing",
};

/* Whether a mounted tracefs shows the events of subsystem. */
static bool tracefs_has(const char *subsystem)
{
	char path[128];

	for (size_t i = 0; i < sizeof(tracefs_roots) /
			       sizeof(tracefs_roots[0]); i++) {
		snprintf(path, sizeof(path), "%s/events/%s", tracefs_roots[i],
			 subsystem);
		if (!access(path, R_OK))
			return true;
	}
	return false;
}

int tracefs__require(const char *const *subsystems, size_t n,
		     const char *hook)
{
	size_t missing = 0;
	int err;

	for (size_t i = 0; i < n; i++)
		missing += !tracefs_has(subsystems[i]);
	if (!missing)
		return 0;
	if (!mount("nodev", TRACEFS_MOUNT, "tracefs", 0, NULL)) {
		fprintf(stderr, "probe: mounted tracefs at %s for the classic "
				"tracepoints\n", TRACEFS_MOUNT);
	} else if (errno != EBUSY) {
		err = errno;
		fprintf(stderr, "probe '%s': not available: tracefs is not "
				"mounted and mounting it failed (%s); as root "
				"run: mount -t tracefs nodev %s (under systemd: "
				"systemctl start sys-kernel-tracing.mount)\n",
			hook, strerror(err), TRACEFS_MOUNT);
		return -err;
	}
	for (size_t i = 0; i < n; i++)
		if (!tracefs_has(subsystems[i])) {
			fprintf(stderr, "probe '%s': not available: tracefs "
					"has no '%s' events on this kernel\n",
				hook, subsystems[i]);
			return -ENOENT;
		}
	return 0;
}
