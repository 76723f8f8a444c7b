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

enum probe_hooks {
	PROBE_HOOKS_AUTO,	/* tp_btf, else tracepoint */
	PROBE_HOOKS_TP_BTF,
	PROBE_HOOKS_TRACEPOINT,
};

struct probe;

/* Parse "auto" | "tp_btf" | "tracepoint"; -EINVAL otherwise. */
int probe__parse_hooks(const char *s, enum probe_hooks *out);

/*
 * Load and attach. NULL + errno on failure, after printing why:
 * EPERM (not root / no CAP_BPF+CAP_PERFMON), ENOENT (no kernel BTF, or no
 * hook of either kind), or the libbpf error.
 */
struct probe *probe__open(enum probe_hooks hooks, bool verbose);
void probe__destroy(struct probe *p);

/* "tp_btf" or "tracepoint": the flavour that is attached. */
const char *probe__hook_kind(const struct probe *p);

/* The syscall group's per-CPU histogram map. */
int probe__syscall_map_fd(const struct probe *p);

/*
 * 0 if this process can still use the probe's maps with the capabilities it
 * has now, else -errno (privdrop's check after dropping them).
 */
int probe__check_access(const struct probe *p);

/* Number of possible CPUs (the per-CPU value count of every map). */
size_t probe__ncpus(const struct probe *p);

#endif /* DRIFTPROBE_PROBE_H */
