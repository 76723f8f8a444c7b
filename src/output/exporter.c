// SPDX-License-Identifier: MIT
/*
 * /metrics over HTTP with libmicrohttpd (Debian's maintained library; no
 * hand-written server). The main thread publishes a complete exposition
 * after each window; the daemon thread copies whatever was published last
 * under a mutex. GET and HEAD only; everything but / and /metrics is 404.
 * The daemon thread blocks SIGINT and SIGTERM, so they always reach the
 * main thread and interrupt its sleep between windows at once.
 *
 * Slowloris: libmicrohttpd's idle timeout restarts on every byte, so
 * connections trickling a header would hold every slot. The accept policy
 * keeps a budget instead: a connection that has not sent a whole request
 * within HEADER_S of its start (or of its last reply) is cut, and when the
 * newcomer's address already holds CONN_PER_IP connections, or CONN_BUDGET
 * are open in all, the oldest one still waiting for its request (of that
 * address, or of any) is cut to make room. A new connection always gets
 * in and the slowest sender pays; a scraper sends its request at once and
 * is served before anyone can cut it. CONN_MAX, libmicrohttpd's own hard
 * limit, stays far enough above CONN_BUDGET that it never refuses first.
 * Every callback runs on the daemon's one polling thread: no lock.
 *
 * TLS is libmicrohttpd's (GnuTLS underneath): the certificate and key are
 * handed over in memory, the minimum version is a GnuTLS priority string.
 * libmicrohttpd asks for a client certificate when given a CA but does
 * not judge it, so each request's certificate is verified here, against
 * that CA, before anything is answered. The accept policy above sees TLS
 * connections like any other: a handshake counts against HEADER_S.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include "basic_auth.h"
#include "exporter.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#define CONN_MAX	64
#define CONN_BUDGET	48
#define CONN_PER_IP	8
#define HEADER_S	3.0
#define IDLE_S		5u	/* no byte either way for that long: closed */
#define REALM		"driftprobe"

/* GnuTLS priorities: its defaults, but no protocol before the minimum. */
#define TLS12_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define TLS13_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3"

/* One open connection, as the accept policy sees it. */
struct conn {
	bool used;
	bool busy;		/* its request arrived; not answered yet */
	bool cut;		/* shut down; libmicrohttpd closes it next */
	int fd;
	double since;		/* waiting for a request since (monotonic) */
	struct sockaddr_storage addr;
};

struct exporter {
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;
	char *text;
	size_t len;
	char address[64];
	bool tls;
	enum exporter_client_auth client_auth;
	struct basic_auth *auth;	/* NULL: no basic auth */
	struct conn conns[CONN_MAX];
};

static void msg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int parse_port(const char *s, in_port_t *port)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > 65535 || s[0] == '-' || s[0] == '+')
		return -EINVAL;
	*port = htons((uint16_t)v);
	return 0;
}

int exporter__parse_listen(const char *s, struct sockaddr_storage *addr,
			   char *err, size_t errlen)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;
	const char *colon = strrchr(s, ':');
	char host[64];
	size_t hlen;

	memset(addr, 0, sizeof(*addr));
	if (!colon) {			/* "PORT": loopback */
		colon = s - 1;
		hlen = 0;
	} else {
		hlen = (size_t)(colon - s);
	}
	if (hlen >= sizeof(host))
		goto bad;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (!strcmp(host, "localhost"))
		hlen = 0;		/* numeric below, this one name only */
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		host[hlen - 1] = '\0';
		in6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) != 1 ||
		    parse_port(colon + 1, &in6->sin6_port))
			goto bad;
		return 0;
	}
	in4->sin_family = AF_INET;
	if (!hlen)
		in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
		goto bad;
	if (parse_port(colon + 1, &in4->sin_port))
		goto bad;
	return 0;
bad:
	msg(err, errlen, "--listen: bad value '%s'; expected [ADDR]:PORT with "
	    "a numeric IPv4 address, [IPv6] or localhost, and a port from 0 "
	    "to 65535 (no address = 127.0.0.1)", s);
	return -EINVAL;
}

