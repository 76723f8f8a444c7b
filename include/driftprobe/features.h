/* SPDX-License-Identifier: MIT */
/*
 * The one list of driftprobe features, shared by the BPF programs and
 * userspace. Adding a feature = one line in its group's X-macro below plus
 * its hook in bpf/. Plain C, no #include, fixed-width-free types, so that
 * both vmlinux.h-based BPF code and libc-based userspace code can use it.
 *
 * Each group is one BPF object with one per-CPU map whose single value
 * holds every bin of every feature in the group back to back, followed by
 * the group's health counters. Userspace reads that value in one syscall.
 */
#ifndef DRIFTPROBE_FEATURES_H
#define DRIFTPROBE_FEATURES_H

/* How a feature's value becomes a bin (labels come from the same kind). */
enum dp_bucket_kind {
	DP_BUCKET_CATEGORICAL,	/* bin = value, last bin = everything else */
	DP_BUCKET_LOGLIN,	/* log-linear: 4 sub-buckets per power of two */
	DP_BUCKET_ERRNO,	/* 0 = success, e = errno e, last = other */
	DP_BUCKET_JOINT,	/* 2-D: rows x cols cells, row-major */
};

/* Log-linear buckets: values 0..3 exact, then 4 bins per power of two. */
#define DP_LOGLIN_SUB_BITS	2
#define DP_LOGLIN_SUB		(1u << DP_LOGLIN_SUB_BITS)

#define DP_SYSCALL_ID_BINS	512
/* 160 log-linear bins reach 2^41 ns (36 min); the last bin is open-ended. */
#define DP_SYSCALL_LATENCY_BINS	160
/* errno 1..134 (EHWPOISON is 133), bin 135 = anything else (ERESTART*). */
#define DP_SYSCALL_ERRNO_BINS	136

/*
 * syscall.group_errno, a joint feature: which subsystem a syscall belongs
 * to (rows) x how it failed (columns). 8 x 7 = 56 cells: coarse enough that
 * a 10 s window fills the table many times over (the plug-in MI's bias is
 * ~(cells - rows - cols + 1) / 2N), fine enough to separate "file lookups
 * miss" from "process calls are denied". Groups come from the syscall name
 * (tools/gen_syscall_groups.sh), classes from the errno (dp_errno_class()).
 */
enum dp_syscall_group {
	DP_SG_FILE, DP_SG_NET, DP_SG_PROCESS, DP_SG_MEMORY, DP_SG_IPC,
	DP_SG_POLL, DP_SG_TIME, DP_SG_OTHER,
	DP_SYSCALL_GROUPS	/* a power of two: the BPF side masks with it */
};

enum dp_errno_class {
	DP_EC_OK,		/* success */
	DP_EC_RETRY,		/* EAGAIN, EINTR, ERESTART*, ETIMEDOUT */
	DP_EC_NOTFOUND,		/* ENOENT, ENOTDIR, EEXIST, ESRCH, ENXIO, ENODATA */
	DP_EC_DENIED,		/* EPERM, EACCES, EROFS */
	DP_EC_MISUSE,		/* EBADF, EINVAL, EFAULT, ENOSYS, ENOTTY, ... */
	DP_EC_CONN,		/* ECONNREFUSED, ECONNRESET, EPIPE, E*UNREACH, ... */
	DP_EC_OTHER,
	DP_ERRNO_CLASSES
};

/*
 * X(id, name, kind, rows, cols, unit)
 * id: C identifier suffix; name: what users see; rows x cols bins (rows is 1
 * for an ordinary histogram); unit: of the bucketed value.
 */
#define DP_FEATURES_SYSCALL(X)							\
	X(SYSCALL_ID, "syscall.id", DP_BUCKET_CATEGORICAL,			\
	  1, DP_SYSCALL_ID_BINS, "syscall")					\
	X(SYSCALL_LATENCY, "syscall.latency", DP_BUCKET_LOGLIN,		\
	  1, DP_SYSCALL_LATENCY_BINS, "ns")					\
	X(SYSCALL_ERRNO, "syscall.errno", DP_BUCKET_ERRNO,			\
	  1, DP_SYSCALL_ERRNO_BINS, "errno")					\
	X(SYSCALL_GROUP_ERRNO, "syscall.group_errno", DP_BUCKET_JOINT,	\
	  DP_SYSCALL_GROUPS, DP_ERRNO_CLASSES, "group x errno class")

#define DP_FEATURES(X) DP_FEATURES_SYSCALL(X)

/* Feature ids, in table order. */
enum dp_feature_id {
#define DP_X_ID(id, name, kind, rows, cols, unit) DP_F_##id,
	DP_FEATURES(DP_X_ID)
#undef DP_X_ID
	DP_F_COUNT
};

/*
 * Offsets of each feature's first bin inside its group's map value:
 * DP_OFF_<id> .. DP_END_<id> (inclusive), then the next feature follows.
 */
enum dp_syscall_offsets {
#define DP_X_OFF(id, name, kind, rows, cols, unit)			\
	DP_OFF_##id, DP_END_##id = DP_OFF_##id + (rows) * (cols) - 1,
	DP_FEATURES_SYSCALL(DP_X_OFF)
#undef DP_X_OFF
	DP_SYSCALL_BINS
};

/* Health counters of the syscall group: events we could not count right. */
#define DP_SYSCALL_HEALTH(X)							\
	X(START_STORE_FAILED, "start_store_failed")				\
	X(EXIT_WITHOUT_START, "exit_without_start")				\
	X(CGROUP_INSERTED, "cgroup_inserted")					\
	X(CGROUP_DROPPED, "cgroup_dropped")

enum dp_syscall_health {
#define DP_X_HEALTH(id, name) DP_SH_##id,
	DP_SYSCALL_HEALTH(DP_X_HEALTH)
#undef DP_X_HEALTH
	DP_SYSCALL_HEALTH_N
};

/*
 * --per-cgroup: the syscall group's bins per cgroup v2 id, in an LRU hash of
 * at most DP_CGROUP_MAX entries holding one struct dp_syscall_hist each
 * (not per CPU: increments are atomic). Memory is DP_CGROUP_MAX * ~7 KiB =
 * ~7 MiB whatever the number of CPUs. cgroup_inserted counts new entries
 * (userspace compares with the ids it sees to count evictions);
 * cgroup_dropped counts events that found no entry even after inserting.
 */
#define DP_CGROUP_MAX	1024

/* The single value of the syscall group's per-CPU map. */
struct dp_syscall_hist {
	unsigned long long counts[DP_SYSCALL_BINS];
	unsigned long long health[DP_SYSCALL_HEALTH_N];
};

#endif /* DRIFTPROBE_FEATURES_H */
