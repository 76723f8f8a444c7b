// SPDX-License-Identifier: MIT
/*
 * Prometheus text exposition. Keeps the latest analysis of every (feature,
 * cgroup) plus running totals, and writes them family by family (the format
 * wants every sample of a family together, after its HELP and TYPE).
 * Naming follows the Prometheus conventions: base units in the name
 * (_seconds, _nats), _total only on counters, an info metric for the
 * build. A value the divergence code calls undefined is left out rather
 * than exported as NaN.
 *
 * Cardinality is bounded (README "Prometheus metrics" gives the formula):
 * host-level families per feature and two per workload are always
 * written; the per-(feature, cgroup) detail only for the host series "/"
 * (one per feature), the members of open incidents and the top N other
 * series by score (ties: feature order, then cgroup by bytes). The
 * events counter is host-level only, kept in its own running total, so a
 * cgroup leaving the detail or the table never moves it backwards.
 * Cgroups without a window for grace seconds are dropped from the tables.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "baseline.h"
#include "coupling.h"
#include "detector.h"
#include "fc_table.h"
#include "feature.h"
#include "incident.h"
#include "metrics.h"
#include "refresh.h"
#include "stats.h"
#include "textesc.h"
#include "window.h"

#define VERDICTS 3	/* enum verdict */
#define QUANTILES 2	/* of latencies: 0.5, 0.99 */

/* The latency quantiles exported, and their label values. */
static const double quantiles[QUANTILES] = { 0.5, 0.99 };
static const char *const quantile_names[QUANTILES] = { "0.5", "0.99" };

/* The workload table is keyed by cgroup alone: its feature is this. */
#define WORKLOAD_KEY DP_F_COUNT

struct series {
	struct fc_key key;	/* first: an fc_table element */
	uint64_t window_events;	/* in the latest window (0: none there) */
	bool latency;		/* latency_s holds the latest window's */
	double latency_s[QUANTILES];
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

/* A cgroup, its workload, and the end of the latest window that had it. */
struct workload {
	struct fc_key key;	/* first: an fc_table element (WORKLOAD_KEY) */
	double last_seen;
	char *name;		/* its workload (workload.h), NULL: itself */
};

/* The workload label of wl. */
static const char *workload_name(const struct workload *wl)
{
	return wl->name ? wl->name : wl->key.cgroup;
}

/* wl's workload is h's now. 0 or -ENOMEM. */
static int workload_seen(struct workload *wl, const struct window_hist *h,
			 double ts)
{
	char *copy;

	wl->last_seen = ts;
	if (!h->workload || (wl->name && !strcmp(wl->name, h->workload)))
		return 0;
	copy = strdup(h->workload);
	if (!copy)
		return -ENOMEM;
	free(wl->name);
	wl->name = copy;
	return 0;
}

/*
 * An incident open as of the latest window. Its labels (host, features,
 * culprit) are those of the first window it was handed over in, so that
 * the series, and the alert made from it, keep one identity; severity,
 * score and members follow each window.
 */
struct open_row {
	uint64_t id;
	char *cgroup, *workload, *host, *features, *culprit;
	enum incident_severity severity;
	double score, threshold;
	uint32_t members;	/* bit f: feature f is a member now */
};

_Static_assert(DP_F_COUNT <= 32, "open_row.members holds one bit a feature");

/* Host level, per feature: events of the host series "/" since start. */
struct host_feature {
	bool seen;
	uint64_t events_total;
};

struct metrics {
	char *version;
	struct metrics_opts opts;
	struct open_row open[INCIDENT_MAX_OPEN];
	size_t nopen;
	uint64_t incidents_total[2];	/* opened, by severity at opening */
	const struct baseline *bl;
	struct probe_copy probe;
	bool attached;
	uint64_t windows_total;
	double processing_total_s, processing_last_s;
	double last_ts, interval_s;
	struct host_feature host[DP_F_COUNT];
	struct fc_table series;		/* of struct series */
	struct fc_table workloads;	/* of struct workload */
	bool orphans;	/* series of a cgroup without a workload entry */
	uint64_t cgroups_dropped_total;
	size_t mutes_active;		/* metrics__set_mutes */
	bool refreshing;		/* metrics__set_refresh was called */
	struct refresh_stats refresh;
};

struct metrics *metrics__new(const char *version,
			     const struct metrics_opts *o)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m || !(m->version = strdup(version))) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	m->opts = o ? *o : (struct metrics_opts){ METRICS_TOP_DEFAULT,
						  METRICS_GRACE_DEFAULT };
	m->series = (struct fc_table)FC_TABLE_INIT(struct series);
	m->workloads = (struct fc_table)FC_TABLE_INIT(struct workload);
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

