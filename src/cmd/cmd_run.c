// SPDX-License-Identifier: MIT
/*
 * `driftprobe run`: the live detector. With no --baseline it first learns
 * one from --learn seconds of windows (optionally saving it), then judges
 * every window with the analyzer `analyze` uses offline. With --listen it
 * also serves every verdict and the probe's health to Prometheus.
 *
 * Mutes and the watch policy (mute.h) come from --mute, --threshold and
 * --features (the config's lines, re-read on SIGHUP) and from the mute
 * file `driftprobe mute` edits (re-read when it changes, checked once a
 * window).
 */
#include <argp.h>
#include <errno.h>
#include <malloc.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "analyzer.h"
#include "cli.h"
#include "config.h"
#include "exporter.h"
#include "incident_outputs.h"
#include "live.h"
#include "metrics.h"
#include "mute_file.h"
#include "refresh.h"
#include "report.h"
#include "safe_file.h"
#include "serve.h"
#include "watch_args.h"
#include "window_io.h"

/* What the command line (and the config file) asked for. */
struct run_opts {
	struct live_opts live;
	struct detector_opts det;
	struct metrics_opts metrics;	/* with --listen */
	struct incident_output_opts incidents;
	const char *baseline_path, *save_path, *record_path;
	const char *persist_path;
	struct serve_opts serve;	/* --listen, --web-config, ... */
	struct refresh_opts refresh;	/* half_life_s 0: off */
	double learn_s;
	unsigned long learn_windows;	/* learn_s in windows */
	bool json;
	enum report_normal normal;	/* --normal-lines */
	const char *mute_path;		/* --mute-file */
	struct watch_args watch;	/* --mute, --threshold, --features */
};

/* What a run holds while it goes. */
struct run_state {
	const struct run_opts *o;
	enum { RUN_LEARNING, RUN_JUDGING } phase;
	struct metrics *metrics;	/* with --listen */
	struct exporter *exporter;
	int record;			/* --record's descriptor, or -1 */
	unsigned long learned;		/* windows, while learning */
	struct baseline_builder *builder;	/* while learning */
	struct baseline *baseline;
	struct analyzer *analyzer;	/* once judging */
	struct refresher *refresher;	/* unless --refresh-half-life 0 */
	struct report *report;
	struct incident_outputs incidents;	/* --incident-log, --syslog */
	int argc;			/* cmd_run's, for SIGHUP's re-read */
	char **argv;
	struct mute_set config_mutes;	/* --mute (config, command line) */
	struct mute_set file_mutes;	/* the mute file's */
	struct mute_set mutes;		/* both: what the analyzer applies */
	struct watch_policy watch;	/* --features, --threshold */
	struct stat mute_file_st;	/* as last read (st_ino 0: none) */
	size_t mutes_said;		/* rules in the last "mutes:" line */
};

enum {
	OPT_LEARN = 0x300, OPT_SAVE, OPT_RECORD, OPT_LISTEN, OPT_CONFIG,
	OPT_PERSIST, OPT_METRICS_TOP, OPT_METRICS_GRACE, OPT_WEB_CONFIG,
	OPT_INSECURE_LISTEN, OPT_MUTE_FILE, OPT_REFRESH_HALF_LIFE,
	OPT_REFRESH_GUARD, OPT_REFRESH_EVERY, OPT_NORMAL_LINES,
};

