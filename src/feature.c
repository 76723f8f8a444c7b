// SPDX-License-Identifier: MIT
/*
 * The feature table as userspace sees it, built from the same X-macro the
 * BPF programs use, and the bin labels: syscall names (generated from the
 * UAPI header at build time), errno names, log-linear ranges, and
 * "row/column" names for the cells of joint features.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <driftprobe/buckets.h>
#include "feature.h"
#include "syscall_names.h"

const struct feature_info feature_table[DP_F_COUNT] = {
#define DP_X_INFO(id, fname, fkind, frows, fcols, funit)			\
	[DP_F_##id] = { .name = fname, .kind = fkind,			\
			.rows = frows, .cols = fcols,			\
			.bins = (frows) * (fcols), .unit = funit,		\
			.offset = DP_OFF_##id },
	DP_FEATURES(DP_X_INFO)
#undef DP_X_INFO
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

static const char *const errno_class_names[DP_ERRNO_CLASSES] = {
	[DP_EC_OK] = "ok", [DP_EC_RETRY] = "retry",
	[DP_EC_NOTFOUND] = "notfound", [DP_EC_DENIED] = "denied",
	[DP_EC_MISUSE] = "misuse", [DP_EC_CONN] = "conn",
	[DP_EC_OTHER] = "other",
};

static int label_group_errno(uint32_t bin, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s",
			syscall_group_names[bin / DP_ERRNO_CLASSES],
			errno_class_names[bin % DP_ERRNO_CLASSES]);
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
	default:
		switch (fi->kind) {
		case DP_BUCKET_ERRNO:
			n = label_errno(bin, fi->bins, buf, len);
			break;
		case DP_BUCKET_LOGLIN:
			n = label_loglin(bin, fi->bins, buf, len);
			break;
		default:
			n = bin == fi->bins - 1 ? snprintf(buf, len, "other")
						: snprintf(buf, len, "%u", bin);
		}
	}
	return n < (int)len ? n : (int)len - 1;
}
