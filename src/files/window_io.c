// SPDX-License-Identifier: MIT
/*
 * Window records as JSON Lines: writing with jsonw, reading with json-c.
 * The reader checks every field against the feature table, so bad input
 * stops at the first wrong line with a message naming it.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "feature.h"
#include "json_counts.h"
#include "jsonw.h"
#include "safe_file.h"
#include "timefmt.h"
#include "window_io.h"
#include "workload.h"

/* A record line longer than this is not one of ours. */
#define MAX_LINE (16u << 20)

/* ,"exemplars":{"17":"10.0.0.2:443"} for the bins that have one. */
static void write_exemplars(FILE *f, const struct window_hist *h)
{
	bool first = true;

	for (uint32_t b = 0; b < h->nbins; b++) {
		const char *e = window_hist__exemplar(h, b);

		if (!e)
			continue;
		fprintf(f, "%s\"%u\":", first ? ",\"exemplars\":{" : ",", b);
		jsonw__string(f, e);
		first = false;
	}
	if (!first)
		fputc('}', f);
}

int window_io__write(FILE *f, const struct window *w)
{
	uint64_t dense[FEATURE_MAX_BINS];

	for (size_t i = 0; i < w->n; i++) {
		const struct window_hist *h = &w->hists[i];

		fputs("{\"ts\":", f);
		fprintf(f, "%.3f", w->ts);
		fputs(",\"interval_s\":", f);
		jsonw__double(f, w->interval_s);
		fputs(",\"host\":", f);
		jsonw__string(f, w->host);
		fputs(",\"cgroup\":", f);
		jsonw__string(f, h->cgroup);
		if (h->workload) {
			fputs(",\"workload\":", f);
			jsonw__string(f, h->workload);
		}
		fputs(",\"feature\":", f);
		jsonw__string(f, feature_table[h->feature].name);
		if (feature_table[h->feature].rows > 1)
			fprintf(f, ",\"shape\":[%u,%u]",
				feature_table[h->feature].rows,
				feature_table[h->feature].cols);
		fputs(",\"counts\":", f);
		jsonw__u64_array(f, window_hist__dense(h, dense), h->nbins);
		write_exemplars(f, h);
		fputs("}\n", f);
	}
	return ferror(f) ? -EIO : 0;
}

int window_io__append(int fd, const struct window *w)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	struct stat st;
	int ret;

	if (!m)
		return -ENOMEM;
	ret = window_io__write(m, w);
	if (fclose(m) && !ret)
		ret = -ENOMEM;
	if (!ret) {
		bool regular = !fstat(fd, &st) && S_ISREG(st.st_mode);

		ret = safe_file__write_all(fd, text, len);
		if (ret && regular && ftruncate(fd, st.st_size))
			ret = -EIO;	/* the cut failed too: maybe torn */
	}
	free(text);
	return ret;
}

struct record {
	double ts;
	double interval_s;
	char *host;
	char *cgroup;
	char *workload;		/* NULL: none given */
	enum dp_feature_id feature;
	uint64_t *counts;
	uint32_t nbins;
	struct json_object *exemplars;	/* owned reference, or NULL */
};

struct window_reader {
	FILE *f;
	char *path;
	unsigned long line;
	char *buf;
	size_t bufcap;
	struct record pending;
	bool has_pending;
	bool eof;
	unsigned long window_line;	/* of the last window's last record */
	double first_interval_s;	/* of the first window */
	bool interval_warned, warning_pending;
	char warning[512];		/* for window_reader__warning */
};

static void record_clear(struct record *r)
{
	free(r->host);
	free(r->cgroup);
	free(r->workload);
	free(r->counts);
	json_object_put(r->exemplars);
	memset(r, 0, sizeof(*r));
}

struct window_reader *window_reader__open(const char *path, char *err,
					  size_t errlen)
{
	struct window_reader *r = calloc(1, sizeof(*r));

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	r->path = strdup(path);
	if (!r->f || !r->path) {
		int e = errno;

		snprintf(err, errlen, "%s: cannot open window records: %s",
			 path, strerror(e));
		window_reader__close(r);
		errno = e;
		return NULL;
	}
	return r;
}

