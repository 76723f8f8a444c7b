/* SPDX-License-Identifier: MIT */
/*
 * Who filled a syscall bin: every interval, read the kernel's sampled
 * (process, bin) counters, take this window's increase per entry, and
 * attach to each bin of the window the top processes by estimated events
 * ("4242 dpstorm ~51000 /dpcg_b"): pid, comm, estimate (samples x the
 * sampling period, hence "~"), cgroup. Attached to the host-wide histogram
 * and, with --per-cgroup, to the process's own cgroup histogram.
 */
#ifndef DRIFTPROBE_PROC_EXEMPLAR_H
#define DRIFTPROBE_PROC_EXEMPLAR_H

#include <stddef.h>
#include <stdint.h>

#define PROC_EXEMPLARS_PER_BIN	3

struct cgroup_paths;
struct window;
struct proc_exemplars;

/* NULL + errno (ENOMEM). */
struct proc_exemplars *proc_exemplars__new(int map_fd,
					   struct cgroup_paths *paths);
void proc_exemplars__free(struct proc_exemplars *pe);

/* Read the map; unless w is NULL (priming), attach texts. 0 or -errno. */
int proc_exemplars__read(struct proc_exemplars *pe, struct window *w);

/*
 * One exemplar as written into windows: "PID COMM ~EVENTS CGROUP", or
 * with the parent's pid known (ppid != 0) "PID COMM ~EVENTS ppid=PPID
 * CGROUP" (a cgroup is "/...", "<root>" or "cgroup:ID", never "ppid=").
 */
int proc_exemplars__format(char *buf, size_t len, uint32_t pid,
			   uint32_t ppid, const char *comm, uint64_t events,
			   const char *cgroup);

/*
 * The parent pid of pid from PROC/PID/stat, read when the exemplar is
 * first attached (so the parent at that time, before any reparenting),
 * or 0: the process is gone, /proc hides it, or its comm there is not
 * comm (the pid was reused, or /proc is another pid namespace's).
 */
uint32_t proc_exemplars__ppid(const char *proc, uint32_t pid,
			      const char *comm);

#endif /* DRIFTPROBE_PROC_EXEMPLAR_H */
