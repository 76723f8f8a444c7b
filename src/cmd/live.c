// SPDX-License-Identifier: MIT
/*
 * Live collection loop: probe -> collector -> one window per interval.
 * Signals only set a flag; the loop notices it when clock_nanosleep returns
 * EINTR, drops the partial window and detaches. Privileges are dropped
 * right after the first snapshot proves the maps readable. And the options
 * of the live commands, which fill its struct live_opts.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "collect.h"
#include "live.h"
#include "netns.h"
#include "window.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: interrupt the sleep */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

const char *live__hostname(void)
{
	static char host[256];

	if (!host[0] && gethostname(host, sizeof(host) - 1))
		snprintf(host, sizeof(host), "unknown");
	return host;
}

static void add_seconds(struct timespec *t, double s)
{
	long long ns = (long long)(s * 1e9 + 0.5);

	t->tv_sec += ns / 1000000000LL;
	t->tv_nsec += ns % 1000000000LL;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static double seconds(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

/*
 * The length of the window that ends now, and when the next one should end.
 * On schedule (the snapshot within 5% of its tick) a window is labelled
 * with the nominal interval: its ends are ticks of one absolute schedule,
 * off only by wake-up latency. After a stall (SIGSTOP, a paused VM, a
 * blocked stdout) the window carries the span it really covers, and the
 * schedule restarts from now: no burst of empty catch-up windows.
 */
static double window_span(const struct live_opts *o, struct timespec *prev,
			  struct timespec *deadline)
{
	struct timespec now;
	double span, late;

	clock_gettime(CLOCK_MONOTONIC, &now);
	span = round((seconds(&now) - seconds(prev)) * 1e3) / 1e3;  /* ms */
	late = seconds(&now) - seconds(deadline);
	*prev = now;
	if (late <= o->interval_s * 0.05)
		return o->interval_s;
	*deadline = now;
	return span;
}

double live__realtime(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int check_access(void *probe)
{
	return probe__check_access(probe);
}

/* After attach: nothing left that an attacker of this process could use. */
static int drop_privileges(const struct live_opts *o, struct probe *probe)
{
	char err[256];
	bool kept_bpf;

	if (privdrop__apply(&o->user, check_access, probe, &kept_bpf, err,
			    sizeof(err))) {
		cli__error("%s", err);
		return -1;
	}
	if (o->probe.verbose)
		fprintf(stderr, "privileges: dropped every capability%s%s%s\n",
			kept_bpf ? " but CAP_BPF (this kernel wants it for "
				   "map reads)" : "",
			o->user.name ? "; now user " : "",
			o->user.name ? o->user.name : "");
	return 0;
}

/* Never silent about what the probe could not count: one line at exit. */
static void report_health(const struct collector *col)
{
	const uint64_t *values;
	const char **names;
	size_t n = collector__health(col, &names, &values);

	fputs("probe health since attach:", stderr);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, " %s %llu,", names[i],
			(unsigned long long)values[i]);
	fprintf(stderr, " counter_resets %llu\n",
		(unsigned long long)collector__resets(col));
}

int live__run(const struct live_opts *o, live_window_fn fn, void *ctx)
{
	struct probe *probe = NULL;
	struct collector *col = NULL;
	struct workload_names *names = workload_names__new(&o->workload);
	struct timespec prev, deadline;	/* last snapshot, next tick */
	struct probe_status st;
	double last_ts = 0;
	unsigned long long windows = 0, max_windows = 0;
	int ret = EXIT_RUNTIME, cb = 0;

	stop_requested = 0;
	install_signals();
	if (o->duration_s > 0)
		max_windows = (unsigned long long)(o->duration_s /
						   o->interval_s + 1e-9);

	if (!names) {
		cli__error("workloads: out of memory");
		goto cleanup;
	}
	probe = probe__open(&o->probe);
	if (!probe)
		goto cleanup;
	col = collector__new(probe);
	if (!col) {
		cli__error("collector: %s", strerror(errno));
		goto cleanup;
	}
	clock_gettime(CLOCK_MONOTONIC, &prev);
	if (collector__next(col, 0, 0, NULL) || errno != EAGAIN) {
		cli__error("collector: failed to read the first snapshot: %s",
			   strerror(errno));
		goto cleanup;
	}
	if (drop_privileges(o, probe))
		goto cleanup;
	deadline = prev;
	while (!stop_requested && (!max_windows || windows < max_windows)) {
		struct window *w;
		double span;
		int err;

		add_seconds(&deadline, o->interval_s);
		do
			err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
					      &deadline, NULL);
		while (err == EINTR && !stop_requested);
		if (stop_requested)
			break;
		span = window_span(o, &prev, &deadline);
		/* ts are written to the ms: never two windows at one ts, even
		 * when the wall clock steps back. */
		last_ts = fmax(live__realtime(), last_ts + 0.001);
		w = collector__next(col, last_ts, span, live__hostname());
		if (!w) {
			cli__error("collector: failed to read the maps: %s",
				   strerror(errno));
			goto cleanup;
		}
		if (workload_names__label(names, w)) {
			window__free(w);
			cli__error("workloads: out of memory");
			goto cleanup;
		}
		st.nhooks = probe__hooks(probe, &st.hooks);
		st.nhealth = collector__health(col, &st.health_names,
					       &st.health);
		st.counter_resets = collector__resets(col);
		cb = fn(w, &st, ctx);
		window__free(w);
		windows++;
		if (cb)
			break;
	}
	ret = cb < 0 ? EXIT_RUNTIME : EXIT_OK;
	if (ret == EXIT_OK)	/* a failure's one line stays the only one */
		report_health(col);
cleanup:
	collector__free(col);
	probe__destroy(probe);
	workload_names__free(names);
	return ret;
}

/* ---- options ---------------------------------------------------------- */

enum { OPT_HOOKS = 0x280, OPT_NETNS, OPT_PER_CGROUP, OPT_NO_EXEMPLARS,
       OPT_USER, OPT_LATENCY_SAMPLE, OPT_PER_PROGRAM };

static const struct argp_option live_options[] = {
	{ "interval", 'i', "SEC", 0, "Window length in seconds (default 10)", 0 },
	{ "duration", 'd', "SEC", 0, "Stop after SEC seconds (default: until "
				     "SIGINT/SIGTERM)", 0 },
	{ "hooks", OPT_HOOKS, "KIND", 0, "auto (default), tp_btf or tracepoint "
					 "(no node features: they are tp_btf "
					 "only)", 0 },
	{ "no-exemplars", OPT_NO_EXEMPLARS, NULL, 0, "Keep no exemplar at all: "
		"no pids or commands of processes, no remote addresses or "
		"ports (privacy)", 0 },
	{ "latency-sample", OPT_LATENCY_SAMPLE, "N", 0, "Time one syscall in N, "
						       "each chosen at random "
						       "(default 16; 1 = every "
						       "syscall, ~1.7x the "
						       "added cost)", 0 },
	{ "per-cgroup", OPT_PER_CGROUP, NULL, 0, "Also keep every feature but "
						 "net.pkt_rx per cgroup v2 "
						 "(at most 1024 cgroups, "
						 "~20 MiB of kernel memory)",
	  0 },
	{ "per-program", OPT_PER_PROGRAM, NULL, 0, "Also keep the syscall "
						   "features per program "
						   "(executable and process "
						   "name; at most 256, ~3.7 "
						   "MiB of kernel memory, "
						   "~55 ns more per "
						   "syscall)", 0 },
	{ "netns", OPT_NETNS, "PATH", 0, "Network features count only this "
					 "network namespace (/run/netns/NAME)", 0 },
	{ "verbose", 'v', NULL, 0, "Show libbpf's log", 0 },
	{ "user", OPT_USER, "NAME", 0, "After attaching, switch to this "
				       "unprivileged user", 0 },
	{},
};

static error_t live_parse(int key, char *arg, struct argp_state *state)
{
	struct live_opts *o = state->input;

	switch (key) {
	case 'i':
		return cli__parse_double("--interval", arg, 0.1, 86400,
					 &o->interval_s) ? EINVAL : 0;
	case 'd':
		return cli__parse_double("--duration", arg, 0.1, 1e9,
					 &o->duration_s) ? EINVAL : 0;
	case OPT_HOOKS:
		if (probe__parse_hooks(arg, &o->probe.hooks)) {
			cli__error("%s--hooks: bad value '%s'; expected auto, "
				   "tp_btf or tracepoint", cli__origin(arg),
				   arg);
			return EINVAL;
		}
		return 0;
	case OPT_NO_EXEMPLARS:
		o->probe.exemplars = false;
		return 0;
	case OPT_PER_CGROUP:
		o->probe.per_cgroup = true;
		return 0;
	case OPT_PER_PROGRAM:
		o->probe.per_program = true;
		return 0;
	case OPT_LATENCY_SAMPLE: {
		unsigned long n;

		if (cli__parse_uint("--latency-sample", arg, 1, 1UL << 20, &n))
			return EINVAL;
		o->probe.latency_sample_period = n;
		return 0;
	}
	case OPT_NETNS: {
		char err[320];

		if (netns__inode(arg, &o->probe.netns_ino, err, sizeof(err))) {
			cli__error("--netns: %s", err);
			return EINVAL;
		}
		return 0;
	}
	case 'v':
		o->probe.verbose = true;
		return 0;
	case OPT_USER: {
		char err[256];

		if (privdrop__resolve(arg, &o->user, err, sizeof(err))) {
			cli__error("%s%s", cli__origin(arg), err);
			return EINVAL;
		}
		return 0;
	}
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->workload;
		return 0;
	case ARGP_KEY_END:
		if (o->duration_s && o->duration_s < o->interval_s) {
			cli__error("--duration %g is shorter than --interval "
				   "%g; expected at least one window",
				   o->duration_s, o->interval_s);
			return EINVAL;
		}
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp_child live_children[] = {
	{ &cli__workload_argp, 0, "Workloads:", 3 },
	{},
};

const struct argp live__argp = {
	live_options, live_parse, NULL, NULL, live_children, NULL, NULL,
};
