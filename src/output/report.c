// SPDX-License-Identifier: MIT
/*
 * Turning verdicts into output. JSON field names are the documented
 * analysis-line schema (README "Analysis lines"); an undefined value is
 * null and named in "undefined", never NaN. Text output is for a person on
 * call: what drifted, how far past its threshold, and which bins moved.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "coupling.h"
#include "detector.h"
#include "fc_table.h"
#include "feature.h"
#include "headline.h"
#include "incident.h"
#include "incident_json.h"
#include "jsonw.h"
#include "liveview.h"
#include "reason.h"
#include "report.h"
#include "sink.h"
#include "textesc.h"
#include "timefmt.h"
#include "window.h"

struct summary_row {
	struct fc_key key;	/* first: an fc_table element */
	unsigned long windows, anomalies, insufficient, coupling_changes;
	double max_score, threshold;
	bool joint;
};

#define REPORT_LABEL_LEN 64

struct report {
	/*
	 * Where per-feature lines go: in the text modes a buffer that
	 * window_done copies to dest after the window's incidents, so that
	 * a window leads with them; dest itself otherwise (or when there is
	 * no memory for the buffer).
	 */
	FILE *out;
	FILE *dest;
	char *buf;
	size_t buflen;
	unsigned long window_incidents;
	enum report_mode mode;
	enum report_normal normal;	/* REPORT_JSON's normal verdicts */
	struct liveview *view;		/* REPORT_TEXT_TTY */
	unsigned long window_anomalies, window_features, window_couplings;
	uint64_t window_events;
	struct fc_table rows;		/* of struct summary_row */
	struct jsonw_line line;		/* REPORT_JSON: the line being built */
	char (*labels[DP_F_COUNT])[REPORT_LABEL_LEN]; /* "" until formatted */
};

static void report__flush_lines(struct report *r);

struct report *report__new(FILE *out, enum report_mode mode,
			   unsigned int cols)
{
	struct report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->out = r->dest = out;
	r->mode = mode;
	if (mode == REPORT_TEXT || mode == REPORT_TEXT_LIVE) {
		FILE *m = open_memstream(&r->buf, &r->buflen);

		if (m)
			r->out = m;
	}
	r->rows = (struct fc_table)FC_TABLE_INIT(struct summary_row);
	if (mode == REPORT_TEXT_TTY && !(r->view = liveview__new(out, cols))) {
		free(r);
		return NULL;
	}
	return r;
}

void report__free(struct report *r)
{
	if (!r)
		return;
	if (r->out != r->dest) {
		report__flush_lines(r);	/* a window an error cut short */
		fclose(r->out);
	}
	free(r->buf);
	fc_table__clear(&r->rows);
	jsonw_line__free(&r->line);
	for (int f = 0; f < DP_F_COUNT; f++)
		free(r->labels[f]);
	liveview__free(r->view);
	free(r);
}

static const char *const report_normal_names[] = {
	[REPORT_NORMAL_FULL] = "full",
	[REPORT_NORMAL_COMPACT] = "compact",
	[REPORT_NORMAL_NONE] = "none",
};

void report__set_normal(struct report *r, enum report_normal how)
{
	r->normal = how;
}

int report__parse_normal(const char *name, enum report_normal *how)
{
	for (size_t i = 0; i < sizeof(report_normal_names) /
			       sizeof(report_normal_names[0]); i++)
		if (!strcmp(name, report_normal_names[i])) {
			*how = (enum report_normal)i;
			return 0;
		}
	return -EINVAL;
}

/* ,"key":value, or null when its undefined bit is set. */
static void json_value(struct jsonw_line *l, const char *key, double v,
		       unsigned int undef, unsigned int bit)
{
	jsonw_line__raw(l, key);
	if (undef & bit)
		jsonw_line__raw(l, "null");
	else
		jsonw_line__number(l, v);
}

