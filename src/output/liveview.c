// SPDX-License-Identifier: MIT
/*
 * In-place terminal view. It remembers how many lines it drew and erases
 * exactly those (cursor up N, erase to end of screen), so anything printed
 * after an erase scrolls up and stays. A bar shows score / threshold, full
 * at the threshold, with '!' marks beyond it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "detector.h"
#include "fc_table.h"
#include "feature.h"
#include "liveview.h"
#include "textesc.h"
#include "timefmt.h"
#include "window.h"

#define BAR 16

struct row {
	struct fc_key key;	/* first: an fc_table element */
	bool seen;
	struct analysis an;
};

struct liveview {
	FILE *out;
	unsigned int cols;	/* terminal width; lines are cut to fit */
	unsigned int drawn;	/* lines on screen from the last draw */
	struct fc_table rows;	/* of struct row */
};

struct liveview *liveview__new(FILE *out, unsigned int cols)
{
	struct liveview *v = calloc(1, sizeof(*v));

	if (v) {
		v->out = out;
		v->cols = cols;
		v->rows = (struct fc_table)FC_TABLE_INIT(struct row);
	}
	return v;
}

void liveview__free(struct liveview *v)
{
	if (!v)
		return;
	fc_table__clear(&v->rows);
	free(v);
}

void liveview__erase(struct liveview *v)
{
	if (!v->drawn)
		return;
	fprintf(v->out, "\033[%uA\r\033[J", v->drawn);
	v->drawn = 0;
}

int liveview__update(struct liveview *v, enum dp_feature_id f,
		     const char *cgroup, const struct analysis *an)
{
	struct row *r = fc_table__get(&v->rows, f, cgroup);
	bool was_anomaly;

	if (!r)
		return -ENOMEM;
	was_anomaly = r->seen && r->an.verdict == VERDICT_ANOMALY;
	r->an = *an;
	r->seen = true;
	return an->verdict == VERDICT_ANOMALY && !was_anomaly;
}

/* printf onto the end of buf (length *len, capacity cap), clipped. */
static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len + 1 >= cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = *len + (size_t)n < cap ? *len + (size_t)n : cap - 1;
}

/* One feature's line, at most cols - 1 characters so it never wraps. */
static void draw_row(FILE *o, const struct row *r, unsigned int cols)
{
	const struct analysis *an = &r->an;
	char line[512], label[64];
	size_t len = 0;
	double ratio = an->threshold > 0 ? an->score / an->threshold : 0;
	unsigned int bar;

	if (strcmp(r->key.cgroup, "/"))
		snprintf(label, sizeof(label), "%s@%s",
			 feature_table[r->key.feature].name,
			 TEXTESC(r->key.cgroup));
	else
		snprintf(label, sizeof(label), "%s",
			 feature_table[r->key.feature].name);
	put(line, sizeof(line), &len, "%-15s ", label);
	if (an->d.undefined & DIV_UNDEF_G) {
		put(line, sizeof(line), &len, "%8s/%-8.3g", "n/a",
		    an->threshold);
		ratio = 0;
	} else {
		put(line, sizeof(line), &len, "%8.3g/%-8.3g", an->score,
		    an->threshold);
	}
	/* '#' up to the threshold, '!' beyond it, full at twice it. */
	bar = ratio >= 2 ? BAR : (unsigned int)(ratio * BAR / 2 + 0.5);
	put(line, sizeof(line), &len, " [");
	for (unsigned int i = 0; i < BAR; i++)
		put(line, sizeof(line), &len, "%c",
		    i >= bar ? ' ' : i < BAR / 2 ? '#' : '!');
	put(line, sizeof(line), &len, "] %4.0f%% %-7s n=%llu", 100 * ratio,
	    an->verdict == VERDICT_ANOMALY ? "ANOMALY" :
	    verdict__name(an->verdict), (unsigned long long)an->d.n_window);
	if (an->exceeds && an->ntop) {
		feature__label(r->key.feature, an->top[0].bin, label,
			       sizeof(label));
		put(line, sizeof(line), &len, "  %s %.3g%%->%.3g%%", label,
		    100 * an->top[0].baseline_p, 100 * an->top[0].window_p);
	}
	if (cols > 1 && len > cols - 1)
		len = cols - 1;
	fprintf(o, "%.*s\n", (int)len, line);
}

void liveview__draw(struct liveview *v, const struct window *w)
{
	char when[32];

	liveview__erase(v);
	timefmt__utc(w->ts, when, sizeof(when));
	fputc('\n', v->out);
	fprintf(v->out, "driftprobe %s, %gs windows: score/threshold\n",
		when, w->interval_s);
	for (size_t i = 0; i < v->rows.n; i++)
		draw_row(v->out, fc_table__at(&v->rows, i), v->cols);
	v->drawn = 2 + (unsigned int)v->rows.n;
	fflush(v->out);
}