void window_reader__close(struct window_reader *r)
{
	if (!r)
		return;
	if (r->f && r->f != stdin)
		fclose(r->f);
	record_clear(&r->pending);
	free(r->buf);
	free(r->path);
	free(r);
}

static int fail(struct window_reader *r, char *err, size_t errlen,
		const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "%s:%lu: ", r->path, r->line);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int oom(struct window_reader *r, char *err, size_t errlen)
{
	fail(r, err, errlen, "out of memory");
	return -ENOMEM;
}

static int get_number(struct json_object *o, const char *key, double *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return -ENOENT;
	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int))
		return -EINVAL;
	*out = json_object_get_double(v);
	return isfinite(*out) ? 0 : -EINVAL;
}

static const char *get_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Parse counts: exactly nbins non-negative integers whose sum fits 64 bits. */
static int parse_counts(struct window_reader *r, struct json_object *arr,
			struct record *rec, char *err, size_t errlen)
{
	const char *name = feature_table[rec->feature].name;
	uint32_t bins = feature_table[rec->feature].bins;
	size_t at = 0;

	rec->counts = malloc(bins * sizeof(uint64_t));
	if (!rec->counts)
		return oom(r, err, errlen);
	rec->nbins = bins;
	switch (json_counts__parse(arr, rec->counts, bins, &at)) {
	case JSON_COUNTS_OK:
		return 0;
	case JSON_COUNTS_NOT_ARRAY:
		return fail(r, err, errlen,
			    "\"counts\" missing or not an array; expected %u "
			    "non-negative integers for %s", bins, name);
	case JSON_COUNTS_LENGTH:
		return fail(r, err, errlen,
			    "\"counts\" has %zu bins; %s has %u", at, name,
			    bins);
	case JSON_COUNTS_NOT_INTEGER:
		return fail(r, err, errlen,
			    "counts[%zu] of %s is not an integer; expected a "
			    "non-negative integer", at, name);
	case JSON_COUNTS_NEGATIVE:
		return fail(r, err, errlen,
			    "counts[%zu] of %s is negative (%s); expected a "
			    "non-negative integer", at, name,
			    json_object_to_json_string(
				    json_object_array_get_idx(arr, at)));
	case JSON_COUNTS_TOO_BIG:
	case JSON_COUNTS_SUM_OVERFLOW:
		break;
	}
	return fail(r, err, errlen, "counts[%zu] of %s overflows: the counts "
				    "must sum below 2^64", at, name);
}

/*
 * "shape":[rows,cols] (row-major counts) must be present for a joint
 * feature and, when present, equal the feature table's shape.
 */
static int check_shape(struct window_reader *r, struct json_object *o,
		       enum dp_feature_id f, char *err, size_t errlen)
{
	const struct feature_info *fi = &feature_table[f];
	struct json_object *shape, *rows, *cols;

	if (!json_object_object_get_ex(o, "shape", &shape)) {
		if (fi->rows == 1)
			return 0;
		return fail(r, err, errlen, "\"shape\" missing; %s is a joint "
			    "feature, expected [%u,%u]", fi->name, fi->rows,
			    fi->cols);
	}
	if (!json_object_is_type(shape, json_type_array) ||
	    json_object_array_length(shape) != 2 ||
	    !json_object_is_type(rows = json_object_array_get_idx(shape, 0),
				 json_type_int) ||
	    !json_object_is_type(cols = json_object_array_get_idx(shape, 1),
				 json_type_int) ||
	    json_object_get_int64(rows) != fi->rows ||
	    json_object_get_int64(cols) != fi->cols)
		return fail(r, err, errlen, "\"shape\" of %s is not [%u,%u]",
			    fi->name, fi->rows, fi->cols);
	return 0;
}

/* Optional "exemplars": an object from bin numbers below nbins to strings. */
static int check_exemplars(struct window_reader *r, struct json_object *o,
			   struct record *rec, char *err, size_t errlen)
{
	struct json_object *ex;