bool exporter__is_loopback(const struct sockaddr_storage *addr)
{
	const struct in6_addr *a6 = &((const struct sockaddr_in6 *)addr)->sin6_addr;

	if (addr->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)addr)->sin_addr.s_addr)
			>> 24) == 127;
	return addr->ss_family == AF_INET6 &&
	       (IN6_IS_ADDR_LOOPBACK(a6) ||
		(IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127));
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static bool same_host(const struct sockaddr_storage *a,
		      const struct sockaddr *b)
{
	if (a->ss_family != b->sa_family)
		return false;
	if (b->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       sizeof(struct in6_addr));
	return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
	       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

static void cut(struct conn *k)
{
	shutdown(k->fd, SHUT_RDWR);
	k->cut = true;
}

/* The connection still waiting for its request longest (from host). */
static struct conn *oldest_waiting(struct exporter *e,
				   const struct sockaddr *host)
{
	struct conn *old = NULL;

	for (struct conn *k = e->conns; k < e->conns + CONN_MAX; k++)
		if (k->used && !k->cut && !k->busy &&
		    (!host || same_host(&k->addr, host)) &&
		    (!old || k->since < old->since))
			old = k;
	return old;
}

/* Before libmicrohttpd takes a new connection from host; see the top. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *host,
				 socklen_t len)
{
	struct exporter *e = cls;
	double t = now();
	size_t open = 0, same = 0;
	struct conn *k;

	(void)len;
	for (k = e->conns; k < e->conns + CONN_MAX; k++) {
		if (!k->used || k->cut)
			continue;
		if (!k->busy && t - k->since > HEADER_S) {
			cut(k);
			continue;
		}
		open++;
		same += same_host(&k->addr, host);
	}
	if (same >= CONN_PER_IP) {
		if (!(k = oldest_waiting(e, host)))
			return MHD_NO;	/* all busy being served */
		cut(k);
		open--;
	}
	if (open >= CONN_BUDGET) {
		if (!(k = oldest_waiting(e, NULL)))
			return MHD_NO;
		cut(k);
	}
	return MHD_YES;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **ctx,
			  enum MHD_ConnectionNotificationCode what)
{
	struct exporter *e = cls;
	const union MHD_ConnectionInfo *fd, *addr;
	struct conn *k = *ctx;

	if (what == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (k)
			k->used = false;
		return;
	}
	fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	addr = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	for (k = e->conns; k < e->conns + CONN_MAX && k->used; k++)
		;
	if (k == e->conns + CONN_MAX || !fd || !addr)
		return;		/* untracked: cannot be cut, cannot starve */
	memset(k, 0, sizeof(*k));
	k->used = true;
	k->fd = fd->connect_fd;
	k->since = now();
	memcpy(&k->addr, addr->client_addr,
	       addr->client_addr->sa_family == AF_INET6 ?
	       sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	*ctx = k;
}

/* The connection's slot; busy from its request until the reply is done. */
static void set_busy(struct MHD_Connection *c, bool busy)
{
	const union MHD_ConnectionInfo *i =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *k = i ? i->socket_context : NULL;

	if (!k)
		return;
	k->busy = busy;
	k->since = now();
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)req_cls, (void)toe;
	set_busy(c, false);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status,
			     const char *type, const char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)body,
					    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The client's certificate, as client_auth asks: 0 or a reason to refuse. */
static const char *client_cert_refused(const struct exporter *e,
				       struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *i;
	unsigned int status = 0;
	int ret;

	if (!e->tls || e->client_auth == EXPORTER_CLIENT_CERT_NONE)
		return NULL;
	i = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!i || !i->tls_session)
		return "no TLS session\n";
	ret = gnutls_certificate_verify_peers2(i->tls_session, &status);
	if (ret == GNUTLS_E_NO_CERTIFICATE_FOUND ||
	    !gnutls_certificate_get_peers(i->tls_session, NULL))
		return e->client_auth == EXPORTER_CLIENT_CERT_REQUIRE ?
		       "a client certificate is required\n" : NULL;
	return ret || status ? "client certificate not trusted\n" : NULL;
}

/* Basic auth as configured: whether the request may go on. */
static bool authorized(struct exporter *e, struct MHD_Connection *c)
{
	char *user, *password = NULL;
	bool ok;

	if (!e->auth)
		return true;
	user = MHD_basic_auth_get_username_password(c, &password);
	ok = basic_auth__check(e->auth, user, password);
	if (password) {
		explicit_bzero(password, strlen(password));
		MHD_free(password);
	}
	MHD_free(user);
	return ok;
}

static enum MHD_Result refuse_unauthorized(struct MHD_Connection *c)
{
	static const char body[] = "authentication required\n";
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body,
					    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	ret = MHD_queue_basic_auth_fail_response(c, REALM, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_len, void **req_cls)
{
	static const char index[] = "driftprobe: metrics at /metrics\n";
	static const char not_found[] = "not found; try /metrics\n";
	static const char bad_method[] = "only GET and HEAD\n";
	struct exporter *e = cls;
	const char *refused;
	enum MHD_Result ret;

	(void)version, (void)upload, (void)upload_len, (void)req_cls;
	set_busy(c, true);
	if ((refused = client_cert_refused(e, c)))
		return reply(c, MHD_HTTP_FORBIDDEN, "text/plain", refused,
			     strlen(refused));
	if (!authorized(e, c))
		return refuse_unauthorized(c);
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			     bad_method, sizeof(bad_method) - 1);
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, "text/plain", index,
			     sizeof(index) - 1);
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", not_found,
			     sizeof(not_found) - 1);
	pthread_mutex_lock(&e->lock);
	ret = reply(c, MHD_HTTP_OK, CONTENT_TYPE, e->text ? e->text : "",
		    e->len);
	pthread_mutex_unlock(&e->lock);
	return ret;
}

