/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the root integration tests: run the driftprobe binary as a
 * child, wait for its output, sum recorded windows, run workloads in a
 * cgroup, start and query servers on loopback (Prometheus). Every helper
 * fails the test (never skips) when something needed is missing.
 */
#ifndef DRIFTPROBE_TEST_HARNESS_H
#define DRIFTPROBE_TEST_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <driftprobe/features.h>
#include "feature.h"

/* Seconds on the monotonic clock: deadlines of bounded polling. */
double harness__now(void);

/* Fail unless euid is 0: these tests load BPF programs. */
void harness__require_root(void);

/* Path of the driftprobe binary ($DRIFTPROBE or ./driftprobe). */
const char *harness__binary(void);

/* fork+exec driftprobe with args (NULL-terminated), stdout to out_path. */
pid_t harness__spawn(const char *out_path, const char *const *args);

/* The same with stderr to err_path as well (NULL: inherited). */
pid_t harness__spawn_logged(const char *out_path, const char *err_path,
			    const char *const *args);

/* Wait until out_path has at least n lines (fail after timeout_s). */
void harness__wait_lines(const char *out_path, int n, double timeout_s);

/* Wait for pid; returns its exit status (fail if it was killed). */
int harness__wait_exit(pid_t pid, double timeout_s);

struct json_object;
/*
 * Whether a parsed JSON line of `analyze`/`run --json` is an incident
 * ("type":"incident"), which has no per-feature fields: drivers that scan
 * analysis lines skip it.
 */
int harness__is_incident(struct json_object *o);

/* Sum of all windows in a record file, per feature (host-wide cgroup). */
struct harness_totals {
	uint64_t windows;
	uint64_t counts[DP_F_COUNT][FEATURE_MAX_BINS];
	uint64_t total[DP_F_COUNT];
};
void harness__sum_records(const char *path, struct harness_totals *t);

/* The same for one cgroup's records ("/<path>", as in the records). */
void harness__sum_cgroup_records(const char *path, const char *cgroup,
				 struct harness_totals *t);

/*
 * Write n synthetic, valid windows (every feature, cgroup "/", one second
 * apart, a few hundred events each with some spread) to path.
 */
void harness__write_windows(const char *path, int n);

/*
 * Analysis lines (run/analyze --json in path) of feature (and, when cgroup
 * is not NULL, of that cgroup only) whose coupling change is `change` and
 * whose top bins include `label` (and, when exemplar is not NULL, with
 * exemplars containing it).
 */
int harness__coupling_lines(const char *path, const char *feature,
			    const char *cgroup, const char *change,
			    const char *label, const char *exemplar);

/*
 * Run driftprobe with args (a shell string: redirections allowed); its
 * stdout (up to 1 MiB, the caller frees), *status its exit status.
 */
char *harness__capture(const char *args, int *status);

/* Whole output of a shell command (malloc'd); *status its exit status. */
char *harness__sh(const char *cmd, int *status);

/*
 * rm -rf dir, a directory mkdtemp made (left alone while it still ends in
 * XXXXXX: mkdtemp never ran). 0, or -1 when rm failed.
 */
int harness__remove_dir(const char *dir);

/* The whole file, or "" when it does not exist (malloc'd). */
char *harness__read_file(const char *path);

/* A TCP port the kernel just handed out on loopback (free when picked). */
/* Write text to path (created or truncated); fails the test if it cannot. */
void harness__write_file(const char *path, const char *text);

unsigned int harness__free_port(void);

/* The wall clock (unix seconds), as window records' ts read. */
double harness__wall_now(void);

/*
 * A child (*pid) that accepts loopback TCP connections and drains them
 * until killed (2 min at most); returns its port.
 */
unsigned short harness__loopback_sink(pid_t *pid);

/* socket, connect, write, close: one line to the sink at port. */
void harness__send_line(unsigned short port);

/* Where cgroup v2 is mounted (fails the test when it is not). */
void harness__cgroup2_mount(char *buf, size_t len);

/*
 * A cgroup v2 group of the test's own: creates <mount>/<name> (name must
 * start with "dp", so tests/reset_host.sh can remove leftovers), its full
 * path in path and its name as records show it ("/<name>") in record_name.
 */
void harness__cgroup_create(const char *name, char *path, size_t path_len,
			    char *record_name, size_t record_len);

/* Move pid (0: the caller) into the cgroup at path. */
void harness__cgroup_join(const char *path, pid_t pid);