	if (!json_object_object_get_ex(o, "exemplars", &ex))
		return 0;
	if (!json_object_is_type(ex, json_type_object))
		return fail(r, err, errlen, "\"exemplars\" is not an object; "
			    "expected {\"BIN\": \"text\", ...}");
	json_object_object_foreach(ex, key, val) {
		char *end;
		unsigned long bin;

		errno = 0;
		bin = strtoul(key, &end, 10);
		if (!*key || *end || errno || bin >= rec->nbins ||
		    key[0] == '-' || key[0] == '+' || key[0] == ' ')
			return fail(r, err, errlen, "exemplars key \"%s\" is not "
				    "a bin of %s; expected 0..%u", key,
				    feature_table[rec->feature].name,
				    rec->nbins - 1);
		if (!json_object_is_type(val, json_type_string))
			return fail(r, err, errlen, "exemplars[\"%s\"] is not a "
				    "string", key);
	}
	rec->exemplars = json_object_get(ex);
	return 0;
}

/* Attach the pending record's exemplars to its histogram in w. */
static int add_exemplars(struct window *w, const struct record *rec)
{
	if (!rec->exemplars)
		return 0;
	json_object_object_foreach(rec->exemplars, key, val) {
		int err = window__set_exemplar(w, rec->feature, rec->cgroup,
					       (uint32_t)strtoul(key, NULL, 10),
					       json_object_get_string(val));

		if (err)
			return err;
	}
	return 0;
}

static int parse_record(struct window_reader *r, const char *line,
			size_t len, struct record *rec, char *err,
			size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = NULL, *counts = NULL;
	const char *feature, *host, *cgroup, *workload;
	struct json_object *wl;
	int f, ret;

	if (!tok)
		return oom(r, err, errlen);
	o = json_tokener_parse_ex(tok, line, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    (size_t)json_tokener_get_parse_end(tok) != len) {
		ret = fail(r, err, errlen,
			   "not a JSON object on one line (%s); expected a "
			   "window record",
			   o ? "trailing data"
			   : json_tokener_get_error(tok) == json_tokener_continue
			   ? "it ends early, truncated"
			   : json_tokener_error_desc(json_tokener_get_error(tok)));
		goto out;
	}
	if (!json_object_is_type(o, json_type_object)) {
		ret = fail(r, err, errlen, "not a JSON object; expected a "
					   "window record");
		goto out;
	}
	if (get_number(o, "ts", &rec->ts) || rec->ts < 0 ||
	    rec->ts > TIMEFMT_MAX_UNIX) {
		ret = fail(r, err, errlen, "\"ts\" missing, bad or out of "
			   "range; expected unix seconds from 0 to %.0f (year "
			   "9999)", TIMEFMT_MAX_UNIX);
		goto out;
	}
	if (get_number(o, "interval_s", &rec->interval_s) ||
	    rec->interval_s <= 0) {
		ret = fail(r, err, errlen, "\"interval_s\" missing or bad; "
					   "expected seconds > 0");
		goto out;
	}
	feature = get_string(o, "feature");
	host = get_string(o, "host");
	cgroup = get_string(o, "cgroup");
	if (!feature || !host || !cgroup) {
		ret = fail(r, err, errlen, "\"%s\" missing or not a string",
			   !feature ? "feature" : !host ? "host" : "cgroup");
		goto out;
	}
	f = feature__by_name(feature);
	if (f < 0) {
		ret = fail(r, err, errlen, "unknown feature \"%s\"; see "
					   "'driftprobe features'", feature);
		goto out;
	}
	workload = get_string(o, "workload");
	if (json_object_object_get_ex(o, "workload", &wl) &&
	    (!workload || !*workload || strlen(workload) >= WORKLOAD_NAME_MAX ||
	     window__is_program(workload) != window__is_program(cgroup))) {
		ret = fail(r, err, errlen, "\"workload\" is not a name; expected "
			   "a non-empty string of at most %d bytes, a program "
			   "scope only for a program", WORKLOAD_NAME_MAX - 1);
		goto out;
	}
	rec->feature = f;
	ret = check_shape(r, o, f, err, errlen);
	if (ret)
		goto out;
	rec->host = strdup(host);
	rec->cgroup = strdup(cgroup);
	rec->workload = workload ? strdup(workload) : NULL;
	if (!rec->host || !rec->cgroup || (workload && !rec->workload)) {
		ret = oom(r, err, errlen);
		goto out;
	}
	json_object_object_get_ex(o, "counts", &counts);
	ret = parse_counts(r, counts, rec, err, errlen);
	if (!ret)
		ret = check_exemplars(r, o, rec, err, errlen);
out:
	json_object_put(o);
	json_tokener_free(tok);
	if (ret)
		record_clear(rec);
	return ret;
}

