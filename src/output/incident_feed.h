/* SPDX-License-Identifier: MIT */
/*
 * Incidents for the tools security teams collect events with (rsyslog,
 * journald, Vector, Fluent Bit, a SIEM behind them): a sink (sink.h) that
 * hands on an incident's changes, not every window of it:
 *
 *   - "open": its first window;
 *   - "escalated": an ongoing window whose severity rose (warning to
 *     critical) — the "state" of its JSON line stays "ongoing";
 *   - "resolved": the window after its last anomalous one.
 *
 * Each goes out as the incident's JSON line (incident_json.h, the same as
 * `run --json` prints) to a line writer — the cmd layer gives the rotated
 * incident log — and/or as an RFC 5424 message (syslog5424.h): facility
 * local0, severity crit (critical), warning, or notice (resolved),
 * APP-NAME driftprobe, MSGID incident, structured data
 * [driftprobe@32473 id state severity cgroup features culprit host] and
 * the headline as MSG. A destination that fails is said once on stderr
 * (and again after it worked in between); the probe goes on judging.
 */
#ifndef DRIFTPROBE_INCIDENT_FEED_H
#define DRIFTPROBE_INCIDENT_FEED_H

#include <stddef.h>
#include <stdint.h>
#include "sink.h"

/* 32473 is IANA's example enterprise number (RFC 5612): no PEN of ours. */
#define INCIDENT_FEED_SD_ID	"driftprobe@32473"

struct syslog5424;

struct incident_feed_dest {
	/*
	 * A JSON line (with its '\n') to keep: 0, > 0 kept but with a
	 * warning in err (said once), or -errno with err set.
	 */
	int (*line)(void *ctx, const char *line, size_t len, char *err,
		    size_t errlen);
	void *line_ctx;			/* NULL line: no JSON lines */
	struct syslog5424 *syslog;	/* NULL: no syslog */
};

struct incident_feed;

/* NULL + errno (ENOMEM). dest's pointers must outlive the feed. */
struct incident_feed *incident_feed__new(const struct incident_feed_dest *d);
void incident_feed__free(struct incident_feed *f);

struct analysis_sink incident_feed__sink(struct incident_feed *f);

/* Incidents handed on, and those a destination failed to take. */
uint64_t incident_feed__sent(const struct incident_feed *f);
uint64_t incident_feed__failed(const struct incident_feed *f);

#endif /* DRIFTPROBE_INCIDENT_FEED_H */
