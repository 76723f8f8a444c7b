// SPDX-License-Identifier: GPL-2.0
/*
 * Network features (no kprobes, no fentry):
 *   sock_send_length / sock_recv_length   net.tx_bytes, net.rx_bytes
 *   inet_sock_set_state                   tcp.event (connect, accept, close,
 *                                         other), net.dport of each connect
 *   tcp_retransmit_skb, tcp_send_reset,
 *   tcp_receive_reset                     tcp.event
 *   net_dev_start_xmit                    net.pkt_tx, net.peer (bytes by
 *                                         remote address), net.udp_dport,
 *                                         net.dns_len
 *   netif_receive_skb                     net.pkt_rx
 * Each event is one bucket computation and one increment (two or three for
 * an egress packet) in this CPU's slot of one per-CPU array value, the same
 * scheme as syscall.bpf.c. Only AF_INET/AF_INET6 sockets count; with
 * netns_ino set, only events of that network namespace count.
 *
 * Two hook flavours carry the same logic, as in syscall.bpf.c: tp_btf raw
 * tracepoints (typed pointers, read directly) and, as fallback, classic
 * tracepoints (their recorded fields; kernel objects read with CO-RE). The
 * loader enables exactly one flavour.
 *
 * With per_cgroup set (--per-cgroup), each count is also added (atomically,
 * as in syscall.bpf.c) to the entry of the cgroup v2 that owns the event's
 * socket, in cgroup_hist: the cgroup the socket was created in (an
 * accepted socket inherits its listener's), which is what
 * bpf_sk_cgroup_id() returns. The socket, not the current task, because
 * most of these hooks also run in softirq context on behalf of whatever
 * task happens to be on the CPU: a SYN's answer completing an accept, the
 * ACKs and retransmits a socket sends from its timers, resets, state
 * changes on a FIN. Per hook:
 *   sock_send/recv_length, inet_sock_set_state, tcp_retransmit_skb,
 *   tcp_receive_reset          the hook's socket
 *   tcp_send_reset             its socket; a reset for a port nobody
 *                              listens on has none: host-wide only
 *   net_dev_start_xmit         skb->sk, the sending socket (a SYN-ACK's
 *                              request socket counts for its listener);
 *                              forwarded packets and packets from another
 *                              namespace arrive orphaned: host-wide only
 *   netif_receive_skb          never per cgroup: a received packet is not
 *                              yet matched to a socket there, and the
 *                              current task is unrelated (softirq)
 * Sockets without a cgroup of their own are not charged to any: timewait
 * sockets (no owner left), and kernel sockets (the per-namespace control
 * sockets that answer for timewait and closed ports carry the cgroup of
 * whoever created the namespace). net.comm_dport keeps the current task's
 * name, as host-wide: connect() runs in the connecting task.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include <driftprobe/buckets.h>
#include "count.bpf.h"

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
const volatile bool per_cgroup = false;
/* Keep the last endpoint, port and command per bin (off: --no-exemplars). */
const volatile bool exemplars = false;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dp_net_hist);
} net_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DP_CGROUP_MAX);
	__type(key, __u64);
	__type(value, struct dp_net_cgroup_hist);
} cgroup_hist SEC(".maps");

/* The value a new cgroup entry starts from (too big for the BPF stack). */
static const struct dp_net_cgroup_hist zero_cgroup_hist;

/*
 * Where one event is counted (count.bpf.h), and this CPU's slot h, whose
 * exemplars stay host-wide.
 */
struct hists {
	struct dp_net_hist *h;
	struct dp_counts c;
};

/*
 * The histograms of an event owned by cgroup cgid (0: by none). false when
 * there is no CPU slot.
 */
static __always_inline bool hists_of(__u64 cgid, struct hists *x)
{
	__u32 zero = 0;

	x->h = bpf_map_lookup_elem(&net_hist, &zero);
	if (!x->h)
		return false;
	x->c = dp_counts_of(x->h->counts, &cgroup_hist, per_cgroup ? cgid : 0,
			    &zero_cgroup_hist,
			    &x->h->health[DP_NH_CGROUP_DROPPED]);
	return true;
}

