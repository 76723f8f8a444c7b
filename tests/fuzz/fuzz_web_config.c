// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the --web-config file (exporter-toolkit web config,
 * YAML, read with libyaml). Whatever the bytes, web_config__load must
 * either refuse them with one line naming the file, or return a config
 * that keeps every promise of web_config.h: TLS with both a certificate
 * and a key, a client CA exactly when client certificates are verified,
 * every user a name without ':' and a well-formed bcrypt hash, every
 * relative file name resolved against the file's directory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_file.h"
#include "web_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Resolved: absolute (the fuzz file is /proc/self/fd/N). */
static int resolved(const char *p)
{
	return p && p[0] == '/' && strlen(p) > 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file__path(data, size);
	char err[512] = "";
	struct web_config *wc = web_config__load(path, err, sizeof(err));

	if (!wc) {
		if (strncmp(err, path, strlen(path)) || strchr(err, '\n'))
			abort();	/* refused without naming the file */
		return 0;
	}
	if (wc->tls && (!resolved(wc->cert_file) || !resolved(wc->key_file)))
		abort();
	if (!wc->tls && (wc->cert_file || wc->key_file || wc->client_ca_file))
		abort();
	if (wc->tls && (wc->client_auth != WEB_CLIENT_AUTH_NONE) !=
		       (wc->client_ca_file != NULL))
		abort();
	if (wc->client_ca_file && !resolved(wc->client_ca_file))
		abort();
	for (size_t i = 0; i < wc->nusers; i++)
		if (!wc->users[i].name[0] || strchr(wc->users[i].name, ':') ||
		    !web_config__is_bcrypt(wc->users[i].hash))
			abort();
	web_config__free(wc);
	return 0;
}
