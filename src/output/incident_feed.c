// SPDX-License-Identifier: MIT
/*
 * The incident feed (incident_feed.h): which of an incident's windows are
 * news, and their JSON line and syslog message.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "headline.h"
#include "incident.h"
#include "incident_feed.h"
#include "incident_json.h"
#include "jsonw.h"
#include "syslog5424.h"
#include "window.h"

/* An open incident and the severity last handed on. */
struct seen {
	uint64_t id;
	enum incident_severity severity;
};

struct incident_feed {
	struct incident_feed_dest d;
	struct jsonw_line line;
	struct seen seen[INCIDENT_MAX_OPEN];
	size_t nseen;
	uint64_t sent, failed;
	bool line_failing, syslog_failing;	/* said on stderr already */
	bool line_warned;			/* a warning, too */
	char procid[16];
};

struct incident_feed *incident_feed__new(const struct incident_feed_dest *d)
{
	struct incident_feed *f = calloc(1, sizeof(*f));

	if (!f) {
		errno = ENOMEM;
		return NULL;
	}
	f->d = *d;
	snprintf(f->procid, sizeof(f->procid), "%d", (int)getpid());
	return f;
}

void incident_feed__free(struct incident_feed *f)
{
	if (!f)
		return;
	jsonw_line__free(&f->line);
	free(f);
}

static struct seen *find(struct incident_feed *f, uint64_t id)
{
	for (size_t i = 0; i < f->nseen; i++)
		if (f->seen[i].id == id)
			return &f->seen[i];
	return NULL;
}

/*
 * What inc's window is to a SIEM: "open", "escalated", "resolved", or
 * NULL (an ongoing window like the last one handed on).
 */
static const char *news(struct incident_feed *f, const struct incident *inc)
{
	struct seen *s = find(f, inc->id);

	switch (inc->state) {
	case INCIDENT_OPEN:
		if (!s && f->nseen < INCIDENT_MAX_OPEN)
			s = &f->seen[f->nseen++];
		if (s)
			*s = (struct seen){ inc->id, inc->severity };
		return "open";
	case INCIDENT_ONGOING:
		if (!s) {	/* not seen open: only track it */
			if (f->nseen < INCIDENT_MAX_OPEN)
				f->seen[f->nseen++] = (struct seen){
					inc->id, inc->severity };
			return NULL;
		}
		if (inc->severity <= s->severity)
			return NULL;
		s->severity = inc->severity;
		return "escalated";
	case INCIDENT_RESOLVED:
		if (s)
			*s = f->seen[--f->nseen];
		return "resolved";
	}
	return NULL;
}

/* Say a destination's failure once, until it works again. */
static void failed(bool *failing, const char *err)
{
	if (!*failing)
		fprintf(stderr, "incident feed: %s; incidents are dropped "
			"there until it works again\n", err);
	*failing = true;
}

static int send_syslog(struct incident_feed *f, const struct window *w,
		       const struct incident *inc, const char *what,
		       char *err, size_t errlen)
{
	char id[24], features[256], culprit[64], hl[HEADLINE_LEN];
	char msg[SYSLOG5424_MAX + 1];
	const struct syslog5424_param params[] = {
		{ "id", id },
		{ "state", what },
		{ "severity", incident_severity__name(inc->severity) },
		{ "cgroup", inc->cgroup },
		{ "workload", incident__workload(inc) },
		{ "features", incident__feature_list(inc, INCIDENT_LIST_FEATURES,
						     features, sizeof(features)) },
		{ "culprit", incident__culprit_name(inc, culprit,
						    sizeof(culprit)) },
	};
	struct syslog5424_msg m = {
		.facility = SYSLOG5424_LOCAL0,
		.severity = inc->state == INCIDENT_RESOLVED ? SYSLOG5424_NOTICE :
			    inc->severity == INCIDENT_CRITICAL ? SYSLOG5424_CRIT :
			    SYSLOG5424_WARNING,
		.ts = w->ts, .host = w->host, .app = "driftprobe",
		.procid = f->procid, .msgid = "incident",
		.sd_id = INCIDENT_FEED_SD_ID,
		.params = params, .nparams = sizeof(params) / sizeof(params[0]),
		.text = headline__format(inc, hl, sizeof(hl)),
	};
	size_t len;

	snprintf(id, sizeof(id), "%llu", (unsigned long long)inc->id);
	len = syslog5424__format(&m, msg, sizeof(msg));
	return syslog5424__send(f->d.syslog, msg, len, err, errlen);
}

static int feed__incident(void *ctx, const struct window *w,
			  const struct incident *inc)
{
	struct incident_feed *f = ctx;
	const char *what = news(f, inc);
	char err[512];
	bool ok = true;

	if (!what)
		return 0;
	if (f->d.line) {
		int ret = -ENOMEM;

		incident_json__line(&f->line, w, inc);
		if (f->line.failed)
			snprintf(err, sizeof(err), "out of memory");
		else
			ret = f->d.line(f->d.line_ctx, f->line.s, f->line.len,
					err, sizeof(err));
		if (ret < 0) {
			failed(&f->line_failing, err);
			ok = false;
		} else {
			f->line_failing = false;
		}
		if (ret > 0 && !f->line_warned)
			fprintf(stderr, "incident feed: warning: %s\n", err);
		f->line_warned = ret > 0;
		jsonw_line__reset(&f->line);
	}
	if (f->d.syslog) {
		if (send_syslog(f, w, inc, what, err, sizeof(err))) {
			failed(&f->syslog_failing, err);
			ok = false;
		} else {
			f->syslog_failing = false;
		}
	}
	f->sent += ok;
	f->failed += !ok;
	return 0;
}

struct analysis_sink incident_feed__sink(struct incident_feed *f)
{
	return (struct analysis_sink){ .incident = feed__incident, .ctx = f,
				       .quiet_lean = true };
}

uint64_t incident_feed__sent(const struct incident_feed *f)
{
	return f->sent;
}

uint64_t incident_feed__failed(const struct incident_feed *f)
{
	return f->failed;
}
