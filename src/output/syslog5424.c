// SPDX-License-Identifier: MIT
/*
 * RFC 5424 formatting (pure) and the local syslog socket (syslog5424.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "syslog5424.h"
#include "textesc.h"
#include "timefmt.h"

struct out {
	char *buf;
	size_t len, cap;	/* cap: the most bytes written, NUL aside */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (n > o->cap - o->len)
		n = o->cap - o->len;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* A header field: printable US-ASCII (33..126) of at most max bytes. */
static void header_field(struct out *o, const char *s, size_t max)
{
	size_t n = 0;

	for (; s && s[n] && n < max; n++) {
		char c = (unsigned char)s[n] >= 33 &&
			 (unsigned char)s[n] <= 126 ? s[n] : '_';

		put(o, &c, 1);
	}
	put(o, n ? " " : "- ", n ? 1 : 2);
}

static void timestamp(struct out *o, double ts)
{
	char buf[32];

	if (timefmt__utc_ms(ts, buf, sizeof(buf))) {
		puts_(o, "- ");
		return;
	}
	puts_(o, buf);
	puts_(o, " ");
}

/* PARAM-VALUE: escaped for a person, cut, then '"', '\', ']' escaped. */
static void param_value(struct out *o, const char *v)
{
	char esc[SYSLOG5424_VALUE_MAX + 1];

	textesc__str(v ? v : "", esc, sizeof(esc));
	for (const char *p = esc; *p; p++) {
		if (*p == '"' || *p == '\\' || *p == ']')
			put(o, "\\", 1);
		put(o, p, 1);
	}
}

size_t syslog5424__format(const struct syslog5424_msg *m, char *buf,
			  size_t len)
{
	struct out o = { .buf = buf, .cap = len - 1 };
	char pri[16];

	if (o.cap > SYSLOG5424_MAX)
		o.cap = SYSLOG5424_MAX;
	buf[0] = '\0';
	snprintf(pri, sizeof(pri), "<%d>1 ", m->facility * 8 + m->severity);
	puts_(&o, pri);
	timestamp(&o, m->ts);
	header_field(&o, m->host, 255);
	header_field(&o, m->app, 48);
	header_field(&o, m->procid, 128);
	header_field(&o, m->msgid, 32);
	if (!m->sd_id) {
		puts_(&o, "-");
	} else {
		puts_(&o, "[");
		puts_(&o, m->sd_id);
		for (size_t i = 0; i < m->nparams; i++) {
			puts_(&o, " ");
			puts_(&o, m->params[i].name);
			puts_(&o, "=\"");
			param_value(&o, m->params[i].value);
			puts_(&o, "\"");
		}
		puts_(&o, "]");
	}
	if (m->text && m->text[0]) {
		char esc[SYSLOG5424_MAX + 1];

		puts_(&o, " ");
		/* cut by textesc before an escape, never inside one */
		textesc__str(m->text, esc, o.cap - o.len + 1 < sizeof(esc) ?
			     o.cap - o.len + 1 : sizeof(esc));
		puts_(&o, esc);
	}
	return o.len;
}

struct syslog5424 {
	struct sockaddr_un addr;
	int fd;
};

static int connect_socket(struct syslog5424 *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0)
		return -errno;
	if (connect(s->fd, (struct sockaddr *)&s->addr, sizeof(s->addr))) {
		int e = errno;

		close(s->fd);
		s->fd = -1;
		return -e;
	}
	return 0;
}

struct syslog5424 *syslog5424__open(const char *path, char *err,
				    size_t errlen)
{
	struct syslog5424 *s;
	int ret;

	if (!path)
		path = getenv(SYSLOG5424_SOCKET_ENV);
	if (!path || !path[0])
		path = SYSLOG5424_SOCKET;
	if (strlen(path) >= sizeof(s->addr.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long; expected at "
			 "most %zu bytes", path, sizeof(s->addr.sun_path) - 1);
		errno = ENAMETOOLONG;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	s->fd = -1;
	s->addr.sun_family = AF_UNIX;
	strcpy(s->addr.sun_path, path);
	ret = connect_socket(s);
	if (ret) {
		snprintf(err, errlen, "%s: cannot connect to the syslog "
			 "socket: %s; expected journald or rsyslog to listen "
			 "there", path, strerror(-ret));
		syslog5424__close(s);
		errno = -ret;
		return NULL;
	}
	return s;
}

void syslog5424__close(struct syslog5424 *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

int syslog5424__send(struct syslog5424 *s, const char *msg, size_t len,
		     char *err, size_t errlen)
{
	int ret = 0;

	for (int attempt = 0; attempt < 2; attempt++) {
		if (s->fd >= 0 && send(s->fd, msg, len, MSG_NOSIGNAL) ==
		    (ssize_t)len)
			return 0;
		ret = s->fd >= 0 ? -errno : -ENOTCONN;
		/* The daemon restarted: a new socket at the same path. */
		if (attempt || (ret != -ECONNREFUSED && ret != -ENOTCONN &&
				ret != -ENOENT))
			break;
		if ((ret = connect_socket(s)))
			break;
	}
	snprintf(err, errlen, "%s: failed to send a message: %s",
		 s->addr.sun_path, strerror(-ret));
	return ret;
}