static const struct argp_option run_options[] = {
	{ "baseline", 'b', "FILE", 0, "Compare with this baseline instead of "
				      "learning one", 0 },
	{ "learn", OPT_LEARN, "SEC", 0, "Learn a baseline for SEC seconds "
					"first (default 60)", 0 },
	{ "save-baseline", OPT_SAVE, "FILE", 0, "Save the learnt baseline "
						"(atomically, mode 0600)", 0 },
	{ "json", 'j', NULL, 0, "Print every analysis line as JSON", 0 },
	{ "normal-lines", OPT_NORMAL_LINES, "MODE", 0, "With --json, the "
	  "line of a normal or insufficient verdict: full (default), compact "
	  "(n, effect, score, threshold, verdict) or none", 0 },
	{ "record", OPT_RECORD, "FILE", 0, "Also append every window's records "
					   "to FILE", 0 },
	{ "listen", OPT_LISTEN, "[ADDR:]PORT", 0, "Serve Prometheus metrics at "
		"http://ADDR:PORT/metrics (default off; no ADDR = 127.0.0.1; "
		"beyond loopback only with TLS)", 0 },
	{ "web-config", OPT_WEB_CONFIG, "FILE", 0, "TLS and basic auth for "
		"--listen: a Prometheus exporter-toolkit web config (YAML: "
		"tls_server_config, basic_auth_users)", 0 },
	{ "insecure-listen", OPT_INSECURE_LISTEN, NULL, 0, "Allow --listen "
		"beyond loopback without TLS (metrics in clear)", 0 },
	{ "metrics-top", OPT_METRICS_TOP, "N", 0, "With --listen, export the "
		"per-cgroup detail of the N highest-scoring series besides "
		"the host's and those in open incidents (default 20; 0: only "
		"those)", 0 },
	{ "metrics-grace", OPT_METRICS_GRACE, "SEC", 0, "With --listen, drop "
		"the series of a cgroup without events for SEC seconds "
		"(default 300)", 0 },
	{ "persist-baseline", OPT_PERSIST, "FILE", 0, "Load the baseline from "
		"FILE if it exists, else learn one and save it there (for "
		"services: a restart does not relearn)", 0 },
	{ "mute-file", OPT_MUTE_FILE, "FILE", 0, "Follow the mutes "
		"'driftprobe mute' writes to FILE (default " MUTE_FILE_DEFAULT
		"), re-read when it changes", 0 },
	{ "refresh-half-life", OPT_REFRESH_HALF_LIFE, "SEC", 0, "Fold windows "
		"judged normal into the baseline, forgetting half its weight "
		"every SEC seconds of learnt windows (default 604800, 7 days; "
		"0: never refresh)", 0 },
	{ "refresh-guard", OPT_REFRESH_GUARD, "SEC", 0, "Never learn the "
		"windows of an incident nor SEC seconds before and after it "
		"(default 300)", 0 },
	{ "refresh-every", OPT_REFRESH_EVERY, "SEC", 0, "Refit the score "
		"models and save the baseline (--save-baseline, "
		"--persist-baseline) every SEC seconds (default 3600)", 0 },
	{ "config", OPT_CONFIG, "FILE", 0, "Read options from FILE first "
		"(default " CONFIG_DEFAULT_PATH ", if it exists); options "
		"given here override it", 0 },
	{},
};

/*
 * Where the baseline comes from and goes to is one choice: when the
 * command line makes it (--baseline, --save-baseline, --persist-baseline),
 * the config file's choice is dropped whole, so that the shipped file's
 * persist-baseline does not clash with a --baseline typed by hand.
 */
static void drop_file_baseline_choice(struct run_opts *a)
{
	const char **paths[] = { &a->baseline_path, &a->save_path,
				 &a->persist_path };
	bool typed = false;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		typed |= *paths[i] && !*cli__origin(*paths[i]);
	for (size_t i = 0; typed && i < sizeof(paths) / sizeof(paths[0]); i++)
		if (*paths[i] && *cli__origin(*paths[i]))
			*paths[i] = NULL;
}

