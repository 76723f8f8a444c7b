/* SPDX-License-Identifier: MIT */
/*
 * How `run --listen` serves /metrics: the --web-config file turned into the
 * exporter's TLS and basic auth settings (the certificate, key and client
 * CA read here, before privileges are dropped), and the policy that a
 * listener beyond loopback needs TLS unless --insecure-listen says
 * otherwise: /metrics names processes and remote endpoints.
 */
#ifndef DRIFTPROBE_SERVE_H
#define DRIFTPROBE_SERVE_H

#include <stdbool.h>

struct config_args;
struct exporter;

struct serve_opts {
	const char *listen;		/* --listen */
	const char *web_config;		/* --web-config, or NULL */
	bool insecure_listen;		/* --insecure-listen */
};

/*
 * Start the exporter as o asks; ca (may be NULL) names the config file
 * line of a bad value. NULL with *status EXIT_INPUT (a bad --listen or
 * web config, or beyond loopback without TLS) or EXIT_RUNTIME (cannot
 * bind, TLS refused), after printing one line saying why.
 */
struct exporter *serve__start(const struct serve_opts *o,
			      const struct config_args *ca, int *status);

#endif /* DRIFTPROBE_SERVE_H */