static void write_json_coupling(struct jsonw_line *l,
				const struct coupling_verdict *cv)
{
	jsonw_line__raw(l, ",\"coupling\":{\"mi\":");
	jsonw_line__number(l, cv->now.mi);
	jsonw_line__raw(l, ",\"mi_mm\":");
	jsonw_line__number(l, cv->now.mi_mm);
	jsonw_line__raw(l, ",\"nmi\":");
	jsonw_line__number(l, cv->now.nmi);
	jsonw_line__raw(l, ",\"ci\":[");
	jsonw_line__number(l, cv->now.lo);
	jsonw_line__raw(l, ",");
	jsonw_line__number(l, cv->now.hi);
	jsonw_line__raw(l, "],\"baseline\":{\"mi_min\":");
	jsonw_line__number(l, cv->band.min);
	jsonw_line__raw(l, ",\"mi_max\":");
	jsonw_line__number(l, cv->band.max);
	jsonw_line__raw(l, ",\"mi_pooled\":");
	jsonw_line__number(l, cv->band.pooled);
	jsonw_line__raw(l, "},\"change\":");
	jsonw_line__string(l, coupling__change_name(cv->change));
	jsonw_line__raw(l, "}");
}

/*
 * Bin f's label, formatted once per report (feature__label is snprintf,
 * and the top bins of 4,000 lines a window repeat). Into buf, which holds
 * REPORT_LABEL_LEN bytes, when there is no memory for the cache.
 */
static const char *bin_label(struct report *r, enum dp_feature_id f,
			     uint32_t bin, char *buf)
{
	char *l;

	if (!r->labels[f] && bin < feature_table[f].bins)
		r->labels[f] = calloc(feature_table[f].bins,
				      sizeof(*r->labels[f]));
	if (!r->labels[f] || bin >= feature_table[f].bins) {
		feature__label(f, bin, buf, REPORT_LABEL_LEN);
		return buf;
	}
	l = r->labels[f][bin];
	if (!l[0])
		feature__label(f, bin, l, REPORT_LABEL_LEN);
	return l;
}

/* Who was behind a bin of this window ("10.0.0.2:443, ..."), or NULL. */
static const char *bin_exemplar(const struct window_hist *h, uint32_t bin)
{
	return h ? window_hist__exemplar(h, bin) : NULL;
}

/* A moved bin of an analysis line, its label from the report's cache. */
static void write_json_top(struct report *r, enum dp_feature_id f,
			   const struct window_hist *h,
			   const struct bin_contribution *c)
{
	char buf[REPORT_LABEL_LEN];

	incident_json__bin(&r->line, bin_label(r, f, c->bin, buf),
			   bin_exemplar(h, c->bin), c);
}

/*
 * Whether an is a verdict --normal-lines shortens or leaves out: normal,
 * or too few events to judge, neither muted nor holding an alarm.
 */
static bool is_quiet(const struct analysis *an)
{
	return (an->verdict == VERDICT_NORMAL ||
		an->verdict == VERDICT_INSUFFICIENT) && !an->held && !an->muted;
}

/* The head of an analysis line: type, ts, host, feature, cgroup, workload. */
static void write_json_head(struct jsonw_line *l, const struct window *w,
			    enum dp_feature_id f, const char *cgroup,
			    const struct window_hist *h)
{
	jsonw_line__head(l, "analysis", w->ts, w->host, feature_table[f].name,
			 cgroup);
	if (h && h->workload) {		/* a cgroup judged as its workload */
		jsonw_line__raw(l, ",\"workload\":");
		jsonw_line__string(l, h->workload);
	}
}

