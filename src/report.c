// SPDX-License-Identifier: MIT
/*
 * Turning verdicts into output. JSON field names are the documented
 * analysis-line schema (README "Analysis lines"); an undefined value is
 * null and named in "undefined", never NaN. Text output is for a person on
 * call: what drifted, how far past its threshold, and which bins moved.
 */
#include <stdlib.h>
#include <string.h>
#include "coupling.h"
#include "detector.h"
#include "fc_table.h"
#include "feature.h"
#include "jsonw.h"
#include "liveview.h"
#include "report.h"
#include "timefmt.h"
#include "window.h"

struct summary_row {
	struct fc_key key;	/* first: an fc_table element */
	unsigned long windows, anomalies, insufficient, coupling_changes;
	double max_effect, threshold;
	bool joint;
};

struct report {
	FILE *out;
	enum report_mode mode;
	struct liveview *view;		/* REPORT_TEXT_TTY */
	unsigned long window_anomalies, window_features, window_couplings;
	uint64_t window_events;
	struct fc_table rows;		/* of struct summary_row */
};

static const struct {
	unsigned int bit;
	const char *name;
} undefined_names[] = {
	{ DIV_UNDEF_KL_WB, "kl_wb" },
	{ DIV_UNDEF_KL_BW, "kl_bw" },
	{ DIV_UNDEF_PSI, "psi" },
	{ DIV_UNDEF_SMOOTHED, "js" },
	{ DIV_UNDEF_SMOOTHED, "hellinger" },
	{ DIV_UNDEF_G, "g" },
	{ DIV_UNDEF_G, "p_value" },
};

struct report *report__new(FILE *out, enum report_mode mode,
			   unsigned int cols)
{
	struct report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->out = out;
	r->mode = mode;
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
	fc_table__clear(&r->rows);
	liveview__free(r->view);
	free(r);
}

/* A value, or null when its undefined bit is set. */
static void json_value(FILE *f, const char *key, double v, unsigned int undef,
		       unsigned int bit)
{
	fprintf(f, ",\"%s\":", key);
	if (undef & bit)
		fputs("null", f);
	else
		jsonw__number(f, v);
}

static void write_json_coupling(FILE *o, const struct coupling_verdict *cv)
{
	fputs(",\"coupling\":{\"mi\":", o);
	jsonw__number(o, cv->now.mi);
	fputs(",\"mi_mm\":", o);
	jsonw__number(o, cv->now.mi_mm);
	fputs(",\"nmi\":", o);
	jsonw__number(o, cv->now.nmi);
	fputs(",\"ci\":[", o);
	jsonw__number(o, cv->now.lo);
	fputc(',', o);
	jsonw__number(o, cv->now.hi);
	fputs("],\"baseline\":{\"mi_min\":", o);
	jsonw__number(o, cv->band.min);
	fputs(",\"mi_max\":", o);
	jsonw__number(o, cv->band.max);
	fputs(",\"mi_pooled\":", o);
	jsonw__number(o, cv->band.pooled);
	fputs("},\"change\":", o);
	jsonw__string(o, coupling__change_name(cv->change));
	fputc('}', o);
}

/* Who was behind a bin of this window ("10.0.0.2:443, ..."), or NULL. */
static const char *bin_exemplar(const struct window *w, enum dp_feature_id f,
				const char *cgroup, uint32_t bin)
{
	const struct window_hist *h = window__find(w, f, cgroup);

	return h ? window_hist__exemplar(h, bin) : NULL;
}

