// SPDX-License-Identifier: MIT
/*
 * The baseline file (README "Baseline file"): one JSON document, a line
 * per (feature, cgroup) so a person can read and diff it, written with
 * safe_file's atomic replace. The file is a trust boundary: whoever can
 * rewrite it decides what "normal" is, so loading checks its permissions
 * (safe_file__read) and every field before anything is believed.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "baseline.h"
#include "feature.h"
#include "json_counts.h"
#include "jsonw.h"
#include "safe_file.h"
#include "timefmt.h"

#define BASELINE_RULE_TEXT \
	"score = -log10 P(Z > z), z = (effect - median) / scale of held-out " \
	"effects against the nearest mode, P from a GPD tail over u"

/* ,"key":value for a double. */
static void put_double(FILE *f, const char *key, double v)
{
	fprintf(f, ",\"%s\":", key);
	jsonw__double(f, v);
}

static void put_string(FILE *f, const char *key, const char *v)
{
	fprintf(f, ",\"%s\":", key);
	jsonw__string(f, v);
}

/* ,"score":{...}: the score model. */
static void write_score(FILE *f, const struct score_model *m)
{
	const struct tail_model *t = &m->tail;

	fputs(",\"score\":{\"median\":", f);
	jsonw__double(f, m->median);
	put_double(f, "scale", m->scale);
	fputs(",\"tail\":{\"u\":", f);
	jsonw__double(f, t->u);
	put_double(f, "rate", t->rate);
	put_double(f, "xi", t->g.xi);
	put_double(f, "sigma", t->g.sigma);
	fprintf(f, ",\"n\":%" PRIu32 ",\"n_tail\":%" PRIu32 "}}", t->n,
		t->n_tail);
}

/*
 * One document; a line per feature (a few when it has modes), so a person
 * can read (and diff) it. A series with one mode stores only its pooled
 * counts: the mode is the pool.
 */
static void baseline__write(FILE *f, const struct baseline *bl)
{
	fprintf(f, "{\"format\":\"%s\",\"version\":%u", BASELINE_FORMAT,
		bl->version);
	put_double(f, "created", bl->created);
	put_string(f, "host", bl->host);
	put_string(f, "kernel", bl->kernel);
	put_double(f, "interval_s", bl->interval_s);
	fprintf(f, ",\"windows\":%" PRIu64 ",\n \"score_rule\":"
		"{\"statistic\":\"effect\",\"text\":\"%s\"", bl->windows,
		BASELINE_RULE_TEXT);
	put_double(f, "tail_fraction", SCORE_TAIL_FRACTION);
	put_double(f, "burst_z", BASELINE_BURST_Z);
	put_double(f, "trim_max", BASELINE_TRIM_MAX);
	fprintf(f, ",\"burst_runs\":%d,\"scored_max\":%d,\"max_modes\":%d},"
		"\n \"features\":[", BASELINE_BURST_RUNS, BASELINE_SCORED_MAX,
		BASELINE_MAX_MODES);
	for (size_t i = 0; i < bl->n; i++) {
		const struct baseline_entry *e = &bl->entries[i];

		fprintf(f, "%s\n  {\"name\":", i ? "," : "");
		jsonw__string(f, feature_table[e->feature].name);
		put_string(f, "cgroup", e->cgroup);
		fprintf(f, ",\"bins\":%" PRIu32 ",\"windows\":%" PRIu64,
			e->nbins, e->windows);
		fprintf(f, ",\"trimmed\":%" PRIu64, e->trimmed);
		put_double(f, "novel_rate", e->novel_rate);
		write_score(f, &e->score);
		if (feature_table[e->feature].rows > 1) {
			fputs(",\"coupling\":{\"mi_min\":", f);
			jsonw__double(f, e->coupling.min);
			put_double(f, "mi_max", e->coupling.max);
			put_double(f, "mi_pooled", e->coupling.pooled);
			fputc('}', f);
		}
		fputs(",\n   \"counts\":", f);
		jsonw__u64_array(f, e->counts, e->nbins);
		for (unsigned int k = 0; e->nmodes > 1 && k < e->nmodes; k++) {
			fprintf(f, "%s\n    {\"windows\":%" PRIu64
				",\"counts\":", k ? "," : ",\n   \"modes\":[",
				e->modes[k].windows);
			jsonw__u64_array(f, e->modes[k].counts, e->nbins);
			fputc('}', f);
		}
		fputs(e->nmodes > 1 ? "]}" : "}", f);
	}
	fputs("\n ]\n}\n", f);
}

