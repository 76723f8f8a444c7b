// SPDX-License-Identifier: GPL-2.0
/*
 * The node-group floor: empty programs on the hooks of bpf/node.bpf.c
 * (exec, run queue, block I/O). With floor.bpf.c and floor_net.bpf.c it
 * makes the floor of a whole `driftprobe record`: every hook it attaches
 * on a kernel that times run-queue waits itself (CONFIG_SCHED_INFO), so no
 * sched_wakeup hooks.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sched_process_exec")
int floor_exec(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_switch")
int floor_switch(void *ctx)
{
	return 0;
}

SEC("tp_btf/block_rq_issue")
int floor_rq_issue(void *ctx)
{
	return 0;
}

SEC("tp_btf/block_rq_complete")
int floor_rq_complete(void *ctx)
{
	return 0;
}
