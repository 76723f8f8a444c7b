// SPDX-License-Identifier: MIT
/*
 * Prometheus text exposition. Keeps the latest analysis of every (feature,
 * cgroup) plus running totals, and writes them family by family (the format
 * wants every sample of a family together, after its HELP and TYPE).
 * Naming follows the Prometheus conventions: base units in the name
 * (_seconds, _nats), _total only on counters, an info metric for the
 * build. A value the divergence code calls undefined is left out rather
 * than exported as NaN.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "baseline.h"
#include "coupling.h"
#include "detector.h"
#include "fc_table.h"
#include "feature.h"
#include "incident.h"
#include "metrics.h"
#include "textesc.h"
#include "window.h"

#define VERDICTS 3	/* enum verdict */

struct series {
	struct fc_key key;	/* first: an fc_table element */
	uint64_t window_events, events_total;
	bool analysed;
	struct analysis an;
	uint64_t verdicts_total[VERDICTS];
	bool joint;			/* cv is set */
	struct coupling_verdict cv;
	uint64_t coupling_changes_total[2];	/* stronger, weaker */
};

/* The latest probe status, owned: nothing points into the collector. */
struct probe_copy {
	struct probe_hook *hooks;	/* every string owned */
	size_t nhooks;
	char **health_names;
	uint64_t *health;
	size_t nhealth;
	uint64_t counter_resets;
};

/* An incident open as of the latest window. */
struct open_row {
	uint64_t id;
	char *cgroup;
	enum incident_severity severity;
	double score, threshold;
};

struct metrics {
	char *version;
	struct open_row open[INCIDENT_MAX_OPEN];
	size_t nopen;
	uint64_t incidents_total[2];	/* opened, by severity at opening */
	const struct baseline *bl;
	struct probe_copy probe;
	bool attached;
	uint64_t windows_total;
	double processing_total_s, processing_last_s;
	double last_ts, interval_s;
	struct fc_table series;		/* of struct series */
};

struct metrics *metrics__new(const char *version)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m || !(m->version = strdup(version))) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	m->series = (struct fc_table)FC_TABLE_INIT(struct series);
	return m;
}

static void strings__free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* A copy of v[0..n), or NULL (out of memory, or n = 0). */
static char **strings__dup(const char *const *v, size_t n)
{
	char **c = n ? calloc(n, sizeof(*c)) : NULL;

	for (size_t i = 0; c && i < n; i++) {
		c[i] = strdup(v[i]);
		if (!c[i]) {
			strings__free(c, i);
			return NULL;
		}
	}
	return c;
}

static void hooks__free(struct probe_hook *h, size_t n)
{
	for (size_t i = 0; h && i < n; i++) {
		free((char *)h[i].group);
		free((char *)h[i].name);
		free((char *)h[i].kind);
	}
	free(h);
}

/* A copy of h[0..n), every string too, or NULL (out of memory, or n = 0). */
static struct probe_hook *hooks__dup(const struct probe_hook *h, size_t n)
{
	struct probe_hook *c = n ? calloc(n, sizeof(*c)) : NULL;

	for (size_t i = 0; c && i < n; i++) {
		c[i] = (struct probe_hook){ strdup(h[i].group), strdup(h[i].name),
					    strdup(h[i].kind) };
		if (!c[i].group || !c[i].name || !c[i].kind) {
			hooks__free(c, i + 1);
			return NULL;
		}
	}
	return c;
}

static void probe_copy__free(struct probe_copy *p)
{
	hooks__free(p->hooks, p->nhooks);
	strings__free(p->health_names, p->nhealth);
	free(p->health);
	memset(p, 0, sizeof(*p));
}

void metrics__free(struct metrics *m)
{
	if (!m)
		return;
	probe_copy__free(&m->probe);
	fc_table__clear(&m->series);
	for (size_t i = 0; i < m->nopen; i++)
		free(m->open[i].cgroup);
	free(m->version);
	free(m);
}

void metrics__set_baseline(struct metrics *m, const struct baseline *bl)
{
	m->bl = bl;
}

