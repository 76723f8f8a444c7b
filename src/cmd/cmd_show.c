// SPDX-License-Identifier: MIT
/*
 * `driftprobe show`: baselines and recorded windows drawn as histograms in
 * the terminal, alone or side by side (baseline vs windows, with each
 * bin's contribution and the detector's verdict), so a person can see a
 * drift rather than read numbers. Window files are pooled per feature
 * (and cgroup) unless --window picks one.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "baseline.h"
#include "cli.h"
#include "detector.h"
#include "feature.h"
#include "histview.h"
#include "reason.h"
#include "textesc.h"
#include "timefmt.h"
#include "window.h"

struct show_args {
	const char *baseline_path;
	int feature;		/* -1 = all */
	unsigned long window;	/* 1-based; 0 = pool all */
	unsigned long top, width;
	struct detector_opts det;
	char **paths;
	int npaths;

	struct window *pooled;
	unsigned long windows_seen, windows_used;
	double first_ts, last_ts;
};

enum { OPT_FEATURE = 0x400, OPT_WINDOW, OPT_TOP, OPT_WIDTH };

static const struct argp_option show_options[] = {
	{ "baseline", 'b', "FILE", 0, "Draw the windows next to this "
				      "baseline, with each bin's contribution", 0 },
	{ "feature", OPT_FEATURE, "NAME", 0, "Only this feature (see "
					     "'driftprobe features')", 0 },
	{ "window", OPT_WINDOW, "N", 0, "Only the Nth window of the files "
					"(default: pool them all)", 0 },
	{ "top", OPT_TOP, "N", 0, "Side by side: only the N bins that "
				  "contribute most (default 20, 0 = all)", 0 },
	{ "width", OPT_WIDTH, "COLS", 0, "Bar width in characters (default 40)",
	  0 },
	{},
};