static void write_json(struct report *r, const struct window *w,
		       enum dp_feature_id f, const char *cgroup,
		       const struct analysis *an,
		       const struct coupling_verdict *cv)
{
	const struct divergence *d = &an->d;
	FILE *o = r->out;
	char label[64];
	bool first = true;

	fprintf(o, "{\"ts\":%.3f,\"host\":", w->ts);
	jsonw__string(o, w->host);
	fputs(",\"feature\":", o);
	jsonw__string(o, feature_table[f].name);
	fputs(",\"cgroup\":", o);
	jsonw__string(o, cgroup);
	fprintf(o, ",\"n\":%llu", (unsigned long long)d->n_window);
	json_value(o, "kl_wb", d->kl_wb, d->undefined, DIV_UNDEF_KL_WB);
	json_value(o, "kl_bw", d->kl_bw, d->undefined, DIV_UNDEF_KL_BW);
	json_value(o, "js", d->js, d->undefined, DIV_UNDEF_SMOOTHED);
	json_value(o, "psi", d->psi, d->undefined, DIV_UNDEF_PSI);
	json_value(o, "hellinger", d->hellinger, d->undefined,
		   DIV_UNDEF_SMOOTHED);
	json_value(o, "effect", d->effect, d->undefined, DIV_UNDEF_G);
	json_value(o, "g", d->g, d->undefined, DIV_UNDEF_G);
	fprintf(o, ",\"df\":%u", d->df);
	json_value(o, "p_value", d->p_value, d->undefined, DIV_UNDEF_G);
	fputs(",\"threshold\":", o);
	jsonw__number(o, an->threshold);
	fputs(",\"verdict\":", o);
	jsonw__string(o, verdict__name(an->verdict));
	fputs(",\"reason\":", o);
	jsonw__string(o, an->reason);
	fputs(",\"top\":[", o);
	for (size_t i = 0; i < an->ntop; i++) {
		const struct bin_contribution *c = &an->top[i];
		const char *ex = bin_exemplar(w, f, cgroup, c->bin);

		feature__label(f, c->bin, label, sizeof(label));
		fprintf(o, "%s{\"bin\":%u,\"label\":", i ? "," : "", c->bin);
		jsonw__string(o, label);
		if (ex) {
			fputs(",\"exemplars\":", o);
			jsonw__string(o, ex);
		}
		fputs(",\"baseline_p\":", o);
		jsonw__number(o, c->baseline_p);
		fputs(",\"window_p\":", o);
		jsonw__number(o, c->window_p);
		fputs(",\"contribution\":", o);
		jsonw__number(o, c->contribution);
		fputc('}', o);
	}
	fputc(']', o);
	if (d->undefined) {
		fputs(",\"undefined\":[", o);
		for (size_t i = 0; i < sizeof(undefined_names) /
				       sizeof(undefined_names[0]); i++) {
			if (!(d->undefined & undefined_names[i].bit))
				continue;
			fprintf(o, "%s\"%s\"", first ? "" : ",",
				undefined_names[i].name);
			first = false;
		}
		fputc(']', o);
	}
	if (cv)
		write_json_coupling(o, cv);
	fputs("}\n", o);
}

/*
 * "openat 1.2% -> 33.0%" for each top bin, comma separated, with who was
 * behind the bin in brackets when known.
 */
static void write_top_bins(FILE *o, const struct window *w,
			   enum dp_feature_id f, const char *cgroup,
			   const struct analysis *an, size_t max)
{
	char label[64];

	for (size_t i = 0; i < an->ntop && i < max; i++) {
		const struct bin_contribution *c = &an->top[i];
		const char *ex = bin_exemplar(w, f, cgroup, c->bin);

		feature__label(f, c->bin, label, sizeof(label));
		fprintf(o, "%s%s %.3g%% -> %.3g%%", i ? ", " : "", label,
			100 * c->baseline_p, 100 * c->window_p);
		if (ex)
			fprintf(o, " [%s]", ex);
	}
}

static void write_anomaly_line(struct report *r, const struct window *w,
			       enum dp_feature_id f, const char *cgroup,
			       const struct analysis *an)
{
	char when[32];

	timefmt__utc(w->ts, when, sizeof(when));
	fprintf(r->out, "%s ANOMALY %s cgroup=%s n=%llu: %s; moved: ", when,
		feature_table[f].name, cgroup,
		(unsigned long long)an->d.n_window, an->reason);
	write_top_bins(r->out, w, f, cgroup, an, 3);
	fputc('\n', r->out);
}

