// SPDX-License-Identifier: MIT
/*
 * --incident-log, --incident-log-size and --syslog: their parsing and the
 * outputs they open (incident_outputs.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "config.h"
#include "incident_feed.h"
#include "incident_outputs.h"
#include "rotating_log.h"
#include "syslog5424.h"

enum { OPT_INCIDENT_LOG = 0x380, OPT_INCIDENT_LOG_SIZE, OPT_SYSLOG };

static const struct argp_option options[] = {
	{ "incident-log", OPT_INCIDENT_LOG, "FILE", 0, "Append each incident's "
		"opening, escalation and resolution to FILE as JSON Lines "
		"(mode 0600), rotated to FILE.1 ... FILE.5 by size", 0 },
	{ "incident-log-size", OPT_INCIDENT_LOG_SIZE, "BYTES", 0, "Rotate "
		"the incident log before it grows past BYTES (default "
		"10485760, 10 MiB)", 0 },
	{ "syslog", OPT_SYSLOG, NULL, 0, "Send each incident's opening, "
		"escalation and resolution to the local syslog socket "
		"(/dev/log) as RFC 5424, facility local0", 0 },
	{},
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct incident_output_opts *o = state->input;

	switch (key) {
	case OPT_INCIDENT_LOG:
		o->log_path = arg;
		return 0;
	case OPT_INCIDENT_LOG_SIZE:
		return cli__parse_uint("--incident-log-size", arg, 4096,
				       1UL << 40, &o->log_size) ? EINVAL : 0;
	case OPT_SYSLOG:
		o->syslog = true;
		return 0;
	case ARGP_KEY_END:
		if (o->log_size && !o->log_path) {
			cli__error("--incident-log-size goes with "
				   "--incident-log FILE; expected both");
			return EINVAL;
		}
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

const struct argp incident_outputs__argp = {
	options, parse, NULL, NULL, NULL, NULL, NULL,
};

static int log_line(void *ctx, const char *line, size_t len, char *err,
		    size_t errlen)
{
	return rotating_log__append(ctx, line, len, err, errlen);
}

int incident_outputs__open(struct incident_outputs *io,
			   const struct incident_output_opts *o,
			   const struct config_args *ca)
{
	struct incident_feed_dest d = { 0 };
	char err[PATH_MAX + 256], where[PATH_MAX + 16];

	if (!o->log_path && !o->syslog)
		return EXIT_OK;
	if (o->log_path) {
		io->log = rotating_log__open(o->log_path, o->log_size ?
					     o->log_size : ROTATING_LOG_DEFAULT,
					     ROTATING_LOG_KEEP, err,
					     sizeof(err));
		if (!io->log) {
			cli__error("%s--incident-log: %s",
				   config__origin(ca, o->log_path, where,
						  sizeof(where)), err);
			return EXIT_INPUT;
		}
		d.line = log_line;
		d.line_ctx = io->log;
	}
	if (o->syslog) {
		io->syslog = syslog5424__open(NULL, err, sizeof(err));
		if (!io->syslog) {
			cli__error("--syslog: %s", err);
			return EXIT_RUNTIME;
		}
		d.syslog = io->syslog;
	}
	io->feed = incident_feed__new(&d);
	if (!io->feed) {
		cli__error("incident feed: out of memory");
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

bool incident_outputs__sink(struct incident_outputs *io,
			    struct analysis_sink *out)
{
	if (!io->feed)
		return false;
	*out = incident_feed__sink(io->feed);
	return true;
}

void incident_outputs__close(struct incident_outputs *io)
{
	incident_feed__free(io->feed);
	rotating_log__close(io->log);
	syslog5424__close(io->syslog);
	*io = (struct incident_outputs){ 0 };
}
