/* SPDX-License-Identifier: MIT */
/*
 * The --web-config file: the Prometheus exporter-toolkit web configuration
 * (YAML), the subset driftprobe serves /metrics with:
 *
 *   tls_server_config:
 *     cert_file: server.crt          # PEM; relative to the file's directory
 *     key_file: server.key
 *     client_auth_type: NoClientCert # or VerifyClientCertIfGiven,
 *                                    #    RequireAndVerifyClientCert
 *     client_ca_file: ca.crt         # with the two verifying types
 *     min_version: TLS12             # or TLS13
 *   basic_auth_users:
 *     prometheus: $2b$10$...         # bcrypt hashes ($2a$, $2b$, $2y$)
 *
 * This module owns the parsing and validation only (libyaml): it reads no
 * certificate and serves nothing. Any key or value it does not know is
 * refused with one line naming FILE:LINE, the key and what was expected,
 * rather than silently serving less security than the file asked for.
 */
#ifndef DRIFTPROBE_WEB_CONFIG_H
#define DRIFTPROBE_WEB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum web_client_auth {
	WEB_CLIENT_AUTH_NONE,			/* NoClientCert (default) */
	WEB_CLIENT_AUTH_VERIFY_IF_GIVEN,	/* VerifyClientCertIfGiven */
	WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY,	/* RequireAndVerifyClientCert */
};

enum web_tls_version {
	WEB_TLS12,	/* default, as exporter-toolkit's */
	WEB_TLS13,
};

struct web_user {
	char *name;
	char *hash;	/* bcrypt, checked well-formed */
};

struct web_config {
	bool tls;			/* tls_server_config given */
	char *cert_file;		/* resolved paths; NULL when !tls */
	char *key_file;
	char *client_ca_file;		/* NULL: none */
	enum web_client_auth client_auth;
	enum web_tls_version min_version;
	size_t nusers;
	struct web_user *users;		/* basic_auth_users, file order */
};

/*
 * Parse text[0..len) as the web config at path (path names it in errors
 * and relative file names resolve against its directory). NULL + errno
 * (EINVAL: bad content, ENOMEM) with "PATH:LINE: ..." in err.
 */
struct web_config *web_config__parse(const char *text, size_t len,
				     const char *path, char *err,
				     size_t errlen);

/*
 * Read path (safe_file's checks: a regular file only its owner can write)
 * and parse it. NULL + errno with "PATH: ..." in err.
 */
struct web_config *web_config__load(const char *path, char *err,
				    size_t errlen);

/* NULL is fine. */
void web_config__free(struct web_config *wc);

/* Whether hash is a bcrypt hash crypt(3) verifies: $2a$/$2b$/$2y$, cost
 * 04..31, 22 salt and 31 hash characters of bcrypt's base64. */
bool web_config__is_bcrypt(const char *hash);

#endif /* DRIFTPROBE_WEB_CONFIG_H */
