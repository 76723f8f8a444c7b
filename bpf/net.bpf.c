// SPDX-License-Identifier: GPL-2.0
/*
 * Network features, on tp_btf raw tracepoints only (no kprobes, no fentry):
 *   sock_send_length / sock_recv_length   net.tx_bytes, net.rx_bytes
 *   inet_sock_set_state                   tcp.event (connect, accept, close,
 *                                         other), net.dport of each connect
 *   tcp_retransmit_skb, tcp_send_reset,
 *   tcp_receive_reset                     tcp.event
 *   net_dev_start_xmit                    net.pkt_tx, net.peer (bytes by
 *                                         remote address), net.dns_len
 *   netif_receive_skb                     net.pkt_rx
 * Each event is one bucket computation and one increment (two or three for
 * an egress packet) in this CPU's slot of one per-CPU array value, the same
 * scheme as syscall.bpf.c. Only AF_INET/AF_INET6 sockets count; with
 * netns_ino set, only events of that network namespace count.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include <driftprobe/buckets.h>

char LICENSE[] SEC("license") = "GPL";

#define AF_INET		2
#define AF_INET6	10
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define PROTO_TCP	6
#define PROTO_UDP	17
#define DNS_PORT	53

/* 0 = every network namespace; else the inode of the one to watch. */
const volatile __u32 netns_ino = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dp_net_hist);
} net_hist SEC(".maps");

static __always_inline struct dp_net_hist *this_cpu_hist(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&net_hist, &zero);
}

static __always_inline bool net_wanted(const struct net *net)
{
	return !netns_ino || (net && net->ns.inum == netns_ino);
}

static __always_inline bool sock_wanted(const struct sock *sk)
{
	__u16 family;

	if (!sk)
		return false;
	family = sk->__sk_common.skc_family;
	return (family == AF_INET || family == AF_INET6) &&
	       net_wanted(sk->__sk_common.skc_net.net);
}

static __always_inline void count(int off, unsigned int bin)
{
	struct dp_net_hist *h = this_cpu_hist();

	if (h)
		h->counts[off + bin]++;
}

