/* SPDX-License-Identifier: MIT */
/*
 * The HTTP side of `run --listen`: serves the latest published exposition
 * at /metrics through libmicrohttpd (its own thread). The text is rendered
 * by metrics.c on the main thread and handed over whole, so a scrape never
 * sees a half-updated window. Optionally over TLS (libmicrohttpd's, on
 * GnuTLS), with client certificates and HTTP basic auth (basic_auth.h).
 */
#ifndef DRIFTPROBE_EXPORTER_H
#define DRIFTPROBE_EXPORTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct exporter;
struct basic_auth_user;

enum exporter_client_auth {
	EXPORTER_CLIENT_CERT_NONE,		/* none asked for */
	EXPORTER_CLIENT_CERT_VERIFY_IF_GIVEN,	/* one sent must verify */
	EXPORTER_CLIENT_CERT_REQUIRE,		/* one must be sent, verify */
};

/* Who may scrape, and how privately (all PEM text in memory). */
struct exporter_security {
	const char *cert_pem, *key_pem;	/* NULL: plain HTTP */
	const char *client_ca_pem;	/* with a client_auth that verifies */
	enum exporter_client_auth client_auth;
	bool tls13_only;		/* else TLS 1.2 and 1.3 */
	const struct basic_auth_user *users;	/* nusers 0: no basic auth */
	size_t nusers;
};

/*
 * Parse --listen: "ADDR:PORT", "[V6ADDR]:PORT", ":PORT" or "PORT"; without
 * an address it is loopback only (127.0.0.1). Numeric addresses only, and
 * "localhost" (127.0.0.1).
 * 0 or -EINVAL with a message in err naming what was expected.
 */
int exporter__parse_listen(const char *s, struct sockaddr_storage *addr,
			   char *err, size_t errlen);

/* Whether addr is reachable from this host only (127.0.0.0/8, ::1). */
bool exporter__is_loopback(const struct sockaddr_storage *addr);

/*
 * Bind and start serving (an empty body until the first publish); sec NULL:
 * plain HTTP, open to anyone who reaches the address. Every request, not
 * only /metrics, must pass sec's client certificate check (else 403) and
 * basic auth (else 401 with WWW-Authenticate). NULL + errno, with a message
 * in err naming the address (or what TLS refused: a bad key, say).
 */
struct exporter *exporter__start(const struct sockaddr_storage *addr,
				 const struct exporter_security *sec,
				 char *err, size_t errlen);

/* Whether it serves over TLS. */
bool exporter__tls(const struct exporter *e);

/* Serve text[0..len) from now on; takes ownership of text (malloc'd). */
void exporter__publish(struct exporter *e, char *text, size_t len);

/* "127.0.0.1:9464" / "[::1]:9464": where it really listens (port 0 bound). */
const char *exporter__address(const struct exporter *e);

/* Stop the server and free everything; NULL is fine. */
void exporter__stop(struct exporter *e);

#endif /* DRIFTPROBE_EXPORTER_H */
