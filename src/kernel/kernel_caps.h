/* SPDX-License-Identifier: MIT */
/*
 * What the running kernel offers the programs, asked of its BTF, for the
 * loader's choices between a program's fast path and its fallback.
 */
#ifndef DRIFTPROBE_KERNEL_CAPS_H
#define DRIFTPROBE_KERNEL_CAPS_H

#include <stdbool.h>

/*
 * Whether the kernel times run-queue waits itself where a tp_btf program
 * can read them (CONFIG_SCHED_INFO): task_struct.sched_info.last_queued,
 * and the task's runqueue's clock through its CFS runqueue
 * (CONFIG_FAIR_GROUP_SCHED).
 */
bool kernel_caps__sched_info(void);

#endif