int metrics__set_probe(struct metrics *m, const struct probe_status *st)
{
	struct probe_copy c = {
		.nhooks = st->nhooks,
		.nhealth = st->nhealth,
		.counter_resets = st->counter_resets,
	};

	c.hooks = hooks__dup(st->hooks, st->nhooks);
	c.health_names = strings__dup(st->health_names, st->nhealth);
	if (st->nhealth)
		c.health = malloc(st->nhealth * sizeof(*c.health));
	if ((st->nhooks && !c.hooks) ||
	    (st->nhealth && (!c.health_names || !c.health))) {
		probe_copy__free(&c);
		return -ENOMEM;
	}
	if (st->nhealth)
		memcpy(c.health, st->health, st->nhealth * sizeof(*c.health));
	probe_copy__free(&m->probe);
	m->probe = c;
	m->attached = true;
	return 0;
}

int metrics__window(struct metrics *m, const struct window *w,
		    double processing_s)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct window_hist *h = &w->hists[i];
		struct series *s = fc_table__get(&m->series, h->feature,
						 h->cgroup);

		if (!s)
			return -ENOMEM;
		s->window_events = window_hist__total(h);
		s->events_total += s->window_events;
	}
	m->windows_total++;
	m->processing_last_s = processing_s;
	m->processing_total_s += processing_s;
	m->last_ts = w->ts;
	m->interval_s = w->interval_s;
	return 0;
}

int metrics__analysis(struct metrics *m, enum dp_feature_id f,
		      const char *cgroup, const struct analysis *an,
		      const struct coupling_verdict *cv)
{
	struct series *s = fc_table__get(&m->series, f, cgroup);

	if (!s)
		return -ENOMEM;
	s->an = *an;
	s->analysed = true;
	if ((unsigned int)an->verdict < VERDICTS)
		s->verdicts_total[an->verdict]++;
	s->joint = cv != NULL;
	if (cv) {
		s->cv = *cv;
		if (cv->change == COUPLING_STRONGER)
			s->coupling_changes_total[0]++;
		if (cv->change == COUPLING_WEAKER)
			s->coupling_changes_total[1]++;
	}
	return 0;
}

static int metrics__on_analysis(void *ctx, const struct window *w,
				enum dp_feature_id f, const char *cgroup,
				const struct window_hist *h,
				const struct analysis *an,
				const struct coupling_verdict *cv)
{
	(void)w;
	(void)h;
	return metrics__analysis(ctx, f, cgroup, an, cv);
}

int metrics__incident(struct metrics *m, const struct incident *inc)
{
	size_t i = 0;

	while (i < m->nopen && m->open[i].id != inc->id)
		i++;
	if (inc->state == INCIDENT_RESOLVED) {
		if (i < m->nopen) {
			free(m->open[i].cgroup);
			memmove(&m->open[i], &m->open[i + 1],
				(m->nopen - i - 1) * sizeof(m->open[0]));
			m->nopen--;
		}
		return 0;
	}
	if (inc->state == INCIDENT_OPEN &&
	    (unsigned int)inc->severity < 2)
		m->incidents_total[inc->severity]++;
	if (i == m->nopen) {
		char *cg;

		if (m->nopen == INCIDENT_MAX_OPEN)
			return 0;	/* the builder opens no more than this */
		if (!(cg = strdup(inc->cgroup)))
			return -ENOMEM;
		m->open[m->nopen++] = (struct open_row){ .id = inc->id,
							  .cgroup = cg };
	}
	m->open[i].severity = inc->severity;
	m->open[i].score = inc->score;
	m->open[i].threshold = inc->threshold;
	return 0;
}

static int metrics__on_incident(void *ctx, const struct window *w,
				const struct incident *inc)
{
	(void)w;
	return metrics__incident(ctx, inc);
}

struct analysis_sink metrics__sink(struct metrics *m)
{
	return (struct analysis_sink){
		.analysis = metrics__on_analysis,
		.incident = metrics__on_incident,
		.ctx = m,
	};
}

/* ---- writing ------------------------------------------------------------ */

static void family(FILE *o, const char *name, const char *type,
		   const char *help)
{
	fprintf(o, "# HELP driftprobe_%s %s\n# TYPE driftprobe_%s %s\n", name,
		help, name, type);
}

/*
 * A label value with \, " and newline escaped as the format requires. A
 * byte that is not valid UTF-8 (a cgroup name can hold any) would make
 * Prometheus reject the whole scrape: it becomes the text \xNN.
 */
