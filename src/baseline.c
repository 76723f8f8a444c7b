// SPDX-License-Identifier: MIT
/*
 * Baselines: pooling learning windows, calibrating one threshold per
 * (feature, cgroup), and the baseline file. The file is a trust boundary:
 * whoever can rewrite it decides what "normal" is, so loading checks its
 * permissions and every field before anything is believed.
 *
 * Calibration. For an entry and each learning window j in which it had
 * events, effect_j = divergence__compute(pool - window_j, window_j).effect:
 * the window against the pool of all the others (leave-one-out). effect =
 * max(0, (G - df) / (2 n_eff)) is bias-corrected, so with no change it is
 * ~0 for any window size; what remains in the effect_j is the feature's
 * real window-to-window variability. The threshold is
 *   max(min_threshold, mean + sd_factor * sd, max_factor * max)
 * over the effect_j, so a noisy feature gets a wider band than a steady one,
 * and because the effect does not grow or shrink with n, a threshold learnt
 * on 10 s windows holds for windows of any length. Windows in which the
 * entry had no events say nothing about its shape: they count as windows of
 * the baseline but not for leave-one-out. An entry with events in fewer
 * than two windows has no leave-one-out effect at all and gets
 * min_threshold.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <json-c/json.h>
#include "baseline.h"
#include "safe_file.h"
#include "divergence.h"
#include "feature.h"
#include "json_counts.h"
#include "jsonw.h"
#include "key_index.h"
#include "mi.h"
#include "timefmt.h"
#include "window.h"

#define BASELINE_RULE_TEXT \
	"max(min, mean+sd_factor*sd, max_factor*max) of leave-one-out effects"

/* The non-zero bins of one learning window, kept for leave-one-out. */
struct builder_bin {
	uint32_t bin;
	uint64_t count;
};

struct builder_sample {
	size_t n;
	struct builder_bin *bins;
};

struct builder_entry {
	enum dp_feature_id feature;
	char *cgroup;
	uint64_t *pooled;		/* feature_table[feature].bins */
	uint64_t windows;
	size_t nsamples, capsamples;
	struct builder_sample *samples;	/* windows with events only */
};

struct baseline_builder {
	double alpha, min_threshold, sd_factor, max_factor;
	uint64_t windows;
	double interval_s;		/* of the first window */
	char *host;			/* of the first window */
	int failed;			/* an add ran out of memory */
	size_t n, cap;
	struct builder_entry *entries;
	struct key_index index;		/* (feature, cgroup) -> entries[] */
};

/* Make room for one more element of size sz in *arr. 0 or -ENOMEM. */
static int baseline__grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	size_t ncap = *cap ? 2 * *cap : 8;
	void *p;

	if (n < *cap)
		return 0;
	p = reallocarray(*arr, ncap, sz);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static bool valid_factor(double v)
{
	return isfinite(v) && v >= 0;
}

struct baseline_builder *baseline_builder__new(double alpha)
{
	struct baseline_builder *b;

	if (!valid_factor(alpha)) {
		errno = EINVAL;
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->alpha = alpha;
	b->min_threshold = BASELINE_MIN_THRESHOLD;
	b->sd_factor = BASELINE_SD_FACTOR;
	b->max_factor = BASELINE_MAX_FACTOR;
	return b;
}

int baseline_builder__set_rule(struct baseline_builder *b, double min,
			       double sd_factor, double max_factor)
{
	if (!valid_factor(min) || !valid_factor(sd_factor) ||
	    !valid_factor(max_factor))
		return -EINVAL;
	b->min_threshold = min;
	b->sd_factor = sd_factor;
	b->max_factor = max_factor;
	return 0;
}

void baseline_builder__free(struct baseline_builder *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		struct builder_entry *e = &b->entries[i];

		for (size_t j = 0; j < e->nsamples; j++)
			free(e->samples[j].bins);
		free(e->samples);
		free(e->pooled);
		free(e->cgroup);
	}
	free(b->entries);
	key_index__free(&b->index);
	free(b->host);
	free(b);
}

