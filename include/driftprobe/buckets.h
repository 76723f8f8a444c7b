/* SPDX-License-Identifier: MIT */
/*
 * Value -> bin functions, shared by the BPF programs (where they run on every
 * event) and userspace (where the unit tests check them at every power-of-two
 * edge, and the label code inverts them). Branch-light, no loops, and every
 * result is clamped below nbins so the verifier sees a bounded index.
 *
 * Kept in include/ rather than bpf/ so the tests exercise the exact code the
 * kernel runs.
 */
#ifndef DRIFTPROBE_BUCKETS_H
#define DRIFTPROBE_BUCKETS_H

#include "features.h"

/* floor(log2(v)) for v > 0; 0 for v == 0. Branch-free halving search. */
static inline unsigned int dp_log2(unsigned long long v)
{
	unsigned int r, shift;

	r = (v > 0xFFFFFFFFULL) << 5;
	v >>= r;
	shift = (v > 0xFFFF) << 4;
	v >>= shift;
	r |= shift;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (unsigned int)(v >> 1);
	return r;
}

static inline unsigned int dp_clamp_bin(unsigned long long bin,
					unsigned int nbins)
{
	return bin < nbins ? (unsigned int)bin : nbins - 1;
}

/*
 * Log-linear bin: values below DP_LOGLIN_SUB get their own bin; above,
 * [2^e, 2^(e+1)) is split into DP_LOGLIN_SUB equal sub-buckets, selected by
 * the DP_LOGLIN_SUB_BITS bits below the leading one.
 */
static inline unsigned int dp_bucket_loglin(unsigned long long v,
					    unsigned int nbins)
{
	unsigned int e;
	unsigned long long bin;

	if (v < DP_LOGLIN_SUB)
		return dp_clamp_bin(v, nbins);
	e = dp_log2(v);
	bin = ((unsigned long long)(e - DP_LOGLIN_SUB_BITS + 1)
	       << DP_LOGLIN_SUB_BITS) |
	      ((v >> (e - DP_LOGLIN_SUB_BITS)) & (DP_LOGLIN_SUB - 1));
	return dp_clamp_bin(bin, nbins);
}

/* Smallest value that lands in log-linear bin b (b < 64 * DP_LOGLIN_SUB). */
static inline unsigned long long dp_loglin_lower(unsigned int b)
{
	unsigned int e, m;

	if (b < DP_LOGLIN_SUB)
		return b;
	e = (b >> DP_LOGLIN_SUB_BITS) + DP_LOGLIN_SUB_BITS - 1;
	m = b & (DP_LOGLIN_SUB - 1);
	return (unsigned long long)(DP_LOGLIN_SUB + m)
	       << (e - DP_LOGLIN_SUB_BITS);
}

/* Categorical bin: value v itself, anything >= nbins-1 in the last bin. */
static inline unsigned int dp_bucket_categorical(unsigned long long v,
						 unsigned int nbins)
{
	return v < nbins - 1 ? (unsigned int)v : nbins - 1;
}

/*
 * Syscall return value -> errno bin: 0 for success (anything outside the
 * kernel's error range [-4095, -1]), e for -e, the last bin for e >= nbins-1.
 */
static inline unsigned int dp_bucket_errno(long long ret, unsigned int nbins)
{
	if (ret >= 0 || ret < -4095)
		return 0;
	return dp_bucket_categorical((unsigned long long)-ret, nbins);
}

/*
 * Syscall return value -> errno class of syscall.group_errno. Numbers are
 * the generic Linux errno values (BPF code has no <errno.h>); the unit test
 * checks each against the C library's names.
 */
static inline enum dp_errno_class dp_errno_class(long long ret)
{
	if (ret >= 0 || ret < -4095)
		return DP_EC_OK;
	switch (-ret) {
	case 4: case 11: case 62: case 110:	/* EINTR EAGAIN ETIME ETIMEDOUT */
	case 512: case 513: case 514: case 516:	/* ERESTART* */
		return DP_EC_RETRY;
	case 2: case 3: case 6: case 10:	/* ENOENT ESRCH ENXIO ECHILD */
	case 17: case 19: case 20: case 61:	/* EEXIST ENODEV ENOTDIR ENODATA */
		return DP_EC_NOTFOUND;
	case 1: case 13: case 30:		/* EPERM EACCES EROFS */
		return DP_EC_DENIED;
	case 7: case 8: case 9: case 14:	/* E2BIG ENOEXEC EBADF EFAULT */
	case 21: case 22: case 25: case 29:	/* EISDIR EINVAL ENOTTY ESPIPE */
	case 36: case 38: case 88: case 92:	/* ENAMETOOLONG ENOSYS ENOTSOCK ENOPROTOOPT */
	case 93: case 95: case 97: case 515:	/* EPROTONOSUPPORT EOPNOTSUPP EAFNOSUPPORT ENOIOCTLCMD */
		return DP_EC_MISUSE;
	case 32: case 98: case 99: case 100:	/* EPIPE EADDRINUSE EADDRNOTAVAIL ENETDOWN */
	case 101: case 102: case 103: case 104:	/* ENETUNREACH ENETRESET ECONNABORTED ECONNRESET */
	case 107: case 111: case 112: case 113:	/* ENOTCONN ECONNREFUSED EHOSTDOWN EHOSTUNREACH */
	case 114: case 115:			/* EALREADY EINPROGRESS */
		return DP_EC_CONN;
	default:
		return DP_EC_OTHER;
	}
}

