// SPDX-License-Identifier: MIT
/*
 * Config file -> extra command-line arguments. inih does the INI syntax;
 * we feed it the file line by line from memory (after safe_file's checks)
 * so every handler call knows its line number, which this inih build does
 * not pass. The arguments made here are handed back with their line so
 * that option parsers can say where a bad value came from.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <ini.h>
#include "config.h"
#include "safe_file.h"

#define CONFIG_MAX_FILE (1u << 20)

struct parse {
	const struct argp *argp;
	struct config_args *made;
	const char *pos, *end;
	unsigned int line, section_line;	/* of the latest [section] */
	unsigned int overlong;	/* first line too long for inih, or 0 */
	char err[512];		/* first error, "FILE:LINE: ..." */
};

/* inih's reader: the next line of the buffer, at most num - 1 bytes. */
static char *next_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	size_t n = 0, skip;

	if (p->pos >= p->end)
		return NULL;
	while (p->pos + n < p->end && n + 1 < (size_t)num && p->pos[n] != '\n')
		n++;
	if (p->pos + n < p->end && p->pos[n] == '\n')
		n++;
	else if (p->pos + n < p->end && !p->overlong)
		p->overlong = p->line + 1;
	/* No leading blanks: inih would take an indented line as the
	   continuation of the previous value. */
	for (skip = 0; skip < n && (p->pos[skip] == ' ' ||
				    p->pos[skip] == '\t'); skip++)
		;
	memcpy(str, p->pos + skip, n - skip);
	str[n - skip] = '\0';
	p->pos += n;
	p->line++;
	if (str[0] == '[')
		p->section_line = p->line;
	return str;
}

/* The long option named key in argp or its children, or NULL. */
static const struct argp_option *find_option(const struct argp *argp,
					     const char *key)
{
	for (const struct argp_option *o = argp->options; o && (o->name ||
	     o->key || o->doc); o++)
		if (o->name && !strcmp(o->name, key) &&
		    !(o->flags & OPTION_DOC))
			return o;
	for (const struct argp_child *c = argp->children; c && c->argp; c++) {
		const struct argp_option *o = find_option(c->argp, key);

		if (o)
			return o;
	}
	return NULL;
}

/*
 * Keys that may be given on several lines, each line adding one (their
 * option parsers accumulate: `run --mute SPEC --mute SPEC`).
 */
static bool repeatable(const char *key)
{
	return !strcmp(key, "mute") || !strcmp(key, "threshold") ||
	       !strcmp(key, "workload-rule");
}

static int fail(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parse *p, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (p->err[0])
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, sizeof(p->err), "%s:%u: %s", p->made->path, p->line,
		 msg);
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]))
			return *out = true, 0;
		if (!strcasecmp(v, no[i]))
			return *out = false, 0;
	}
	return -EINVAL;
}

/* Remember key; text is "--key=value", "--key" (flag) or NULL (off). */
static int add_arg(struct parse *p, const char *key, const char *value,
		   bool emit)
{
	struct config_args *made = p->made;
	struct config_arg *a;
	void *grown = realloc(made->args, (made->n + 1) * sizeof(*made->args));

	if (!grown)
		return fail(p, "out of memory");
	made->args = grown;
	a = &made->args[made->n];
	a->line = p->line;
	a->key = strdup(key);
	a->text = NULL;
	if (emit && (value ? asprintf(&a->text, "--%s=%s", key, value)
			   : asprintf(&a->text, "--%s", key)) < 0)
		a->text = NULL;
	if (!a->key || (emit && !a->text)) {
		free(a->key);
		free(a->text);
		return fail(p, "out of memory");
	}
	made->n++;
	return 1;
}

static int on_entry(void *user, const char *section, const char *key,
		    const char *value)
{
	struct parse *p = user;
	const struct argp_option *o;
	bool on;

	if (section[0]) {
		p->line = p->section_line;
		return fail(p, "section [%s]: sections are not used; expected "
			    "'key = value' lines at the top", section);
	}
	o = strcmp(key, "config") ? find_option(p->argp, key) : NULL;
	if (!o)
		return fail(p, "unknown key '%s'; expected a long option of "
			    "'driftprobe run' without its dashes (see "
			    "driftprobe(8))", key);
	for (size_t i = 0; i < p->made->n && !repeatable(key); i++)
		if (!strcmp(p->made->args[i].key, key))
			return fail(p, "'%s' is set twice (first on line %u)",
				    key, p->made->args[i].line);
	if (!value[0])
		return fail(p, "'%s' has no value; expected %s", key,
			    o->arg ? o->arg : "yes or no");
	if (o->arg)
		return add_arg(p, key, value, true);
	if (parse_bool(value, &on))
		return fail(p, "'%s = %s': expected yes or no", key, value);
	return add_arg(p, key, NULL, on);
}