/* counts[idx] += n in x's histograms. */
static __always_inline void add(struct hists *x, unsigned int idx, __u64 n)
{
	dp_count(&x->c, idx, DP_NET_BINS, n);
}

/* An event of bin idx, owned by cgroup cgid. */
static __always_inline void count(__u64 cgid, unsigned int idx)
{
	struct hists x;

	if (hists_of(cgid, &x))
		add(&x, idx, 1);
}

/* ---- the logic both flavours share, on plain values -------------------- */

static __always_inline bool inet_family(__u16 family)
{
	return family == AF_INET || family == AF_INET6;
}

static __always_inline void count_bytes(__u64 cgid, int off, int ret)
{
	if (ret > 0)
		count(cgid, off + dp_bucket_log2(ret, DP_NET_BYTES_BINS));
}

/*
 * The cgroup id of the socket owning an event, or 0 (per-cgroup counting
 * off, no socket, or a socket owned by no cgroup: see the header). Two
 * flavours: CO-RE reads of an untyped pointer (classic tracepoints, and a
 * request socket's listener), and direct reads of a typed one (tp_btf).
 * A request socket (TCP_NEW_SYN_RECV, a SYN-ACK's owner) is not a struct
 * sock: only its sock_common, whose skc_listener is the listening socket.
 */
static __always_inline __u64 core_full_sock_cgroup(const struct sock *sk)
{
	if (!sk || BPF_CORE_READ_BITFIELD_PROBED(sk, sk_kern_sock))
		return 0;
	return BPF_CORE_READ(sk, sk_cgrp_data.cgroup, kn, id);
}

static __always_inline __u64 core_sock_cgroup(const struct sock *sk)
{
	if (!per_cgroup || !sk)
		return 0;
	switch (BPF_CORE_READ(sk, __sk_common.skc_state)) {
	case TCP_NEW_SYN_RECV:
		return core_full_sock_cgroup(BPF_CORE_READ(
			sk, __sk_common.skc_listener));
	case TCP_TIME_WAIT:
		return 0;
	}
	return core_full_sock_cgroup(sk);
}

static __always_inline __u64 btf_sock_cgroup(const struct sock *sk)
{
	const struct cgroup *cg;

	if (!per_cgroup || !sk)
		return 0;
	switch (sk->__sk_common.skc_state) {
	case TCP_NEW_SYN_RECV:
		return core_sock_cgroup(sk);
	case TCP_TIME_WAIT:
		return 0;
	}
	if (BPF_CORE_READ_BITFIELD(sk, sk_kern_sock))
		return 0;
	cg = sk->sk_cgrp_data.cgroup;
	return cg ? cg->kn->id : 0;
}

/*
 * net.comm_dport: the connecting process (connect() runs in its context)
 * x the port's class, and the process's name as the cell's exemplar.
 */
static __always_inline void count_comm_dport(struct hists *x,
					     unsigned int dport)
{
	char comm[DP_COMM_LEN] = {};
	unsigned int cell;

	bpf_get_current_comm(comm, sizeof(comm));
	cell = dp_comm_row(comm) * DP_PORT_CLASS_N + dp_port_class(dport);
	if (cell >= DP_COMM_ROWS * DP_PORT_CLASS_N)	/* verifier */
		return;
	add(x, DP_OFF_NET_COMM_DPORT + cell, 1);
	if (exemplars)
		__builtin_memcpy(x->h->comm_dport_last[cell], comm,
				 sizeof(comm));
}

