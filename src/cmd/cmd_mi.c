// SPDX-License-Identifier: MIT
/*
 * `driftprobe mi`: how signals relate, from recorded windows.
 *   1. Per window, each joint feature's coupling (MI, Miller-Madow MI, NMI,
 *      a bootstrap interval): how much one axis tells about the other.
 *   2. Across windows, every signal's series (events per window, and with
 *      --baseline each feature's drift effect) -> pairwise KSG MI, what
 *      each signal adds beyond the others, and the redundant pairs.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "baseline.h"
#include "cli.h"
#include "coupling.h"
#include "divergence.h"
#include "feature.h"
#include "jsonw.h"
#include "mi.h"
#include "redundancy.h"
#include "textesc.h"
#include "timefmt.h"
#include "window.h"

#define MI_MIN_WINDOWS	10

/* One per-window series: a feature's events, or its drift effect. */
struct signal {
	char *name;
	enum dp_feature_id feature;
	char *cgroup;
	bool drift;		/* effect vs the baseline, else event count */
	double *v;		/* one value per window */
};

struct mi_args {
	bool json;
	const char *baseline_path;
	double alpha, redundant;
	unsigned long k;
	char **paths;
	int npaths;
	struct baseline *bl;
	size_t windows, cap;
	size_t nsig;
	struct signal *sig;
	bool header_done;
	struct jsonw_line line;		/* a coupling line's head */
};

enum { OPT_K = 0x300, OPT_REDUNDANT, OPT_ALPHA };

static const struct argp_option mi_options[] = {
	{ "json", 'j', NULL, 0, "JSON Lines: a \"coupling\" line per window x "
				"joint feature, then one \"signals\" line", 0 },
	{ "baseline", 'b', "FILE", 0, "Also series of each feature's drift "
				      "effect against this baseline", 0 },
	{ "alpha", OPT_ALPHA, "A", 0, "Smoothing of the drift effect "
				      "(default 0.5)", 0 },
	{ "k", OPT_K, "K", 0, "KSG neighbours (default 3)", 0 },
	{ "redundant", OPT_REDUNDANT, "R", 0, "Pairs with r >= R are redundant "
					      "(default 0.9)", 0 },
	{},
};

static error_t mi_parse(int key, char *arg, struct argp_state *state)
{
	struct mi_args *a = state->input;

	switch (key) {
	case 'j':
		a->json = true;
		return 0;
	case 'b':
		a->baseline_path = arg;
		return 0;
	case OPT_ALPHA:
		return cli__parse_double("--alpha", arg, 0, 1e6, &a->alpha) ?
			       EINVAL : 0;
	case OPT_K:
		return cli__parse_uint("--k", arg, 1, 50, &a->k) ? EINVAL : 0;
	case OPT_REDUNDANT:
		return cli__parse_double("--redundant", arg, 0, 1,
					 &a->redundant) ? EINVAL : 0;
	case ARGP_KEY_ARGS:
		a->paths = state->argv + state->next;
		a->npaths = state->argc - state->next;
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "no window files; expected WINDOWS.jsonl... "
				  "(or - for stdin)");
		return EINVAL;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp mi_argp = {
	mi_options, mi_parse, "WINDOWS.jsonl...",
	"Mutual information in recorded windows: the coupling inside each "
	"joint feature per window, and across windows which signals carry the "
	"same information (a redundancy matrix).\v"
	"Reading it: MI is in nats; r = sqrt(1 - exp(-2 MI)) is 0 for "
	"independent signals and near 1 when one determines the other. "
	"\"adds\" = 1 - the signal's largest r with any other: near 0, another "
	"signal already tells the same story.\n\n"
	"EXAMPLES:\n"
	"  driftprobe mi session.jsonl\n"
	"  driftprobe mi --baseline baseline.json --json session.jsonl",
	NULL, NULL, NULL,
};

static void signal_label(const struct signal *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s%s%s", s->drift ? "drift" : "count",
		 feature_table[s->feature].name, strcmp(s->cgroup, "/") ? "@" : "",
		 strcmp(s->cgroup, "/") ? s->cgroup : "");
}

