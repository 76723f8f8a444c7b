// SPDX-License-Identifier: GPL-2.0
/*
 * cgcount: the host-wide count and bpf_get_current_cgroup_id() alone (its
 * result kept alive, nothing counted by it): what finding the cgroup
 * costs, apart from counting in it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "cgcount.bpf.h"

static __always_inline void cg_count(__u64 *host, unsigned int idx)
{
	if (!bpf_get_current_cgroup_id())
		host[CG_BINS - 1]++;
}

static __always_inline void cg_switch(struct task_struct *next)
{
}
