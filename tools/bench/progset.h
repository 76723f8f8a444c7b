/* SPDX-License-Identifier: MIT */
/*
 * A set of BPF programs from one or more object files, loaded once and then
 * attached and detached at will: the benchmark's floors (empty programs)
 * and driftprobe's groups loaded alone. Every object loads its tp_btf
 * programs only (driftprobe's net.bpf.o carries a classic-tracepoint
 * flavour too; driftprobe's default is tp_btf), and of those the ones it
 * loads by default (not node.bpf.o's "?" fallback hooks).
 */
#ifndef DP_BENCH_PROGSET_H
#define DP_BENCH_PROGSET_H

struct progset;

/*
 * Load the objects in paths, a comma-separated list ("" for none). NULL
 * after printing why on failure.
 */
struct progset *progset__open(const char *paths);

/* Attach every program (0), or detach what was attached and return -1. */
int progset__attach(struct progset *s);

/* Detach every program; nothing if none is attached. */
void progset__detach(struct progset *s);

/* Detach and unload. NULL is fine. */
void progset__close(struct progset *s);

#endif