/* The signal for (feature, cgroup, drift), created (zero-filled) if new. */
static struct signal *signal_get(struct mi_args *a, enum dp_feature_id f,
				 const char *cgroup, bool drift)
{
	struct signal *s, *grown;
	char name[256];

	for (size_t i = 0; i < a->nsig; i++) {
		s = &a->sig[i];
		if (s->feature == f && s->drift == drift &&
		    !strcmp(s->cgroup, cgroup))
			return s;
	}
	grown = realloc(a->sig, (a->nsig + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	a->sig = grown;
	s = &a->sig[a->nsig];
	memset(s, 0, sizeof(*s));
	s->feature = f;
	s->drift = drift;
	s->cgroup = strdup(cgroup);
	s->v = calloc(a->cap ? a->cap : 1, sizeof(double));
	if (!s->cgroup || !s->v) {
		free(s->cgroup);
		free(s->v);
		return NULL;
	}
	signal_label(s, name, sizeof(name));
	s->name = strdup(name);
	if (!s->name) {
		free(s->cgroup);
		free(s->v);
		return NULL;
	}
	a->nsig++;
	return s;
}

/* Room for window index a->windows in every series. */
static int grow_series(struct mi_args *a)
{
	size_t cap = a->cap ? a->cap * 2 : 64;

	if (a->windows < a->cap)
		return 0;
	for (size_t i = 0; i < a->nsig; i++) {
		double *v = realloc(a->sig[i].v, cap * sizeof(double));

		if (!v)
			return -ENOMEM;
		memset(v + a->cap, 0, (cap - a->cap) * sizeof(double));
		a->sig[i].v = v;
	}
	a->cap = cap;
	return 0;
}

static void print_coupling(struct mi_args *a, const struct window *w,
			   const struct window_hist *h,
			   const struct coupling *c)
{
	char when[32], events[16];

	if (a->json) {
		jsonw_line__head(&a->line, "coupling", w->ts, w->host,
				 feature_table[h->feature].name, h->cgroup);
		jsonw_line__flush(&a->line, stdout);
		printf(",\"n\":%llu,\"mi\":", (unsigned long long)c->n);
		jsonw__double(stdout, c->mi);
		fputs(",\"mi_mm\":", stdout);
		jsonw__double(stdout, c->mi_mm);
		fputs(",\"nmi\":", stdout);
		jsonw__double(stdout, c->nmi);
		fputs(",\"ci\":[", stdout);
		jsonw__double(stdout, c->lo);
		fputc(',', stdout);
		jsonw__double(stdout, c->hi);
		printf("],\"level\":%g}\n", COUPLING_LEVEL);
		return;
	}
	if (!a->header_done) {
		printf("Coupling inside joint features, per window (MI in nats, "
		       "%g%% bootstrap interval)\n"
		       "  %-20s  %-20s  %-8s %8s %8s %8s %6s  %s\n",
		       COUPLING_LEVEL * 100, "time", "feature", "cgroup",
		       "events", "MI", "MM-MI", "NMI", "interval");
		a->header_done = true;
	}
	timefmt__utc(w->ts, when, sizeof(when));
	feature__format_quantity(c->n, events, sizeof(events));
	printf("  %-20s  %-20s  %-8s %8s %8.4f %8.4f %6.3f  [%.4f, %.4f]\n",
	       when, feature_table[h->feature].name, TEXTESC(h->cgroup), events,
	       c->mi, c->mi_mm, c->nmi, c->lo, c->hi);
}

static int add_counts(struct mi_args *a, const struct window *w)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct window_hist *h = &w->hists[i];
		const struct feature_info *fi = &feature_table[h->feature];
		struct signal *s = signal_get(a, h->feature, h->cgroup, false);
		uint64_t dense[FEATURE_MAX_BINS];
		struct coupling c;
		int err;

		if (!s)
			return -ENOMEM;
		s->v[a->windows] = (double)window_hist__total(h);
		if (fi->rows < 2)
			continue;
		err = coupling__measure(window_hist__dense(h, dense), fi->rows,
					fi->cols, COUPLING_CI_BOOTSTRAP,
					coupling__seed(w->ts, h->feature,
						       h->cgroup), &c);
		if (err == -ENODATA)
			continue;
		if (err)
			return err;
		print_coupling(a, w, h, &c);
	}
	return 0;
}