static void label_value(FILE *o, const char *v)
{
	uint32_t cp;
	size_t n;

	fputc('"', o);
	for (; *v; v += n ? n : 1) {
		n = textesc__utf8(v, &cp);
		if (!n)
			fprintf(o, "\\\\x%02x", (unsigned char)*v);
		else if (cp == '\\' || cp == '"')
			fputc('\\', o), fputc(*v, o);
		else if (cp == '\n')
			fputs("\\n", o);
		else
			fwrite(v, 1, n, o);
	}
	fputc('"', o);
}

static void series_labels(FILE *o, const struct series *s)
{
	fputs("{feature=", o);
	label_value(o, feature_table[s->key.feature].name);
	fputs(",cgroup=", o);
	label_value(o, s->key.cgroup);
}

/* Prometheus floats: shortest exact form; callers never pass NaN/inf. */
static void value(FILE *o, double v)
{
	fprintf(o, " %.17g\n", v);
}

static void write_probe(const struct metrics *m, FILE *o)
{
	const struct probe_copy *p = &m->probe;

	family(o, "build_info", "gauge",
	       "Always 1; the labels say which driftprobe is running.");
	fputs("driftprobe_build_info{version=", o);
	label_value(o, m->version);
	fputs("} 1\n", o);

	if (!m->attached)
		return;
	family(o, "hook_attached", "gauge", "1 for each kernel hook the probe "
	       "attached, labelled with its feature group and the program "
	       "flavour used.");
	for (size_t i = 0; i < p->nhooks; i++) {
		fputs("driftprobe_hook_attached{group=", o);
		label_value(o, p->hooks[i].group);
		fputs(",hook=", o);
		label_value(o, p->hooks[i].name);
		fputs(",kind=", o);
		label_value(o, p->hooks[i].kind);
		fputs("} 1\n", o);
	}
	family(o, "events_dropped_total", "counter", "Kernel events the probe "
	       "could not count in full, by reason, since start.");
	for (size_t i = 0; i < p->nhealth; i++) {
		fputs("driftprobe_events_dropped_total{reason=", o);
		label_value(o, p->health_names[i]);
		fprintf(o, "} %llu\n", (unsigned long long)p->health[i]);
	}
	family(o, "map_bin_resets_total", "counter", "Histogram bins whose "
	       "kernel counter went backwards (map recreated), since start.");
	fprintf(o, "driftprobe_map_bin_resets_total %llu\n",
		(unsigned long long)p->counter_resets);
}

static void write_windows(const struct metrics *m, FILE *o)
{
	family(o, "windows_total", "counter", "Windows collected since start "
	       "(learning and analysing).");
	fprintf(o, "driftprobe_windows_total %llu\n",
		(unsigned long long)m->windows_total);
	family(o, "window_processing_seconds_total", "counter", "Time spent "
	       "processing windows (analysis, reports, exposition).");
	fputs("driftprobe_window_processing_seconds_total", o);
	value(o, m->processing_total_s);
	family(o, "last_window_processing_seconds", "gauge", "Time the latest "
	       "window took to process.");
	fputs("driftprobe_last_window_processing_seconds", o);
	value(o, m->processing_last_s);
	if (m->windows_total) {
		family(o, "last_window_timestamp_seconds", "gauge", "Unix time "
		       "at the end of the latest window.");
		fputs("driftprobe_last_window_timestamp_seconds", o);
		value(o, m->last_ts);
		family(o, "window_interval_seconds", "gauge", "Window length.");
		fputs("driftprobe_window_interval_seconds", o);
		value(o, m->interval_s);
	}
	family(o, "baseline_ready", "gauge", "1 when a baseline is loaded or "
	       "learnt and windows are being judged, 0 while learning.");
	fprintf(o, "driftprobe_baseline_ready %d\n", m->bl != NULL);
	if (!m->bl)
		return;
	family(o, "baseline_windows", "gauge", "Learning windows pooled into "
	       "the baseline.");
	fprintf(o, "driftprobe_baseline_windows %llu\n",
		(unsigned long long)m->bl->windows);
	family(o, "baseline_created_timestamp_seconds", "gauge", "Unix time "
	       "the baseline was built.");
	fputs("driftprobe_baseline_created_timestamp_seconds", o);
	value(o, m->bl->created);
}

static void write_events(const struct metrics *m, FILE *o)
{
	if (!m->windows_total)
		return;
	family(o, "window_events", "gauge", "Events counted in the latest "
	       "window, per feature and cgroup.");
	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = fc_table__at(&m->series, i);

		fputs("driftprobe_window_events", o);
		series_labels(o, s);
		fprintf(o, "} %llu\n", (unsigned long long)s->window_events);
	}
	family(o, "events_total", "counter", "Events counted since start, per "
	       "feature and cgroup.");
	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = fc_table__at(&m->series, i);

		fputs("driftprobe_events_total", o);
		series_labels(o, s);
		fprintf(o, "} %llu\n", (unsigned long long)s->events_total);
	}
}

