/* SPDX-License-Identifier: MIT */
/* A scratch directory tree for a unit test, removed whole at teardown. */
#ifndef DRIFTPROBE_TEST_TMPDIR_H
#define DRIFTPROBE_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

/* rm -rf dir (a path mkdtemp made, without quotes). 0 or -1. */
static inline int test_tmpdir__remove(const char *dir)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

#endif /* DRIFTPROBE_TEST_TMPDIR_H */