/* Workloads for a forked child, until killed: ~20k syscalls per second of
 * a fixed mix (getppid, read of /dev/zero, 1 ms sleeps)... */
void harness__steady_syscalls(void) __attribute__((noreturn));
/* ... the same on CPU 0 only: migrations between cores shift latency. */
void harness__steady_syscalls_on_cpu0(void) __attribute__((noreturn));
/* ... and a tight openat/fstat/close loop on path. */
void harness__file_storm(const char *path) __attribute__((noreturn));

/* The file storm on <dir>/storm, a file it creates first. */
void harness__file_storm_in(const char *dir) __attribute__((noreturn));

/* fork; the child joins the cgroup at path and runs work (never returns). */
pid_t harness__spawn_in_cgroup(const char *path, void (*work)(void));

/* SIGKILL pid (if > 0) and reap it; *pid = -1. */
void harness__kill_child(pid_t *pid);

/* Kill whatever is left in the cgroup at path, then remove it. */
void harness__cgroup_remove(const char *path);

/*
 * Servers a test starts on loopback (Prometheus, Alertmanager, a webhook
 * receiver): spawning, waiting for an address or readiness, stopping.
 * Every wait is bounded polling, never a fixed sleep.
 */

/* fork+execvp argv (PATH searched) with stdout and stderr to log. */
pid_t harness__spawn_cmd(const char *log, char *const *argv);

/*
 * Fail the test, with what's log, if *pid (> 0) has exited (reaped);
 * *pid = -1 then, so that teardown does not wait for it again.
 */
void harness__fail_if_exited(pid_t *pid, const char *what, const char *log);

/*
 * Poll the probe's log (its stderr) for "serving metrics at http://ADDR/"
 * and put ADDR in addr; fail if pid exits first or after timeout_s.
 */
void harness__probe_address(pid_t pid, const char *log, char *addr,
			    size_t len, double timeout_s);

/*
 * Start a server on a free loopback port: argv's "{port}" (anywhere in an
 * argument) becomes the port; ready when `curl -sf http://127.0.0.1:PORT
 * READY_PATH` succeeds. A port taken between picking and binding makes
 * the server exit: tried up to 3 times. *pid its pid; returns the port.
 */
unsigned int harness__start_server(const char *what, const char *log,
				   const char *ready_path,
				   const char *const *argv, pid_t *pid,
				   double timeout_s);

/* SIGTERM pid (if > 0) and reap it; *pid = -1. */
void harness__stop(pid_t *pid);

/*
 * SIGINT driftprobe's *pid (if > 0) and wait for it: its exit status (0
 * when *pid <= 0), *pid = -1. Fails the test as harness__wait_exit does.
 */
int harness__interrupt(pid_t *pid, double timeout_s);

/*
 * Prometheus' instant query (/api/v1/query) of promql on the loopback
 * port: the result vector, *doc the whole answer (the caller puts it);
 * NULL (and *doc NULL) when the request failed. Fails the test on an
 * answer that is not "status":"success" with data.result.
 */
struct json_object *harness__prom_query(unsigned int port, const char *promql,
					struct json_object **doc);

/*
 * Poll harness__prom_query until it returns at least n series (every
 * 250 ms); fail when *pid (Prometheus, its output in log) exits first or
 * after timeout_s.
 */
struct json_object *harness__prom_wait_query(unsigned int port,
					     const char *promql, size_t n,
					     struct json_object **doc,
					     pid_t *pid, const char *log,
					     double timeout_s);

/* The index of name among scopes[0..n) (cgroups, program:...), or -1. */
int harness__scope_index(const char *name, const char *const *scopes, int n);

/*
 * Copy the records of the scopes from the record file src into the phase
 * file of their window's ts: out[0] learning (learn_from < ts <=
 * learn_end: the first, partial windows left out), out[1] quiet (up to
 * changed), out[2] after (from the window after the one changed fell in);
 * seen[i][phase] counts scope i's records of each phase.
 */
void harness__split_records(const char *src, const char *const *scopes,
			    int n, double learn_from, double learn_end,
			    double changed, FILE *out[3], int seen[][3]);

/*
 * Run `analyze --json -b baseline windows` (it must exit 0) and call fn on
 * every line, parsed (o, freed after fn) and as written (line).
 */
void harness__each_analysis(const char *baseline, const char *windows,
			    void (*fn)(struct json_object *o, const char *line,
				       void *ctx),
			    void *ctx);

#endif