static void format_address(const struct sockaddr_storage *a, char *buf,
			   size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)a;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else {
		const struct sockaddr_in *in4 = (const void *)a;

		inet_ntop(AF_INET, &in4->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(in4->sin_port));
	}
}

/*
 * The TLS and auth part of e's setup: options appended to opts (*n of
 * them so far), the flags to add in *flags. 0, or -errno with err set.
 */
static int secure(struct exporter *e, const struct exporter_security *sec,
		  struct MHD_OptionItem *opts, size_t *n, unsigned int *flags,
		  const char *want, char *err, size_t errlen)
{
	if (sec->nusers &&
	    !(e->auth = basic_auth__new(sec->users, sec->nusers))) {
		msg(err, errlen, "--listen %s: basic auth: %s", want,
		    strerror(errno));
		return -errno;
	}
	if (!sec->cert_pem)
		return 0;
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		msg(err, errlen, "--web-config: this libmicrohttpd is built "
		    "without TLS; expected one with GnuTLS (Debian's "
		    "libmicrohttpd12 has it)");
		return -ENOTSUP;
	}
	e->tls = true;
	e->client_auth = sec->client_auth;
	*flags |= MHD_USE_TLS;
	opts[(*n)++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
						(void *)sec->cert_pem };
	opts[(*n)++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
						(void *)sec->key_pem };
	opts[(*n)++] = (struct MHD_OptionItem){
		MHD_OPTION_HTTPS_PRIORITIES, 0,
		sec->tls13_only ? TLS13_PRIORITIES : TLS12_PRIORITIES };
	if (sec->client_auth != EXPORTER_CLIENT_CERT_NONE)
		opts[(*n)++] = (struct MHD_OptionItem){
			MHD_OPTION_HTTPS_MEM_TRUST, 0,
			(void *)sec->client_ca_pem };
	return 0;
}

struct exporter *exporter__start(const struct sockaddr_storage *addr,
				 const struct exporter_security *sec,
				 char *err, size_t errlen)
{
	struct exporter *e = calloc(1, sizeof(*e));
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD;
	const union MHD_DaemonInfo *info;
	sigset_t block, old;
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	struct MHD_OptionItem opts[16];
	size_t n = 0;
	char want[64];

	format_address(addr, want, sizeof(want));
	if (!e) {
		msg(err, errlen, "--listen %s: out of memory", want);
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&e->lock, NULL);
	if (sec && secure(e, sec, opts, &n, &flags, want, err, errlen)) {
		int saved = errno;

		exporter__stop(e);
		errno = saved;
		return NULL;
	}
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0,
					     (void *)addr };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
					     CONN_MAX, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
					     IDLE_S, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION,
					     (intptr_t)on_connection, e };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
					     (intptr_t)on_completed, e };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	if (addr->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);	/* inherited */
	errno = 0;
	e->daemon = MHD_start_daemon(flags, 0, on_accept, e, on_request, e,
				     MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!e->daemon && !errno)
		errno = EADDRNOTAVAIL;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!e->daemon) {
		int saved = errno;

		msg(err, errlen, "--listen %s: cannot serve metrics there: %s%s",
		    want, strerror(saved), e->tls ? " (or TLS refused the "
		    "certificate, the key or the client CA: are they PEM, "
		    "and does the key match the certificate?)" : "");
		exporter__stop(e);
		errno = saved;
		return NULL;
	}
	info = MHD_get_daemon_info(e->daemon, MHD_DAEMON_INFO_LISTEN_FD);
	if (info && !getsockname(info->listen_fd, (struct sockaddr *)&bound,
				 &blen))
		format_address(&bound, e->address, sizeof(e->address));
	else
		snprintf(e->address, sizeof(e->address), "%s", want);
	return e;
}

void exporter__publish(struct exporter *e, char *text, size_t len)
{
	char *old;

	pthread_mutex_lock(&e->lock);
	old = e->text;
	e->text = text;
	e->len = len;
	pthread_mutex_unlock(&e->lock);
	free(old);
}

const char *exporter__address(const struct exporter *e)
{
	return e->address;
}

bool exporter__tls(const struct exporter *e)
{
	return e->tls;
}

void exporter__stop(struct exporter *e)
{
	if (!e)
		return;
	if (e->daemon)
		MHD_stop_daemon(e->daemon);
	basic_auth__free(e->auth);
	pthread_mutex_destroy(&e->lock);
	free(e->text);
	free(e);
}