/* --normal-lines compact: what a quiet verdict needs, in one short line. */
static void write_json_compact(struct report *r, const struct window *w,
			       enum dp_feature_id f, const char *cgroup,
			       const struct window_hist *h,
			       const struct analysis *an)
{
	struct jsonw_line *l = &r->line;

	write_json_head(l, w, f, cgroup, h);
	jsonw_line__raw(l, ",\"n\":");
	jsonw_line__u64(l, an->d.n_window);
	json_value(l, ",\"effect\":", an->d.effect, an->d.undefined,
		   divergence_measures[DIVM_effect].undefined);
	json_value(l, ",\"score\":", an->score, 0, 0);
	json_value(l, ",\"threshold\":", an->threshold, 0, 0);
	jsonw_line__raw(l, ",\"verdict\":");
	jsonw_line__string(l, verdict__name(an->verdict));
	jsonw_line__raw(l, "}\n");
	jsonw_line__flush(l, r->out);
}

static void write_json(struct report *r, const struct window *w,
		       enum dp_feature_id f, const char *cgroup,
		       const struct window_hist *h,
		       const struct analysis *an,
		       const struct coupling_verdict *cv)
{
	const struct divergence *d = &an->d;
	struct jsonw_line *l = &r->line;
	char reason[REASON_LEN];
	bool first = true;

	write_json_head(l, w, f, cgroup, h);
	jsonw_line__raw(l, ",\"n\":");
	jsonw_line__u64(l, d->n_window);
	for (int m = 0; m < DIVM_COUNT; m++) {
		const struct divergence_measure_info *mi =
			&divergence_measures[m];

		if (m == DIVM_p_value) {	/* the G-test's df before its p */
			jsonw_line__raw(l, ",\"df\":");
			jsonw_line__u64(l, d->df);
		}
		jsonw_line__raw(l, ",\"");
		jsonw_line__raw(l, mi->name);
		json_value(l, "\":", divergence__measure(d, m), d->undefined,
			   mi->undefined);
	}
	json_value(l, ",\"score\":", an->score, 0, 0);
	json_value(l, ",\"threshold\":", an->threshold, 0, 0);
	json_value(l, ",\"critical\":", an->critical, 0, 0);
	jsonw_line__raw(l, ",\"verdict\":");
	jsonw_line__string(l, verdict__name(an->verdict));
	jsonw_line__raw(l, ",\"reason\":");
	jsonw_line__string(l, reason__format(an, reason, sizeof(reason)));
	if (an->muted)
		jsonw_line__raw(l, ",\"muted\":true");
	if (an->muted_bins) {
		jsonw_line__raw(l, ",\"muted_bins\":");
		jsonw_line__u64(l, an->muted_bins);
	}
	jsonw_line__raw(l, ",\"top\":[");
	for (size_t i = 0; i < an->ntop; i++) {
		if (i)
			jsonw_line__raw(l, ",");
		write_json_top(r, f, h, &an->top[i]);
	}
	jsonw_line__raw(l, "]");
	if (d->undefined) {
		jsonw_line__raw(l, ",\"undefined\":[");
		/* Bit by bit, then in the measures' order. */
		for (unsigned int bit = 1; bit <= DIV_UNDEF_G; bit <<= 1)
			for (int m = 0; m < DIVM_COUNT; m++) {
				const struct divergence_measure_info *mi =
					&divergence_measures[m];

				if (mi->undefined != bit ||
				    !(mi->flags & DIVM_LISTED) ||
				    !(d->undefined & bit))
					continue;
				if (!first)
					jsonw_line__raw(l, ",");
				jsonw_line__string(l, mi->name);
				first = false;
			}
		jsonw_line__raw(l, "]");
	}
	if (cv)
		write_json_coupling(l, cv);
	jsonw_line__raw(l, "}\n");
	/* Out of memory loses the line, as a failed fputs would have. */
	jsonw_line__flush(l, r->out);
}

/*
 * "openat 1.2% -> 33.0%" for each top bin, comma separated, with who was
 * behind the bin in brackets when known.
 */
static void write_bins(struct report *r, FILE *o, enum dp_feature_id f,
		       const struct window_hist *h,
		       const struct bin_contribution *top, size_t ntop)
{
	char buf[REPORT_LABEL_LEN];

	for (size_t i = 0; i < ntop; i++) {
		const struct bin_contribution *c = &top[i];
		const char *ex = bin_exemplar(h, c->bin);

		fprintf(o, "%s%s %.3g%% -> %.3g%%", i ? ", " : "",
			bin_label(r, f, c->bin, buf), 100 * c->baseline_p,
			100 * c->window_p);
		if (ex)
			fprintf(o, " [%s]", TEXTESC(ex));
	}
}