/* With --baseline: each entry's drift effect in this window. */
static int add_drift(struct mi_args *a, const struct window *w)
{
	for (size_t i = 0; a->bl && i < a->bl->n; i++) {
		const struct baseline_entry *e = &a->bl->entries[i];
		const struct window_hist *h = window__find(w, e->feature,
							   e->cgroup);
		struct signal *s = signal_get(a, e->feature, e->cgroup, true);
		uint64_t dense[FEATURE_MAX_BINS];
		struct divergence d;
		int err;

		if (!s)
			return -ENOMEM;
		if (!h)
			continue;	/* no events: no drift to measure */
		err = divergence__compute(e->counts,
					  window_hist__dense(h, dense),
					  e->nbins, a->alpha, &d);
		if (err)
			return err;
		s->v[a->windows] = d.undefined & DIV_UNDEF_G ? 0 : d.effect;
	}
	return 0;
}

static int mi_window(const struct window *w, void *ctx)
{
	struct mi_args *a = ctx;
	int err = grow_series(a);

	if (!err)
		err = add_counts(a, w);
	if (!err)
		err = add_drift(a, w);
	if (err) {
		cli__error("mi: %s", strerror(-err));
		return err;
	}
	a->windows++;
	return 0;
}

/* A shade for r, so the matrix reads at a glance. */
static const char *shade(double r)
{
	static const char *const shades[] = { " ", "░", "▒", "▓", "█" };
	int i = (int)(r * 5);

	return shades[i < 0 ? 0 : i > 4 ? 4 : i];
}

static void print_matrix_text(const struct mi_args *a,
			      const struct redundancy *rd, const size_t *order)
{
	size_t n = rd->n, pairs = 0;

	printf("\nSignals across %zu windows: r = sqrt(1 - exp(-2 MI)), MI by "
	       "KSG (k=%lu) on scaled series\n%-36s", a->windows, a->k, "");
	for (size_t j = 0; j < n; j++)
		printf(" [%2zu]", j + 1);
	putchar('\n');
	for (size_t i = 0; i < n; i++) {
		printf("  [%2zu] %-29.29s", i + 1, TEXTESC(a->sig[i].name));
		for (size_t j = 0; j < n; j++) {
			double r = rd->r[i * n + j];

			if (i == j)
				printf("    -");
			else if (rd->constant[i] || rd->constant[j])
				printf("    ~");
			else
				printf(" %s%3.0f", shade(r), r * 100);
		}
		putchar('\n');
	}
	printf("  (cells: r x 100; ~ = a constant series, no information)\n"
	       "\nWhat each signal adds beyond the others (1 - largest r):\n");
	for (size_t i = 0; i < n; i++) {
		const struct signal *s = &a->sig[order[i]];

		if (rd->constant[order[i]])
			printf("     -   %s (constant over these windows)\n",
			       TEXTESC(s->name));
		else
			printf("  %5.2f   %s\n", rd->unique[order[i]],
			       TEXTESC(s->name));
	}
	printf("\nRedundant pairs (r >= %.2f): one of each pair can go\n",
	       a->redundant);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			if (rd->constant[i] || rd->constant[j] ||
			    rd->r[i * n + j] < a->redundant)
				continue;
			printf("  %s ~ %s: r %.2f, MI %.2f nats\n",
			       TEXTESC(a->sig[i].name), TEXTESC(a->sig[j].name),
			       rd->r[i * n + j],
			       rd->mi[i * n + j]);
			pairs++;
		}
	if (!pairs)
		printf("  none\n");
}

static void json_matrix_row(const double *row, size_t n)
{
	fputc('[', stdout);
	for (size_t j = 0; j < n; j++) {
		if (j)
			fputc(',', stdout);
		jsonw__double(stdout, row[j]);
	}
	fputc(']', stdout);
}

