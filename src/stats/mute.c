// SPDX-License-Identifier: MIT
/*
 * Mute rules: the spec parser (key=value tokens, cron-like schedules,
 * durations, times), when a rule is active, which series and bins it
 * covers; and the per-feature watch policy (--features, --threshold).
 * Pure but for the local time zone a schedule is read in.
 */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "feature.h"
#include "mute.h"
#include "timefmt.h"
#include "window.h"

#define MUTE_FIELDS "feature=, workload=, bin=, until=, for=, schedule=, " \
		    "reason="

struct spec_err {
	const char *spec;
	char *buf;
	size_t len;
};

static int bad(const struct spec_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(const struct spec_err *e, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(e->buf, e->len, "mute '%.200s': %s", e->spec, msg);
	return -EINVAL;
}

/* "90", "90s", "10m", "2h", "1d" -> seconds > 0; -1 if not one. */
static double parse_duration(const char *v)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(v, &end);
	if (end == v || errno || !isfinite(x) || x <= 0 || *v == '+')
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		x *= 60;
		break;
	case 'h':
		x *= 3600;
		break;
	case 'd':
		x *= 86400;
		break;
	default:
		return -1;
	}
	if (*end && end[1])
		return -1;
	return x;
}

/* "2026-12-07T05:00[:00]Z" or "@1733547600" -> unix seconds; -1 if not. */
static double parse_time(const char *v)
{
	struct tm tm = { 0 };
	char *end;
	int used = 0;
	double x;

	if (v[0] == '@') {
		errno = 0;
		x = strtod(v + 1, &end);
		if (end == v + 1 || *end || errno || !(x >= 0) ||
		    x > TIMEFMT_MAX_UNIX)
			return -1;
		return x;
	}
	if (sscanf(v, "%4d-%2d-%2dT%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &used) != 5)
		return -1;
	if (v[used] == ':') {
		int more = 0;

		if (sscanf(v + used, ":%2d%n", &tm.tm_sec, &more) != 1)
			return -1;
		used += more;
	}
	if (strcmp(v + used, "Z") || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 59 || tm.tm_year < 1970)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (double)timegm(&tm);
}

/*
 * One cron field ("*", "5", "1-5", "*\/15", "0-30/10", "1,15") into bits
 * lo..hi (bit v for value v). 0, or -1.
 */
static int parse_cron_field(const char *f, int lo, int hi, uint64_t *bits,
			    bool *any)
{
	const char *p = f;

	*bits = 0;
	*any = !strcmp(f, "*");
	while (*p) {
		long a = lo, b = hi, step = 1;
		char *end;

		if (*p == '*') {
			p++;
		} else {
			a = strtol(p, &end, 10);
			if (end == p || *p == '-' || *p == '+')
				return -1;
			p = end;
			b = a;
			if (*p == '-') {
				b = strtol(p + 1, &end, 10);
				if (end == p + 1 || p[1] == '-' || p[1] == '+')
					return -1;
				p = end;
			}
		}
		if (*p == '/') {
			step = strtol(p + 1, &end, 10);
			if (end == p + 1 || step < 1 || p[1] == '+')
				return -1;
			p = end;
		}
		if (a < lo || b > hi || a > b)
			return -1;
		for (long v = a; v <= b; v += step)
			*bits |= 1ull << v;
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			return -1;
	}
	return *bits ? 0 : -1;
}

/* "M H DOM MON DOW [DURATION]" into r. 0, or -EINVAL naming the field. */
static int parse_schedule(const struct spec_err *e, const char *v,
			  struct mute_rule *r)
{
	static const struct { const char *name; int lo, hi; } fields[5] = {
		{ "minute 0-59", 0, 59 }, { "hour 0-23", 0, 23 },
		{ "day of month 1-31", 1, 31 }, { "month 1-12", 1, 12 },
		{ "day of week 0-7", 0, 7 },
	};
	char copy[256], *save = NULL, *tok;
	uint64_t bits[5];
	bool any[5];
	int n = 0;

	if (strlen(v) >= sizeof(copy))
		return bad(e, "schedule too long; expected 'M H DOM MON DOW'");
	strcpy(copy, v);
	for (tok = strtok_r(copy, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save), n++) {
		if (n == 5) {
			r->duration_s = parse_duration(tok);
			if (r->duration_s <= 0)
				return bad(e, "schedule's duration '%s'; "
					   "expected 90s, 10m, 2h or 1d", tok);
		} else if (n > 5) {
			continue;	/* counted, refused below */
		} else if (parse_cron_field(tok, fields[n].lo, fields[n].hi,
					    &bits[n], &any[n])) {
			return bad(e, "schedule field '%s'; expected a %s as "
				   "*, N, N-M, lists or /steps", tok,
				   fields[n].name);
		}
	}
	if (n < 5 || n > 6)
		return bad(e, "schedule '%s' has %d fields; expected 'M H DOM "
			   "MON DOW' and an optional duration", v, n);
	r->cron = (struct mute_cron){
		.minute = bits[0], .hour = (uint32_t)bits[1],
		.dom = (uint32_t)bits[2], .month = (uint16_t)bits[3],
		.dow = (uint8_t)((bits[4] | bits[4] >> 7) & 0x7f),
		.dom_any = any[2], .dow_any = any[4],
	};
	r->scheduled = true;
	return 0;
}

/* A schedule's five cron fields, one blank apart (its duration is for=). */
static void cron_fields(const char *v, char *out, size_t len)
{
	size_t o = 0;

	for (int n = 0; n < 5; n++) {
		size_t k;

		v += strspn(v, " \t");
		k = strcspn(v, " \t");
		o += (size_t)snprintf(out + o, len - o, "%s%.*s", n ? " " : "",
				      (int)k, v);
		v += k;
	}
}

/* feature's bin named by v: its label, else its index. -1 if none. */
static int64_t parse_bin(enum dp_feature_id f, const char *v)
{
	uint32_t nbins = feature_table[f].bins;
	char label[128], *end;
	unsigned long long i;

	for (uint32_t b = 0; b < nbins; b++)
		if (feature__label(f, b, label, sizeof(label)) > 0 &&
		    !strcmp(label, v))
			return b;
	errno = 0;
	i = strtoull(v, &end, 10);
	if (end == v || *end || errno || i >= nbins || *v == '-' || *v == '+')
		return -1;
	return (int64_t)i;
}

static char *dup_or_null(const char *s, bool *failed)
{
	char *d = strdup(s);

	*failed |= !d;
	return d;
}

/* Seconds in the largest unit that divides them: 5400 -> "90m". */
static void format_duration(double d, char *buf, size_t len)
{
	static const struct { double s; char unit; } units[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (d >= units[i].s && fmod(d, units[i].s) == 0) {
			snprintf(buf, len, "%.0f%c", d / units[i].s,
				 units[i].unit);
			return;
		}
	snprintf(buf, len, "%gs", d);
}

/* The rule back as text: every field that is set, times absolute. */
static char *normalise(const struct mute_rule *r, const char *schedule)
{
	char *out = NULL, t[32], fordur[32] = "";
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	if (r->feature >= 0)
		fprintf(f, " feature=%s", feature_table[r->feature].name);
	if (r->glob)
		fprintf(f, " workload=\"%s\"", r->glob);
	if (r->bin >= 0) {
		char label[128];

		if (feature__label(r->feature, (uint32_t)r->bin, label,
				   sizeof(label)) > 0 && !strchr(label, '"') &&
		    !strpbrk(label, " \t"))
			fprintf(f, " bin=%s", label);
		else
			fprintf(f, " bin=%lld", (long long)r->bin);
	}
	if (r->until > 0 && r->until == floor(r->until)) {
		timefmt__utc(r->until, t, sizeof(t));
		fprintf(f, " until=%s", t);
	} else if (r->until > 0) {	/* ISO 8601 here is to the second */
		fprintf(f, " until=@%.3f", r->until);
	}
	if (r->scheduled) {
		format_duration(r->duration_s, fordur, sizeof(fordur));
		fprintf(f, " schedule=\"%s\" for=%s", schedule, fordur);
	}
	if (r->reason)
		fprintf(f, " reason=\"%s\"", r->reason);
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	memmove(out, out + (out[0] == ' '), strlen(out) + 1 - (out[0] == ' '));
	return out;
}

/*
 * The next token "key=value" or key="value with spaces" of *p into key
 * and val (bounded copies). 1 with one, 0 at the end, -EINVAL.
 */
static int next_token(const struct spec_err *e, const char **p, char *key,
		      size_t klen, char *val, size_t vlen)
{
	const char *s = *p, *eq, *v, *end;
	size_t n;

	s += strspn(s, " \t");
	if (!*s)
		return 0;
	end = s + strcspn(s, " \t");
	eq = memchr(s, '=', (size_t)(end - s));
	if (!eq)
		return bad(e, "'%.*s' is not key=value; expected %s",
			   (int)(end - s), s, MUTE_FIELDS);
	n = (size_t)(eq - s);
	if (n >= klen)
		n = klen - 1;
	memcpy(key, s, n);
	key[n] = '\0';
	v = eq + 1;
	if (*v == '"') {
		end = strchr(v + 1, '"');
		if (!end)
			return bad(e, "%s= has no closing '\"'", key);
		v++;
		n = (size_t)(end - v);
		end++;
		if (*end && *end != ' ' && *end != '\t')
			return bad(e, "%s=\"...\" is followed by '%c'; expected "
				   "a blank", key, *end);
	} else {
		end = v + strcspn(v, " \t");
		n = (size_t)(end - v);
	}
	if (n >= vlen)
		return bad(e, "%s= is longer than %zu characters", key,
			   vlen - 1);
	memcpy(val, v, n);
	val[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)val[i] < 0x20 || val[i] == 0x7f)
			return bad(e, "%s= holds a control character; expected "
				   "text", key);
	*p = end;
	return 1;
}

int mute__parse(const char *spec, double now, struct mute_rule *r, char *err,
		size_t errlen)
{
	const struct spec_err e = { spec, err, errlen };
	char key[32], val[512], schedule[512] = "", bin[512] = "";
	const char *p = spec;
	double dur = 0;
	bool nomem = false, seen[7] = { 0 };
	static const char *const keys[7] = { "feature", "workload", "bin",
		"until", "for", "schedule", "reason" };
	int t, ret;

	*r = (struct mute_rule){ .feature = -1, .bin = -1 };
	while ((t = next_token(&e, &p, key, sizeof(key), val, sizeof(val))) > 0) {
		int k = 0;

		while (k < 7 && strcmp(key, keys[k]))
			k++;
		if (k == 7) {
			ret = bad(&e, "unknown field '%s'; expected %s", key,
				  MUTE_FIELDS);
			goto fail;
		}
		if (seen[k]) {
			ret = bad(&e, "%s= given twice; expected it once", key);
			goto fail;
		}
		seen[k] = true;
		if (!val[0]) {
			ret = bad(&e, "%s= is empty", key);
			goto fail;
		}
		switch (k) {
		case 0:
			r->feature = feature__by_name(val);
			if (r->feature < 0) {
				ret = bad(&e, "unknown feature '%s'; expected "
					  "a name 'driftprobe features' "
					  "lists", val);
				goto fail;
			}
			break;
		case 1:
			r->glob = dup_or_null(val, &nomem);
			break;
		case 2:
			snprintf(bin, sizeof(bin), "%s", val);
			break;
		case 3:
			r->until = parse_time(val);
			if (r->until < 0) {
				ret = bad(&e, "until=%s; expected a UTC time "
					  "2026-12-07T05:00:00Z or @UNIX "
					  "seconds", val);
				goto fail;
			}
			break;
		case 4:
			dur = parse_duration(val);
			if (dur <= 0) {
				ret = bad(&e, "for=%s; expected a duration "
					  "90s, 10m, 2h or 1d", val);
				goto fail;
			}
			break;
		case 5:
			ret = parse_schedule(&e, val, r);
			if (ret)
				goto fail;
			cron_fields(val, schedule, sizeof(schedule));
			break;
		case 6:
			r->reason = dup_or_null(val, &nomem);
			break;
		}
	}
	if (t < 0) {
		ret = t;
		goto fail;
	}
	if (bin[0]) {
		if (r->feature < 0) {
			ret = bad(&e, "bin=%s needs feature=; expected the "
				  "feature whose bin it is", bin);
			goto fail;
		}
		r->bin = parse_bin(r->feature, bin);
		if (r->bin < 0) {
			ret = bad(&e, "bin=%s is not a bin of %s; expected a "
				  "label 'driftprobe features' prints or an "
				  "index below %u", bin,
				  feature_table[r->feature].name,
				  feature_table[r->feature].bins);
			goto fail;
		}
	}
	if (r->scheduled) {
		if (dur > 0 && r->duration_s > 0) {
			ret = bad(&e, "the schedule's duration given twice "
				  "(6th field and for=); expected one");
			goto fail;
		}
		if (dur > 0)
			r->duration_s = dur;
		if (r->duration_s <= 0 || r->duration_s > MUTE_MAX_SCHEDULE_S) {
			ret = bad(&e, r->duration_s <= 0 ?
				  "schedule= without a duration; expected "
				  "for= or a 6th field" :
				  "a schedule's duration is over 7 days; "
				  "expected at most 7d");
			goto fail;
		}
	} else if (dur > 0) {
		if (r->until > 0) {
			ret = bad(&e, "until= and for= both given; expected "
				  "one (for= goes with schedule=)");
			goto fail;
		}
		r->until = ceil(now + dur);	/* a whole second: readable */
	}
	if (!r->scheduled && r->until <= 0) {
		ret = bad(&e, "no end; expected until=, for= or schedule=");
		goto fail;
	}
	if (!nomem)
		r->spec = normalise(r, schedule);
	if (nomem || !r->spec) {
		snprintf(err, errlen, "mute: out of memory");
		ret = -ENOMEM;
		goto fail;
	}
	return 0;
fail:
	mute_rule__clear(r);
	return ret;
}

void mute_rule__clear(struct mute_rule *r)
{
	if (!r)
		return;
	free(r->glob);
	free(r->reason);
	free(r->spec);
	*r = (struct mute_rule){ .feature = -1, .bin = -1 };
}

static bool cron_matches(const struct mute_cron *c, const struct tm *tm)
{
	bool dom = c->dom >> tm->tm_mday & 1, dow = c->dow >> tm->tm_wday & 1;

	if (!(c->minute >> tm->tm_min & 1) || !(c->hour >> tm->tm_hour & 1) ||
	    !(c->month >> (tm->tm_mon + 1) & 1))
		return false;
	if (c->dom_any || c->dow_any)
		return (c->dom_any || dom) && (c->dow_any || dow);
	return dom || dow;		/* cron: both restricted, either */
}

bool mute__cron_covers(const struct mute_cron *c, double duration_s,
		       double t)
{
	time_t m = (time_t)(floor(t / 60) * 60);
	struct tm tm;

	/* Every start minute that could still cover t, newest first. */
	for (; (double)m > t - duration_s; m -= 60)
		if (localtime_r(&m, &tm) && cron_matches(c, &tm))
			return true;
	return false;
}

bool mute_rule__expired(const struct mute_rule *r, double t)
{
	return r->until > 0 && t >= r->until;
}

bool mute_rule__active_at(const struct mute_rule *r, double t)
{
	if (mute_rule__expired(r, t))
		return false;
	return !r->scheduled || mute__cron_covers(&r->cron, r->duration_s, t);
}

int mute_set__add(struct mute_set *s, const char *spec, double now,
		  char *err, size_t errlen)
{
	struct mute_rule r, *grown;
	int ret = mute__parse(spec, now, &r, err, errlen);

	if (ret)
		return ret;
	grown = realloc(s->rules, (s->n + 1) * sizeof(*s->rules));
	if (!grown) {
		mute_rule__clear(&r);
		snprintf(err, errlen, "mute: out of memory");
		return -ENOMEM;
	}
	s->rules = grown;
	s->rules[s->n++] = r;
	return 0;
}

void mute_set__clear(struct mute_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		mute_rule__clear(&s->rules[i]);
	free(s->rules);
	*s = (struct mute_set){ 0 };
}

void mute_set__at(struct mute_set *s, double t)
{
	s->active = 0;
	for (size_t i = 0; i < s->n; i++) {
		s->rules[i].active = mute_rule__active_at(&s->rules[i], t);
		s->active += s->rules[i].active;
	}
}

/* Whether active rule r is about series (f, key). */
static bool rule_matches(const struct mute_rule *r, enum dp_feature_id f,
			 const char *key)
{
	return r->active && (r->feature < 0 || r->feature == (int)f) &&
	       (!r->glob || !fnmatch(r->glob, key, 0));
}

const struct mute_rule *mute__covers(const struct mute_set *s,
				     enum dp_feature_id f, const char *key)
{
	for (size_t i = 0; s && s->active && i < s->n; i++)
		if (s->rules[i].bin < 0 && rule_matches(&s->rules[i], f, key))
			return &s->rules[i];
	return NULL;
}

unsigned int mute__mask_bins(const struct mute_set *s, enum dp_feature_id f,
			     const char *key, uint64_t *counts, uint32_t nbins,
			     const struct mute_rule **by)
{
	unsigned int n = 0;

	if (by)
		*by = NULL;
	for (size_t i = 0; s && s->active && i < s->n; i++) {
		const struct mute_rule *r = &s->rules[i];

		if (r->bin < 0 || r->bin >= nbins || !rule_matches(r, f, key))
			continue;
		if (by && !*by)
			*by = r;
		if (counts)
			counts[r->bin] = 0;
		n++;
	}
	return n;
}

/* Does a rule mute h, whole or a bin of it? */
static bool hist_muted(const struct mute_set *s, const struct window_hist *h)
{
	const char *key = window_hist__key(h);

	return mute__covers(s, h->feature, key) ||
	       mute__mask_bins(s, h->feature, key, NULL, h->nbins, NULL);
}

struct window *mute__learnable(const struct mute_set *s,
			       const struct window *w)
{
	uint64_t counts[FEATURE_MAX_BINS];
	struct window *out;
	size_t i = 0;

	while (i < w->n && !hist_muted(s, &w->hists[i]))
		i++;
	errno = 0;
	if (i == w->n)
		return NULL;
	out = window__new(w->ts, w->interval_s, w->host);
	for (i = 0; out && i < w->n; i++) {
		const struct window_hist *h = &w->hists[i];
		const char *key = window_hist__key(h);

		if (mute__covers(s, h->feature, key))
			continue;
		window_hist__dense(h, counts);
		mute__mask_bins(s, h->feature, key, counts, h->nbins, NULL);
		if (window__add(out, h->feature, h->cgroup, counts, h->nbins) ||
		    window__set_workload(out, h->feature, h->cgroup,
					 h->workload)) {
			window__free(out);
			out = NULL;
		}
	}
	if (out && window__index_workloads(out)) {
		window__free(out);
		out = NULL;
	}
	if (!out)
		errno = ENOMEM;
	return out;
}

int watch_policy__features(struct watch_policy *p, const char *list,
			   char *err, size_t errlen)
{
	char name[64];
	const char *s = list;

	memset(p->watched, 0, sizeof(p->watched));
	p->only = true;
	while (*s) {
		size_t n = strcspn(s, ",");
		int f;

		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, s, n);
		name[n] = '\0';
		f = feature__by_name(name);
		if (f < 0) {
			snprintf(err, errlen, "--features: unknown feature "
				 "'%s'; expected names 'driftprobe features' "
				 "lists, separated by commas", name);
			return -EINVAL;
		}
		p->watched[f] = true;
		s += strcspn(s, ",");
		s += *s == ',';
	}
	return 0;
}

int watch_policy__threshold(struct watch_policy *p, const char *arg,
			    char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	char name[64], *end;
	double level;
	int f = -1;

	if (eq && (size_t)(eq - arg) < sizeof(name)) {
		memcpy(name, arg, (size_t)(eq - arg));
		name[eq - arg] = '\0';
		f = feature__by_name(name);
	}
	if (f < 0) {
		snprintf(err, errlen, "--threshold %s: expected FEATURE=LEVEL "
			 "with a feature 'driftprobe features' lists", arg);
		return -EINVAL;
	}
	errno = 0;
	level = strtod(eq + 1, &end);
	if (end == eq + 1 || *end || errno || !(level > 0) || level > 1000) {
		snprintf(err, errlen, "--threshold %s: expected a level in "
			 "decades of surprise, > 0 and <= 1000", arg);
		return -EINVAL;
	}
	p->level[f] = level;
	return 0;
}