/*
 * The next line into r->buf (NUL-terminated, newline kept), at most
 * MAX_LINE bytes: never more memory than that, whatever the input (a file
 * without newlines, /dev/zero). Its length, 0 at end of input, or -EINVAL
 * (too long), -ENOMEM, -EIO with the message in err.
 */
static ssize_t read_line(struct window_reader *r, char *err, size_t errlen)
{
	size_t len = 0;
	int c = 0;

	while (c != '\n' && (c = getc_unlocked(r->f)) != EOF) {
		if (len == MAX_LINE)
			return fail(r, err, errlen, "line longer than %u MiB; "
				    "expected one window record", MAX_LINE >> 20);
		if (len + 2 > r->bufcap) {
			size_t cap = r->bufcap ? r->bufcap * 2 : 4096;
			char *b;

			if (cap > MAX_LINE + 2)
				cap = MAX_LINE + 2;
			b = realloc(r->buf, cap);
			if (!b)
				return oom(r, err, errlen);
			r->buf = b;
			r->bufcap = cap;
		}
		r->buf[len++] = (char)c;
	}
	if (ferror(r->f)) {
		snprintf(err, errlen, "%s: read error: %s", r->path,
			 strerror(errno));
		return -EIO;
	}
	if (len)
		r->buf[len] = '\0';
	return (ssize_t)len;	/* the last line may lack its newline */
}

/* Next non-blank record into r->pending. 1 read, 0 EOF, < 0 failed. */
static int read_record(struct window_reader *r, char *err, size_t errlen)
{
	ssize_t n;

	while (r->line++, (n = read_line(r, err, errlen)) > 0) {
		while (n > 0 && (r->buf[n - 1] == '\n' || r->buf[n - 1] == '\r' ||
				 r->buf[n - 1] == ' '))
			r->buf[--n] = '\0';
		if (!n)
			continue;
		if (memchr(r->buf, '\0', n))
			return fail(r, err, errlen, "NUL byte in line; expected "
					"a JSON text record");
		n = parse_record(r, r->buf, (size_t)n, &r->pending, err,
				 errlen);
		if (n)
			return (int)n;
		r->has_pending = true;
		return 1;
	}
	if (!n)
		r->line--;	/* no line there */
	return (int)n;
}

static bool same_window(const struct window *w, const struct record *rec)
{
	return w->ts == rec->ts && !strcmp(w->host, rec->host);
}

/*
 * Windows of different lengths in one input are pooled as they are (a
 * stall makes one longer window, see live.h): say so once, do not refuse.
 */
static void check_interval(struct window_reader *r, double interval_s)
{
	if (!r->first_interval_s) {
		r->first_interval_s = interval_s;
	} else if (!r->interval_warned &&
		   fabs(interval_s - r->first_interval_s) >
			   0.05 * r->first_interval_s) {
		r->interval_warned = r->warning_pending = true;
		snprintf(r->warning, sizeof(r->warning), "%s:%lu: window of "
			 "%g s among windows of %g s; their counts are used as "
			 "they are, not scaled", r->path, r->line, interval_s,
			 r->first_interval_s);
	}
}

const char *window_reader__warning(struct window_reader *r)
{
	if (!r->warning_pending)
		return NULL;
	r->warning_pending = false;
	return r->warning;
}