/* log2 bin: [2^b, 2^(b+1)) is bin b; 0 shares bin 0 with 1. */
static inline unsigned int dp_bucket_log2(unsigned long long v,
					  unsigned int nbins)
{
	return dp_clamp_bin(dp_log2(v), nbins);
}

/*
 * Fibonacci hashing: the top bits of v * 2^32/phi, so consecutive values
 * (ports, addresses in a subnet) spread over all 2^bits bins. 0 < bits < 32.
 * Stable across runs and hosts: labels and baselines depend on it.
 */
static inline unsigned int dp_hash32(unsigned int v, unsigned int bits)
{
	return (unsigned int)(v * 2654435761u) >> (32 - bits);
}

/*
 * Port bin: a named service port's own bin, else a hash bin of its range
 * (well-known < 1024, registered < 49152, ephemeral). Ports above 65535
 * cannot happen; they hash like ephemeral ones.
 */
static inline unsigned int dp_bucket_port(unsigned int port)
{
	switch (port) {
#define DP_X_PORT_CASE(p, id, label, class) case p: return DP_PORT_##id;
	DP_NAMED_PORTS(DP_X_PORT_CASE)
#undef DP_X_PORT_CASE
	}
	if (port < DP_PORT_REGISTERED_MIN)
		return DP_PORT_WELL_KNOWN_OFF +
		       dp_hash32(port, DP_PORT_WELL_KNOWN_BITS);
	if (port < DP_PORT_EPHEMERAL_MIN)
		return DP_PORT_REGISTERED_OFF +
		       dp_hash32(port, DP_PORT_REGISTERED_BITS);
	return DP_PORT_EPHEMERAL_OFF + dp_hash32(port, DP_PORT_EPHEMERAL_BITS);
}

/*
 * Peer bin of a remote address given as 32-bit words in network order (1 for
 * IPv4, 4 for IPv6): the words folded by xor, then hashed.
 */
static inline unsigned int dp_bucket_peer(unsigned int w0, unsigned int w1,
					  unsigned int w2, unsigned int w3)
{
	return dp_hash32(w0 ^ w1 ^ w2 ^ w3, DP_NET_PEER_BITS);
}

/*
 * The class of a destination port, the columns of net.comm_dport: a named
 * or classed port's own (features.h), else its range's.
 */
static inline enum dp_port_class dp_port_class(unsigned int port)
{
	switch (port) {
#define DP_X_NAMED_CLASS(p, id, label, class) case p: return DP_PC_##class;
#define DP_X_CLASSED(p, class) case p: return DP_PC_##class;
	DP_NAMED_PORTS(DP_X_NAMED_CLASS)
	DP_CLASSED_PORTS(DP_X_CLASSED)
#undef DP_X_CLASSED
#undef DP_X_NAMED_CLASS
	}
	if (port < DP_PORT_REGISTERED_MIN)
		return DP_PC_WELL_KNOWN;
	if (port < DP_PORT_EPHEMERAL_MIN)
		return DP_PC_REGISTERED;
	return DP_PC_EPHEMERAL;
}

/*
 * Hash of a process name (comm, up to DP_COMM_LEN bytes, NUL-terminated or
 * not) into bits bits: FNV-1a over its bytes up to the first NUL, then
 * Fibonacci-hashed. Stable across runs and hosts.
 */
static inline unsigned int dp_comm_hash(const char *comm, unsigned int bits)
{
	unsigned int h = 2166136261u;

	/* Nothing past the NUL is read: callers may pass short strings. */
	for (int i = 0; i < DP_COMM_LEN && comm[i]; i++)
		h = (h ^ (unsigned char)comm[i]) * 16777619u;
	return dp_hash32(h, bits);
}

/* Row of net.comm_dport. */
static inline unsigned int dp_comm_row(const char *comm)
{
	return dp_comm_hash(comm, DP_COMM_ROW_BITS);
}

/*
 * The next 32 random bits of a SplitMix64 generator whose state is *state
 * (a Weyl sequence through a 64-bit mixer; it passes BigCrush): the coin
 * flips that pick which syscalls are traced. A few instructions, no
 * helper call. (A bare LCG was not enough: from a fixed seed its top bits
 * fall below 2^28 1.7-1.9 % too often over the first 100,000 draws.)
 */
static inline unsigned int dp_coin(unsigned long long *state)
{
	unsigned long long z = *state += 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (unsigned int)((z ^ (z >> 31)) >> 32);
}

#endif /* DRIFTPROBE_BUCKETS_H */