/* A TCP state change of a socket of cgroup cgid; dport in host order. */
static __always_inline void count_state(__u64 cgid, int oldstate,
					int newstate, unsigned int dport)
{
	unsigned int ev, bin;
	struct hists x;

	if (!hists_of(cgid, &x))
		return;
	if (newstate == TCP_SYN_SENT) {
		bin = dp_bucket_port(dport);
		if (bin >= DP_NET_DPORT_BINS)	/* cannot happen; verifier */
			return;
		add(&x, DP_OFF_NET_DPORT + bin, 1);
		if (exemplars)
			x.h->dport_last[bin] = dport;
		count_comm_dport(&x, dport);
		ev = DP_TCP_EV_CONNECT;
	} else if (oldstate == TCP_SYN_RECV && newstate == TCP_ESTABLISHED) {
		ev = DP_TCP_EV_ACCEPT;
	} else if (newstate == TCP_CLOSE) {
		ev = DP_TCP_EV_CLOSE;
	} else {
		ev = DP_TCP_EV_OTHER_STATE;
	}
	add(&x, DP_OFF_TCP_EVENT + ev, 1);
}

/*
 * The first 48 bytes at the network header hold an IPv4 header without
 * options plus the first 28 bytes after it, or an IPv6 header plus 8: the
 * ports and the UDP length either way. One read per packet.
 */
struct pkt_head {
	union {
		__u8 b[48];
		__u64 w[6];
	};
};

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/*
 * tp_btf: the 48 bytes by plain loads instead of bpf_probe_read_kernel, a
 * helper call that was ~40 of dev_xmit's ~50 ns above an empty program
 * (tools/bench/net_path.sh). bpf_rdonly_cast gives the header a kernel type
 * the verifier checks loads against, and the JIT makes them fault-safe (a
 * bad address reads 0: unparsed). The first 40 bytes load as words of a
 * struct ipv6hdr (loads inside its address arrays are allowed at any
 * size), the last 8 as the fields of a struct udphdr. Linux 6.2 has
 * bpf_rdonly_cast; without it the tp_btf programs fail to load and the
 * loader falls back to classic tracepoints, which keep the helper.
 */
static __always_inline void btf_read_head(struct pkt_head *ph, const void *nh)
{
	const __u64 *w = bpf_rdonly_cast(nh, bpf_core_type_id_kernel(struct ipv6hdr));
	const struct udphdr *t = bpf_rdonly_cast(nh + 40,
					bpf_core_type_id_kernel(struct udphdr));
	__u16 *tail = (__u16 *)&ph->w[5];

	for (int i = 0; i < 5; i++)
		ph->w[i] = w[i];
	tail[0] = t->source;
	tail[1] = t->dest;
	tail[2] = t->len;
	tail[3] = t->check;
}

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

/*
 * A packet of len bytes leaving a device, its network header at nh, sent
 * by a socket of cgroup cgid: its size, and for IP net.peer (+= len), for
 * UDP net.udp_dport and, to port 53, net.dns_len. proto in host order.
 * direct: read the header with btf_read_head (tp_btf), else with
 * bpf_probe_read_kernel.
 */
static __always_inline void count_egress(__u64 cgid, const void *nh,
					 unsigned int len, __u16 proto,
					 bool direct)
{
	struct dp_net_endpoint *last;
	unsigned int bin, l4, w1 = 0, w2 = 0, w3 = 0, addr_len = 4, port = 0;
	struct pkt_head ph;
	struct hists x;
	__u8 ipproto;
	const __u8 *d;

	if (!hists_of(cgid, &x))
		return;
	add(&x, DP_OFF_NET_PKT_TX + dp_bucket_log2(len, DP_NET_PKT_BINS), 1);
	if (proto != ETH_P_IP && proto != ETH_P_IPV6)
		return;
	if (direct)
		btf_read_head(&ph, nh);
	else if (bpf_probe_read_kernel(&ph, sizeof(ph), nh))
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
	add(&x, DP_OFF_NET_PEER + bin, len);
	if (ipproto == PROTO_TCP || ipproto == PROTO_UDP)
		port = be16_at(&ph.b[l4 + 2]);
	if (exemplars) {
		last = &x.h->peer_last[bin];
		__builtin_memcpy(last->addr, d, 4);
		if (addr_len == 16)
			__builtin_memcpy(last->addr + 4, d + 4, 12);
		last->family = proto == ETH_P_IP ? AF_INET : AF_INET6;
		last->port = port;
	}
	if (ipproto != PROTO_UDP)
		return;
	bin = dp_bucket_port(port);
	if (bin >= DP_NET_DPORT_BINS)	/* cannot happen; for the verifier */
		return;
	add(&x, DP_OFF_NET_UDP_DPORT + bin, 1);
	if (exemplars)
		x.h->udp_dport_last[bin] = port;
	if (port == DNS_PORT)
		add(&x, DP_OFF_NET_DNS_LEN +
			dp_bucket_loglin(be16_at(&ph.b[l4 + 4]) - 8,
					 DP_NET_DNS_BINS), 1);
	return;
unparsed:
	x.h->health[DP_NH_PKT_UNPARSED]++;
}