static void write_top_bins(struct report *r, enum dp_feature_id f,
			   const struct window_hist *h,
			   const struct analysis *an, size_t max)
{
	write_bins(r, r->out, f, h, an->top, an->ntop < max ? an->ntop : max);
}

/* An anomaly, or what would be one but for a mute (what: "MUTED"). */
static void write_anomaly_line(struct report *r, const struct window *w,
			       enum dp_feature_id f, const char *cgroup,
			       const struct window_hist *h,
			       const struct analysis *an, const char *what)
{
	char when[32], reason[REASON_LEN];

	timefmt__utc(w->ts, when, sizeof(when));
	fprintf(r->out, "%s %s %s cgroup=%s n=%llu: %s; moved: ", when, what,
		feature_table[f].name, TEXTESC(cgroup),
		(unsigned long long)an->d.n_window,
		reason__format(an, reason, sizeof(reason)));
	write_top_bins(r, f, h, an, 3);
	fputc('\n', r->out);
}

static void write_coupling_line(struct report *r, const struct window *w,
				enum dp_feature_id f, const char *cgroup,
				const struct window_hist *h,
				const struct analysis *an,
				const struct coupling_verdict *cv)
{
	char when[32];

	timefmt__utc(w->ts, when, sizeof(when));
	fprintf(r->out, "%s COUPLING %s %s cgroup=%s: MI [%.4g, %.4g] nats, "
		"learnt [%.4g, %.4g]; moved: ", when,
		coupling__change_name(cv->change), feature_table[f].name,
		TEXTESC(cgroup), cv->now.lo, cv->now.hi, cv->band.min, cv->band.max);
	write_top_bins(r, f, h, an, 3);
	fputc('\n', r->out);
}

static void write_coupling_block(struct report *r, const struct window *w,
				 enum dp_feature_id f, const char *cgroup,
				 const struct window_hist *h,
				 const struct analysis *an,
				 const struct coupling_verdict *cv)
{
	char when[32];

	timefmt__utc(w->ts, when, sizeof(when));
	fprintf(r->out, "\n%s COUPLING %s %s (%s%s)\n  MI %.4g nats "
		"(%g%% interval [%.4g, %.4g]), learnt per window [%.4g, %.4g], "
		"NMI %.3f\n  cells that moved: ", when,
		coupling__change_name(cv->change), feature_table[f].name,
		window__scope_label(cgroup), TEXTESC(cgroup), cv->now.mi,
		COUPLING_LEVEL * 100, cv->now.lo, cv->now.hi, cv->band.min,
		cv->band.max, cv->now.nmi);
	write_top_bins(r, f, h, an, ANALYSIS_TOP);
	fputs("\n\n", r->out);
}

static void write_anomaly_block(struct report *r, const struct window *w,
				enum dp_feature_id f, const char *cgroup,
				const struct window_hist *h,
				const struct analysis *an)
{
	const struct divergence *d = &an->d;
	char when[32], buf[REPORT_LABEL_LEN], reason[REASON_LEN];

	timefmt__utc(w->ts, when, sizeof(when));
	fprintf(r->out, "\n%s ANOMALY %s (%s%s, %llu events)\n", when,
		feature_table[f].name, window__scope_label(cgroup),
		TEXTESC(cgroup),
		(unsigned long long)d->n_window);
	fprintf(r->out, "  %s\n", reason__format(an, reason, sizeof(reason)));
	fprintf(r->out, "  kl_wb %.4g  kl_bw %.4g  js %.4g  psi %.4g  "
		"hellinger %.4g nats\n", d->kl_wb, d->kl_bw, d->js, d->psi,
		d->hellinger);
	fprintf(r->out, "  %-24s %10s %10s %8s\n", "bin", "baseline",
		"window", "share");
	for (size_t i = 0; i < an->ntop; i++) {
		const struct bin_contribution *c = &an->top[i];
		const char *ex = bin_exemplar(h, c->bin);

		fprintf(r->out, "  %-24s %9.3f%% %9.3f%% %7.1f%%%s%s\n",
			bin_label(r, f, c->bin, buf), 100 * c->baseline_p, 100 * c->window_p,
			100 * c->contribution, ex ? "  " : "",
			ex ? TEXTESC(ex) : "");
	}
	fputc('\n', r->out);
}

