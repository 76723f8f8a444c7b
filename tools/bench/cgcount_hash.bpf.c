// SPDX-License-Identifier: GPL-2.0
/*
 * cgcount candidate (a), driftprobe's today (count.bpf.h): one entry per
 * cgroup in an LRU hash keyed by bpf_get_current_cgroup_id(), shared by
 * all CPUs: a hash lookup per event (insert from zero when missing) and an
 * atomic add into lines other CPUs write too.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "cgcount.bpf.h"

CG_STORE(BPF_MAP_TYPE_LRU_HASH);

static __always_inline void cg_count(__u64 *host, unsigned int idx)
{
	__u64 *c = cg_hash_entry(&cg_store, bpf_get_current_cgroup_id());

	if (c)
		__sync_fetch_and_add(&c[idx], 1);
}

static __always_inline void cg_switch(struct task_struct *next)
{
}