static __always_inline void count_bytes(int off, struct sock *sk, int ret)
{
	if (ret > 0 && sock_wanted(sk))
		count(off, dp_bucket_log2(ret, DP_NET_BYTES_BINS));
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(send_length, struct sock *sk, int ret, int flags)
{
	count_bytes(DP_OFF_NET_TX_BYTES, sk, ret);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(recv_length, struct sock *sk, int ret, int flags)
{
	count_bytes(DP_OFF_NET_RX_BYTES, sk, ret);
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(set_state, const struct sock *sk, int oldstate, int newstate)
{
	struct dp_net_hist *h;
	unsigned int ev, port, bin;

	if (sk->sk_protocol != PROTO_TCP || !sock_wanted(sk))
		return 0;
	h = this_cpu_hist();
	if (!h)
		return 0;
	if (newstate == TCP_SYN_SENT) {
		port = bpf_ntohs(sk->__sk_common.skc_dport);
		bin = dp_bucket_port(port);
		if (bin >= DP_NET_DPORT_BINS)	/* cannot happen; verifier */
			return 0;
		h->counts[DP_OFF_NET_DPORT + bin]++;
		h->dport_last[bin] = port;
		ev = DP_TCP_EV_CONNECT;
	} else if (oldstate == TCP_SYN_RECV && newstate == TCP_ESTABLISHED) {
		ev = DP_TCP_EV_ACCEPT;
	} else if (newstate == TCP_CLOSE) {
		ev = DP_TCP_EV_CLOSE;
	} else {
		ev = DP_TCP_EV_OTHER_STATE;
	}
	h->counts[DP_OFF_TCP_EVENT + ev]++;
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(retransmit, const struct sock *sk, const struct sk_buff *skb)
{
	if (sock_wanted(sk))
		count(DP_OFF_TCP_EVENT, DP_TCP_EV_RETRANSMIT);
	return 0;
}

/* A reset for a port nobody listens on has no socket: use the device's. */
SEC("tp_btf/tcp_send_reset")
int BPF_PROG(send_reset, const struct sock *sk, const struct sk_buff *skb)
{
	const struct net_device *dev;

	if (sk ? !sock_wanted(sk)
	       : !(skb && (dev = skb->dev) && net_wanted(dev->nd_net.net)))
		return 0;
	count(DP_OFF_TCP_EVENT, DP_TCP_EV_RESET_SENT);
	return 0;
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(receive_reset, struct sock *sk)
{
	if (sock_wanted(sk))
		count(DP_OFF_TCP_EVENT, DP_TCP_EV_RESET_RECEIVED);
	return 0;
}

/*
 * The first 48 bytes at the network header hold an IPv4 header without
 * options plus the first 28 bytes after it, or an IPv6 header plus 8: the
 * ports and the UDP length either way. One read per packet.
 */
struct pkt_head {
	__u8 b[48];
};

static __always_inline __u16 be16_at(const __u8 *p)
{
	return (__u16)p[0] << 8 | p[1];
}

static __always_inline __u32 word_at(const __u8 *p)
{
	__u32 w;

	__builtin_memcpy(&w, p, sizeof(w));
	return w;
}

/* net.peer (+= bytes) and net.dns_len for an IP packet leaving a device. */
static __always_inline void count_egress_ip(struct dp_net_hist *h,
					    const struct sk_buff *skb,
					    __u16 proto)
{
	struct pkt_head ph;
	struct dp_net_endpoint *last;
	unsigned int bin, l4, w1 = 0, w2 = 0, w3 = 0, addr_len = 4;
	__u8 ipproto;
	const __u8 *d;

	if (bpf_probe_read_kernel(&ph, sizeof(ph),
				  skb->head + skb->network_header))
		goto unparsed;
	if (proto == ETH_P_IP) {
		if (ph.b[0] != 0x45)	/* version 4 without options */
			goto unparsed;
		ipproto = ph.b[9];
		d = &ph.b[16];
		l4 = 20;
	} else {
		if ((ph.b[0] >> 4) != 6)
			goto unparsed;
		ipproto = ph.b[6];
		d = &ph.b[24];
		w1 = word_at(d + 4);
		w2 = word_at(d + 8);
		w3 = word_at(d + 12);
		l4 = 40;
		addr_len = 16;
	}
	bin = dp_bucket_peer(word_at(d), w1, w2, w3);
	if (bin >= DP_NET_PEER_BINS)	/* cannot happen; for the verifier */
		return;
	h->counts[DP_OFF_NET_PEER + bin] += skb->len;
	last = &h->peer_last[bin];
	__builtin_memcpy(last->addr, d, 4);
	if (addr_len == 16)
		__builtin_memcpy(last->addr + 4, d + 4, 12);
	last->family = proto == ETH_P_IP ? AF_INET : AF_INET6;
	last->port = 0;
	if (ipproto != PROTO_TCP && ipproto != PROTO_UDP)
		return;
	last->port = be16_at(&ph.b[l4 + 2]);
	if (ipproto == PROTO_UDP && last->port == DNS_PORT)
		h->counts[DP_OFF_NET_DNS_LEN +
			  dp_bucket_loglin(be16_at(&ph.b[l4 + 4]) - 8,
					   DP_NET_DNS_BINS)]++;
	return;
unparsed:
	h->health[DP_NH_PKT_UNPARSED]++;
}

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(dev_xmit, const struct sk_buff *skb, const struct net_device *dev)
{
	struct dp_net_hist *h;
	__u16 proto;

	if (!net_wanted(dev->nd_net.net))
		return 0;
	h = this_cpu_hist();
	if (!h)
		return 0;
	h->counts[DP_OFF_NET_PKT_TX + dp_bucket_log2(skb->len, DP_NET_PKT_BINS)]++;
	proto = bpf_ntohs(skb->protocol);
	if (proto == ETH_P_IP || proto == ETH_P_IPV6)
		count_egress_ip(h, skb, proto);
	return 0;
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(dev_receive, struct sk_buff *skb)
{
	const struct net_device *dev = skb->dev;

	if (dev && net_wanted(dev->nd_net.net))
		count(DP_OFF_NET_PKT_RX, dp_bucket_log2(skb->len, DP_NET_PKT_BINS));
	return 0;
}