static error_t run_parse(int key, char *arg, struct argp_state *state)
{
	struct run_opts *a = state->input;

	switch (key) {
	case 'b':
		a->baseline_path = arg;
		return 0;
	case OPT_LEARN:
		return cli__parse_double("--learn", arg, 0.2, 86400 * 30,
					 &a->learn_s) ? EINVAL : 0;
	case OPT_SAVE:
		a->save_path = arg;
		return 0;
	case 'j':
		a->json = true;
		return 0;
	case OPT_NORMAL_LINES:
		return cli__parse_normal_lines(state, arg, &a->normal);
	case OPT_RECORD:
		a->record_path = arg;
		return 0;
	case OPT_LISTEN:
		a->serve.listen = arg;
		return 0;
	case OPT_WEB_CONFIG:
		a->serve.web_config = arg;
		return 0;
	case OPT_INSECURE_LISTEN:
		a->serve.insecure_listen = true;
		return 0;
	case OPT_CONFIG:		/* read by config__merge already */
		return 0;
	case OPT_MUTE_FILE:
		a->mute_path = arg;
		return 0;
	case OPT_PERSIST:
		a->persist_path = arg;
		return 0;
	case OPT_METRICS_TOP:
		return cli__parse_uint("--metrics-top", arg, 0, 1000000,
				       &a->metrics.top) ? EINVAL : 0;
	case OPT_METRICS_GRACE:
		return cli__parse_double("--metrics-grace", arg, 0, 86400 * 365,
					 &a->metrics.grace_s) ? EINVAL : 0;
	case OPT_REFRESH_HALF_LIFE:
		return cli__parse_double("--refresh-half-life", arg, 0,
					 86400 * 3650.0,
					 &a->refresh.half_life_s) ? EINVAL : 0;
	case OPT_REFRESH_GUARD:
		return cli__parse_double("--refresh-guard", arg, 0, 86400 * 30,
					 &a->refresh.guard_s) ? EINVAL : 0;
	case OPT_REFRESH_EVERY:
		return cli__parse_double("--refresh-every", arg, 1,
					 86400 * 365, &a->refresh.every_s) ?
		       EINVAL : 0;
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->det;
		state->child_inputs[1] = &a->live;
		state->child_inputs[2] = &a->incidents;
		state->child_inputs[3] = &a->watch;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	case ARGP_KEY_END:
		drop_file_baseline_choice(a);
		if (a->persist_path && (a->baseline_path || a->save_path)) {
			argp_error(state, "--persist-baseline does both "
					  "--baseline and --save-baseline; "
					  "give it alone");
			return EINVAL;
		}
		if (a->persist_path) {
			if (!access(a->persist_path, F_OK))
				a->baseline_path = a->persist_path;
			else
				a->save_path = a->persist_path;
		}
		if ((a->serve.web_config || a->serve.insecure_listen) &&
		    !a->serve.listen) {
			argp_error(state, "--%s goes with --listen",
				   a->serve.web_config ? "web-config" :
							 "insecure-listen");
			return EINVAL;
		}
		if (a->baseline_path && a->save_path) {
			argp_error(state, "--save-baseline goes with learning, "
					  "not with --baseline");
			return EINVAL;
		}
		a->refresh.interval_s = a->live.interval_s;
		if (a->refresh.half_life_s &&
		    fmax(a->refresh.guard_s, a->live.interval_s) >
		    64 * a->refresh.half_life_s) {
			cli__error("--refresh-guard %g is more than 64 "
				   "half-lives (--refresh-half-life %g); "
				   "expected a guard shorter than that",
				   a->refresh.guard_s, a->refresh.half_life_s);
			return EINVAL;
		}
		a->learn_windows = (unsigned long)(a->learn_s /
						   a->live.interval_s + 0.5);
		if (!a->baseline_path && a->learn_windows < 2) {
			cli__error("--learn %g with --interval %g gives %lu "
				   "window(s); expected at least 2",
				   a->learn_s, a->live.interval_s,
				   a->learn_windows);
			return EINVAL;
		}
		if (!a->baseline_path && a->live.duration_s &&
		    a->learn_s > a->live.duration_s) {
			cli__error("--learn %g is longer than --duration %g; "
				   "expected time left to judge windows",
				   a->learn_s, a->live.duration_s);
			return EINVAL;
		}
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp_child run_children[] = {
	{ &cli__detector_argp, 0, "Detection:", 1 },
	{ &live__argp, 0, NULL, 0 },
	{ &incident_outputs__argp, 0, "Incident outputs (for SIEMs):", 2 },
	{ &watch_args__argp, 0, "Mutes and watched features (re-read from "
	  "the config on SIGHUP):", 3 },
	{},
};

static const struct argp run_argp = {
	run_options, run_parse, NULL,
	"Attach the probe, learn (or load) a baseline, and report every window "
	"that drifts from it.\v"
	"EXAMPLES:\n"
	"  driftprobe run                                  # learn 60 s, then watch\n"
	"  driftprobe run --learn 600 --save-baseline /var/lib/driftprobe/baseline.json\n"
	"  driftprobe run --baseline /var/lib/driftprobe/baseline.json --json\n"
	"  driftprobe run --listen 9811                    # /metrics on loopback\n"
	"  driftprobe run --listen 0.0.0.0:9811 --web-config /etc/driftprobe/web.yml\n"
	"  driftprobe run --persist-baseline /var/lib/driftprobe/baseline.json\n"
	"  driftprobe run --syslog --incident-log /var/log/driftprobe/incidents.jsonl",
	run_children, NULL, NULL,
};

static volatile sig_atomic_t reload_requested;

static void on_sighup(int sig)
{
	(void)sig;
	reload_requested = 1;
}

/*
 * a->mutes made anew from the options' and the file's rules (their specs
 * are absolute: the same rules), handed to the analyzer, and said (unless
 * there were none and are none).
 */
static void join_mutes(struct run_state *a, double now)
{
	const struct mute_set *from[2] = { &a->config_mutes, &a->file_mutes };
	char err[768];

	mute_set__clear(&a->mutes);
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < from[k]->n; i++)
			if (mute_set__add(&a->mutes, from[k]->rules[i].spec,
					  now, err, sizeof(err)))
				cli__error("run: %s", err);
	mute_set__at(&a->mutes, now);
	if (a->analyzer)
		analyzer__set_mutes(a->analyzer, &a->mutes, &a->watch);
	if (a->mutes.n || a->mutes_said)
		fprintf(stderr, "mutes: %zu from the options, %zu from %s, "
			"%zu active\n", a->config_mutes.n, a->file_mutes.n,
			a->o->mute_path, a->mutes.active);
	a->mutes_said = a->mutes.n;
}

static bool same_file_version(const struct stat *x, const struct stat *y)
{
	return x->st_ino == y->st_ino && x->st_dev == y->st_dev &&
	       x->st_size == y->st_size &&
	       x->st_mtim.tv_sec == y->st_mtim.tv_sec &&
	       x->st_mtim.tv_nsec == y->st_mtim.tv_nsec &&
	       x->st_ctim.tv_sec == y->st_ctim.tv_sec &&
	       x->st_ctim.tv_nsec == y->st_ctim.tv_nsec;
}

/*
 * Re-read the mute file if it changed (came, went, was replaced) since
 * the last read: one stat a window. 1 when its rules changed, 0 when not,
 * -EINVAL when it is bad (said in err; the rules read before stay).
 */
static int follow_mute_file(struct run_state *a, double now, char *err,
			    size_t errlen)
{
	struct mute_set m = { 0 };
	struct stat st;

	if (stat(a->o->mute_path, &st))
		memset(&st, 0, sizeof(st));	/* none: no mutes */
	if (same_file_version(&st, &a->mute_file_st))
		return 0;
	a->mute_file_st = st;
	if (st.st_ino && mute_file__read(a->o->mute_path, now, &m, err,
					 errlen))
		return -EINVAL;
	mute_set__clear(&a->file_mutes);
	a->file_mutes = m;
	return 1;
}

/*
 * SIGHUP: the config's mutes, thresholds and features again. A bad
 * config keeps the previous ones and says so in one line. 1 when they
 * changed, else 0.
 */
static int reload_config(struct run_state *a, double now)
{
	struct config_args ca;
	struct watch_policy watch;
	struct mute_set mutes;
	char err[1024];

	if (config__merge(&run_argp, a->argc, a->argv, &ca, err, sizeof(err)) ||
	    watch_args__apply(&a->o->watch, &ca, now, &mutes, &watch, err,
			      sizeof(err))) {
		cli__error("run: SIGHUP: %s; keeping the previous mutes, "
			   "thresholds and features", err);
		config__release(&ca);
		return 0;
	}
	config__release(&ca);
	mute_set__clear(&a->config_mutes);
	a->config_mutes = mutes;
	a->watch = watch;
	return 1;
}

/* Once a window: SIGHUP's reload, the mute file's changes. */
static void follow_mutes(struct run_state *a, double now)
{
	char err[1024];
	int changed = 0, file;

	if (reload_requested) {
		reload_requested = 0;
		changed = reload_config(a, now);
	}
	file = follow_mute_file(a, now, err, sizeof(err));
	if (file < 0)
		cli__error("run: %s; keeping its previous mutes", err);
	if (changed || file > 0)
		join_mutes(a, now);
	else
		mute_set__at(&a->mutes, now);
}

static void show_progress(const struct run_state *a)
{
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\rlearning baseline: %lu/%lu windows%s",
			a->learned, a->o->learn_windows,
			a->learned == a->o->learn_windows ? "\n" : "");
	else
		fprintf(stderr, "learning baseline: %lu/%lu windows\n",
			a->learned, a->o->learn_windows);
}

