// SPDX-License-Identifier: MIT
/* The mute file <-> a mute_set; see mute_file.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mute_file.h"
#include "safe_file.h"

/* One "ID SPEC" line (NUL-terminated, no newline) appended to s. */
static int read_line(const char *path, unsigned int lineno, char *line,
		     double now, struct mute_set *s, char *err, size_t errlen)
{
	char msg[512], *end;
	unsigned long id;
	int ret;

	errno = 0;
	id = strtoul(line, &end, 10);
	if (end == line || errno || !id || (*end != ' ' && *end != '\t')) {
		snprintf(err, errlen, "%s:%u: expected 'ID SPEC' with an ID "
			 "from 1", path, lineno);
		return -EINVAL;
	}
	ret = mute_set__add(s, end, now, msg, sizeof(msg));
	if (ret) {
		snprintf(err, errlen, "%s:%u: %s", path, lineno, msg);
		return ret;
	}
	s->rules[s->n - 1].id = id;
	return 0;
}

int mute_file__read(const char *path, double now, struct mute_set *s,
		    char *err, size_t errlen)
{
	size_t before = s->n, len;
	unsigned int lineno = 0;
	char *buf, *line, *next;
	int ret = 0;

	buf = safe_file__read(path, MUTE_FILE_MAX, "1 MiB", "mute file", &len,
			      err, errlen);
	if (!buf)
		return errno == ENOENT ? 0 : -errno;
	if (memchr(buf, '\0', len)) {
		snprintf(err, errlen, "%s: contains a NUL byte; expected a "
			 "text file", path);
		ret = -EINVAL;
	}
	for (line = buf; !ret && line < buf + len; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = buf + len;
		lineno++;
		line += strspn(line, " \t");
		if (*line && *line != '#')
			ret = read_line(path, lineno, line, now, s, err,
					errlen);
	}
	free(buf);
	while (ret && s->n > before)
		mute_rule__clear(&s->rules[--s->n]);
	return ret;
}

int mute_file__write(const char *path, const struct mute_set *s, double now,
		     char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ret;

	if (!f) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	fputs("# driftprobe mutes: 'driftprobe mute' edits this file; "
	      "'run' follows it.\n", f);
	for (size_t i = 0; i < s->n; i++)
		if (!mute_rule__expired(&s->rules[i], now))
			fprintf(f, "%lu %s\n", s->rules[i].id,
				s->rules[i].spec);
	if (fclose(f)) {
		free(text);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	ret = safe_file__replace(path, text, len, err, errlen);
	free(text);
	return ret;
}