static void write_coupling_line(struct report *r, const struct window *w,
				enum dp_feature_id f, const char *cgroup,
				const struct analysis *an,
				const struct coupling_verdict *cv)
{
	char when[32];

	timefmt__utc(w->ts, when, sizeof(when));
	fprintf(r->out, "%s COUPLING %s %s cgroup=%s: MI [%.4g, %.4g] nats, "
		"learnt [%.4g, %.4g]; moved: ", when,
		coupling__change_name(cv->change), feature_table[f].name,
		cgroup, cv->now.lo, cv->now.hi, cv->band.min, cv->band.max);
	write_top_bins(r->out, w, f, cgroup, an, 3);
	fputc('\n', r->out);
}

static void write_coupling_block(struct report *r, const struct window *w,
				 enum dp_feature_id f, const char *cgroup,
				 const struct analysis *an,
				 const struct coupling_verdict *cv)
{
	char when[32];

	timefmt__utc(w->ts, when, sizeof(when));
	fprintf(r->out, "\n%s COUPLING %s %s (cgroup %s)\n  MI %.4g nats "
		"(%g%% interval [%.4g, %.4g]), learnt per window [%.4g, %.4g], "
		"NMI %.3f\n  cells that moved: ", when,
		coupling__change_name(cv->change), feature_table[f].name,
		cgroup, cv->now.mi, COUPLING_LEVEL * 100, cv->now.lo,
		cv->now.hi, cv->band.min, cv->band.max, cv->now.nmi);
	write_top_bins(r->out, w, f, cgroup, an, ANALYSIS_TOP);
	fputs("\n\n", r->out);
}

static void write_anomaly_block(struct report *r, const struct window *w,
				enum dp_feature_id f, const char *cgroup,
				const struct analysis *an)
{
	const struct divergence *d = &an->d;
	char when[32], label[64];

	timefmt__utc(w->ts, when, sizeof(when));
	fprintf(r->out, "\n%s ANOMALY %s (cgroup %s, %llu events)\n", when,
		feature_table[f].name, cgroup,
		(unsigned long long)d->n_window);
	fprintf(r->out, "  %s\n", an->reason);
	fprintf(r->out, "  kl_wb %.4g  kl_bw %.4g  js %.4g  psi %.4g  "
		"hellinger %.4g nats\n", d->kl_wb, d->kl_bw, d->js, d->psi,
		d->hellinger);
	fprintf(r->out, "  %-24s %10s %10s %8s\n", "bin", "baseline",
		"window", "share");
	for (size_t i = 0; i < an->ntop; i++) {
		const struct bin_contribution *c = &an->top[i];
		const char *ex = bin_exemplar(w, f, cgroup, c->bin);

		feature__label(f, c->bin, label, sizeof(label));
		fprintf(r->out, "  %-24s %9.3f%% %9.3f%% %7.1f%%%s%s\n", label,
			100 * c->baseline_p, 100 * c->window_p,
			100 * c->contribution, ex ? "  " : "", ex ? ex : "");
	}
	fputc('\n', r->out);
}

void report__analysis(struct report *r, const struct window *w,
		      enum dp_feature_id f, const char *cgroup,
		      const struct analysis *an,
		      const struct coupling_verdict *cv)
{
	struct summary_row *row = fc_table__get(&r->rows, f, cgroup);
	bool coupling_moved = cv && cv->change != COUPLING_STEADY;

	if (row) {
		row->joint |= cv != NULL;
		row->coupling_changes += coupling_moved;
		row->windows++;
		row->anomalies += an->verdict == VERDICT_ANOMALY;
		row->insufficient += an->verdict == VERDICT_INSUFFICIENT;
		if (an->d.effect > row->max_effect)
			row->max_effect = an->d.effect;
		row->threshold = an->threshold;
	}
	r->window_features++;
	r->window_anomalies += an->verdict == VERDICT_ANOMALY;
	r->window_couplings += coupling_moved;
	if (f == DP_F_SYSCALL_ID && !strcmp(cgroup, "/"))
		r->window_events = an->d.n_window;

	switch (r->mode) {
	case REPORT_JSON:
		write_json(r, w, f, cgroup, an, cv);
		break;
	case REPORT_TEXT:
		if (an->verdict == VERDICT_ANOMALY)
			write_anomaly_line(r, w, f, cgroup, an);
		if (coupling_moved)
			write_coupling_line(r, w, f, cgroup, an, cv);
		break;
	case REPORT_TEXT_LIVE:
		if (an->verdict == VERDICT_ANOMALY)
			write_anomaly_block(r, w, f, cgroup, an);
		if (coupling_moved)
			write_coupling_block(r, w, f, cgroup, an, cv);
		break;
	case REPORT_TEXT_TTY:
		/* Out of memory only loses a row of the view. */
		if (liveview__update(r->view, f, cgroup, an) == 1) {
			liveview__erase(r->view);
			write_anomaly_block(r, w, f, cgroup, an);
		}
		if (coupling_moved) {
			liveview__erase(r->view);
			write_coupling_block(r, w, f, cgroup, an, cv);
		}
		break;
	}
}