static int report__analysis(void *ctx, const struct window *w,
			    enum dp_feature_id f, const char *cgroup,
			    const struct window_hist *h,
			    const struct analysis *an,
			    const struct coupling_verdict *cv)
{
	struct report *r = ctx;
	/* Only text mode prints the summary: 1,000 cgroups, 4,000 rows. */
	struct summary_row *row = r->mode == REPORT_TEXT ?
				  fc_table__get(&r->rows, f, cgroup) : NULL;
	bool coupling_moved = cv && cv->change != COUPLING_STEADY;

	if (row) {
		row->joint |= cv != NULL;
		row->coupling_changes += coupling_moved;
		row->windows++;
		row->anomalies += an->verdict == VERDICT_ANOMALY;
		row->insufficient += an->verdict == VERDICT_INSUFFICIENT;
		if (an->score > row->max_score)
			row->max_score = an->score;
		row->threshold = an->threshold;
	}
	r->window_features++;
	r->window_anomalies += an->verdict == VERDICT_ANOMALY;
	r->window_couplings += coupling_moved;
	if (f == DP_F_SYSCALL_ID && !strcmp(cgroup, "/"))
		r->window_events = an->d.n_window;

	switch (r->mode) {
	case REPORT_JSON:
		if (r->normal == REPORT_NORMAL_FULL || !is_quiet(an))
			write_json(r, w, f, cgroup, h, an, cv);
		else if (r->normal == REPORT_NORMAL_COMPACT)
			write_json_compact(r, w, f, cgroup, h, an);
		break;
	case REPORT_TEXT:
		if (an->verdict == VERDICT_ANOMALY)
			write_anomaly_line(r, w, f, cgroup, h, an, "ANOMALY");
		if (an->muted && an->exceeds)
			write_anomaly_line(r, w, f, cgroup, h, an, "MUTED");
		if (coupling_moved)
			write_coupling_line(r, w, f, cgroup, h, an, cv);
		break;
	case REPORT_TEXT_LIVE:
		if (an->verdict == VERDICT_ANOMALY)
			write_anomaly_block(r, w, f, cgroup, h, an);
		if (an->muted && an->exceeds)
			write_anomaly_line(r, w, f, cgroup, h, an, "MUTED");
		if (coupling_moved)
			write_coupling_block(r, w, f, cgroup, h, an, cv);
		break;
	case REPORT_TEXT_TTY:
		/* Out of memory only loses a row of the view. */
		if (liveview__update(r->view, f, cgroup, an) == 1) {
			liveview__erase(r->view);
			write_anomaly_block(r, w, f, cgroup, h, an);
		}
		if (coupling_moved) {
			liveview__erase(r->view);
			write_coupling_block(r, w, f, cgroup, h, an, cv);
		}
		break;
	}
	return 0;
}

