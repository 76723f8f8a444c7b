/* SPDX-License-Identifier: MIT */
/*
 * The JSON of an incident ("type":"incident" line, README "Incidents") and
 * of a moved bin, which analysis lines and incident lines share. One
 * writer for every output that carries incidents as JSON: `run --json` /
 * `analyze --json` (report.c) and the incident log (incident_log.c).
 */
#ifndef DRIFTPROBE_INCIDENT_JSON_H
#define DRIFTPROBE_INCIDENT_JSON_H

#include "jsonw.h"

struct bin_contribution;
struct incident;
struct window;

/*
 * {"bin":..,"label":..,["exemplars":..,]"baseline_p":..,"window_p":..,
 * "contribution":..}; exemplars NULL when the bin has none.
 */
void incident_json__bin(struct jsonw_line *l, const char *label,
			const char *exemplars,
			const struct bin_contribution *c);

/* The incident's whole line, newline included, appended to l. */
void incident_json__line(struct jsonw_line *l, const struct window *w,
			 const struct incident *inc);

#endif /* DRIFTPROBE_INCIDENT_JSON_H */
