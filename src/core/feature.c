// SPDX-License-Identifier: MIT
/*
 * The feature table as userspace sees it, built from the same X-macro the
 * BPF programs use, and the bin labels: syscall names (generated from the
 * UAPI header at build time), errno names, log and log-linear ranges,
 * service ports, TCP events, hash bins, and "row/column" names for the
 * cells of joint features.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <driftprobe/buckets.h>
#include "feature.h"
#include "syscall_names.h"

#define DP_X_MAX_BINS(id, name, kind, rows, cols, unit)			\
	_Static_assert((rows) * (cols) <= FEATURE_MAX_BINS,		\
		       name " has more than FEATURE_MAX_BINS bins");
DP_FEATURES(DP_X_MAX_BINS)
#undef DP_X_MAX_BINS

const struct feature_info feature_table[DP_F_COUNT] = {
#define DP_X_INFO(id, fname, fkind, frows, fcols, funit, fgroup)		\
	[DP_F_##id] = { .name = fname, .kind = fkind,			\
			.rows = frows, .cols = fcols,			\
			.bins = (frows) * (fcols), .unit = funit,		\
			.group = fgroup, .offset = DP_OFF_##id },
#define DP_X_SYSCALL(id, n, k, r, c, u)					\
	DP_X_INFO(id, n, k, r, c, u, DP_GROUP_SYSCALL)
#define DP_X_NET(id, n, k, r, c, u) DP_X_INFO(id, n, k, r, c, u, DP_GROUP_NET)
#define DP_X_NODE(id, n, k, r, c, u) DP_X_INFO(id, n, k, r, c, u, DP_GROUP_NODE)
	DP_FEATURES_SYSCALL(DP_X_SYSCALL)
	DP_FEATURES_NET(DP_X_NET)
	DP_FEATURES_NODE(DP_X_NODE)
#undef DP_X_NODE
#undef DP_X_NET
#undef DP_X_SYSCALL
#undef DP_X_INFO
};

static const char *const tcp_event_names[] = {
#define DP_X_TCP_NAME(id, label) label,
	DP_TCP_EVENTS(DP_X_TCP_NAME)
#undef DP_X_TCP_NAME
};

static const struct {
	unsigned int port;
	const char *name;
} named_ports[] = {
#define DP_X_PORT_NAME(p, id, label, class) { p, label },
	DP_NAMED_PORTS(DP_X_PORT_NAME)
#undef DP_X_PORT_NAME
};

int feature__by_name(const char *name)
{
	for (int f = 0; f < DP_F_COUNT; f++)
		if (!strcmp(feature_table[f].name, name))
			return f;
	return -ENOENT;
}

void feature__format_quantity(unsigned long long v, char *buf, size_t len)
{
	static const char suffix[] = " KMGTPE";
	unsigned int u = 0;
	unsigned long long unit = 1;

	while (u + 1 < sizeof(suffix) - 1 && v >= unit * 1024)
		unit *= 1024, u++;
	if (!u)
		snprintf(buf, len, "%llu", v);
	else
		snprintf(buf, len, "%.4g%c", (double)v / (double)unit,
			 suffix[u]);
}

static int label_syscall(uint32_t bin, uint32_t bins, char *buf, size_t len)
{
	size_t n = sizeof(syscall_names) / sizeof(syscall_names[0]);

	if (bin == bins - 1)
		return snprintf(buf, len, "other");
	if (bin < n && syscall_names[bin])
		return snprintf(buf, len, "%s", syscall_names[bin]);
	return snprintf(buf, len, "syscall_%u", bin);
}

static int label_errno(uint32_t bin, uint32_t bins, char *buf, size_t len)
{
	const char *name;

	if (bin == 0)
		return snprintf(buf, len, "ok");
	if (bin == bins - 1)
		return snprintf(buf, len, "other");
	name = strerrorname_np((int)bin);
	if (name)
		return snprintf(buf, len, "%s", name);
	return snprintf(buf, len, "E%u", bin);
}

static const char *const syscall_group_names[DP_SYSCALL_GROUPS] = {
	[DP_SG_FILE] = "file", [DP_SG_NET] = "net",
	[DP_SG_PROCESS] = "process", [DP_SG_MEMORY] = "memory",
	[DP_SG_IPC] = "ipc", [DP_SG_POLL] = "poll", [DP_SG_TIME] = "time",
	[DP_SG_OTHER] = "other",
};

static const char *const seq_symbol_names[DP_SEQ_SYMBOLS] = {
#define DP_X_SEQ_NAME(id, label) [DP_SEQ_##id] = label,
	DP_SEQ_SYMBOL_TABLE(DP_X_SEQ_NAME)
#undef DP_X_SEQ_NAME
};

static const char *const errno_class_names[DP_ERRNO_CLASSES] = {
	[DP_EC_OK] = "ok", [DP_EC_RETRY] = "retry",
	[DP_EC_NOTFOUND] = "notfound", [DP_EC_DENIED] = "denied",
	[DP_EC_MISUSE] = "misuse", [DP_EC_CONN] = "conn",
	[DP_EC_OTHER] = "other",
};

static const char *const port_class_names[DP_PORT_CLASS_N] = {
#define DP_X_PC_NAME(id, label) [DP_PC_##id] = label,
	DP_PORT_CLASSES(DP_X_PC_NAME)
#undef DP_X_PC_NAME
};

/* "comm#5/web": the row is a hash; exemplars name the processes. */
static int label_comm_dport(uint32_t bin, char *buf, size_t len)
{
	return snprintf(buf, len, "comm#%u/%s", bin / DP_PORT_CLASS_N,
			port_class_names[bin % DP_PORT_CLASS_N]);
}

