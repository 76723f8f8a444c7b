/* SPDX-License-Identifier: MIT */
/*
 * Userspace view of the feature table in <driftprobe/features.h>: names,
 * bucket kinds, bin counts, where each feature's bins sit in its group's map
 * value, and human labels for every bin.
 */
#ifndef DRIFTPROBE_FEATURE_H
#define DRIFTPROBE_FEATURE_H

#include <stdbool.h>
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

/*
 * No feature has more bins (feature.c checks each at compile time): the
 * widest is syscall.transition's table.
 */
#define FEATURE_MAX_BINS	(DP_SEQ_SYMBOLS * DP_SEQ_SYMBOLS)

/* Feature id for a user-visible name, or -ENOENT. */
int feature__by_name(const char *name);

/*
 * Write bin's label ("getppid", "EBADF", "[1K,1.25K)", "443/https") into buf. Returns the
 * label length (truncated to len - 1), or -EINVAL for a bad feature or bin.
 */
int feature__label(enum dp_feature_id f, uint32_t bin, char *buf, size_t len);

/*
 * Counts as the verdict sees them. An ephemeral destination port is picked
 * at random by whoever listens (passive FTP, RPC, peer to peer), so which
 * of net.dport's and net.udp_dport's hashed ephemeral bins a connection
 * lands in is noise, not drift: they are scored as one bin, the first
 * ("ephemeral#0"). Window records and `show` keep every bin. Returns out
 * (nbins counts) with the fold done, or counts itself when f folds nothing.
 */
const uint64_t *feature__score_counts(enum dp_feature_id f,
				      const uint64_t *counts, uint64_t *out);

/*
 * Whether f's bins are kinds of events (a syscall, an errno, a program, a
 * port, a peer) rather than magnitudes (latencies, sizes): only then is a
 * bin never used while learning news in itself. A latency bucket next to
 * the learnt ones is a magnitude the effect already weighs.
 */
bool feature__bins_are_kinds(enum dp_feature_id f);

/*
 * Whether f is an order of events, a table of previous x next
 * (syscall.transition): its windows are scored by how surprising their
 * transitions are under a sequence model of the baseline (sequence.h),
 * not by the divergence of the two histograms.
 */
bool feature__is_sequence(enum dp_feature_id f);

/*
 * The values bin of a magnitude feature (log-linear or log2 buckets, the
 * ones feature__bins_are_kinds() says are not kinds) holds: [*lo, *hi) in
 * the feature's unit. The last bin is open-ended: *hi = +inf. Log2 bin 0
 * holds 0 and 1: [0, 2). 0, or -EINVAL for a bad bin or a feature whose
 * bins are kinds.
 */
int feature__bin_edges(enum dp_feature_id f, uint32_t bin, double *lo,
		       double *hi);

/* Short form of a power-of-two-friendly quantity: 1280 -> "1.25K". */
void feature__format_quantity(unsigned long long v, char *buf, size_t len);

#endif /* DRIFTPROBE_FEATURE_H */
