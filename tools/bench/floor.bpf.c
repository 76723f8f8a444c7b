// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark floor: empty programs on exactly the hooks driftprobe's
 * syscall features use (sched_switch included: it tells sys_exit that its
 * task was switched out). Their cost is the cost of having the hooks at
 * all; driftprobe's own work is measured against it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_sys_enter, struct pt_regs *regs, long id)
{
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_sys_exit, struct pt_regs *regs, long ret)
{
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(floor_sched_switch)
{
	return 0;
}
