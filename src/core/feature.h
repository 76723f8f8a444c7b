/* SPDX-License-Identifier: MIT */
/*
 * Userspace view of the feature table in <driftprobe/features.h>: names,
 * bucket kinds, bin counts, where each feature's bins sit in its group's map
 * value, and human labels for every bin.
 */
#ifndef DRIFTPROBE_FEATURE_H
#define DRIFTPROBE_FEATURE_H

#include <stddef.h>
#include <stdint.h>
#include <driftprobe/features.h>

struct feature_info {
	const char *name;
	enum dp_bucket_kind kind;
	uint32_t rows, cols;	/* rows > 1: a joint feature, row-major */
	uint32_t bins;		/* rows * cols */
	const char *unit;
	enum dp_group group;	/* whose map value holds the bins */
	uint32_t offset;	/* first bin inside the group's map value */
};

extern const struct feature_info feature_table[DP_F_COUNT];

/* No feature has more bins (feature.c checks each at compile time). */
#define FEATURE_MAX_BINS	DP_SYSCALL_ID_BINS

/* Feature id for a user-visible name, or -ENOENT. */
int feature__by_name(const char *name);

/*
 * Write bin's label ("getppid", "EBADF", "[1K,1.25K)", "443/https") into buf. Returns the
 * label length (truncated to len - 1), or -EINVAL for a bad feature or bin.
 */
int feature__label(enum dp_feature_id f, uint32_t bin, char *buf, size_t len);

/* Short form of a power-of-two-friendly quantity: 1280 -> "1.25K". */
void feature__format_quantity(unsigned long long v, char *buf, size_t len);

#endif /* DRIFTPROBE_FEATURE_H */