/* JSON if asked; on a terminal the compact view; plain lines otherwise. */
static struct report *new_report(const struct run_state *a)
{
	struct winsize ws;
	struct report *r;

	if (a->o->json) {
		r = report__new(stdout, REPORT_JSON, 0);
		if (r)
			report__set_normal(r, a->o->normal);
		return r;
	}
	if (!isatty(STDOUT_FILENO))
		return report__new(stdout, REPORT_TEXT_LIVE, 0);
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || !ws.ws_col)
		ws.ws_col = 80;
	return report__new(stdout, REPORT_TEXT_TTY, ws.ws_col);
}

static int start_analyzing(struct run_state *a)
{
	struct analysis_sink sink;

	a->analyzer = analyzer__new(a->baseline, &a->o->det);
	a->report = new_report(a);
	if (!a->analyzer || !a->report) {
		cli__error("run: out of memory");
		return -ENOMEM;
	}
	analyzer__set_mutes(a->analyzer, &a->mutes, &a->watch);
	sink = report__sink(a->report);
	analyzer__add_sink(a->analyzer, &sink);
	if (a->metrics) {
		metrics__set_baseline(a->metrics, a->baseline);
		sink = metrics__sink(a->metrics);
		analyzer__add_sink(a->analyzer, &sink);
	}
	if (incident_outputs__sink(&a->incidents, &sink))
		analyzer__add_sink(a->analyzer, &sink);
	if (a->o->refresh.half_life_s) {
		a->refresher = refresher__new(a->baseline, &a->o->refresh);
		if (!a->refresher) {
			int err = errno;

			cli__error("run: failed to start the refresh: %s",
				   strerror(err));
			return -err;
		}
		sink = refresher__sink(a->refresher);
		if (analyzer__add_sink(a->analyzer, &sink)) {
			cli__error("run: no room for the refresh's sink; "
				   "expected at most %d sinks",
				   ANALYZER_MAX_SINKS);
			return -ENOSPC;
		}
	}
	a->phase = RUN_JUDGING;
	return 0;
}