unsigned long window_reader__line(const struct window_reader *r)
{
	return r->window_line;
}

int window_reader__next(struct window_reader *r, struct window **out,
			char *err, size_t errlen)
{
	struct window *w = NULL;
	int ret;

	*out = NULL;
	for (;;) {
		if (!r->has_pending) {
			ret = r->eof ? 0 : read_record(r, err, errlen);
			if (ret < 0)
				goto fail;
			if (ret == 0) {
				r->eof = true;
				break;
			}
		}
		if (w && !same_window(w, &r->pending))
			break;
		if (!w) {
			w = window__new(r->pending.ts, r->pending.interval_s,
					r->pending.host);
			if (!w) {
				ret = oom(r, err, errlen);
				goto fail;
			}
			check_interval(r, w->interval_s);
		} else if (w->interval_s != r->pending.interval_s) {
			ret = fail(r, err, errlen, "\"interval_s\" %g differs "
				   "from %g of the same window (ts %.3f)",
				   r->pending.interval_s, w->interval_s, w->ts);
			goto fail;
		}
		if (window__find(w, r->pending.feature, r->pending.cgroup)) {
			ret = fail(r, err, errlen, "feature %s, cgroup %s "
				   "appears twice in window ts %.3f",
				   feature_table[r->pending.feature].name,
				   r->pending.cgroup, w->ts);
			goto fail;
		}
		ret = window__add(w, r->pending.feature, r->pending.cgroup,
				  r->pending.counts, r->pending.nbins);
		if (!ret)
			ret = add_exemplars(w, &r->pending);
		if (!ret)
			ret = window__set_workload(w, r->pending.feature,
						   r->pending.cgroup,
						   r->pending.workload);
		if (ret) {
			ret = oom(r, err, errlen);
			goto fail;
		}
		r->window_line = r->line;
		record_clear(&r->pending);
		r->has_pending = false;
	}
	if (w && window__index_workloads(w)) {
		ret = oom(r, err, errlen);
		goto fail;
	}
	*out = w;
	return w ? 1 : 0;
fail:
	window__free(w);
	return ret;
}

int window_io__read_files(char *const *paths, int npaths,
			  int (*fn)(const struct window *w, void *ctx),
			  void (*warn)(const char *what), void *ctx,
			  char *err, size_t errlen)
{
	for (int i = 0; i < npaths; i++) {
		struct window_reader *r;
		struct window *w;
		int ret;

		r = window_reader__open(paths[i], err, errlen);
		if (!r)
			return -errno;
		while ((ret = window_reader__next(r, &w, err, errlen)) == 1) {
			const char *warning = window_reader__warning(r);
			int cb;

			if (warning && warn)
				warn(warning);
			cb = fn(w, ctx);
			window__free(w);
			if (cb == -EOVERFLOW)
				snprintf(err, errlen, "%s:%lu: counts overflow "
					 "when added to those of the windows "
					 "before; expected sums below 2^63",
					 paths[i], window_reader__line(r));
			if (cb < 0) {
				window_reader__close(r);
				return cb == -EOVERFLOW ? cb : -ECANCELED;
			}
		}
		window_reader__close(r);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int window_io__open_append(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
			    O_NOFOLLOW, 0600);
	struct stat st;
	int ret;

	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot open for writing: %s%s", path,
			 strerror(-ret), ret == -ELOOP ?
			 " (a symbolic link; expected a file)" : "");
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot stat: %s", path,
			 strerror(-ret));
	} else if ((ret = safe_file__check(&st, path, true, err, errlen))) {
		/* err says why */
	} else if (S_ISREG(st.st_mode) && (st.st_mode & 077) &&
		   fchmod(fd, st.st_mode & 0700)) {	/* ours, but readable */
		ret = -errno;
		snprintf(err, errlen, "%s: cannot make it mode 0600: %s", path,
			 strerror(-ret));
	} else {
		return fd;
	}
	close(fd);
	return ret;
}
