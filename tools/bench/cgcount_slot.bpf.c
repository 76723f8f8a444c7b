// SPDX-License-Identifier: GPL-2.0
/*
 * cgcount candidate (d), helper flavour: the per-CPU slot of
 * cgcount_slot.bpf.h, the current cgroup asked of
 * bpf_get_current_cgroup_id() on every event; sched_switch does nothing.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "cgcount_slot.bpf.h"

static __always_inline __u64 cg_slot_cgid(struct cg_slot *s)
{
	return bpf_get_current_cgroup_id();
}

static __always_inline void cg_switch(struct task_struct *next)
{
}
