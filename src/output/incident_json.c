// SPDX-License-Identifier: MIT
/*
 * Incident lines and moved bins as JSON (incident_json.h). The field names
 * are the documented schema; numbers go through jsonw (no NaN ever).
 */
#include <stdio.h>
#include "detector.h"
#include "feature.h"
#include "headline.h"
#include "incident.h"
#include "incident_json.h"
#include "window.h"

#define LABEL_LEN 64

void incident_json__bin(struct jsonw_line *l, const char *label,
			const char *exemplars,
			const struct bin_contribution *c)
{
	jsonw_line__raw(l, "{\"bin\":");
	jsonw_line__u64(l, c->bin);
	jsonw_line__raw(l, ",\"label\":");
	jsonw_line__string(l, label);
	if (exemplars) {
		jsonw_line__raw(l, ",\"exemplars\":");
		jsonw_line__string(l, exemplars);
	}
	jsonw_line__raw(l, ",\"baseline_p\":");
	jsonw_line__number(l, c->baseline_p);
	jsonw_line__raw(l, ",\"window_p\":");
	jsonw_line__number(l, c->window_p);
	jsonw_line__raw(l, ",\"contribution\":");
	jsonw_line__number(l, c->contribution);
	jsonw_line__raw(l, "}");
}

static void number(struct jsonw_line *l, const char *key, double v)
{
	jsonw_line__raw(l, key);
	jsonw_line__number(l, v);
}

static void member(struct jsonw_line *l, const struct incident_member *m)
{
	char label[LABEL_LEN];

	jsonw_line__raw(l, "{\"feature\":");
	jsonw_line__string(l, feature_table[m->feature].name);
	number(l, ",\"score\":", m->score);
	number(l, ",\"threshold\":", m->threshold);
	number(l, ",\"critical\":", m->critical);
	jsonw_line__raw(l, ",\"top\":[");
	for (size_t j = 0; j < m->ntop; j++) {
		const struct bin_contribution *c = &m->top[j];

		if (j)
			jsonw_line__raw(l, ",");
		feature__label(m->feature, c->bin, label, sizeof(label));
		incident_json__bin(l, label, m->h ?
				   window_hist__exemplar(m->h, c->bin) : NULL,
				   c);
	}
	jsonw_line__raw(l, "]}");
}

static void culprit(struct jsonw_line *l, const struct incident_culprit *c)
{
	jsonw_line__raw(l, "{\"pid\":");
	jsonw_line__u64(l, c->pid);
	if (c->ppid) {
		jsonw_line__raw(l, ",\"ppid\":");
		jsonw_line__u64(l, c->ppid);
	}
	jsonw_line__raw(l, ",\"comm\":");
	jsonw_line__string(l, c->comm);
	jsonw_line__raw(l, ",\"samples\":");
	jsonw_line__u64(l, c->samples);
	jsonw_line__raw(l, ",\"moved_samples\":");
	jsonw_line__u64(l, c->moved_samples);
	jsonw_line__raw(l, c->new_pid ? ",\"new\":true" : ",\"new\":false");
	jsonw_line__raw(l, c->new_comm ? ",\"new_comm\":true" :
			",\"new_comm\":false");
	jsonw_line__raw(l, c->leader ? ",\"role\":\"leader\"}" :
			c->child ? ",\"role\":\"child\"}" :
			",\"role\":\"other\"}");
}

void incident_json__line(struct jsonw_line *l, const struct window *w,
			 const struct incident *inc)
{
	char head[64], hl[HEADLINE_LEN];

	snprintf(head, sizeof(head), "{\"type\":\"incident\",\"ts\":%.3f",
		 w->ts);
	jsonw_line__raw(l, head);
	jsonw_line__raw(l, ",\"host\":");
	jsonw_line__string(l, w->host);
	jsonw_line__raw(l, ",\"cgroup\":");
	jsonw_line__string(l, inc->cgroup);
	jsonw_line__raw(l, ",\"id\":");
	jsonw_line__u64(l, inc->id);
	jsonw_line__raw(l, ",\"state\":");
	jsonw_line__string(l, incident_state__name(inc->state));
	jsonw_line__raw(l, ",\"severity\":");
	jsonw_line__string(l, incident_severity__name(inc->severity));
	number(l, ",\"score\":", inc->score);
	number(l, ",\"threshold\":", inc->threshold);
	jsonw_line__raw(l, ",\"windows\":");
	jsonw_line__u64(l, inc->windows);
	snprintf(head, sizeof(head), ",\"opened_ts\":%.3f", inc->opened_ts);
	jsonw_line__raw(l, head);
	jsonw_line__raw(l, ",\"headline\":");
	jsonw_line__string(l, headline__format(inc, hl, sizeof(hl)));
	jsonw_line__raw(l, ",\"anomalous_features\":");
	jsonw_line__u64(l, inc->nanomalous);
	jsonw_line__raw(l, ",\"features\":[");
	for (size_t i = 0; i < inc->nmembers; i++) {
		if (i)
			jsonw_line__raw(l, ",");
		member(l, &inc->members[i]);
	}
	jsonw_line__raw(l, "],\"culprits\":[");
	for (size_t i = 0; i < inc->nculprits; i++) {
		if (i)
			jsonw_line__raw(l, ",");
		culprit(l, &inc->culprits[i]);
	}
	jsonw_line__raw(l, "]}\n");
}