static int finish_learning(struct run_state *a)
{
	char err[512];

	a->baseline = baseline_builder__finish(a->builder, err, sizeof(err));
	if (!a->baseline) {
		cli__error("baseline: %s", err);
		return -EINVAL;
	}
	/*
	 * The learning windows' copies are not needed any more: every
	 * learning window's non-zero bins of every series, ~11 MB a window
	 * at 1,000 busy cgroups. Freed, and the heap trimmed, so that what
	 * they held goes back to the system, not only to malloc.
	 */
	baseline_builder__free(a->builder);
	a->builder = NULL;
	malloc_trim(0);
	if (a->o->save_path) {
		if (baseline__save(a->baseline, a->o->save_path, err, sizeof(err))) {
			cli__error("%s", err);
			return -EIO;
		}
		fprintf(stderr, "baseline saved to %s\n", a->o->save_path);
	}
	return start_analyzing(a);
}

/*
 * After the refresh's scheduled recalibration: the refreshed baseline to
 * --save-baseline / --persist-baseline. A failed save is said and the run
 * goes on (the refresh holds in memory; the next schedule tries again).
 */
static void save_refreshed(struct run_state *a)
{
	const char *path = a->o->persist_path ? a->o->persist_path :
			   a->o->save_path;
	struct refresh_stats st;
	char err[512];

	refresher__stats(a->refresher, &st);
	fprintf(stderr, "baseline refreshed: %llu windows learnt, %llu "
		"dropped and %llu guarded around incidents, %llu score "
		"models refitted (%llu refused: too wide)\n",
		(unsigned long long)st.folded, (unsigned long long)st.dropped,
		(unsigned long long)st.guarded, (unsigned long long)st.refits,
		(unsigned long long)st.refused);
	if (!path)
		return;
	if (baseline__save(a->baseline, path, err, sizeof(err)))
		cli__error("warning: %s; the refreshed baseline was not saved",
			   err);
	else
		fprintf(stderr, "baseline saved to %s\n", path);
}

/* Render the exposition and hand it to the HTTP thread. */
static int publish_metrics(struct run_state *a)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int err;

	if (!f) {
		cli__error("metrics: out of memory");
		return -ENOMEM;
	}
	err = metrics__write(a->metrics, f);
	if (fclose(f) || err) {
		free(text);
		cli__error("metrics: failed to render the exposition");
		return -EIO;
	}
	exporter__publish(a->exporter, text, len);
	return 0;
}