/* ---- tp_btf: typed pointers, read directly ----------------------------- */

/*
 * Whether events of network namespace net count: every namespace's when
 * no --netns filter is set (netns_ino 0), else only that one's. The same
 * answer as core_net_wanted, the classic flavour's.
 */
static __always_inline bool btf_net_wanted(const struct net *net)
{
	return !netns_ino || (net && net->ns.inum == netns_ino);
}

static __always_inline bool btf_sock_wanted(const struct sock *sk)
{
	return sk && inet_family(sk->__sk_common.skc_family) &&
	       btf_net_wanted(sk->__sk_common.skc_net.net);
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(btf_send_length, struct sock *sk, int ret, int flags)
{
	if (btf_sock_wanted(sk))
		count_bytes(btf_sock_cgroup(sk), DP_OFF_NET_TX_BYTES, ret);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(btf_recv_length, struct sock *sk, int ret, int flags)
{
	if (btf_sock_wanted(sk))
		count_bytes(btf_sock_cgroup(sk), DP_OFF_NET_RX_BYTES, ret);
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(btf_set_state, const struct sock *sk, int oldstate, int newstate)
{
	if (sk->sk_protocol == PROTO_TCP && btf_sock_wanted(sk))
		count_state(btf_sock_cgroup(sk), oldstate, newstate,
			    bpf_ntohs(sk->__sk_common.skc_dport));
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(btf_retransmit, const struct sock *sk)
{
	if (btf_sock_wanted(sk))
		count(btf_sock_cgroup(sk),
		      DP_OFF_TCP_EVENT + DP_TCP_EV_RETRANSMIT);
	return 0;
}

/* A reset for a port nobody listens on has no socket: use the device's. */
SEC("tp_btf/tcp_send_reset")
int BPF_PROG(btf_send_reset, const struct sock *sk, const struct sk_buff *skb)
{
	const struct net_device *dev;

	if (sk ? !btf_sock_wanted(sk)
	       : !(skb && (dev = skb->dev) && btf_net_wanted(dev->nd_net.net)))
		return 0;
	count(btf_sock_cgroup(sk), DP_OFF_TCP_EVENT + DP_TCP_EV_RESET_SENT);
	return 0;
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(btf_receive_reset, struct sock *sk)
{
	if (btf_sock_wanted(sk))
		count(btf_sock_cgroup(sk),
		      DP_OFF_TCP_EVENT + DP_TCP_EV_RESET_RECEIVED);
	return 0;
}

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(btf_dev_xmit, const struct sk_buff *skb,
	     const struct net_device *dev)
{
	if (btf_net_wanted(dev->nd_net.net))
		count_egress(btf_sock_cgroup(skb->sk),
			     skb->head + skb->network_header, skb->len,
			     bpf_ntohs(skb->protocol), true);
	return 0;
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(btf_dev_receive, struct sk_buff *skb)
{
	const struct net_device *dev = skb->dev;

	if (dev && btf_net_wanted(dev->nd_net.net))
		count(0, DP_OFF_NET_PKT_RX +
			 dp_bucket_log2(skb->len, DP_NET_PKT_BINS));
	return 0;
}

/* ---- classic tracepoints: recorded fields, CO-RE reads ----------------- */

/* btf_net_wanted's answer, by CO-RE reads. */
static __always_inline bool core_net_wanted(const struct net *net)
{
	return !netns_ino || (net && BPF_CORE_READ(net, ns.inum) == netns_ino);
}

/*
 * The namespace of a socket, of a packet's device; read only when a
 * filter is set (with none, every namespace is wanted: no read needed).
 */
static __always_inline bool core_sock_wanted(const struct sock *sk)
{
	return !netns_ino ||
	       (sk && core_net_wanted(BPF_CORE_READ(sk, __sk_common.skc_net.net)));
}

static __always_inline bool core_skb_wanted(const struct sk_buff *skb)
{
	return !netns_ino ||
	       (skb && core_net_wanted(BPF_CORE_READ(skb, dev, nd_net.net)));
}

SEC("tracepoint/sock/sock_send_length")
int tp_send_length(struct trace_event_raw_sock_msg_length *ctx)
{
	const struct sock *sk = ctx->sk;	/* one read of ctx */

	if (inet_family(ctx->family) && core_sock_wanted(sk))
		count_bytes(core_sock_cgroup(sk), DP_OFF_NET_TX_BYTES,
			    ctx->ret);
	return 0;
}

SEC("tracepoint/sock/sock_recv_length")
int tp_recv_length(struct trace_event_raw_sock_msg_length *ctx)
{
	const struct sock *sk = ctx->sk;	/* one read of ctx */

	if (inet_family(ctx->family) && core_sock_wanted(sk))
		count_bytes(core_sock_cgroup(sk), DP_OFF_NET_RX_BYTES,
			    ctx->ret);
	return 0;
}

/* The tracepoint records dport already in host order. */
SEC("tracepoint/sock/inet_sock_set_state")
int tp_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	const struct sock *sk = ctx->skaddr;

	if (ctx->protocol == PROTO_TCP && inet_family(ctx->family) &&
	    core_sock_wanted(sk))
		count_state(core_sock_cgroup(sk), ctx->oldstate,
			    ctx->newstate, ctx->dport);
	return 0;
}

SEC("tracepoint/tcp/tcp_retransmit_skb")
int tp_retransmit(struct trace_event_raw_tcp_retransmit_skb *ctx)
{
	const struct sock *sk = ctx->skaddr;

	if (core_sock_wanted(sk))
		count(core_sock_cgroup(sk),
		      DP_OFF_TCP_EVENT + DP_TCP_EV_RETRANSMIT);
	return 0;
}

SEC("tracepoint/tcp/tcp_send_reset")
int tp_send_reset(struct trace_event_raw_tcp_send_reset *ctx)
{
	const struct sock *sk = ctx->skaddr;

	if (sk ? core_sock_wanted(sk) : core_skb_wanted(ctx->skbaddr))
		count(core_sock_cgroup(sk),
		      DP_OFF_TCP_EVENT + DP_TCP_EV_RESET_SENT);
	return 0;
}

SEC("tracepoint/tcp/tcp_receive_reset")
int tp_receive_reset(struct trace_event_raw_tcp_event_sk *ctx)
{
	const struct sock *sk = ctx->skaddr;

	if (core_sock_wanted(sk))
		count(core_sock_cgroup(sk),
		      DP_OFF_TCP_EVENT + DP_TCP_EV_RESET_RECEIVED);
	return 0;
}

/* network_offset is relative to skb->data; protocol is in host order. */
SEC("tracepoint/net/net_dev_start_xmit")
int tp_dev_xmit(struct trace_event_raw_net_dev_start_xmit *ctx)
{
	const struct sk_buff *skb = ctx->skbaddr;

	if (core_skb_wanted(skb))
		count_egress(per_cgroup ? core_sock_cgroup(BPF_CORE_READ(skb, sk))
					: 0,
			     BPF_CORE_READ(skb, data) + ctx->network_offset,
			     ctx->len, ctx->protocol, false);
	return 0;
}

SEC("tracepoint/net/netif_receive_skb")
int tp_dev_receive(struct trace_event_raw_net_dev_template *ctx)
{
	if (core_skb_wanted(ctx->skbaddr))
		count(0, DP_OFF_NET_PKT_RX +
			 dp_bucket_log2(ctx->len, DP_NET_PKT_BINS));
	return 0;
}