static error_t show_parse(int key, char *arg, struct argp_state *state)
{
	struct show_args *a = state->input;

	switch (key) {
	case 'b':
		a->baseline_path = arg;
		return 0;
	case OPT_FEATURE:
		a->feature = feature__by_name(arg);
		if (a->feature < 0) {
			cli__error("--feature: unknown feature '%s'; expected "
				   "a name from 'driftprobe features'", arg);
			return EINVAL;
		}
		return 0;
	case OPT_WINDOW:
		return cli__parse_uint("--window", arg, 1, 1UL << 40,
				       &a->window) ? EINVAL : 0;
	case OPT_TOP:
		return cli__parse_uint("--top", arg, 0, 1UL << 20, &a->top) ?
			       EINVAL : 0;
	case OPT_WIDTH:
		return cli__parse_uint("--width", arg, 4, 400, &a->width) ?
			       EINVAL : 0;
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->det;
		return 0;
	case ARGP_KEY_ARGS:
		a->paths = state->argv + state->next;
		a->npaths = state->argc - state->next;
		return 0;
	case ARGP_KEY_END:
		if (!a->npaths) {
			argp_error(state, "no file; expected a baseline or "
					  "window records (JSON Lines)");
			return EINVAL;
		}
		if (!a->baseline_path && a->npaths > 1) {
			argp_error(state, "one file at a time without "
					  "--baseline; got %d", a->npaths);
			return EINVAL;
		}
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp_child show_children[] = {
	{ &cli__detector_argp, 0, "Verdict (side by side):", 1 },
	{},
};

static const struct argp show_argp = {
	show_options, show_parse, "FILE | --baseline BASELINE WINDOWS.jsonl...",
	"Draw a baseline or recorded windows as histograms, or windows next to "
	"a baseline to see what drifted.\v"
	"EXAMPLES:\n"
	"  driftprobe show /var/lib/driftprobe/baseline.json\n"
	"  driftprobe show --feature syscall.latency windows.jsonl\n"
	"  driftprobe show --baseline baseline.json --window 3 windows.jsonl",
	show_children, NULL, NULL,
};

/*
 * A baseline is one JSON document (however it is laid out: jq reformats
 * it) with a "format" member; window records are one object per line
 * without one. So parse the file's first JSON value, never more than a
 * baseline's size limit, and look.
 */
static int is_baseline(const char *path, bool *yes)
{
	struct json_tokener *tok;
	struct json_object *o = NULL;
	size_t total = 0, n;
	char chunk[4096];
	FILE *f;

	*yes = false;
	if (!strcmp(path, "-"))
		return 0;
	f = fopen(path, "r");
	tok = json_tokener_new();
	if (!f || !tok) {
		int e = f ? ENOMEM : errno;

		cli__error("%s: cannot open: %s", path, strerror(e));
		if (f)
			fclose(f);
		if (tok)
			json_tokener_free(tok);
		return -e;
	}
	while (!o && json_tokener_get_error(tok) <= json_tokener_continue &&
	       total < BASELINE_MAX_FILE &&
	       (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		o = json_tokener_parse_ex(tok, chunk, (int)n);
		total += n;
	}
	*yes = json_object_is_type(o, json_type_object) &&
	       json_object_object_get_ex(o, "format", NULL);
	json_object_put(o);
	json_tokener_free(tok);
	fclose(f);
	return 0;
}

static bool wanted(const struct show_args *a, enum dp_feature_id f)
{
	return a->feature < 0 || (int)f == a->feature;
}

/* Add w's histograms into the pool (or keep only the chosen window). */
static int pool_window(const struct window *w, void *ctx)
{
	struct show_args *a = ctx;

	a->windows_seen++;
	if (a->window && a->windows_seen != a->window)
		return 0;
	if (!a->windows_used++)
		a->first_ts = w->ts;
	a->last_ts = w->ts;
	for (size_t i = 0; i < w->n; i++) {
		const struct window_hist *h = &w->hists[i];
		const struct window_hist *p = window__find(a->pooled, h->feature,
							   h->cgroup);
		uint64_t sum[FEATURE_MAX_BINS];

		window_hist__dense(h, sum);
		for (uint32_t b = 0; p && b < p->nnz; b++) {
			if (__builtin_add_overflow(sum[p->nz_bins[b]],
						   p->nz_counts[b],
						   &sum[p->nz_bins[b]])) {
				cli__error("show: counts overflow 64 bits when "
					   "pooling; pick one with --window");
				return -EOVERFLOW;
			}
		}
		if (p ? window__set_counts(a->pooled, h->feature, h->cgroup,
					   sum) :
			window__add(a->pooled, h->feature, h->cgroup, sum,
				    h->nbins)) {
			cli__error("show: out of memory");
			return -ENOMEM;
		}
	}
	return 0;
}

static int read_windows(struct show_args *a)
{
	int ret;

	a->pooled = window__new(0, 0, "");
	if (!a->pooled) {
		cli__error("show: out of memory");
		return EXIT_RUNTIME;
	}
	ret = cli__for_each_window(a->paths, a->npaths, NULL, pool_window, a);
	if (ret != EXIT_OK)
		return ret;
	if (a->window && a->windows_used == 0) {
		cli__error("--window %lu: the files hold only %lu window(s)",
			   a->window, a->windows_seen);
		return EXIT_INPUT;
	}
	if (!a->windows_used) {
		cli__error("%s: no windows; expected window records",
			   a->paths[0]);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

static void windows_span(const struct show_args *a, char *buf, size_t len)
{
	char from[32], to[32];

	timefmt__utc(a->first_ts, from, sizeof(from));
	timefmt__utc(a->last_ts, to, sizeof(to));
	if (a->windows_used == 1)
		snprintf(buf, len, "window %lu, ending %s",
			 a->window ? a->window : 1, to);
	else
		snprintf(buf, len, "%lu windows ending %s .. %s",
			 a->windows_used, from, to);
}

static int show_baseline(const struct show_args *a, const char *path)
{
	char err[512], when[32];
	struct baseline *bl = baseline__load(path, err, sizeof(err));
	double level;

	if (!bl) {
		cli__error("%s", err);
		return EXIT_INPUT;
	}
	level = score__threshold(a->det.budget, bl->interval_s, bl->n);
	timefmt__utc(bl->created, when, sizeof(when));
	printf("baseline %s: host %s, kernel %s, built %s from %llu windows "
	       "of %gs\n", TEXTESC(path), TEXTESC(bl->host),
	       TEXTESC(bl->kernel), when,
	       (unsigned long long)bl->windows, bl->interval_s);
	for (size_t i = 0; i < bl->n; i++) {
		const struct baseline_entry *e = &bl->entries[i];
		uint64_t n = 0;

		if (!wanted(a, e->feature))
			continue;
		for (uint32_t b = 0; b < e->nbins; b++)
			n += e->counts[b];
		printf("\n@%s (cgroup %s): %llu events, %u mode%s, alarms "
		       "past effect %.4g nats (at %g false alarm%s a day)\n",
		       feature_table[e->feature].name, TEXTESC(e->cgroup),
		       (unsigned long long)n, e->nmodes,
		       e->nmodes == 1 ? "" : "s",
		       score__effect_at(&e->score, level), a->det.budget,
		       a->det.budget == 1 ? "" : "s");
		histview__single(stdout, e->feature, e->counts, e->nbins,
				 (unsigned int)a->width);
	}
	baseline__free(bl);
	return EXIT_OK;
}

static int show_windows(struct show_args *a)
{
	char span[128];
	int ret = read_windows(a);

	if (ret != EXIT_OK)
		return ret;
	windows_span(a, span, sizeof(span));
	printf("%s: %s\n", TEXTESC(a->paths[0]), span);
	for (size_t i = 0; i < a->pooled->n; i++) {
		const struct window_hist *h = &a->pooled->hists[i];
		uint64_t dense[FEATURE_MAX_BINS];

		if (!wanted(a, h->feature))
			continue;
		printf("\n@%s (cgroup %s): %llu events\n",
		       feature_table[h->feature].name, TEXTESC(h->cgroup),
		       (unsigned long long)window_hist__total(h));
		histview__single(stdout, h->feature,
				 window_hist__dense(h, dense), h->nbins,
				 (unsigned int)a->width);
	}
	return EXIT_OK;
}

static int show_side_by_side(struct show_args *a)
{
	char err[512], span[128];
	struct baseline *bl;
	uint64_t *zeros = NULL;
	double level;
	int ret;

	bl = baseline__load(a->baseline_path, err, sizeof(err));
	if (!bl) {
		cli__error("%s", err);
		return EXIT_INPUT;
	}
	ret = read_windows(a);
	if (ret != EXIT_OK)
		goto cleanup;
	windows_span(a, span, sizeof(span));
	printf("baseline %s (%llu windows) vs %s\n", TEXTESC(a->baseline_path),
	       (unsigned long long)bl->windows, span);
	a->det.tests = bl->n ? (unsigned int)bl->n : 1;
	level = score__threshold(a->det.budget, bl->interval_s, bl->n);
	for (size_t i = 0; i < bl->n; i++) {
		const struct baseline_entry *e = &bl->entries[i];
		const struct window_hist *h = window__find(a->pooled, e->feature,
							   e->cgroup);
		struct detector_state st = {};
		struct analysis an;
		char reason[REASON_LEN];
		uint64_t dense[FEATURE_MAX_BINS];
		const uint64_t *w;

		if (!wanted(a, e->feature))
			continue;
		if (!h && !zeros && !(zeros = calloc(e->nbins, sizeof(*zeros)))) {
			ret = EXIT_RUNTIME;
			goto cleanup;
		}
		w = h ? window_hist__dense(h, dense) : zeros;
		if (detector__judge(&a->det, &st, e, w, level, &an)) {
			cli__error("show: cannot judge %s",
				   feature_table[e->feature].name);
			ret = EXIT_RUNTIME;
			goto cleanup;
		}
		printf("\n@%s (cgroup %s): %s\n  %s\n",
		       feature_table[e->feature].name, TEXTESC(e->cgroup),
		       verdict__name(an.verdict),
		       reason__format(&an, reason, sizeof(reason)));
		if (histview__compare(stdout, e->feature, e->counts, w, e->nbins,
				      a->top, (unsigned int)a->width)) {
			cli__error("show: out of memory");
			ret = EXIT_RUNTIME;
			goto cleanup;
		}
		free(zeros);
		zeros = NULL;
	}
cleanup:
	free(zeros);
	baseline__free(bl);
	return ret;
}

int cmd_show(int argc, char **argv)
{
	struct show_args a = {
		.feature = -1, .top = 20, .width = HISTVIEW_WIDTH_DEFAULT,
	};
	bool baseline_file;
	int ret;

	detector_opts__defaults(&a.det);
	if (argp_parse(&show_argp, argc, argv, 0, NULL, &a))
		return EXIT_INPUT;
	if (a.baseline_path) {
		ret = show_side_by_side(&a);
	} else if (is_baseline(a.paths[0], &baseline_file)) {
		ret = EXIT_INPUT;
	} else if (baseline_file) {
		if (a.window) {
			cli__error("--window: %s is a baseline, not window "
				   "records", a.paths[0]);
			ret = EXIT_INPUT;
		} else {
			ret = show_baseline(&a, a.paths[0]);
		}
	} else {
		ret = show_windows(&a);
	}
	window__free(a.pooled);
	return ret;
}