static int label_group_errno(uint32_t bin, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s",
			syscall_group_names[bin / DP_ERRNO_CLASSES],
			errno_class_names[bin % DP_ERRNO_CLASSES]);
}

/* "open→connect": the previous syscall, then the next. */
static int label_transition(uint32_t bin, char *buf, size_t len)
{
	return snprintf(buf, len, "%s\u2192%s",
			seq_symbol_names[bin / DP_SEQ_SYMBOLS],
			seq_symbol_names[bin % DP_SEQ_SYMBOLS]);
}

static int label_loglin(uint32_t bin, uint32_t bins, char *buf, size_t len)
{
	char lo[16], hi[16];

	feature__format_quantity(dp_loglin_lower(bin), lo, sizeof(lo));
	if (bin == bins - 1)
		return snprintf(buf, len, "[%s,inf)", lo);
	feature__format_quantity(dp_loglin_lower(bin + 1), hi, sizeof(hi));
	return snprintf(buf, len, "[%s,%s)", lo, hi);
}

static int label_log2(uint32_t bin, uint32_t bins, char *buf, size_t len)
{
	char lo[16], hi[16];

	feature__format_quantity(bin ? 1ULL << bin : 0, lo, sizeof(lo));
	if (bin == bins - 1)
		return snprintf(buf, len, "[%s,inf)", lo);
	feature__format_quantity(1ULL << (bin + 1), hi, sizeof(hi));
	return snprintf(buf, len, "[%s,%s)", lo, hi);
}

static int label_port(uint32_t bin, char *buf, size_t len)
{
	if (bin < DP_NAMED_PORTS_N)
		return snprintf(buf, len, "%u/%s", named_ports[bin].port,
				named_ports[bin].name);
	if (bin < DP_PORT_REGISTERED_OFF)
		return snprintf(buf, len, "well-known#%u",
				bin - DP_PORT_WELL_KNOWN_OFF);
	if (bin < DP_PORT_EPHEMERAL_OFF)
		return snprintf(buf, len, "registered#%u",
				bin - DP_PORT_REGISTERED_OFF);
	return snprintf(buf, len, "ephemeral#%u", bin - DP_PORT_EPHEMERAL_OFF);
}

bool feature__bins_are_kinds(enum dp_feature_id f)
{
	if ((unsigned int)f >= DP_F_COUNT)
		return false;
	switch (feature_table[f].kind) {
	case DP_BUCKET_LOGLIN:
	case DP_BUCKET_LOG2:
		return false;
	default:
		return true;
	}
}

bool feature__is_sequence(enum dp_feature_id f)
{
	return f == DP_F_SYSCALL_TRANSITION;
}

int feature__bin_edges(enum dp_feature_id f, uint32_t bin, double *lo,
		       double *hi)
{
	const struct feature_info *fi;

	if ((unsigned int)f >= DP_F_COUNT || feature__bins_are_kinds(f) ||
	    bin >= feature_table[f].bins)
		return -EINVAL;
	fi = &feature_table[f];
	if (fi->kind == DP_BUCKET_LOGLIN) {
		*lo = (double)dp_loglin_lower(bin);
		*hi = (double)dp_loglin_lower(bin + 1);
	} else {
		*lo = bin ? ldexp(1, (int)bin) : 0;
		*hi = ldexp(1, (int)bin + 1);
	}
	if (bin == fi->bins - 1)
		*hi = INFINITY;
	return 0;
}

const uint64_t *feature__score_counts(enum dp_feature_id f,
				      const uint64_t *counts, uint64_t *out)
{
	uint32_t bins;

	if ((unsigned int)f >= DP_F_COUNT ||
	    feature_table[f].kind != DP_BUCKET_PORT)
		return counts;
	bins = feature_table[f].bins;
	memcpy(out, counts, bins * sizeof(*out));
	for (uint32_t b = DP_PORT_EPHEMERAL_OFF + 1; b < bins; b++) {
		out[DP_PORT_EPHEMERAL_OFF] += out[b];
		out[b] = 0;
	}
	return out;
}

int feature__label(enum dp_feature_id f, uint32_t bin, char *buf, size_t len)
{
	const struct feature_info *fi;
	int n;

	if ((unsigned int)f >= DP_F_COUNT || !len)
		return -EINVAL;
	fi = &feature_table[f];
	if (bin >= fi->bins)
		return -EINVAL;
	switch (f) {
	case DP_F_SYSCALL_ID:
		n = label_syscall(bin, fi->bins, buf, len);
		break;
	case DP_F_SYSCALL_GROUP_ERRNO:
		n = label_group_errno(bin, buf, len);
		break;
	case DP_F_SYSCALL_TRANSITION:
		n = label_transition(bin, buf, len);
		break;
	case DP_F_NET_COMM_DPORT:
		n = label_comm_dport(bin, buf, len);
		break;
	case DP_F_TCP_EVENT:
		n = snprintf(buf, len, "%s", tcp_event_names[bin]);
		break;
	case DP_F_PROC_EXEC:
		n = snprintf(buf, len, "exec#%u", bin);
		break;
	case DP_F_NET_PEER:
		n = snprintf(buf, len, "peer#%u", bin);
		break;
	default:
		switch (fi->kind) {
		case DP_BUCKET_ERRNO:
			n = label_errno(bin, fi->bins, buf, len);
			break;
		case DP_BUCKET_LOGLIN:
			n = label_loglin(bin, fi->bins, buf, len);
			break;
		case DP_BUCKET_LOG2:
			n = label_log2(bin, fi->bins, buf, len);
			break;
		case DP_BUCKET_PORT:
			n = label_port(bin, buf, len);
			break;
		default:
			n = bin == fi->bins - 1 ? snprintf(buf, len, "other")
						: snprintf(buf, len, "%u", bin);
		}
	}
	return n < (int)len ? n : (int)len - 1;
}
