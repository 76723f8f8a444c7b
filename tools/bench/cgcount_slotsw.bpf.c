// SPDX-License-Identifier: GPL-2.0
/*
 * cgcount candidate (e), the switch flavour of (d): the per-CPU slot of
 * cgcount_slot.bpf.h, the running task's cgroup id read from the next
 * task at sched_switch (next->cgroups->dfl_cgrp->kn->id, what
 * bpf_get_current_cgroup_id() reads) and kept in the slot, so an event
 * reads one word of its slot instead of calling a helper. Lazily: the
 * switch only notes the cgroup; the slot is flushed by the first event of
 * another cgroup, so a task that sleeps and comes back (idle in between)
 * flushes nothing. A task moved to another cgroup while running counts in
 * its old one until its next switch. Before the CPU's first switch since
 * attach, the helper tells.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "cgcount_slot.bpf.h"

static __always_inline __u64 cg_slot_cgid(struct cg_slot *s)
{
	if (!s->cur)
		s->cur = bpf_get_current_cgroup_id();
	return s->cur;
}

static __always_inline void cg_switch(struct task_struct *next)
{
	struct cg_slot *s = cg_this_slot();

	if (s)
		s->cur = next->cgroups->dfl_cgrp->kn->id;
}
