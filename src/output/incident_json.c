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

/* key (its leading comma or brace included) and a value: the three kinds. */
static void number(struct jsonw_line *l, const char *key, double v)
{
	jsonw_line__raw(l, key);
	jsonw_line__number(l, v);
}

static void u64(struct jsonw_line *l, const char *key, uint64_t v)
{
	jsonw_line__raw(l, key);
	jsonw_line__u64(l, v);
}

static void string(struct jsonw_line *l, const char *key, const char *v)
{
	jsonw_line__raw(l, key);
	jsonw_line__string(l, v);
}

void incident_json__bin(struct jsonw_line *l, const char *label,
			const char *exemplars,
			const struct bin_contribution *c)
{
	u64(l, "{\"bin\":", c->bin);
	string(l, ",\"label\":", label);
	if (exemplars)
		string(l, ",\"exemplars\":", exemplars);
	number(l, ",\"baseline_p\":", c->baseline_p);
	number(l, ",\"window_p\":", c->window_p);
	number(l, ",\"contribution\":", c->contribution);
	jsonw_line__raw(l, "}");
}

static void member(struct jsonw_line *l, const struct incident_member *m)
{
	char label[LABEL_LEN];

	string(l, "{\"feature\":", feature_table[m->feature].name);
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
	u64(l, "{\"pid\":", c->pid);
	if (c->ppid)
		u64(l, ",\"ppid\":", c->ppid);
	string(l, ",\"comm\":", c->comm);
	u64(l, ",\"samples\":", c->samples);
	u64(l, ",\"moved_samples\":", c->moved_samples);
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
	string(l, ",\"host\":", w->host);
	string(l, ",\"cgroup\":", inc->cgroup);
	string(l, ",\"workload\":", incident__workload(inc));
	u64(l, ",\"id\":", inc->id);
	string(l, ",\"state\":", incident_state__name(inc->state));
	string(l, ",\"severity\":", incident_severity__name(inc->severity));
	number(l, ",\"score\":", inc->score);
	number(l, ",\"threshold\":", inc->threshold);
	u64(l, ",\"windows\":", inc->windows);
	snprintf(head, sizeof(head), ",\"opened_ts\":%.3f", inc->opened_ts);
	jsonw_line__raw(l, head);
	string(l, ",\"headline\":", headline__format(inc, hl, sizeof(hl)));
	u64(l, ",\"anomalous_features\":", inc->nanomalous);
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