static void open_row__free(struct open_row *r)
{
	free(r->cgroup);
	free(r->workload);
	free(r->host);
	free(r->features);
	free(r->culprit);
}

void metrics__free(struct metrics *m)
{
	if (!m)
		return;
	probe_copy__free(&m->probe);
	fc_table__clear(&m->series);
	for (size_t i = 0; i < m->workloads.n; i++)
		free(((struct workload *)fc_table__at(&m->workloads, i))->name);
	fc_table__clear(&m->workloads);
	for (size_t i = 0; i < m->nopen; i++)
		open_row__free(&m->open[i]);
	free(m->version);
	free(m);
}

void metrics__set_mutes(struct metrics *m, size_t active)
{
	m->mutes_active = active;
}

void metrics__set_refresh(struct metrics *m, const struct refresh_stats *st)
{
	m->refreshing = true;
	m->refresh = *st;
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

/* Latencies get percentiles: the magnitude features timed in ns. */
static bool is_latency(enum dp_feature_id f)
{
	return !feature__bins_are_kinds(f) && !strcmp(feature_table[f].unit,
						      "ns");
}

/* The latest window's latency quantiles of h, in seconds. */
static void latency_quantiles(struct series *s, const struct window_hist *h)
{
	double edges[FEATURE_MAX_BINS + 1], hi = 0;
	uint64_t dense[FEATURE_MAX_BINS];

	if (!h->nbins)
		return;
	for (uint32_t b = 0; b < h->nbins; b++)
		if (feature__bin_edges(h->feature, b, &edges[b], &hi))
			return;
	edges[h->nbins] = hi;
	window_hist__dense(h, dense);
	for (int q = 0; q < QUANTILES; q++)
		s->latency_s[q] = stats__hist_quantile(dense, edges,
						       h->nbins, quantiles[q]) /
				  1e9;
	s->latency = !isnan(s->latency_s[0]);
}

static bool open_incident_in(const struct metrics *m, const char *cgroup)
{
	for (size_t i = 0; i < m->nopen; i++)
		if (!strcmp(m->open[i].cgroup, cgroup))
			return true;
	return false;
}

/* Unseen since cutoff, and no incident of it open. */
static bool stale(const struct metrics *m, const struct workload *wl,
		  double cutoff)
{
	return wl->last_seen < cutoff && !open_incident_in(m, wl->key.cgroup);
}

struct grace {
	const struct metrics *m;
	double cutoff;		/* last seen before it: gone */
	uint64_t dropped;
};

static bool workload_stays(const void *elem, void *ctx)
{
	const struct workload *wl = elem;
	struct grace *g = ctx;
	bool stays = !stale(g->m, wl, g->cutoff);

	g->dropped += !stays;
	if (!stays)	/* its own pointer is ours to free; retain drops it */
		free(((struct workload *)elem)->name);
	return stays;
}

static bool series_stays(const void *elem, void *ctx)
{
	const struct series *s = elem;
	const struct metrics *m = ctx;

	return fc_table__find(&m->workloads, WORKLOAD_KEY, s->key.cgroup);
}

/*
 * Forget the cgroups without a window since cutoff (but those of an open
 * incident): their workload entry, then every series of a cgroup without
 * one. The tables are rebuilt only when there is something to drop.
 */
static int drop_unseen(struct metrics *m, double cutoff)
{
	struct grace g = { m, cutoff, 0 };
	bool any = m->orphans;
	int err;

	for (size_t i = 0; !any && i < m->workloads.n; i++)
		any = stale(m, fc_table__at(&m->workloads, i), cutoff);
	if (!any)
		return 0;
	err = fc_table__retain(&m->workloads, workload_stays, &g);
	if (!err)
		err = fc_table__retain(&m->series, series_stays, m);
	if (!err) {
		m->cgroups_dropped_total += g.dropped;
		m->orphans = false;
	}
	return err;
}

int metrics__window(struct metrics *m, const struct window *w,
		    double processing_s)
{
	for (size_t i = 0; i < m->series.n; i++) {
		struct series *s = fc_table__at(&m->series, i);

		s->window_events = 0;
		s->latency = false;
	}
	for (size_t i = 0; i < w->n; i++) {
		const struct window_hist *h = &w->hists[i];
		struct series *s = fc_table__get(&m->series, h->feature,
						 h->cgroup);
		struct workload *wl = fc_table__get(&m->workloads, WORKLOAD_KEY,
						    h->cgroup);

		if (!s || !wl || workload_seen(wl, h, w->ts))
			return -ENOMEM;
		s->window_events = window_hist__total(h);
		if (is_latency(h->feature))
			latency_quantiles(s, h);
		if (!strcmp(h->cgroup, "/")) {
			m->host[h->feature].seen = true;
			m->host[h->feature].events_total += s->window_events;
		}
	}
	m->windows_total++;
	m->processing_last_s = processing_s;
	m->processing_total_s += processing_s;
	m->last_ts = w->ts;
	m->interval_s = w->interval_s;
	return drop_unseen(m, w->ts - m->opts.grace_s);
}

int metrics__analysis(struct metrics *m, enum dp_feature_id f,
		      const char *cgroup, const struct analysis *an,
		      const struct coupling_verdict *cv)
{
	size_t before = m->series.n;
	struct series *s = fc_table__get(&m->series, f, cgroup);

	if (!s)
		return -ENOMEM;
	m->orphans |= m->series.n > before &&
		      !fc_table__find(&m->workloads, WORKLOAD_KEY, cgroup);
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

/*
 * A series of a cgroup w has is kept (its workload seen now, before
 * metrics__window says so); one of a cgroup neither w nor the grace
 * period has (the baseline still judges a cgroup long gone) is not.
 */
static int metrics__on_analysis(void *ctx, const struct window *w,
				enum dp_feature_id f, const char *cgroup,
				const struct window_hist *h,
				const struct analysis *an,
				const struct coupling_verdict *cv)
{
	struct metrics *m = ctx;
	struct workload *wl;

	if (h) {
		wl = fc_table__get(&m->workloads, WORKLOAD_KEY, cgroup);
		if (!wl || workload_seen(wl, h, w->ts))
			return -ENOMEM;
	} else if (!fc_table__find(&m->workloads, WORKLOAD_KEY, cgroup)) {
		return 0;
	}
	return metrics__analysis(m, f, cgroup, an, cv);
}

/* A row for inc, its labels as of now; 0 or -ENOMEM (nothing kept). */
static int open_row__init(struct open_row *r, const char *host,
			  const struct incident *inc)
{
	char features[INCIDENT_LIST_FEATURES * 32 + 8];
	char culprit[INCIDENT_COMM_LEN + 16];

	*r = (struct open_row){
		.id = inc->id,
		.cgroup = strdup(inc->cgroup),
		.workload = strdup(incident__workload(inc)),
		.host = strdup(host ? host : ""),
		.features = strdup(incident__feature_list(inc,
				INCIDENT_LIST_FEATURES, features, sizeof(features))),
		.culprit = strdup(incident__culprit_name(inc, culprit,
							  sizeof(culprit))),
	};
	if (r->cgroup && r->workload && r->host && r->features && r->culprit)
		return 0;
	open_row__free(r);
	return -ENOMEM;
}

int metrics__incident(struct metrics *m, const char *host,
		      const struct incident *inc)
{
	struct open_row *r;
	size_t i = 0;

	while (i < m->nopen && m->open[i].id != inc->id)
		i++;
	if (inc->state == INCIDENT_RESOLVED) {
		if (i < m->nopen) {
			open_row__free(&m->open[i]);
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
		if (m->nopen == INCIDENT_MAX_OPEN)
			return 0;	/* the builder opens no more than this */
		if (open_row__init(&m->open[i], host, inc))
			return -ENOMEM;
		m->nopen++;
	}
	r = &m->open[i];
	r->severity = inc->severity;
	r->score = inc->score;
	r->threshold = inc->threshold;
	r->members = 0;
	for (size_t k = 0; k < inc->nmembers; k++)
		r->members |= 1u << inc->members[k].feature;
	return 0;
}

static int metrics__on_incident(void *ctx, const struct window *w,
				const struct incident *inc)
{
	return metrics__incident(ctx, w ? w->host : NULL, inc);
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

/* A cgroup's labels, its workload and itself. */
static void workload_labels(FILE *o, const struct workload *w)
{
	fputs("{workload=", o);
	label_value(o, workload_name(w));
	fputs(",cgroup=", o);
	label_value(o, w->key.cgroup);
	fputc('}', o);
}

/* Prometheus floats: shortest exact form; callers never pass NaN/inf. */
static void value(FILE *o, double v)
{
	fprintf(o, " %.17g\n", v);
}

/*
 * What one exposition writes: m, and which series get their detail
 * (detail[i] for m->series' element i).
 */
struct expo {
	const struct metrics *m;
	bool *detail;
};

static bool is_host(const struct series *s)
{
	return !strcmp(s->key.cgroup, "/");
}

/* The rank of a workload series' score; NaN (none) ranks last. */
static double rank_score(const struct series *s)
{
	return isnan(s->an.score) ? -INFINITY : s->an.score;
}

/* Higher score first; ties by feature order, then cgroup by bytes. */
static int by_score(const void *a, const void *b, void *ctx)
{
	const struct fc_table *t = ctx;
	const struct series *x = fc_table__at(t, *(const size_t *)a);
	const struct series *y = fc_table__at(t, *(const size_t *)b);
	double sx = rank_score(x), sy = rank_score(y);

	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (x->key.feature != y->key.feature)
		return x->key.feature < y->key.feature ? -1 : 1;
	return strcmp(x->key.cgroup, y->key.cgroup);
}

/*
 * detail[i]: the host series "/", the members of open incidents, and the
 * opts.top analysed workload series of highest score. 0 or -ENOMEM.
 */
static int select_detail(const struct metrics *m, bool *detail)
{
	const struct fc_table *t = &m->series;
	size_t *rank = malloc((t->n ? t->n : 1) * sizeof(*rank)), n = 0;

	if (!rank)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		const struct series *s = fc_table__at(t, i);

		detail[i] = is_host(s);
		if (!detail[i] && s->analysed)
			rank[n++] = i;
	}
	qsort_r(rank, n, sizeof(*rank), by_score, (void *)t);
	for (size_t i = 0; i < n && i < m->opts.top; i++)
		detail[rank[i]] = true;
	free(rank);
	for (size_t i = 0; i < m->nopen; i++)
		for (int f = 0; f < DP_F_COUNT; f++) {
			size_t j;

			if (!(m->open[i].members & (1u << f)))
				continue;
			j = fc_table__index(t, f, m->open[i].cgroup);
			if (j != SIZE_MAX)
				detail[j] = true;
		}
	return 0;
}

/* The i-th series of x, or NULL when it has no detail. */
static const struct series *detailed(const struct expo *x, size_t i)
{
	return x->detail[i] ? fc_table__at(&x->m->series, i) : NULL;
}

/* One sample of a counter family labelled by outcome. */
static void outcome_sample(FILE *o, const char *name, const char *outcome,
			   uint64_t v)
{
	fprintf(o, "driftprobe_%s{outcome=\"%s\"} %llu\n", name, outcome,
		(unsigned long long)v);
}

/* The rolling refresh's counters, when it runs. */
static void write_refresh(const struct metrics *m, FILE *o)
{
	const struct refresh_stats *r = &m->refresh;

	if (!m->refreshing)
		return;
	family(o, "baseline_refresh_windows_total", "counter", "Windows "
	       "judged normal, by what the rolling refresh did with them: "
	       "learnt (folded into the baseline), dropped (pending when an "
	       "incident opened), guarded (in an incident's guard).");
	outcome_sample(o, "baseline_refresh_windows_total", "learnt", r->folded);
	outcome_sample(o, "baseline_refresh_windows_total", "dropped",
		       r->dropped);
	outcome_sample(o, "baseline_refresh_windows_total", "guarded",
		       r->guarded);
	family(o, "baseline_refits_total", "counter", "Score models the "
	       "scheduled recalibration refitted, or refused to (the level "
	       "would have more than doubled).");
	outcome_sample(o, "baseline_refits_total", "refitted", r->refits);
	outcome_sample(o, "baseline_refits_total", "refused", r->refused);
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
	family(o, "metrics_cgroups_dropped_total", "counter", "Cgroups whose "
	       "series were dropped from this exposition after the grace "
	       "period without a window (--metrics-grace).");
	fprintf(o, "driftprobe_metrics_cgroups_dropped_total %llu\n",
		(unsigned long long)m->cgroups_dropped_total);
	family(o, "baseline_ready", "gauge", "1 when a baseline is loaded or "
	       "learnt and windows are being judged, 0 while learning.");
	fprintf(o, "driftprobe_baseline_ready %d\n", m->bl != NULL);
	family(o, "mutes_active", "gauge", "Mute rules (config, --mute, the "
	       "mute file) in force as of the latest window.");
	fprintf(o, "driftprobe_mutes_active %zu\n", m->mutes_active);
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
	write_refresh(m, o);
}

static void write_events(const struct expo *x, FILE *o)
{
	const struct metrics *m = x->m;

	if (!m->windows_total)
		return;
	family(o, "events_total", "counter", "Events counted since start, per "
	       "feature, host-wide (cgroup \"/\").");
	for (int f = 0; f < DP_F_COUNT; f++) {
		if (!m->host[f].seen)
			continue;
		fputs("driftprobe_events_total{feature=", o);
		label_value(o, feature_table[f].name);
		fprintf(o, "} %llu\n",
			(unsigned long long)m->host[f].events_total);
	}
	family(o, "window_events", "gauge", "Events counted in the latest "
	       "window, per feature and cgroup (series with detail).");
	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = detailed(x, i);

		if (!s)
			continue;
		fputs("driftprobe_window_events", o);
		series_labels(o, s);
		fprintf(o, "} %llu\n", (unsigned long long)s->window_events);
	}
	/*
	 * A summary (its quantiles over the latest window, as a client
	 * library's over its max age), without _sum and _count, which the
	 * format lets out: the histogram holds no exact sum.
	 */
	family(o, "latency_seconds", "summary", "Latency percentiles of the "
	       "latest window, from its histogram (linear within a bin; in "
	       "the open last bin its lower edge), per latency feature and "
	       "cgroup (series with detail).");
	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = detailed(x, i);

		for (int q = 0; s && s->latency && q < QUANTILES; q++) {
			fputs("driftprobe_latency_seconds", o);
			series_labels(o, s);
			fprintf(o, ",quantile=\"%s\"}", quantile_names[q]);
			value(o, s->latency_s[q]);
		}
	}
}

/*
 * Host level, always: per feature how many series have each verdict and
 * the highest score; per workload its largest score/threshold and its
 * anomalous features (of the latest analyses).
 */
static int write_aggregates(const struct expo *x, FILE *o)
{
	const struct metrics *m = x->m;
	uint64_t verdicts[DP_F_COUNT][VERDICTS] = { { 0 } };
	uint64_t muted[DP_F_COUNT] = { 0 };
	double max_score[DP_F_COUNT];
	bool any[DP_F_COUNT] = { false }, scored[DP_F_COUNT] = { false };
	struct { bool analysed; double ratio; unsigned int anomalous; } *wl;
	bool any_analysed = false;

	wl = calloc(m->workloads.n ? m->workloads.n : 1, sizeof(*wl));
	if (!wl)
		return -ENOMEM;
	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = fc_table__at(&m->series, i);
		size_t k = fc_table__index(&m->workloads, WORKLOAD_KEY,
					   s->key.cgroup);
		enum dp_feature_id f = s->key.feature;
		double ratio = incident__ratio(s->an.score, s->an.threshold);

		if (!s->analysed)
			continue;
		any_analysed = any[f] = true;
		if ((unsigned int)s->an.verdict < VERDICTS)
			verdicts[f][s->an.verdict]++;
		muted[f] += s->an.muted;
		if (isfinite(s->an.score) &&
		    (!scored[f] || s->an.score > max_score[f])) {
			max_score[f] = s->an.score;
			scored[f] = true;
		}
		if (k == SIZE_MAX)
			continue;
		wl[k].analysed = true;
		wl[k].anomalous += s->an.verdict == VERDICT_ANOMALY;
		if (isfinite(ratio) && ratio > wl[k].ratio)
			wl[k].ratio = ratio;
	}
	if (any_analysed) {
		family(o, "feature_series", "gauge", "(feature, cgroup) series "
		       "with each verdict in the latest analyses, per feature.");
		for (int f = 0; f < DP_F_COUNT; f++)
			for (int v = 0; any[f] && v < VERDICTS; v++) {
				fputs("driftprobe_feature_series{feature=", o);
				label_value(o, feature_table[f].name);
				fprintf(o, ",verdict=\"%s\"} %llu\n",
					verdict__name(v),
					(unsigned long long)verdicts[f][v]);
			}
		family(o, "feature_series_muted", "gauge", "(feature, cgroup) "
		       "series a mute covered in the latest analyses, per "
		       "feature (counted in feature_series too).");
		for (int f = 0; f < DP_F_COUNT; f++) {
			if (!any[f])
				continue;
			fputs("driftprobe_feature_series_muted{feature=", o);
			label_value(o, feature_table[f].name);
			fprintf(o, "} %llu\n", (unsigned long long)muted[f]);
		}
		family(o, "feature_max_score", "gauge", "Highest score of the "
		       "feature over every cgroup in the latest analyses.");
		for (int f = 0; f < DP_F_COUNT; f++) {
			if (!scored[f])
				continue;
			fputs("driftprobe_feature_max_score{feature=", o);
			label_value(o, feature_table[f].name);
			fputc('}', o);
			value(o, max_score[f]);
		}
		family(o, "workload_score_ratio", "gauge", "Largest score/"
		       "threshold over the workload's features (1 = at its "
		       "warning level).");
		for (size_t k = 0; k < m->workloads.n; k++)
			if (wl[k].analysed) {
				fputs("driftprobe_workload_score_ratio", o);
				workload_labels(o, fc_table__at(&m->workloads, k));
				value(o, wl[k].ratio);
			}
		family(o, "workload_anomalous_features", "gauge", "Features of "
		       "the workload whose latest verdict is anomaly.");
		for (size_t k = 0; k < m->workloads.n; k++)
			if (wl[k].analysed) {
				fputs("driftprobe_workload_anomalous_features", o);
				workload_labels(o, fc_table__at(&m->workloads, k));
				fprintf(o, " %u\n", wl[k].anomalous);
			}
	}
	free(wl);
	return 0;
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

static void write_analyses(const struct expo *x, FILE *o)
{
	const struct metrics *m = x->m;
	bool any = false;

	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = detailed(x, i);

		any |= s && s->analysed;
	}
	if (!any)
		return;
	family(o, "divergence_nats", "gauge", "Divergence of the latest window "
	       "from the baseline, by measure (kl_wb = KL(window||baseline), "
	       "kl_bw, js, psi, effect = bias-corrected, the one scored).");
	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = detailed(x, i);

		for (int j = 0; s && s->analysed && j < DIVM_COUNT; j++) {
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
			const struct series *s = detailed(x, i);

			if (!s || !s->analysed || per_series_undefined(&s->an, k))
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
		const struct series *s = detailed(x, i);

		for (int v = 0; s && s->analysed && v < VERDICTS; v++) {
			fputs("driftprobe_verdict", o);
			series_labels(o, s);
			fprintf(o, ",verdict=\"%s\"} %d\n", verdict__name(v),
				s->an.verdict == (enum verdict)v);
		}
	}
	family(o, "verdicts_total", "counter", "Windows judged since start, by "
	       "verdict.");
	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = detailed(x, i);

		for (int v = 0; s && s->analysed && v < VERDICTS; v++) {
			fputs("driftprobe_verdicts_total", o);
			series_labels(o, s);
			fprintf(o, ",verdict=\"%s\"} %llu\n", verdict__name(v),
				(unsigned long long)s->verdicts_total[v]);
		}
	}
}