static struct builder_entry *builder__find(struct baseline_builder *b,
					   enum dp_feature_id f,
					   const char *cgroup)
{
	size_t cursor = 0, i;
	uint64_t hash = key_index__hash(f, cgroup);

	while ((i = key_index__next(&b->index, hash, &cursor)) != SIZE_MAX)
		if (b->entries[i].feature == f &&
		    !strcmp(b->entries[i].cgroup, cgroup))
			return &b->entries[i];
	return NULL;
}

/*
 * Is h acceptable as histogram i of w: a known feature with this build's
 * bin count, not repeated in w, and not overflowing the pool? 0 or -errno.
 */
static int builder__check(struct baseline_builder *b, const struct window *w,
			  size_t i)
{
	const struct window_hist *h = &w->hists[i];
	const struct builder_entry *e;
	uint64_t total = 0;

	if ((unsigned int)h->feature >= DP_F_COUNT || !h->cgroup ||
	    h->nbins != feature_table[h->feature].bins)
		return -EINVAL;
	/* Repeated: the window's own index finds another one first. */
	if (window__find(w, h->feature, h->cgroup) != h)
		return -EINVAL;
	e = builder__find(b, h->feature, h->cgroup);
	for (uint32_t k = 0; k < h->nbins; k++)
		if (__builtin_add_overflow(total, h->counts[k], &total) ||
		    (e && __builtin_add_overflow(total, e->pooled[k], &total)))
			return -EOVERFLOW;
	return 0;
}

static struct builder_entry *builder__entry(struct baseline_builder *b,
					    const struct window_hist *h)
{
	struct builder_entry *e = builder__find(b, h->feature, h->cgroup);

	if (e)
		return e;
	if (baseline__grow((void **)&b->entries, &b->cap, b->n,
			   sizeof(*b->entries)))
		return NULL;
	e = &b->entries[b->n];
	*e = (struct builder_entry){ .feature = h->feature };
	e->cgroup = strdup(h->cgroup);
	e->pooled = calloc(h->nbins, sizeof(*e->pooled));
	if (!e->cgroup || !e->pooled ||
	    key_index__add(&b->index, key_index__hash(h->feature, h->cgroup),
			   b->n)) {
		free(e->cgroup);
		free(e->pooled);
		return NULL;
	}
	b->n++;
	return e;
}

/* Pool h into its entry and keep its non-zero bins. 0 or -ENOMEM. */
static int builder__pool(struct baseline_builder *b,
			 const struct window_hist *h)
{
	struct builder_entry *e = builder__entry(b, h);
	struct builder_sample *s;
	size_t nz = 0;

	if (!e)
		return -ENOMEM;
	e->windows++;
	for (uint32_t k = 0; k < h->nbins; k++) {
		e->pooled[k] += h->counts[k];
		nz += h->counts[k] != 0;
	}
	if (!nz)
		return 0;
	if (baseline__grow((void **)&e->samples, &e->capsamples, e->nsamples,
			   sizeof(*e->samples)))
		return -ENOMEM;
	s = &e->samples[e->nsamples];
	s->bins = calloc(nz, sizeof(*s->bins));
	if (!s->bins)
		return -ENOMEM;
	s->n = 0;
	for (uint32_t k = 0; k < h->nbins; k++)
		if (h->counts[k])
			s->bins[s->n++] = (struct builder_bin){
				.bin = k, .count = h->counts[k] };
	e->nsamples++;
	return 0;
}

int baseline_builder__add(struct baseline_builder *b, const struct window *w)
{
	int err;

	if (b->failed)
		return b->failed;
	/* Check everything first, so a refused window leaves no trace. */
	for (size_t i = 0; i < w->n; i++) {
		err = builder__check(b, w, i);
		if (err)
			return err;
	}
	if (!b->windows) {
		b->host = strdup(w->host ? w->host : "");
		if (!b->host)
			return -ENOMEM;
		b->interval_s = w->interval_s;
	}
	for (size_t i = 0; i < w->n; i++) {
		err = builder__pool(b, &w->hists[i]);
		if (err) {
			b->failed = err;
			return err;
		}
	}
	b->windows++;
	return 0;
}

