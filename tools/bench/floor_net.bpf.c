// SPDX-License-Identifier: GPL-2.0
/*
 * The network-path floor: empty programs on exactly the hooks driftprobe's
 * network features use (bpf/net.bpf.c, tp_btf flavour). Their cost is the
 * cost of having the hooks at all; the net group's own work is measured
 * against it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sock_send_length")
int floor_send_length(void *ctx)
{
	return 0;
}

SEC("tp_btf/sock_recv_length")
int floor_recv_length(void *ctx)
{
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int floor_set_state(void *ctx)
{
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int floor_retransmit(void *ctx)
{
	return 0;
}

SEC("tp_btf/tcp_send_reset")
int floor_send_reset(void *ctx)
{
	return 0;
}

SEC("tp_btf/tcp_receive_reset")
int floor_receive_reset(void *ctx)
{
	return 0;
}

SEC("tp_btf/net_dev_start_xmit")
int floor_dev_xmit(void *ctx)
{
	return 0;
}

SEC("tp_btf/netif_receive_skb")
int floor_dev_receive(void *ctx)
{
	return 0;
}