static void print_matrix_json(const struct mi_args *a,
			      const struct redundancy *rd, const size_t *order)
{
	size_t n = rd->n;
	bool first = true;

	printf("{\"type\":\"signals\",\"windows\":%zu,\"k\":%lu,\"signals\":[",
	       a->windows, a->k);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', stdout);
		jsonw__string(stdout, a->sig[i].name);
	}
	fputs("],\"mi\":[", stdout);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', stdout);
		json_matrix_row(rd->mi + i * n, n);
	}
	fputs("],\"r\":[", stdout);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', stdout);
		json_matrix_row(rd->r + i * n, n);
	}
	fputs("],\"ranking\":[", stdout);
	for (size_t i = 0; i < n; i++) {
		printf("%s{\"signal\":", i ? "," : "");
		jsonw__string(stdout, a->sig[order[i]].name);
		printf(",\"constant\":%s,\"adds\":",
		       rd->constant[order[i]] ? "true" : "false");
		jsonw__double(stdout, rd->unique[order[i]]);
		fputc('}', stdout);
	}
	fputs("],\"redundant\":[", stdout);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			if (rd->constant[i] || rd->constant[j] ||
			    rd->r[i * n + j] < a->redundant)
				continue;
			fputs(first ? "{\"a\":" : ",{\"a\":", stdout);
			jsonw__string(stdout, a->sig[i].name);
			fputs(",\"b\":", stdout);
			jsonw__string(stdout, a->sig[j].name);
			fputs(",\"r\":", stdout);
			jsonw__double(stdout, rd->r[i * n + j]);
			fputs(",\"mi\":", stdout);
			jsonw__double(stdout, rd->mi[i * n + j]);
			fputc('}', stdout);
			first = false;
		}
	fputs("]}\n", stdout);
}

static int print_signals(struct mi_args *a)
{
	const double **series;
	struct redundancy rd = {};
	size_t *order;
	int err;

	if (a->windows < MI_MIN_WINDOWS || a->nsig < 2) {
		cli__error("mi: the redundancy matrix needs at least %d windows "
			   "and 2 signals; got %zu windows, %zu signals",
			   MI_MIN_WINDOWS, a->windows, a->nsig);
		return EXIT_INPUT;
	}
	series = calloc(a->nsig, sizeof(*series));
	order = calloc(a->nsig, sizeof(*order));
	if (!series || !order) {
		free(series);
		free(order);
		cli__error("mi: out of memory");
		return EXIT_RUNTIME;
	}
	for (size_t i = 0; i < a->nsig; i++)
		series[i] = a->sig[i].v;
	err = redundancy__compute(series, a->nsig, a->windows,
				  (unsigned int)a->k, &rd);
	if (!err) {
		redundancy__rank(&rd, order);
		if (a->json)
			print_matrix_json(a, &rd, order);
		else
			print_matrix_text(a, &rd, order);
	} else {
		cli__error("mi: pairwise MI failed: %s", strerror(-err));
	}
	redundancy__free(&rd);
	free(series);
	free(order);
	return err ? EXIT_RUNTIME : EXIT_OK;
}

int cmd_mi(int argc, char **argv)
{
	struct mi_args a = { .alpha = 0.5, .k = MI_KSG_K_DEFAULT,
			     .redundant = 0.9 };
	char err[512];
	int ret;

	if (argp_parse(&mi_argp, argc, argv, 0, NULL, &a))
		return EXIT_INPUT;
	if (a.baseline_path) {
		a.bl = baseline__load(a.baseline_path, err, sizeof(err));
		if (!a.bl) {
			cli__error("%s", err);
			return EXIT_INPUT;
		}
	}
	ret = cli__for_each_window(a.paths, a.npaths, NULL, mi_window, &a);
	if (ret == EXIT_OK)
		ret = print_signals(&a);
	for (size_t i = 0; i < a.nsig; i++) {
		free(a.sig[i].name);
		free(a.sig[i].cgroup);
		free(a.sig[i].v);
	}
	free(a.sig);
	jsonw_line__free(&a.line);
	baseline__free(a.bl);
	return ret;
}