void report__new_cgroup(struct report *r, const struct window *w,
			enum dp_feature_id f, const char *cgroup, uint64_t n)
{
	char when[32];

	switch (r->mode) {
	case REPORT_JSON:
		fprintf(r->out, "{\"ts\":%.3f,\"host\":", w->ts);
		jsonw__string(r->out, w->host);
		fputs(",\"feature\":", r->out);
		jsonw__string(r->out, feature_table[f].name);
		fputs(",\"cgroup\":", r->out);
		jsonw__string(r->out, cgroup);
		fprintf(r->out, ",\"n\":%llu,\"verdict\":\"new\",\"reason\":"
			"\"cgroup not in the baseline: reported once, not "
			"judged\"}\n", (unsigned long long)n);
		break;
	case REPORT_TEXT_TTY:
		liveview__erase(r->view);
		/* fall through */
	case REPORT_TEXT:
	case REPORT_TEXT_LIVE:
		timefmt__utc(w->ts, when, sizeof(when));
		fprintf(r->out, "%s NEW cgroup %s: %llu %s events; not in the "
			"baseline, so not judged (relearn to include it)\n",
			when, cgroup, (unsigned long long)n,
			feature_table[f].name);
		break;
	}
}

void report__window_done(struct report *r, const struct window *w)
{
	char when[32];

	if (r->mode == REPORT_TEXT_TTY)
		liveview__draw(r->view, w);
	if (r->mode == REPORT_TEXT_LIVE) {
		timefmt__utc(w->ts, when, sizeof(when));
		fprintf(r->out, "%s window %.0fs: %llu syscalls, %lu features "
			"checked, %lu anomal%s", when, w->interval_s,
			(unsigned long long)r->window_events,
			r->window_features, r->window_anomalies,
			r->window_anomalies == 1 ? "y" : "ies");
		if (r->window_couplings)
			fprintf(r->out, ", %lu coupling change%s",
				r->window_couplings,
				r->window_couplings == 1 ? "" : "s");
		fputc('\n', r->out);
	}
	r->window_features = r->window_anomalies = r->window_couplings = 0;
	r->window_events = 0;
	fflush(r->out);
}

void report__summary(struct report *r)
{
	if (r->mode != REPORT_TEXT)
		return;
	fprintf(r->out, "\n%-20s %-12s %8s %9s %12s %12s %12s %9s\n",
		"feature", "cgroup", "windows", "anomalies", "insufficient",
		"max effect", "threshold", "coupling");
	for (size_t i = 0; i < r->rows.n; i++) {
		const struct summary_row *s = fc_table__at(&r->rows, i);

		fprintf(r->out, "%-20s %-12s %8lu %9lu %12lu %12.4g %12.4g ",
			feature_table[s->key.feature].name, s->key.cgroup,
			s->windows, s->anomalies, s->insufficient,
			s->max_effect, s->threshold);
		if (s->joint)
			fprintf(r->out, "%9lu\n", s->coupling_changes);
		else
			fprintf(r->out, "%9s\n", "-");
	}
}
