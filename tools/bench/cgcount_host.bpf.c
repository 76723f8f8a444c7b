// SPDX-License-Identifier: GPL-2.0
/*
 * cgcount reference: the host-wide per-CPU count alone, no per-cgroup
 * counting (driftprobe's default). What every other candidate adds is
 * measured against it as well as against the floor.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "cgcount.bpf.h"

static __always_inline void cg_count(__u64 *host, unsigned int idx)
{
}

static __always_inline void cg_switch(struct task_struct *next)
{
}