static void baseline__msg(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void baseline__msg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Scratch space for leave-one-out: two histograms and the effects. */
struct loo_scratch {
	uint64_t *rest, *one;
	double *effects;
};

/*
 * A joint feature's coupling band: the plug-in MI of every learning window
 * with events (min, max) and of the pool. 0 or -errno.
 */
static int builder__coupling(const struct builder_entry *be,
			     struct baseline_entry *e, uint64_t *table)
{
	const struct feature_info *fi = &feature_table[be->feature];
	struct mi_entropies m;
	int err;

	if (fi->rows < 2)
		return 0;
	/* No events while learning: nothing coupled, an empty band at 0. */
	e->coupling = (struct coupling_band){ 0 };
	if (!be->nsamples)
		return 0;
	e->coupling.min = INFINITY;
	e->coupling.max = 0;
	for (size_t j = 0; j < be->nsamples; j++) {
		const struct builder_sample *smp = &be->samples[j];

		memset(table, 0, e->nbins * sizeof(*table));
		for (size_t i = 0; i < smp->n; i++)
			table[smp->bins[i].bin] = smp->bins[i].count;
		err = mi__entropies(table, fi->rows, fi->cols, &m);
		if (err)
			return err;
		e->coupling.min = fmin(e->coupling.min, m.mi);
		e->coupling.max = fmax(e->coupling.max, m.mi);
	}
	err = mi__entropies(be->pooled, fi->rows, fi->cols, &m);
	if (err)
		return err;
	e->coupling.pooled = m.mi;
	return 0;
}

/* Leave-one-out effects of be, summarised into e. 0 or -errno. */
static int builder__calibrate(const struct baseline_builder *b,
			      const struct builder_entry *be,
			      struct baseline_entry *e, struct loo_scratch *s)
{
	double sum = 0, ss = 0, max = 0, mean = 0, sd = 0;
	size_t m = 0;

	for (size_t j = 0; j < be->nsamples; j++) {
		const struct builder_sample *smp = &be->samples[j];
		struct divergence d;
		int err;

		memcpy(s->rest, be->pooled, e->nbins * sizeof(*s->rest));
		memset(s->one, 0, e->nbins * sizeof(*s->one));
		for (size_t i = 0; i < smp->n; i++) {
			s->rest[smp->bins[i].bin] -= smp->bins[i].count;
			s->one[smp->bins[i].bin] = smp->bins[i].count;
		}
		err = divergence__compute(s->rest, s->one, e->nbins, b->alpha,
					  &d);
		if (err)
			return err;
		/* No other window had events: nothing to leave one out of. */
		if (!d.n_baseline)
			continue;
		s->effects[m++] = d.effect;
		sum += d.effect;
		if (d.effect > max)
			max = d.effect;
	}
	if (m) {
		mean = sum / m;
		for (size_t j = 0; j < m; j++)
			ss += (s->effects[j] - mean) * (s->effects[j] - mean);
		sd = m > 1 ? sqrt(ss / (m - 1)) : 0;
	}
	e->loo_mean = mean;
	e->loo_sd = sd;
	e->loo_max = max;
	e->threshold = fmax(b->min_threshold, fmax(mean + b->sd_factor * sd,
						   b->max_factor * max));
	return 0;
}

/* e from be: a copy of the pooled counts and the calibrated threshold. */
static int builder__emit(const struct baseline_builder *b,
			 const struct builder_entry *be,
			 struct baseline_entry *e, struct loo_scratch *s)
{
	int err;

	e->feature = be->feature;
	e->nbins = feature_table[be->feature].bins;
	e->windows = be->windows;
	e->cgroup = strdup(be->cgroup);
	e->counts = malloc(e->nbins * sizeof(*e->counts));
	if (!e->cgroup || !e->counts)
		return -ENOMEM;
	memcpy(e->counts, be->pooled, e->nbins * sizeof(*e->counts));
	err = builder__calibrate(b, be, e, s);
	return err ? err : builder__coupling(be, e, s->one);
}

struct baseline *baseline_builder__finish(struct baseline_builder *b,
					  char *err, size_t errlen)
{
	struct loo_scratch s = { 0 };
	struct baseline *bl = NULL;
	uint32_t max_bins = 0;
	size_t max_samples = 0;
	struct utsname u;
	struct timespec now;
	int ret = -ENOMEM;

	if (b->failed) {
		baseline__msg(err, errlen, "an earlier learning window could "
			      "not be added: %s", strerror(-b->failed));
		ret = b->failed;
		goto cleanup;
	}
	if (b->windows < 2) {
		baseline__msg(err, errlen, "got %" PRIu64 " learning window%s; "
			      "a baseline needs 2 or more", b->windows,
			      b->windows == 1 ? "" : "s");
		ret = -EINVAL;
		goto cleanup;
	}
	for (size_t i = 0; i < b->n; i++) {
		uint32_t k = feature_table[b->entries[i].feature].bins;

		max_bins = k > max_bins ? k : max_bins;
		if (b->entries[i].nsamples > max_samples)
			max_samples = b->entries[i].nsamples;
	}
	bl = calloc(1, sizeof(*bl));
	s.rest = calloc(max_bins + 1, sizeof(*s.rest));
	s.one = calloc(max_bins + 1, sizeof(*s.one));
	s.effects = calloc(max_samples + 1, sizeof(*s.effects));
	if (bl) {
		clock_gettime(CLOCK_REALTIME, &now);
		bl->version = BASELINE_VERSION;
		bl->created = now.tv_sec + now.tv_nsec / 1e9;
		bl->host = strdup(b->host);
		bl->kernel = strdup(uname(&u) ? "unknown" : u.release);
		bl->interval_s = b->interval_s;
		bl->windows = b->windows;
		bl->min_threshold = b->min_threshold;
		bl->sd_factor = b->sd_factor;
		bl->max_factor = b->max_factor;
		bl->entries = calloc(b->n + 1, sizeof(*bl->entries));
	}
	if (!bl || !s.rest || !s.one || !s.effects || !bl->host ||
	    !bl->kernel || !bl->entries) {
		baseline__msg(err, errlen, "out of memory building the "
			      "baseline");
		goto cleanup;
	}
	for (size_t i = 0; i < b->n; i++) {
		const struct builder_entry *be = &b->entries[i];

		ret = builder__emit(b, be, &bl->entries[i], &s);
		bl->n++;	/* even half-filled: baseline__free frees it */
		if (ret) {
			baseline__msg(err, errlen, "%s %s: failed to calibrate:"
				      " %s", feature_table[be->feature].name,
				      be->cgroup, strerror(-ret));
			goto cleanup;
		}
	}
	ret = 0;
cleanup:
	free(s.rest);
	free(s.one);
	free(s.effects);
	if (ret) {
		baseline__free(bl);
		errno = -ret;
		return NULL;
	}
	return bl;
}

const struct baseline_entry *baseline__find(const struct baseline *bl,
					    enum dp_feature_id f,
					    const char *cgroup)
{
	for (size_t i = 0; i < bl->n; i++)
		if (bl->entries[i].feature == f &&
		    !strcmp(bl->entries[i].cgroup, cgroup))
			return &bl->entries[i];
	return NULL;
}

void baseline__free(struct baseline *bl)
{
	if (!bl)
		return;
	for (size_t i = 0; i < bl->n; i++) {
		free(bl->entries[i].cgroup);
		free(bl->entries[i].counts);
	}
	free(bl->entries);
	free(bl->host);
	free(bl->kernel);
	free(bl);
}

bool baseline__differs(const struct baseline *bl, const char *host,
		       const char *kernel, double interval_s, char *buf,
		       size_t len)
{
	bool h = host && strcmp(host, bl->host);
	bool k = kernel && strcmp(kernel, bl->kernel);
	bool i = fabs(interval_s - bl->interval_s) > 0.05 * bl->interval_s;
	FILE *f = fmemopen(buf, len, "w");	/* bounded by len */

	if (!f) {
		snprintf(buf, len, "learnt elsewhere");
		return h || k || i;
	}
	fputs("learnt", f);
	if (h)
		fprintf(f, " on host %s (this is %s)", bl->host, host);
	if (k)
		fprintf(f, "%s kernel %s (this is %s)", h ? "," : " with",
			bl->kernel, kernel);
	if (i)
		fprintf(f, "%s %g s windows (these are %g s)",
			h || k ? ", from" : " from", bl->interval_s,
			interval_s);
	fclose(f);
	return h || k || i;
}

/* ---- the file ----------------------------------------------------------- */

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

/* One document; a line per feature, so a person can read (and diff) it. */
static void baseline__write(FILE *f, const struct baseline *bl)
{
	fprintf(f, "{\"format\":\"%s\",\"version\":%u", BASELINE_FORMAT,
		bl->version);
	put_double(f, "created", bl->created);
	put_string(f, "host", bl->host);
	put_string(f, "kernel", bl->kernel);
	put_double(f, "interval_s", bl->interval_s);
	fprintf(f, ",\"windows\":%" PRIu64 ",\n \"threshold_rule\":"
		"{\"statistic\":\"effect\",\"text\":\"%s\"", bl->windows,
		BASELINE_RULE_TEXT);
	put_double(f, "min", bl->min_threshold);
	put_double(f, "sd_factor", bl->sd_factor);
	put_double(f, "max_factor", bl->max_factor);
	fputs("},\n \"features\":[", f);
	for (size_t i = 0; i < bl->n; i++) {
		const struct baseline_entry *e = &bl->entries[i];

		fprintf(f, "%s\n  {\"name\":", i ? "," : "");
		jsonw__string(f, feature_table[e->feature].name);
		put_string(f, "cgroup", e->cgroup);
		fprintf(f, ",\"bins\":%" PRIu32 ",\"windows\":%" PRIu64,
			e->nbins, e->windows);
		put_double(f, "threshold", e->threshold);
		fputs(",\"loo\":{\"mean\":", f);
		jsonw__double(f, e->loo_mean);
		put_double(f, "sd", e->loo_sd);
		put_double(f, "max", e->loo_max);
		if (feature_table[e->feature].rows > 1) {
			fputs("},\"coupling\":{\"mi_min\":", f);
			jsonw__double(f, e->coupling.min);
			put_double(f, "mi_max", e->coupling.max);
			put_double(f, "mi_pooled", e->coupling.pooled);
		}
		fputs("},\n   \"counts\":", f);
		jsonw__u64_array(f, e->counts, e->nbins);
		fputc('}', f);
	}
	fputs("\n ]\n}\n", f);
}

/* All of buf to fd, then to disk. 0 or -errno. */
static int baseline__write_fd(int fd, const char *buf, size_t len)
{
	int ret = safe_file__write_all(fd, buf, len);

	return ret ? ret : fsync(fd) ? -errno : 0;
}

int baseline__check_dest(const char *path, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash - path + (slash == path)) :
			    strdup(".");
	struct stat st;
	int ret = 0;

	if (!dir) {
		baseline__msg(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	if (!lstat(path, &st) && !S_ISREG(st.st_mode)) {
		free(dir);
		baseline__msg(err, errlen, "%s: is not a regular file (it would "
			      "be replaced); expected a baseline file's path",
			      path);
		return -EINVAL;
	}
	if (stat(dir, &st))
		ret = -errno;
	else if (!S_ISDIR(st.st_mode))
		ret = -ENOTDIR;
	else if (access(dir, W_OK | X_OK))
		ret = -errno;
	if (ret)
		baseline__msg(err, errlen, "%s: cannot write a baseline in "
			      "directory %s: %s", path, dir, strerror(-ret));
	free(dir);
	return ret;
}

/*
 * The document is formatted in memory first, so a failing disk reports its
 * own errno (ENOSPC, EFBIG, EIO) rather than whatever stdio remembered.
 */
int baseline__save(const struct baseline *bl, const char *path, char *err,
		   size_t errlen)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	int dirlen = slash ? (int)(slash - path) + 1 : 0;
	char *tmp = NULL, *dir = NULL, *text = NULL;
	bool made = false;	/* tmp exists and must go on failure */
	size_t len = 0;
	FILE *m;
	int fd = -1, ret;

	ret = baseline__check_dest(path, err, errlen);
	if (ret)
		return ret;
	ret = -ENOMEM;
	m = open_memstream(&text, &len);
	if (m) {
		baseline__write(m, bl);
		ret = fclose(m) ? -ENOMEM : 0;
	}
	/* ".NAME.XXXXXX", NAME cut so that it fits NAME_MAX */
	if (!ret && asprintf(&tmp, "%.*s.%.*s.XXXXXX", dirlen, path,
			     NAME_MAX - 8, name) < 0) {
		tmp = NULL;
		ret = -ENOMEM;
	}
	if (ret) {
		baseline__msg(err, errlen, "%s: out of memory", path);
		goto cleanup;
	}
	fd = mkstemp(tmp);	/* mode 0600 */
	if (fd < 0) {
		ret = -errno;
		baseline__msg(err, errlen, "%s: cannot create a temp file "
			      "next to it: %s", path, strerror(-ret));
		goto cleanup;
	}
	made = true;
	ret = baseline__write_fd(fd, text, len);
	if (close(fd) && !ret)
		ret = -errno;
	fd = -1;
	if (ret) {
		baseline__msg(err, errlen, "%s: failed to write: %s", tmp,
			      strerror(-ret));
		goto cleanup;
	}
	if (rename(tmp, path)) {
		ret = -errno;
		baseline__msg(err, errlen, "%s: cannot replace it with %s: %s",
			      path, tmp, strerror(-ret));
		goto cleanup;
	}
	made = false;
	/* Make the rename itself durable. */
	dir = dirlen ? strndup(path, dirlen) : strdup(".");
	fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	ret = fd < 0 || fsync(fd) ? -errno : 0;
	if (ret)
		baseline__msg(err, errlen, "%s: written, but syncing its "
			      "directory failed: %s", path, strerror(-ret));
cleanup:
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(tmp);
	free(tmp);
	free(dir);
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
	baseline__msg(l->err, l->errlen, "%s: %s%s", l->path, l->where, msg);
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
	if (!valid_factor(*out))
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

static int load__counts(struct loader *l, json_object *obj,
			struct baseline_entry *e)
{
	json_object *arr;
	size_t at = 0;
	int err = load__field(l, obj, "counts", json_type_array, &arr);

	if (err)
		return err;
	e->counts = calloc(e->nbins, sizeof(*e->counts));
	if (!e->counts)
		return -ENOMEM;
	switch (json_counts__parse(arr, e->counts, e->nbins, &at)) {
	case JSON_COUNTS_OK:
		return 0;
	case JSON_COUNTS_NOT_ARRAY:	/* load__field checked the type */
	case JSON_COUNTS_LENGTH:
		return load__fail(l, "\"counts\" has %zu values, expected %"
				  PRIu32 " (bins)", at, e->nbins);
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

/* features[i] into e. */
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

static int load__entry(struct loader *l, const struct baseline *bl,
		       json_object *obj, size_t i, struct baseline_entry *e)
{
	json_object *v, *loo;
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
	if (baseline__find(bl, e->feature, e->cgroup))
		return load__fail(l, "duplicate (feature, cgroup)");
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
	err = load__double(l, obj, "threshold", &e->threshold);
	if (!err)
		err = load__field(l, obj, "loo", json_type_object, &loo);
	if (!err)
		err = load__double(l, loo, "mean", &e->loo_mean);
	if (!err)
		err = load__double(l, loo, "sd", &e->loo_sd);
	if (!err)
		err = load__double(l, loo, "max", &e->loo_max);
	if (!err)
		err = load__coupling(l, obj, e);
	if (!err)
		err = load__counts(l, obj, e);
	return err;
}

static int load__rule(struct loader *l, json_object *doc, struct baseline *bl)
{
	json_object *rule, *stat;
	int err = load__field(l, doc, "threshold_rule", json_type_object,
			      &rule);

	if (!err)
		err = load__field(l, rule, "statistic", json_type_string,
				  &stat);
	if (err)
		return err;
	snprintf(l->where, sizeof(l->where), "threshold_rule: ");
	if (strcmp(json_object_get_string(stat), "effect"))
		return load__fail(l, "statistic is \"%s\", expected \"effect\""
				  " (what the thresholds are on)",
				  json_object_get_string(stat));
	err = load__double(l, rule, "min", &bl->min_threshold);
	if (!err)
		err = load__double(l, rule, "sd_factor", &bl->sd_factor);
	if (!err)
		err = load__double(l, rule, "max_factor", &bl->max_factor);
	l->where[0] = 0;
	return err;
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
		err = load__double(l, doc, "interval_s", &bl->interval_s);
	if (!err)
		err = load__u64(l, doc, "windows", &bl->windows);
	if (err)
		return err;
	if (bl->windows < 2)
		return load__fail(l, "\"windows\" is %" PRIu64 "; a baseline "
				  "needs 2 or more", bl->windows);
	err = load__rule(l, doc, bl);
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
		baseline__msg(err, errlen, "%s: out of memory", path);
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