static int report__new_series(void *ctx, const struct window *w,
			      enum dp_feature_id f, const char *cgroup,
			      uint64_t n, bool cgroup_known)
{
	struct report *r = ctx;
	char when[32], reason[64];

	switch (r->mode) {
	case REPORT_JSON:
		jsonw_line__head(&r->line, "analysis", w->ts, w->host,
				 feature_table[f].name, cgroup);
		jsonw_line__raw(&r->line, ",\"n\":");
		jsonw_line__u64(&r->line, n);
		snprintf(reason, sizeof(reason), cgroup_known ?
			 "no events of this feature in the %s's baseline" :
			 "%s not in the baseline",
			 window__scope_kind(cgroup));
		jsonw_line__raw(&r->line, ",\"verdict\":\"new\",\"reason\":\"");
		jsonw_line__raw(&r->line, reason);
		jsonw_line__raw(&r->line, ": reported once, not judged\"}\n");
		jsonw_line__flush(&r->line, r->out);
		break;
	case REPORT_TEXT_TTY:
		liveview__erase(r->view);
		/* fall through */
	case REPORT_TEXT:
	case REPORT_TEXT_LIVE:
		timefmt__utc(w->ts, when, sizeof(when));
		if (cgroup_known)
			fprintf(r->out, "%s NEW %s in %s%s: %llu events; "
				"none while learning, so not judged (relearn "
				"to include it)\n", when, feature_table[f].name,
				window__scope_label(cgroup), TEXTESC(cgroup),
				(unsigned long long)n);
		else
			fprintf(r->out, "%s NEW %s%s: %llu %s events; not "
				"in the baseline, so not judged (relearn to "
				"include it)\n", when,
				window__scope_label(cgroup), TEXTESC(cgroup),
				(unsigned long long)n, feature_table[f].name);
		break;
	}
	return 0;
}


/* ---- incidents ------------------------------------------------------------ */

static void write_json_incident(struct report *r, const struct window *w,
				const struct incident *inc)
{
	incident_json__line(&r->line, w, inc);
	jsonw_line__flush(&r->line, r->dest);
}

/* "4242 curl ~1200, new (leader); 4243 tar ~800, new (child)" */
static void write_culprits(FILE *o, const struct incident *inc)
{
	fputs("  who: ", o);
	if (!inc->nculprits)
		fputs("no process exemplars in this cgroup's syscalls", o);
	for (size_t i = 0; i < inc->nculprits; i++) {
		const struct incident_culprit *c = &inc->culprits[i];

		fprintf(o, "%s%u %s ~%llu", i ? "; " : "", c->pid,
			TEXTESC(c->comm), (unsigned long long)c->samples);
		if (c->ppid)
			fprintf(o, " ppid %u", c->ppid);
		fprintf(o, "%s%s", c->new_pid ? (c->new_comm ? ", new program" :
			", new process") : ", seen before",
			c->leader ? " (leader)" : c->child ? " (child)" : "");
	}
	fputc('\n', o);
}

/*
 * 2026-.. INCIDENT #3 open, window 1: critical: /cg: ... led by ...
 *   syscall.id score 2.1 >= threshold 0.31 (6.8x): openat 0.1% -> 31% [..]
 *   who: 4242 curl ~1200, new program (leader); ...
 */
static void write_incident_text(struct report *r, const struct window *w,
				const struct incident *inc)
{
	FILE *o = r->dest;
	char when[32], hl[HEADLINE_LEN];

	timefmt__utc(w->ts, when, sizeof(when));
	headline__format(inc, hl, sizeof(hl));
	if (inc->state == INCIDENT_RESOLVED) {
		fprintf(o, "%s INCIDENT #%llu resolved after %u window%s: was "
			"%s\n", when, (unsigned long long)inc->id, inc->windows,
			inc->windows == 1 ? "" : "s", TEXTESC(hl));
		return;
	}
	fprintf(o, "%s INCIDENT #%llu %s, window %u: %s\n", when,
		(unsigned long long)inc->id, incident_state__name(inc->state),
		inc->windows, TEXTESC(hl));
	if (strcmp(incident__workload(inc), inc->cgroup))
		fprintf(o, "  cgroup %s\n", TEXTESC(inc->cgroup));
	for (size_t i = 0; i < inc->nmembers; i++) {
		const struct incident_member *m = &inc->members[i];

		fprintf(o, "  %s score %.3g %s threshold %.3g (%.1fx, critical "
			"%.3g): ", feature_table[m->feature].name, m->score,
			m->score >= m->threshold ? ">=" : "<", m->threshold,
			incident__ratio(m->score, m->threshold), m->critical);
		write_bins(r, o, m->feature, m->h, m->top, m->ntop);
		fputc('\n', o);
	}
	if (inc->nanomalous > inc->nmembers)
		fprintf(o, "  and %zu more anomalous features\n",
			inc->nanomalous - inc->nmembers);
	write_culprits(o, inc);
}

