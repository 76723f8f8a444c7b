// SPDX-License-Identifier: GPL-2.0
/*
 * cgcount candidate (c): cgroup local storage (BPF_MAP_TYPE_CGRP_STORAGE,
 * Linux 6.2+) of the current task's default (v2) cgroup, reached through
 * the task (task->cgroups->dfl_cgrp): no hash, the cgroup holds its
 * storage; created from zero on the cgroup's first event. One value per
 * cgroup shared by all CPUs: atomic adds.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "cgcount.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct cg_hist);
} cg_store SEC(".maps");

static __always_inline void cg_count(__u64 *host, unsigned int idx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct cg_hist *h = bpf_cgrp_storage_get(&cg_store,
						 task->cgroups->dfl_cgrp, 0,
						 BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (h)
		__sync_fetch_and_add(&h->counts[idx], 1);
}

static __always_inline void cg_switch(struct task_struct *next)
{
}