static double monotonic_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * Add w to the baseline being learnt, less what a mute covers now
 * (follow_mutes set the mutes for w's time).
 */
static int learn(struct run_state *a, const struct window *w)
{
	struct window *unmuted = mute__learnable(&a->mutes, w);
	int err;

	if (!unmuted && errno)
		return -errno;
	err = baseline_builder__add(a->builder, unmuted ? unmuted : w);
	window__free(unmuted);
	return err;
}

static int judge_or_learn(struct run_state *a, const struct window *w)
{
	int err;

	if (a->record >= 0 && (err = window_io__append(a->record, w))) {
		cli__error("%s: failed to write records: %s", a->o->record_path,
			   strerror(-err));
		return err;
	}
	if (a->phase == RUN_JUDGING) {
		err = analyzer__window(a->analyzer, w);
		if (err < 0)
			cli__error("run: failed to judge a window: %s",
				   strerror(-err));
		else if (fflush(stdout) || ferror(stdout))
			err = -EIO;	/* stop now; cli__finish_stdout says it */
		else if (a->refresher && refresher__recalibrated(a->refresher))
			save_refreshed(a);
		return err < 0 ? err : 0;
	}
	err = learn(a, w);
	if (err) {
		cli__error("baseline: failed to add a window: %s", strerror(-err));
		return err;
	}
	a->learned++;
	show_progress(a);
	return a->learned == a->o->learn_windows ? finish_learning(a) : 0;
}

static int on_window(const struct window *w, const struct probe_status *st,
		     void *ctx)
{
	struct run_state *a = ctx;
	double start = monotonic_now();
	int err;

	follow_mutes(a, w->ts);
	err = judge_or_learn(a, w);
	if (err || !a->metrics)
		return err;
	metrics__set_mutes(a->metrics, a->mutes.active);
	if (a->refresher) {
		struct refresh_stats rs;

		refresher__stats(a->refresher, &rs);
		metrics__set_refresh(a->metrics, &rs);
	}
	err = metrics__set_probe(a->metrics, st);
	if (!err)
		err = metrics__window(a->metrics, w, monotonic_now() - start);
	if (err) {
		cli__error("metrics: out of memory");
		return err;
	}
	return publish_metrics(a);
}

/* Bind --listen before attaching: a taken port fails fast. */
static int start_exporter(struct run_state *a, const struct config_args *ca)
{
	int status;

	a->metrics = metrics__new(DRIFTPROBE_VERSION, &a->o->metrics);
	if (!a->metrics) {
		cli__error("metrics: out of memory");
		return EXIT_RUNTIME;
	}
	metrics__set_baseline(a->metrics, a->baseline);
	a->exporter = serve__start(&a->o->serve, ca, &status);
	if (!a->exporter)
		return status;
	return publish_metrics(a) ? EXIT_RUNTIME : EXIT_OK;
}

/*
 * Before attaching and learning: --record must not be the baseline read or
 * written, and the baseline to save must have somewhere to go.
 */
static int check_files(const struct run_opts *o, const struct config_args *ca)
{
	const char *bl = o->baseline_path ? o->baseline_path : o->save_path;
	const char *dest = o->save_path;
	char err[512], where[PATH_MAX + 16];

	if (o->record_path && bl && cli__same_file(o->record_path, bl)) {
		cli__error("--record %s: is the baseline file %s too; expected "
			   "a different file", o->record_path, bl);
		return -EINVAL;
	}
	if (o->incidents.log_path &&
	    ((bl && cli__same_file(o->incidents.log_path, bl)) ||
	     (o->record_path &&
	      cli__same_file(o->incidents.log_path, o->record_path)))) {
		cli__error("--incident-log %s: is the baseline or --record "
			   "file too; expected a file of its own",
			   o->incidents.log_path);
		return -EINVAL;
	}
	/* A persisted baseline is written again by the refresh. */
	if (!dest && o->refresh.half_life_s)
		dest = o->persist_path;
	if (dest && safe_file__check_dest(dest, "a baseline file", err,
					  sizeof(err))) {
		cli__error("%s%s", config__origin(ca, dest, where,
						  sizeof(where)), err);
		return -EINVAL;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = {
		.live = { .interval_s = 10,
			  .probe = { .hooks = PROBE_HOOKS_AUTO,
				     .exemplars = true } },
		.learn_s = 60,
		.refresh = { .half_life_s = REFRESH_HALF_LIFE_S,
			     .guard_s = REFRESH_GUARD_S,
			     .every_s = REFRESH_EVERY_S },
		.metrics = { .top = METRICS_TOP_DEFAULT,
			     .grace_s = METRICS_GRACE_DEFAULT },
	};
	struct run_state a = { .o = &o, .record = -1, .argc = argc,
			       .argv = argv };
	struct sigaction hup = { .sa_handler = on_sighup,
				 .sa_flags = SA_RESTART };
	struct config_args ca;
	char err[1024], where[PATH_MAX + 16];
	int ret = EXIT_RUNTIME;
	struct utsname u;

	detector_opts__defaults(&o.det);
	if (config__merge(&run_argp, argc, argv, &ca, err, sizeof(err))) {
		cli__error("%s", err);
		return EXIT_INPUT;
	}
	if (cli__parse_config_args(&run_argp, &ca, &o) ||
	    check_files(&o, &ca)) {
		watch_args__free(&o.watch);
		config__release(&ca);
		workload_rules__free(&o.live.workload.rules);
		return EXIT_INPUT;
	}
	if (!o.mute_path)
		o.mute_path = MUTE_FILE_DEFAULT;
	if (watch_args__apply(&o.watch, &ca, live__realtime(),
			      &a.config_mutes, &a.watch, err, sizeof(err)) ||
	    follow_mute_file(&a, live__realtime(), err, sizeof(err)) < 0) {
		cli__error("%s", err);
		watch_args__free(&o.watch);
		mute_set__clear(&a.config_mutes);
		config__release(&ca);
		return EXIT_INPUT;
	}
	join_mutes(&a, live__realtime());
	sigemptyset(&hup.sa_mask);
	sigaction(SIGHUP, &hup, NULL);
	if (o.baseline_path) {
		a.baseline = baseline__load(o.baseline_path, err, sizeof(err));
		if (!a.baseline) {
			cli__error("%s%s", config__origin(&ca, o.baseline_path,
							  where, sizeof(where)),
				   err);
			config__release(&ca);
			workload_rules__free(&o.live.workload.rules);
			return EXIT_INPUT;
		}
		if (uname(&u) == 0 &&
		    baseline__differs(a.baseline, live__hostname(), u.release,
				      o.live.interval_s, err, sizeof(err)))
			cli__error("warning: %s: %s", o.baseline_path, err);
	}
	if (o.serve.listen) {
		ret = start_exporter(&a, &ca);
		if (ret != EXIT_OK)
			goto cleanup;
		ret = EXIT_RUNTIME;
	}
	ret = incident_outputs__open(&a.incidents, &o.incidents, &ca);
	if (ret != EXIT_OK)
		goto cleanup;
	ret = EXIT_RUNTIME;
	if (a.baseline) {
		if (start_analyzing(&a))
			goto cleanup;
	} else {
		a.builder = baseline_builder__new(o.det.alpha);
		if (!a.builder) {
			cli__error("run: out of memory");
			goto cleanup;
		}
	}
	if (o.record_path) {
		a.record = window_io__open_append(o.record_path, err,
						  sizeof(err));
		if (a.record < 0) {
			cli__error("%s", err);
			ret = EXIT_INPUT;
			goto cleanup;
		}
	}
	ret = live__run(&o.live, on_window, &a);
	if (ret == EXIT_OK && a.phase == RUN_LEARNING)
		fprintf(stderr, "run: stopped after %lu of %lu learning windows; "
			"no baseline was learnt\n", a.learned, o.learn_windows);
cleanup:
	if (a.record >= 0)
		close(a.record);
	exporter__stop(a.exporter);
	metrics__free(a.metrics);
	report__free(a.report);
	analyzer__free(a.analyzer);
	refresher__free(a.refresher);
	incident_outputs__close(&a.incidents);
	baseline__free(a.baseline);
	baseline_builder__free(a.builder);
	mute_set__clear(&a.mutes);
	mute_set__clear(&a.config_mutes);
	mute_set__clear(&a.file_mutes);
	watch_args__free(&o.watch);
	config__release(&ca);
	workload_rules__free(&o.live.workload.rules);
	return ret;
}