/* A joint feature's coupling_mi_nats samples. */
static void write_coupling_mi(FILE *o, const struct series *s)
{
	const struct {
		const char *name;
		double v;
	} est[] = {
		{ "plugin", s->cv.now.mi },
		{ "miller_madow", s->cv.now.mi_mm },
		{ "ci_low", s->cv.now.lo },
		{ "ci_high", s->cv.now.hi },
		{ "learnt_min", s->cv.band.min },
		{ "learnt_max", s->cv.band.max },
	};

	for (size_t j = 0; j < sizeof(est) / sizeof(est[0]); j++) {
		fputs("driftprobe_coupling_mi_nats", o);
		series_labels(o, s);
		fprintf(o, ",estimate=\"%s\"}", est[j].name);
		value(o, est[j].v);
	}
}

/* Joint features: the latest coupling, its learnt band, and the changes. */
static void write_couplings(const struct expo *x, FILE *o)
{
	const struct metrics *m = x->m;
	static const char *const changes[2] = { "stronger", "weaker" };
	bool any = false;

	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = detailed(x, i);

		any |= s && s->joint;
	}
	if (!any)
		return;
	family(o, "coupling_mi_nats", "gauge", "Mutual information between "
	       "the two axes of a joint feature: in the latest window "
	       "(estimate=plugin, miller_madow), its 99% interval (ci_low, "
	       "ci_high) and the per-window range learnt in the baseline "
	       "(learnt_min, learnt_max).");
	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = detailed(x, i);

		if (s && s->joint)
			write_coupling_mi(o, s);
	}
	family(o, "coupling_changes_total", "counter", "Windows whose coupling "
	       "interval lay outside the learnt range, by direction.");
	for (size_t i = 0; i < m->series.n; i++) {
		const struct series *s = detailed(x, i);

		for (int c = 0; s && s->joint && c < 2; c++) {
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
	       "labelled with its id, current severity, and as of its first "
	       "window its host, features and culprit; gone once resolved.");
	for (size_t i = 0; i < m->nopen; i++) {
		const struct open_row *r = &m->open[i];

		fputs("driftprobe_incident_active{cgroup=", o);
		label_value(o, r->cgroup);
		fputs(",workload=", o);
		label_value(o, r->workload);
		fprintf(o, ",id=\"%llu\",severity=\"%s\",host=",
			(unsigned long long)r->id,
			incident_severity__name(r->severity));
		label_value(o, r->host);
		fputs(",features=", o);
		label_value(o, r->features);
		fputs(",culprit=", o);
		label_value(o, r->culprit);
		fputs("} 1\n", o);
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
	struct expo x = { m, calloc(m->series.n ? m->series.n : 1, sizeof(bool)) };
	int err = x.detail ? select_detail(m, x.detail) : -ENOMEM;

	if (!err) {
		write_probe(m, out);
		write_windows(m, out);
		err = write_aggregates(&x, out);
	}
	if (!err) {
		write_events(&x, out);
		write_analyses(&x, out);
		write_couplings(&x, out);
		write_incidents(m, out);
	}
	free(x.detail);
	return err ? err : ferror(out) ? -EIO : 0;
}