/*
 * The document is formatted in memory first, so a failing disk reports its
 * own errno (ENOSPC, EFBIG, EIO) rather than whatever stdio remembered.
 */
int baseline__save(const struct baseline *bl, const char *path, char *err,
		   size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m;
	int ret = safe_file__check_dest(path, "a baseline file", err, errlen);

	if (ret)
		return ret;
	ret = -ENOMEM;
	m = open_memstream(&text, &len);
	if (m) {
		baseline__write(m, bl);
		ret = fclose(m) ? -ENOMEM : 0;
	}
	if (ret)
		snprintf(err, errlen, "%s: out of memory", path);
	else
		ret = safe_file__replace(path, text, len, err, errlen);
	free(text);
	return ret;
}

/*
 * Loading: every check reports through load__fail, which prefixes the file
 * name and where in it ("features[2] syscall.id /: ") the problem is.
 */
struct loader {
	const char *path;
	char *err;
	size_t errlen;
	char where[160];
};

static int load__fail(struct loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int load__fail(struct loader *l, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(l->err, l->errlen, "%s: %s%s", l->path, l->where, msg);
	return -EINVAL;
}

/* obj[key] of the given type (a double field also takes an integer). */
static int load__field(struct loader *l, json_object *obj, const char *key,
		       enum json_type type, json_object **out)
{
	enum json_type t;

	if (!json_object_object_get_ex(obj, key, out))
		return load__fail(l, "missing field \"%s\"", key);
	t = json_object_get_type(*out);
	if (t == type || (type == json_type_double && t == json_type_int))
		return 0;
	return load__fail(l, "field \"%s\" must be %s", key,
			  type == json_type_double ? "a number" :
			  type == json_type_int ? "an integer" :
			  type == json_type_string ? "a string" :
			  type == json_type_array ? "an array" : "an object");
}

static int load__string(struct loader *l, json_object *obj, const char *key,
			char **out)
{
	json_object *v;
	int err = load__field(l, obj, key, json_type_string, &v);

	if (err)
		return err;
	*out = strdup(json_object_get_string(v));
	return *out ? 0 : -ENOMEM;
}

/* A finite number >= 0. */
static int load__double(struct loader *l, json_object *obj, const char *key,
			double *out)
{
	json_object *v;
	int err = load__field(l, obj, key, json_type_double, &v);

	if (err)
		return err;
	*out = json_object_get_double(v);
	if (!isfinite(*out) || *out < 0)
		return load__fail(l, "\"%s\" must be a finite number >= 0, "
				  "got %s", key, json_object_to_json_string(v));
	return 0;
}

/*
 * A JSON integer that fits in uint64_t: 0, -EINVAL if v is not a
 * non-negative integer, -ERANGE if it overflows. json-c saturates what
 * does not fit at UINT64_MAX, so that value itself counts as an overflow.
 */
static int load__u64_value(json_object *v, uint64_t *out)
{
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return -EINVAL;
	*out = json_object_get_uint64(v);
	return *out == UINT64_MAX ? -ERANGE : 0;
}

/* The message for a load__u64_value error about v, named what. */
static int load__u64_fail(struct loader *l, const char *what, json_object *v,
			  int err)
{
	if (err == -ERANGE)
		return load__fail(l, "%s overflows 64 bits", what);
	return load__fail(l, "%s is %s, expected a non-negative integer", what,
			  json_object_to_json_string(v));
}

static int load__u64(struct loader *l, json_object *obj, const char *key,
		     uint64_t *out)
{
	char what[64];
	json_object *v;
	int err = load__field(l, obj, key, json_type_int, &v);

	if (err)
		return err;
	err = load__u64_value(v, out);
	if (!err)
		return 0;
	snprintf(what, sizeof(what), "\"%s\"", key);
	return load__u64_fail(l, what, v, err);
}

/* obj["counts"]: nbins counts into a new *out. */
static int load__counts(struct loader *l, json_object *obj, uint32_t nbins,
			uint64_t **out)
{
	json_object *arr;
	size_t at = 0;
	int err = load__field(l, obj, "counts", json_type_array, &arr);

	if (err)
		return err;
	*out = calloc(nbins, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	switch (json_counts__parse(arr, *out, nbins, &at)) {
	case JSON_COUNTS_OK: {
		uint64_t total = 0;

		for (uint32_t b = 0; b < nbins; b++)
			total += (*out)[b];	/* the parser bounds the sum */
		if (total < BASELINE_MAX_TOTAL)
			return 0;
		return load__fail(l, "counts sum to %" PRIu64 "; expected "
				  "less than 2^63", total);
	}
	case JSON_COUNTS_NOT_ARRAY:	/* load__field checked the type */
	case JSON_COUNTS_LENGTH:
		return load__fail(l, "\"counts\" has %zu values, expected %"
				  PRIu32 " (bins)", at, nbins);
	case JSON_COUNTS_NOT_INTEGER:
	case JSON_COUNTS_NEGATIVE:
		return load__fail(l, "counts[%zu] is %s, expected a "
				  "non-negative integer", at,
				  json_object_to_json_string(
					  json_object_array_get_idx(arr, at)));
	case JSON_COUNTS_TOO_BIG:
		return load__fail(l, "counts[%zu] overflows 64 bits", at);
	case JSON_COUNTS_SUM_OVERFLOW:
		break;
	}
	return load__fail(l, "counts overflow: their sum exceeds 2^64");
}

/* A joint feature's "coupling" band: min <= max, pooled, all >= 0. */
static int load__coupling(struct loader *l, json_object *obj,
			  struct baseline_entry *e)
{
	struct coupling_band *c = &e->coupling;
	json_object *band;
	int err;

	if (feature_table[e->feature].rows < 2)
		return 0;
	err = load__field(l, obj, "coupling", json_type_object, &band);
	if (!err)
		err = load__double(l, band, "mi_min", &c->min);
	if (!err)
		err = load__double(l, band, "mi_max", &c->max);
	if (!err)
		err = load__double(l, band, "mi_pooled", &c->pooled);
	if (!err && !(c->min >= 0 && c->min <= c->max && c->pooled >= 0))
		return load__fail(l, "\"coupling\" band is [%g, %g] (pooled "
				  "%g); expected 0 <= mi_min <= mi_max",
				  c->min, c->max, c->pooled);
	return err;
}

/* A number in [lo, hi]. */
static int load__ranged(struct loader *l, json_object *obj, const char *key,
			double lo, double hi, double *out)
{
	int err = load__double(l, obj, key, out);

	if (!err && !(*out >= lo && *out <= hi))
		return load__fail(l, "\"%s\" is %g, expected %g to %g", key,
				  *out, lo, hi);
	return err;
}

/* "score": the score model of held-out effects (score.h). */
static int load__score(struct loader *l, json_object *obj,
		       struct score_model *m)
{
	struct tail_model *t = &m->tail;
	json_object *score, *tail;
	uint64_t n, n_tail;
	int err = load__field(l, obj, "score", json_type_object, &score);

	if (!err)
		err = load__double(l, score, "median", &m->median);
	if (!err)
		err = load__ranged(l, score, "scale", SCORE_SCALE_MIN,
				   INFINITY, &m->scale);
	if (!err)
		err = load__field(l, score, "tail", json_type_object, &tail);
	if (!err)
		err = load__double(l, tail, "u", &t->u);
	if (!err)
		err = load__ranged(l, tail, "rate", 1e-9, 1, &t->rate);
	if (!err)
		err = load__ranged(l, tail, "xi", EVT_XI_MIN, EVT_XI_MAX,
				   &t->g.xi);
	if (!err)
		err = load__ranged(l, tail, "sigma", 1e-12, INFINITY,
				   &t->g.sigma);
	if (!err)
		err = load__u64(l, tail, "n", &n);
	if (!err)
		err = load__u64(l, tail, "n_tail", &n_tail);
	if (err)
		return err;
	if (n > UINT32_MAX || n_tail > n)
		return load__fail(l, "tail \"n_tail\" %" PRIu64 " of \"n\" %"
				  PRIu64 ": expected n_tail <= n < 2^32",
				  n_tail, n);
	t->n = (uint32_t)n;
	t->n_tail = (uint32_t)n_tail;
	return 0;
}

/*
 * "modes" (absent: one mode, the pool): 2 to BASELINE_MAX_MODES of them,
 * whose windows fit in the entry's and whose counts add up to its counts.
 */
static int load__modes(struct loader *l, json_object *obj,
		       struct baseline_entry *e)
{
	json_object *arr;
	uint64_t windows = 0;
	size_t n;
	int err;

	e->nmodes = 1;
	e->modes[0] = (struct baseline_mode){ .windows = e->windows - e->trimmed,
					      .counts = e->counts };
	if (!json_object_object_get_ex(obj, "modes", &arr))
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return load__fail(l, "field \"modes\" must be an array");
	n = json_object_array_length(arr);
	if (n < 2 || n > BASELINE_MAX_MODES)
		return load__fail(l, "%zu modes; expected 2 to %d (one mode is "
				  "written as none)", n, BASELINE_MAX_MODES);
	e->nmodes = 0;
	for (size_t k = 0; k < n; k++) {
		json_object *m = json_object_array_get_idx(arr, k);
		struct baseline_mode *md = &e->modes[k];

		if (!json_object_is_type(m, json_type_object))
			return load__fail(l, "modes[%zu] is not an object", k);
		e->nmodes++;
		err = load__u64(l, m, "windows", &md->windows);
		if (!err)
			err = load__counts(l, m, e->nbins, &md->counts);
		if (err)
			return err;
		if (!md->windows || __builtin_add_overflow(windows, md->windows,
							   &windows))
			return load__fail(l, "modes[%zu] \"windows\" is 0 or "
					  "overflows", k);
	}
	if (windows > e->windows)
		return load__fail(l, "modes hold %" PRIu64 " windows, more than "
				  "the entry's %" PRIu64, windows, e->windows);
	for (uint32_t b = 0; b < e->nbins; b++) {
		uint64_t sum = 0;

		for (unsigned int k = 0; k < e->nmodes; k++)
			if (__builtin_add_overflow(sum, e->modes[k].counts[b],
						   &sum))
				return load__fail(l, "modes' counts of bin %"
						  PRIu32 " overflow 64 bits", b);
		if (sum != e->counts[b])
			return load__fail(l, "modes' counts of bin %" PRIu32
					  " add up to %" PRIu64 ", not the "
					  "pooled %" PRIu64, b, sum,
					  e->counts[b]);
	}
	return 0;
}

/* features[i] into e. */
static int load__entry(struct loader *l, struct baseline *bl,
		       json_object *obj, size_t i, struct baseline_entry *e)
{
	json_object *v;
	uint64_t u;
	int f, err;

	if (!json_object_is_type(obj, json_type_object))
		return load__fail(l, "expected an object");
	err = load__field(l, obj, "name", json_type_string, &v);
	if (err)
		return err;
	f = feature__by_name(json_object_get_string(v));
	if (f < 0)
		return load__fail(l, "unknown feature name \"%s\"",
				  json_object_get_string(v));
	e->feature = f;
	e->nbins = feature_table[f].bins;
	err = load__string(l, obj, "cgroup", &e->cgroup);
	if (err)
		return err;
	snprintf(l->where, sizeof(l->where), "features[%zu] %s %s: ", i,
		 feature_table[f].name, e->cgroup);
	err = baseline__index_entry(bl, i);
	if (err == -EEXIST)
		return load__fail(l, "duplicate (feature, cgroup)");
	if (err)
		return err;
	err = load__u64(l, obj, "bins", &u);
	if (err)
		return err;
	if (u != e->nbins)
		return load__fail(l, "bin-count mismatch: file has %" PRIu64
				  ", this build has %" PRIu32, u, e->nbins);
	err = load__u64(l, obj, "windows", &e->windows);
	if (err)
		return err;
	if (!e->windows || e->windows > bl->windows)
		return load__fail(l, "\"windows\" is %" PRIu64 ", expected 1 "
				  "to %" PRIu64 " (the baseline's)",
				  e->windows, bl->windows);
	err = load__u64(l, obj, "trimmed", &e->trimmed);
	if (!err && e->trimmed >= e->windows)
		return load__fail(l, "\"trimmed\" is %" PRIu64 ", expected "
				  "fewer than the %" PRIu64 " windows",
				  e->trimmed, e->windows);
	if (!err)
		err = load__ranged(l, obj, "novel_rate", 1e-12, 1e9,
				   &e->novel_rate);
	if (!err)
		err = load__score(l, obj, &e->score);
	if (!err)
		err = load__coupling(l, obj, e);
	if (!err)
		err = load__counts(l, obj, e->nbins, &e->counts);
	if (!err)
		err = load__modes(l, obj, e);
	return err;
}

/* "score_rule": what the score models are of (informative beyond that). */
static int load__rule(struct loader *l, json_object *doc)
{
	json_object *rule, *stat;
	int err = load__field(l, doc, "score_rule", json_type_object, &rule);

	if (!err)
		err = load__field(l, rule, "statistic", json_type_string,
				  &stat);
	if (err)
		return err;
	if (strcmp(json_object_get_string(stat), "effect"))
		return load__fail(l, "score_rule: statistic is \"%s\", "
				  "expected \"effect\" (what the scores are "
				  "of)", json_object_get_string(stat));
	return 0;
}

static int load__doc(struct loader *l, json_object *doc, struct baseline *bl)
{
	json_object *v, *features;
	size_t n;
	int err;

	if (!json_object_is_type(doc, json_type_object))
		return load__fail(l, "expected a JSON object");
	err = load__field(l, doc, "format", json_type_string, &v);
	if (err)
		return err;
	if (strcmp(json_object_get_string(v), BASELINE_FORMAT))
		return load__fail(l, "wrong format \"%s\", expected \"%s\"",
				  json_object_get_string(v), BASELINE_FORMAT);
	err = load__field(l, doc, "version", json_type_int, &v);
	if (err)
		return err;
	if (json_object_get_int64(v) == 1)
		return load__fail(l, "version 1 baseline (effect thresholds, "
				  "from before modes and the alarm budget); "
				  "learn it again: driftprobe baseline build, or "
				  "run --learn");
	if (json_object_get_int64(v) != BASELINE_VERSION)
		return load__fail(l, "unknown version %s; version %d is "
				  "expected", json_object_to_json_string(v),
				  BASELINE_VERSION);
	bl->version = BASELINE_VERSION;
	err = load__double(l, doc, "created", &bl->created);
	if (!err && bl->created > TIMEFMT_MAX_UNIX)
		return load__fail(l, "\"created\" %.17g is out of range; "
				  "expected unix seconds up to %.0f (year 9999)",
				  bl->created, TIMEFMT_MAX_UNIX);
	if (!err)
		err = load__string(l, doc, "host", &bl->host);
	if (!err)
		err = load__string(l, doc, "kernel", &bl->kernel);
	if (!err)
		err = load__ranged(l, doc, "interval_s", 1e-3, 86400,
				   &bl->interval_s);
	if (!err)
		err = load__u64(l, doc, "windows", &bl->windows);
	if (err)
		return err;
	if (bl->windows < 2)
		return load__fail(l, "\"windows\" is %" PRIu64 "; a baseline "
				  "needs 2 or more", bl->windows);
	err = load__rule(l, doc);
	if (!err)
		err = load__field(l, doc, "features", json_type_array,
				  &features);
	if (err)
		return err;
	n = json_object_array_length(features);
	bl->entries = calloc(n + 1, sizeof(*bl->entries));
	if (!bl->entries)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		snprintf(l->where, sizeof(l->where), "features[%zu]: ", i);
		err = load__entry(l, bl, json_object_array_get_idx(features, i),
				  i, &bl->entries[i]);
		bl->n++;	/* even half-filled: baseline__free frees it */
		if (err)
			return err;
	}
	return 0;
}

struct baseline *baseline__load(const char *path, char *err, size_t errlen)
{
	struct loader l = { .path = path, .err = err, .errlen = errlen };
	struct json_tokener *tok = NULL;
	json_object *doc = NULL;
	struct baseline *bl = NULL;
	size_t len, end;
	char *buf;
	int ret;

	buf = safe_file__read(path, BASELINE_MAX_FILE, "64 MiB", "baseline",
			      &len, err, errlen);
	if (!buf) {
		ret = -errno;
		goto cleanup;
	}
	ret = -ENOMEM;
	tok = json_tokener_new();
	bl = calloc(1, sizeof(*bl));
	if (!tok || !bl)
		goto cleanup;
	doc = json_tokener_parse_ex(tok, buf, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (!doc) {
		enum json_tokener_error je = json_tokener_get_error(tok);

		ret = je == json_tokener_continue ?
			load__fail(&l, "truncated JSON: the document ends "
				   "early, at byte %zu", len) :
			load__fail(&l, "corrupt JSON at byte %zu: %s", end,
				   json_tokener_error_desc(je));
		goto cleanup;
	}
	while (end < len && (buf[end] == ' ' || buf[end] == '\t' ||
			     buf[end] == '\n' || buf[end] == '\r'))
		end++;
	if (end < len) {
		ret = load__fail(&l, "corrupt JSON: trailing data at byte %zu",
				 end);
		goto cleanup;
	}
	ret = load__doc(&l, doc, bl);
cleanup:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", path);
	json_object_put(doc);
	if (tok)
		json_tokener_free(tok);
	free(buf);
	if (ret) {
		baseline__free(bl);
		errno = -ret;
		return NULL;
	}
	return bl;
}
