/* SPDX-License-Identifier: MIT */
/*
 * Open, load and attach the BPF programs: tp_btf raw tracepoints first,
 * classic tracepoints as fallback. Errors are printed here, naming the hook,
 * the fallback tried and what the user can do about it.
 */
#ifndef DRIFTPROBE_PROBE_H
#define DRIFTPROBE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <driftprobe/features.h>
#include "probe_status.h"	/* struct probe_hook */

enum probe_hooks {
	PROBE_HOOKS_AUTO,	/* tp_btf, else tracepoint */
	PROBE_HOOKS_TP_BTF,
	PROBE_HOOKS_TRACEPOINT,
};

struct probe;

/* Parse "auto" | "tp_btf" | "tracepoint"; -EINVAL otherwise. */
int probe__parse_hooks(const char *s, enum probe_hooks *out);

/*
 * Load and attach. netns_ino != 0 limits the network features to the
 * network namespace with that inode. NULL + errno on failure, after
 * printing why: EPERM (not root / no CAP_BPF+CAP_PERFMON), ENOENT (no
 * kernel BTF, or no syscall hook of either kind), or the libbpf error. The
 * net and node groups failing is not fatal (see probe__hook_kind).
 */
struct probe_opts {
	enum probe_hooks hooks;
	unsigned int netns_ino;	/* 0: network features see every netns */
	bool per_cgroup;	/* also a histogram per cgroup v2 */
	bool per_program;	/* also the syscall group's per program */
	/*
	 * Every exemplar, or none (--no-exemplars): the processes sampled in
	 * syscall bins, and the last remote endpoint, port and command the
	 * kernel keeps per net and node bin.
	 */
	bool exemplars;
	/* time one syscall in N (1: every one; 0: DP_LATENCY_SAMPLE_PERIOD) */
	unsigned int latency_sample_period;
	bool verbose;
};

struct probe *probe__open(const struct probe_opts *o);
void probe__destroy(struct probe *p);

/*
 * "tp_btf" or "tracepoint": the flavour group g's hooks attached with;
 * NULL when the group is off (never for the syscall group).
 */
const char *probe__hook_kind(const struct probe *p, enum dp_group g);

/*
 * Every hook attached, of every group loaded, in group order (a hook two
 * groups use is listed for each). Valid until probe__destroy.
 */
size_t probe__hooks(const struct probe *p, const struct probe_hook **hooks);

/*
 * Group g's per-CPU histogram map (value struct dp_syscall_hist,
 * dp_net_hist, dp_node_hist), or -1 when the group is off.
 */
int probe__map_fd(const struct probe *p, enum dp_group g);

/*
 * Group g's per-cgroup map (cgroup id -> struct dp_<group>_cgroup_hist,
 * the group's counts), or -1 when --per-cgroup is off or the group is.
 */
int probe__cgroup_map_fd(const struct probe *p, enum dp_group g);

/*
 * The syscall group's per-program map (program key -> struct
 * dp_syscall_program_hist), or -1 when --per-program is off.
 */
int probe__program_map_fd(const struct probe *p);

/* The sampled (process, bin) map (struct dp_proc_val), or -1 if off. */
int probe__proc_map_fd(const struct probe *p);

/* Whether the kernel keeps exemplars (struct probe_opts' exemplars). */
bool probe__exemplars(const struct probe *p);

/*
 * 0 if this process can still use the probe's maps with the capabilities it
 * has now, else -errno (privdrop's check after dropping them).
 */
int probe__check_access(const struct probe *p);

/* Number of possible CPUs (the per-CPU value count of every map). */
size_t probe__ncpus(const struct probe *p);

#endif /* DRIFTPROBE_PROBE_H */