/* One gauge per analysed series: name, help, and how to get the value. */
enum per_series {
	PS_HELLINGER,
	PS_G,
	PS_P,
	PS_P_LIMIT,
	PS_SCORE,
	PS_THRESHOLD,
	PS_COUNT,
};

static const struct {
	const char *name, *help;
	int measure;	/* enum divergence_measure, or -1: always defined */
} per_series[PS_COUNT] = {
	[PS_HELLINGER] = { "hellinger_distance", "Hellinger distance between "
			   "the baseline and the latest window (0 to 1).",
			   DIVM_hellinger },
	[PS_G] = { "g_statistic", "G-test statistic of the latest window "
		   "against the baseline.", DIVM_g },
	[PS_P] = { "p_value", "Chi-square p-value of the G-test for the "
		   "latest window.", DIVM_p_value },
	[PS_P_LIMIT] = { "p_value_limit", "Bonferroni-corrected significance "
			 "level a window's p-value must fall below.", -1 },
	[PS_SCORE] = { "score", "How unusual the latest window is: -log10 "
		       "of how often a normal window scores this high.", -1 },
	[PS_THRESHOLD] = { "score_threshold", "Warning level of the score, "
			   "from the false-alarm budget.", -1 },
};

static double per_series_value(const struct analysis *an, enum per_series k)
{
	if (per_series[k].measure >= 0)
		return divergence__measure(&an->d, per_series[k].measure);
	return k == PS_P_LIMIT ? an->p_limit :
	       k == PS_SCORE ? an->score : an->threshold;
}

/* Whether gauge k of an is undefined (and so left out). */
static bool per_series_undefined(const struct analysis *an, enum per_series k)
{
	int m = per_series[k].measure;

	return m >= 0 && (an->d.undefined & divergence_measures[m].undefined);
}

static void write_analyses(const struct metrics *m, FILE *o)
{
	bool any = false;

	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = fc_table__at(&m->series, i);

		any |= s->analysed;
	}
	if (!any)
		return;
	family(o, "divergence_nats", "gauge", "Divergence of the latest window "
	       "from the baseline, by measure (kl_wb = KL(window||baseline), "
	       "kl_bw, js, psi, effect = bias-corrected, the one scored).");
	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = fc_table__at(&m->series, i);

		for (int j = 0; s->analysed && j < DIVM_COUNT; j++) {
			const struct divergence_measure_info *mi =
				&divergence_measures[j];

			if (!(mi->flags & DIVM_METRIC) ||
			    (s->an.d.undefined & mi->undefined))
				continue;
			fputs("driftprobe_divergence_nats", o);
			series_labels(o, s);
			fprintf(o, ",measure=\"%s\"}", mi->name);
			value(o, divergence__measure(&s->an.d, j));
		}
	}
	for (int k = 0; k < PS_COUNT; k++) {
		family(o, per_series[k].name, "gauge", per_series[k].help);
		for (size_t i = 0; i < m->series.n; i++) {
			const struct series *s = fc_table__at(&m->series, i);

			if (!s->analysed || per_series_undefined(&s->an, k))
				continue;
			fprintf(o, "driftprobe_%s", per_series[k].name);
			series_labels(o, s);
			fputc('}', o);
			value(o, per_series_value(&s->an, k));
		}
	}
	family(o, "verdict", "gauge", "1 for the latest window's verdict "
	       "(normal, anomaly, insufficient), 0 for the others.");
	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = fc_table__at(&m->series, i);

		for (int v = 0; s->analysed && v < VERDICTS; v++) {
			fputs("driftprobe_verdict", o);
			series_labels(o, s);
			fprintf(o, ",verdict=\"%s\"} %d\n", verdict__name(v),
				s->an.verdict == (enum verdict)v);
		}
	}
	family(o, "verdicts_total", "counter", "Windows judged since start, by "
	       "verdict.");
	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = fc_table__at(&m->series, i);

		for (int v = 0; s->analysed && v < VERDICTS; v++) {
			fputs("driftprobe_verdicts_total", o);
			series_labels(o, s);
			fprintf(o, ",verdict=\"%s\"} %llu\n", verdict__name(v),
				(unsigned long long)s->verdicts_total[v]);
		}
	}
}

