// SPDX-License-Identifier: MIT
/*
 * --listen, --web-config and --insecure-listen, put together: parse and
 * check everything before binding (a refused configuration never serves,
 * not even for a moment), read the PEM files the web config names, hand
 * the exporter its settings, and say where and how it serves.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "basic_auth.h"
#include "cli.h"
#include "config.h"
#include "exporter.h"
#include "safe_file.h"
#include "serve.h"
#include "web_config.h"

#define PEM_MAX (1u << 20)

/* The PEM texts of the web config's files; wiped when freed. */
struct pems {
	char *cert, *key, *ca;
	size_t key_len;
};

static void pems__free(struct pems *p)
{
	if (p->key)
		explicit_bzero(p->key, p->key_len);
	free(p->cert);
	free(p->key);
	free(p->ca);
}

static char *read_pem(const char *path, const char *what, size_t *len,
		      const char *wc_path)
{
	char err[PATH_MAX + 256];
	char *text = safe_file__read(path, PEM_MAX, "1 MiB", what, len, err,
				     sizeof(err));

	if (!text)
		cli__error("--web-config %s: %s", wc_path, err);
	return text;
}

static int read_pems(const struct web_config *wc, const char *wc_path,
		     struct pems *p)
{
	size_t len;

	p->cert = read_pem(wc->cert_file, "PEM certificate", &len, wc_path);
	p->key = p->cert ? read_pem(wc->key_file, "PEM key", &p->key_len,
				    wc_path) : NULL;
	if (p->key && wc->client_ca_file)
		p->ca = read_pem(wc->client_ca_file, "PEM CA certificate",
				 &len, wc_path);
	return p->cert && p->key && (p->ca || !wc->client_ca_file) ? 0 : -EINVAL;
}

static const enum exporter_client_auth client_auth[] = {
	[WEB_CLIENT_AUTH_NONE] = EXPORTER_CLIENT_CERT_NONE,
	[WEB_CLIENT_AUTH_VERIFY_IF_GIVEN] = EXPORTER_CLIENT_CERT_VERIFY_IF_GIVEN,
	[WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY] = EXPORTER_CLIENT_CERT_REQUIRE,
};

static struct exporter *start(const struct sockaddr_storage *addr,
			      const struct web_config *wc, const char *wc_path,
			      int *status)
{
	struct exporter_security sec = { 0 };
	struct basic_auth_user *users = NULL;
	struct pems p = { 0 };
	struct exporter *e = NULL;
	char err[512];

	*status = EXIT_INPUT;
	if (wc && wc->tls) {
		if (read_pems(wc, wc_path, &p))
			goto cleanup;
		sec.cert_pem = p.cert;
		sec.key_pem = p.key;
		sec.client_ca_pem = p.ca;
		sec.client_auth = client_auth[wc->client_auth];
		sec.tls13_only = wc->min_version == WEB_TLS13;
	}
	*status = EXIT_RUNTIME;
	if (wc && wc->nusers) {
		users = calloc(wc->nusers, sizeof(*users));
		if (!users) {
			cli__error("--web-config: out of memory");
			goto cleanup;
		}
		for (size_t i = 0; i < wc->nusers; i++)
			users[i] = (struct basic_auth_user){
				wc->users[i].name, wc->users[i].hash };
		sec.users = users;
		sec.nusers = wc->nusers;
	}
	e = exporter__start(addr, wc ? &sec : NULL, err, sizeof(err));
	if (!e)
		cli__error("%s", err);
cleanup:
	free(users);
	pems__free(&p);
	return e;
}

struct exporter *serve__start(const struct serve_opts *o,
			      const struct config_args *ca, int *status)
{
	char err[PATH_MAX + 512], where[PATH_MAX + 16];
	struct sockaddr_storage addr;
	struct web_config *wc = NULL;
	struct exporter *e = NULL;
	bool loopback;

	*status = EXIT_INPUT;
	if (exporter__parse_listen(o->listen, &addr, err, sizeof(err))) {
		cli__error("%s%s", config__origin(ca, o->listen, where,
						  sizeof(where)), err);
		return NULL;
	}
	if (o->web_config &&
	    !(wc = web_config__load(o->web_config, err, sizeof(err)))) {
		cli__error("%s--web-config: %s", config__origin(
				   ca, o->web_config, where, sizeof(where)),
			   err);
		*status = errno == ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
		return NULL;
	}
	loopback = exporter__is_loopback(&addr);
	if (!loopback && !(wc && wc->tls) && !o->insecure_listen) {
		cli__error("%s--listen %s: beyond loopback without TLS: "
			   "/metrics shows pids, commands and remote "
			   "addresses to whoever reaches it; give --web-config "
			   "FILE with a tls_server_config (and "
			   "basic_auth_users), or --insecure-listen to serve "
			   "it in clear anyway",
			   config__origin(ca, o->listen, where, sizeof(where)),
			   o->listen);
		goto cleanup;
	}
	e = start(&addr, wc, o->web_config, status);
	if (!e)
		goto cleanup;
	*status = EXIT_OK;
	fprintf(stderr, "serving metrics at %s://%s/metrics%s\n",
		exporter__tls(e) ? "https" : "http", exporter__address(e),
		wc && wc->nusers ? " (basic auth)" : "");
	if (!loopback && !exporter__tls(e))
		cli__error("warning: --listen %s: --insecure-listen: metrics "
			   "are served beyond this host in clear%s",
			   exporter__address(e), wc && wc->nusers ?
			   ", passwords included" : ", to anyone");
cleanup:
	web_config__free(wc);
	return e;
}