/* --config FILE / --config=FILE before any "--"; NULL if absent. */
static const char *config_arg(int argc, char **argv, bool *bad)
{
	const char *path = NULL;

	*bad = false;
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strncmp(argv[i], "--config=", 9)) {
			path = argv[i] + 9;
		} else if (!strcmp(argv[i], "--config")) {
			if (i + 1 == argc) {
				*bad = true;
				return NULL;
			}
			path = argv[++i];
		}
	}
	return path;
}

static int read_config(const struct argp *argp, const char *path,
		       struct config_args *made, char *err, size_t errlen)
{
	struct parse p = { .argp = argp, .made = made };
	char *buf;
	size_t len;
	int line;

	made->path = strdup(path);
	if (!made->path) {
		snprintf(err, errlen, "config: out of memory");
		return -ENOMEM;
	}
	buf = safe_file__read(path, CONFIG_MAX_FILE, "1 MiB", "config file",
			      &len, err, errlen);
	if (!buf)
		return -errno;
	p.pos = buf;
	p.end = buf + len;
	if (memchr(buf, '\0', len)) {
		free(buf);
		snprintf(err, errlen, "%s: contains a NUL byte; expected a "
			 "text file", path);
		return -EINVAL;
	}
	line = ini_parse_stream(next_line, &p, on_entry, &p);
	free(buf);
	if (p.overlong)		/* inih saw it in pieces: say what it was */
		snprintf(p.err, sizeof(p.err), "%s:%u: line longer than %d "
			 "characters", path, p.overlong, INI_MAX_LINE - 2);
	else if (line > 0 && !p.err[0])
		snprintf(p.err, sizeof(p.err), "%s:%d: expected 'key = value', "
			 "'# comment' or a blank line", path, line);
	if (p.err[0] || line) {
		snprintf(err, errlen, "%s",
			 p.err[0] ? p.err : "config: cannot parse");
		return -EINVAL;
	}
	return 0;
}

int config__merge(const struct argp *argp, int argc, char **argv,
		  struct config_args *out, char *err, size_t errlen)
{
	const char *path;
	char **nargv;
	bool bad;
	int n = 0, ret;

	memset(out, 0, sizeof(*out));
	path = config_arg(argc, argv, &bad);
	if (bad) {
		snprintf(err, errlen, "--config: expected a FILE after it");
		return -EINVAL;
	}
	if (!path && !access(CONFIG_DEFAULT_PATH, F_OK))
		path = CONFIG_DEFAULT_PATH;
	if (path) {
		ret = read_config(argp, path, out, err, errlen);
		if (ret)
			goto fail;
	}
	nargv = calloc(out->n + (size_t)argc + 1, sizeof(*nargv));
	if (!nargv) {
		ret = -ENOMEM;
		snprintf(err, errlen, "config: out of memory");
		goto fail;
	}
	nargv[n++] = argv[0];
	for (size_t i = 0; i < out->n; i++)
		if (out->args[i].text)
			nargv[n++] = out->args[i].text;
	for (int i = 1; i < argc; i++)
		nargv[n++] = argv[i];
	out->argc = n;
	out->argv = nargv;
	return 0;
fail:
	config__release(out);
	return ret;
}

void config__release(struct config_args *ca)
{
	if (!ca)
		return;
	free(ca->argv);
	for (size_t i = 0; i < ca->n; i++) {
		free(ca->args[i].text);
		free(ca->args[i].key);
	}
	free(ca->args);
	free(ca->path);
	memset(ca, 0, sizeof(*ca));
}

const char *config__origin(const struct config_args *ca, const char *arg,
			   char *buf, size_t len)
{
	for (size_t i = 0; ca && arg && i < ca->n; i++) {
		const char *t = ca->args[i].text;

		if (t && arg >= t && arg <= t + strlen(t)) {
			snprintf(buf, len, "%s:%u: ", ca->path,
				 ca->args[i].line);
			return buf;
		}
	}
	return "";
}
