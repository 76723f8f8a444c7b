/* SPDX-License-Identifier: MIT */
/*
 * `run`'s incident outputs for SIEMs: --incident-log FILE (JSON Lines,
 * rotated by --incident-log-size, rotating_log.h) and --syslog (RFC 5424
 * to /dev/log), fed by incident_feed.h. Options (also config keys) as an
 * argp child whose input is a struct incident_output_opts; the files and
 * socket are opened before the probe attaches, while the process may
 * still create them.
 */
#ifndef DRIFTPROBE_INCIDENT_OUTPUTS_H
#define DRIFTPROBE_INCIDENT_OUTPUTS_H

#include <argp.h>
#include <stdbool.h>
#include "sink.h"

struct incident_output_opts {
	const char *log_path;		/* --incident-log, or NULL */
	unsigned long log_size;		/* --incident-log-size; 0: default */
	bool syslog;			/* --syslog */
};

extern const struct argp incident_outputs__argp;

struct incident_outputs {
	struct rotating_log *log;
	struct syslog5424 *syslog;
	struct incident_feed *feed;	/* NULL: no incident output asked */
};

struct config_args;

/*
 * Open what o asks for into io (zeroed before). EXIT_OK, EXIT_INPUT (the
 * log cannot be opened) or EXIT_RUNTIME (no syslog socket, no memory),
 * after one line saying which and why (ca: for the config file's
 * FILE:LINE, may be NULL).
 */
int incident_outputs__open(struct incident_outputs *io,
			   const struct incident_output_opts *o,
			   const struct config_args *ca);

/* Their sink (sink.h) when something was asked for; false otherwise. */
bool incident_outputs__sink(struct incident_outputs *io,
			    struct analysis_sink *out);

void incident_outputs__close(struct incident_outputs *io);

#endif /* DRIFTPROBE_INCIDENT_OUTPUTS_H */