static int report__incident(void *ctx, const struct window *w,
			    const struct incident *inc)
{
	struct report *r = ctx;

	r->window_incidents++;
	switch (r->mode) {
	case REPORT_JSON:
		write_json_incident(r, w, inc);
		break;
	case REPORT_TEXT_TTY:
		/* Only openings and resolutions; the view shows the rest. */
		if (inc->state == INCIDENT_ONGOING)
			break;
		liveview__erase(r->view);
		/* fall through */
	case REPORT_TEXT:
	case REPORT_TEXT_LIVE:
		write_incident_text(r, w, inc);
		break;
	}
	return 0;
}

/* The window's per-feature lines, after its incidents. */
static void report__flush_lines(struct report *r)
{
	if (r->out == r->dest)
		return;
	fflush(r->out);
	if (r->buflen)
		fwrite(r->buf, 1, r->buflen, r->dest);
	rewind(r->out);
}

static int report__window_done(void *ctx, const struct window *w)
{
	struct report *r = ctx;
	char when[32];

	report__flush_lines(r);
	if (r->mode == REPORT_TEXT_TTY)
		liveview__draw(r->view, w);
	if (r->mode == REPORT_TEXT_LIVE) {
		timefmt__utc(w->ts, when, sizeof(when));
		fprintf(r->dest, "%s window %.0fs: %llu syscalls, %lu features "
			"checked, %lu anomal%s", when, w->interval_s,
			(unsigned long long)r->window_events,
			r->window_features, r->window_anomalies,
			r->window_anomalies == 1 ? "y" : "ies");
		if (r->window_couplings)
			fprintf(r->dest, ", %lu coupling change%s",
				r->window_couplings,
				r->window_couplings == 1 ? "" : "s");
		if (r->window_incidents)
			fprintf(r->dest, ", %lu incident%s",
				r->window_incidents,
				r->window_incidents == 1 ? "" : "s");
		fputc('\n', r->dest);
	}
	r->window_features = r->window_anomalies = r->window_couplings = 0;
	r->window_events = 0;
	r->window_incidents = 0;
	fflush(r->dest);
	return 0;
}

struct analysis_sink report__sink(struct report *r)
{
	return (struct analysis_sink){
		.analysis = report__analysis,
		.new_series = report__new_series,
		.window_done = report__window_done,
		.incident = report__incident,
		.ctx = r,
		/* Only a full JSON line prints a quiet verdict's. */
		.quiet_lean = r->mode != REPORT_JSON ||
			      r->normal != REPORT_NORMAL_FULL,
	};
}

void report__summary(struct report *r)
{
	report__flush_lines(r);
	if (r->mode != REPORT_TEXT)
		return;
	fprintf(r->dest, "\n%-20s %-12s %8s %9s %12s %12s %12s %9s\n",
		"feature", "cgroup", "windows", "anomalies", "insufficient",
		"max score", "threshold", "coupling");
	for (size_t i = 0; i < r->rows.n; i++) {
		const struct summary_row *s = fc_table__at(&r->rows, i);

		fprintf(r->dest, "%-20s %-12s %8lu %9lu %12lu %12.4g %12.4g ",
			feature_table[s->key.feature].name,
			TEXTESC(s->key.cgroup),
			s->windows, s->anomalies, s->insufficient,
			s->max_score, s->threshold);
		if (s->joint)
			fprintf(r->dest, "%9lu\n", s->coupling_changes);
		else
			fprintf(r->dest, "%9s\n", "-");
	}
}