/* Joint features: the latest coupling, its learnt band, and the changes. */
static void write_couplings(const struct metrics *m, FILE *o)
{
	static const char *const changes[2] = { "stronger", "weaker" };
	bool any = false;

	for (size_t i = 0; i < m->series.n; i++)
		any |= ((const struct series *)fc_table__at(&m->series, i))->joint;
	if (!any)
		return;
	family(o, "coupling_mi_nats", "gauge", "Mutual information between "
	       "the two axes of a joint feature: in the latest window "
	       "(estimate=plugin, miller_madow) and the per-window range "
	       "learnt in the baseline (learnt_min, learnt_max).");
	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = fc_table__at(&m->series, i);
		const struct {
			const char *name;
			double v;
		} est[] = {
			{ "plugin", s->cv.now.mi },
			{ "miller_madow", s->cv.now.mi_mm },
			{ "learnt_min", s->cv.band.min },
			{ "learnt_max", s->cv.band.max },
		};

		for (size_t j = 0; s->joint && j < sizeof(est) / sizeof(est[0]);
		     j++) {
			fputs("driftprobe_coupling_mi_nats", o);
			series_labels(o, s);
			fprintf(o, ",estimate=\"%s\"}", est[j].name);
			value(o, est[j].v);
		}
	}
	family(o, "coupling_changes_total", "counter", "Windows whose coupling "
	       "interval lay outside the learnt range, by direction.");
	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = fc_table__at(&m->series, i);

		for (int c = 0; s->joint && c < 2; c++) {
			fputs("driftprobe_coupling_changes_total", o);
			series_labels(o, s);
			fprintf(o, ",change=\"%s\"} %llu\n", changes[c],
				(unsigned long long)s->coupling_changes_total[c]);
		}
	}
}

/* A finite number, or 0 (Prometheus takes NaN, its readers do not). */
static double finite_or_0(double v)
{
	return v == v && v - v == 0 ? v : 0;
}

static void incident_labels(FILE *o, const struct open_row *r)
{
	fputs("{cgroup=", o);
	label_value(o, r->cgroup);
	fprintf(o, ",id=\"%llu\"", (unsigned long long)r->id);
}

/*
 * Incidents (incident.h): one alert rule fires on incident_active, one
 * alert per incident (its id), its severity a label.
 */
static void write_incidents(const struct metrics *m, FILE *o)
{
	if (!m->bl)
		return;
	family(o, "incident_active", "gauge", "1 for each incident open as of "
	       "the latest window (a cgroup with an anomalous feature), "
	       "labelled with its id and current severity; gone once "
	       "resolved.");
	for (size_t i = 0; i < m->nopen; i++) {
		fputs("driftprobe_incident_active", o);
		incident_labels(o, &m->open[i]);
		fprintf(o, ",severity=\"%s\"} 1\n",
			incident_severity__name(m->open[i].severity));
	}
	family(o, "incident_score", "gauge", "Score of an open incident: that "
	       "of its feature furthest past its threshold, in the units of "
	       "driftprobe_incident_threshold.");
	for (size_t i = 0; i < m->nopen; i++) {
		fputs("driftprobe_incident_score", o);
		incident_labels(o, &m->open[i]);
		fputc('}', o);
		value(o, finite_or_0(m->open[i].score));
	}
	family(o, "incident_threshold", "gauge", "The warning level the score "
	       "of an open incident is compared with.");
	for (size_t i = 0; i < m->nopen; i++) {
		fputs("driftprobe_incident_threshold", o);
		incident_labels(o, &m->open[i]);
		fputc('}', o);
		value(o, finite_or_0(m->open[i].threshold));
	}
	family(o, "incidents_total", "counter", "Incidents opened since start, "
	       "by severity at opening.");
	for (int s = 0; s < 2; s++)
		fprintf(o, "driftprobe_incidents_total{severity=\"%s\"} %llu\n",
			incident_severity__name(s),
			(unsigned long long)m->incidents_total[s]);
}

int metrics__write(const struct metrics *m, FILE *out)
{
	write_probe(m, out);
	write_windows(m, out);
	write_events(m, out);
	write_analyses(m, out);
	write_couplings(m, out);
	write_incidents(m, out);
	return ferror(out) ? -EIO : 0;
}
