// SPDX-License-Identifier: MIT
/* One incident per event: fusion, life cycle and culprits; see incident.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fc_table.h"
#include "feature.h"
#include "incident.h"
#include "window.h"

/* Processes tallied per cgroup and window at most (the rest are skipped). */
#define INCIDENT_MAX_PROCS	256

/* What a cgroup's incident keeps between windows. */
struct open_incident {
	size_t cg;			/* index in incidents.cgroups */
	bool seen;			/* anomalous in the current window */
	uint64_t id;
	double opened_ts;
	unsigned int windows;		/* anomalous windows so far */
	enum incident_severity max_severity;
	double peak_ratio;
	struct incident peak;		/* its peak window, h NULLed */
};

/* Per cgroup (feature 0): the pids and names seen while normal. */
struct cg_state {
	struct fc_key key;		/* first: an fc_table element */
	uint32_t pids[INCIDENT_PIDS_SEEN];
	size_t npids, pid_next;
	char comms[INCIDENT_COMMS_SEEN][INCIDENT_COMM_LEN];
	size_t ncomms, comm_next;
	struct open_incident *open;	/* NULL: none */
	bool anomalous;			/* in the current window */
	char *workload;			/* as of its latest incident */
};

struct member_rec {
	const char *cgroup;
	const char *workload;
	double ratio;
	bool critical;
	struct incident_member m;
};

struct source_rec {
	const char *cgroup;
	enum dp_feature_id feature;
	const struct window_hist *h;
};

/* A cgroup with anomalous members in the current window. */
struct group {
	const char *cgroup;
	size_t first, n;		/* in members[] (sorted) */
	size_t cg;
	bool critical;
	double ratio;
};

struct proc_tally {
	struct incident_culprit c;
	double weighted;		/* events, moved ones weighted up */
	int parent;			/* index in procs[], or -1 */
};

struct incidents {
	struct fc_table cgroups;	/* of struct cg_state */
	struct open_incident *open[INCIDENT_MAX_OPEN];
	size_t nopen;
	uint64_t next_id, overflows;
	struct member_rec *members;
	size_t nm, capm;
	struct source_rec *sources;
	size_t ns, caps;
	struct group *groups;
	size_t capg;
	struct proc_tally procs[INCIDENT_MAX_PROCS];
	size_t np;
	struct incident scratch;
};

const char *incident_state__name(enum incident_state s)
{
	switch (s) {
	case INCIDENT_OPEN:
		return "open";
	case INCIDENT_ONGOING:
		return "ongoing";
	case INCIDENT_RESOLVED:
		return "resolved";
	}
	return "unknown";
}

const char *incident_severity__name(enum incident_severity s)
{
	return s == INCIDENT_CRITICAL ? "critical" : "warning";
}

const char *incident__feature_list(const struct incident *inc, size_t max,
				   char *buf, size_t len)
{
	size_t o = 0, n = inc->nmembers < max ? inc->nmembers : max;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "",
				      feature_table[inc->members[i].feature].name);
	/* more anomalous features than named: ",…" */
	if ((inc->nmembers > n || inc->nanomalous > n) && o < len)
		snprintf(buf + o, len - o, ",\xe2\x80\xa6");
	return buf;
}

const char *incident__culprit_name(const struct incident *inc, char *buf,
				   size_t len)
{
	const struct incident_culprit *c = inc->nculprits ? &inc->culprits[0]
							  : NULL;

	for (size_t i = 0; i < inc->nculprits; i++)
		if (inc->culprits[i].leader) {
			c = &inc->culprits[i];
			break;
		}
	if (c)
		snprintf(buf, len, "%s[%u]", c->comm, c->pid);
	else if (len)
		buf[0] = '\0';
	return buf;
}

double incident__ratio(double score, double threshold)
{
	if (!(score == score))
		return 0;
	return threshold > 0 ? score / threshold : score;
}

struct incidents *incidents__new(void)
{
	struct incidents *b = calloc(1, sizeof(*b));

	if (!b) {
		errno = ENOMEM;
		return NULL;
	}
	b->cgroups = (struct fc_table)FC_TABLE_INIT(struct cg_state);
	return b;
}

void incidents__free(struct incidents *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nopen; i++)
		free(b->open[i]);
	for (size_t i = 0; i < b->cgroups.n; i++)
		free(((struct cg_state *)fc_table__at(&b->cgroups, i))->workload);
	fc_table__clear(&b->cgroups);
	free(b->members);
	free(b->sources);
	free(b->groups);
	free(b);
}

size_t incidents__open(const struct incidents *b)
{
	return b->nopen;
}

uint64_t incidents__overflows(const struct incidents *b)
{
	return b->overflows;
}

/* Grow *p (elements of size) to hold n + 1. 0 or -ENOMEM. */
static int reserve(void **p, size_t *cap, size_t n, size_t size)
{
	size_t c;
	void *q;

	if (n < *cap)
		return 0;
	c = *cap ? 2 * *cap : 64;
	q = realloc(*p, c * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

void incidents__begin(struct incidents *b)
{
	b->nm = b->ns = 0;
}

static bool is_process_feature(enum dp_feature_id f)
{
	return (unsigned int)f < DP_F_COUNT &&
	       feature_table[f].group == DP_GROUP_SYSCALL;
}

static int cg_index(struct incidents *b, const char *cgroup, size_t *i);
static struct cg_state *cg_at(struct incidents *b, size_t i);

/*
 * cgroup's open incident (if any) stays open through this window without
 * a line of its own: a window of few events says nothing either way.
 */
static int incidents__hold(struct incidents *b, const char *cgroup)
{
	size_t cg;

	if (cg_index(b, cgroup, &cg))
		return -ENOMEM;
	if (cg_at(b, cg)->open)
		cg_at(b, cg)->open->seen = true;
	return 0;
}

int incidents__add(struct incidents *b, enum dp_feature_id f,
		   const char *cgroup, const struct window_hist *h,
		   const struct analysis *an)
{
	struct member_rec *r;

	if (an->muted)		/* neither a member nor a culprit's source */
		return 0;
	if (h && h->exemplars && is_process_feature(f)) {
		if (reserve((void **)&b->sources, &b->caps, b->ns,
			    sizeof(*b->sources)))
			return -ENOMEM;
		b->sources[b->ns++] = (struct source_rec){ cgroup, f, h };
	}
	/* Few events while the detector holds the alarm: it goes on. */
	if (an->verdict == VERDICT_INSUFFICIENT && an->held)
		return incidents__hold(b, cgroup);
	if (an->verdict != VERDICT_ANOMALY)
		return 0;
	if (reserve((void **)&b->members, &b->capm, b->nm, sizeof(*b->members)))
		return -ENOMEM;
	r = &b->members[b->nm++];
	memset(r, 0, sizeof(*r));
	r->cgroup = cgroup;
	r->workload = h ? window_hist__key(h) : cgroup;
	r->ratio = incident__ratio(an->score, an->threshold);
	r->critical = an->score >= an->critical;
	r->m.feature = f;
	r->m.score = an->score;
	r->m.threshold = an->threshold;
	r->m.critical = an->critical;
	r->m.verdict = an->verdict;
	r->m.n = an->d.n_window;
	r->m.h = h;
	for (size_t i = 0; i < an->ntop && r->m.ntop < INCIDENT_TOP; i++)
		if (an->top[i].contribution > 0)
			r->m.top[r->m.ntop++] = an->top[i];
	return 0;
}

/* ---- exemplar parsing ---------------------------------------------------- */

/* Digits at s as a u64 (saturating); *end past them. false if none. */
static bool parse_u64(const char *s, uint64_t *v, const char **end)
{
	uint64_t x = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++)
		x = x > (UINT64_MAX - 9) / 10 ? UINT64_MAX : x * 10 + (*p - '0');
	*v = x;
	*end = p;
	return p != s;
}

/* Whether s starts an exemplar: digits, then a space. */
static bool exemplar_start(const char *s)
{
	const char *e;
	uint64_t v;

	return parse_u64(s, &v, &e) && *e == ' ';
}

/*
 * The comm's length from c: the last " ~DIGITS" (then a space, ',' or the
 * end) starting within INCIDENT_COMM_LEN - 1 bytes; -1 when none.
 */
static int comm_length(const char *c)
{
	int best = -1;

	for (int i = 0; i < INCIDENT_COMM_LEN && c[i]; i++) {
		const char *e;
		uint64_t v;

		if (c[i] == ' ' && c[i + 1] == '~' &&
		    parse_u64(c + i + 2, &v, &e) &&
		    (*e == ' ' || *e == ',' || !*e))
			best = i;
	}
	return best;
}

size_t incident__parse_exemplars(const char *text, incident_exemplar_fn fn,
				 void *ctx)
{
	const char *p = text;
	size_t n = 0;

	while (p && *p) {
		char comm[INCIDENT_COMM_LEN];
		uint64_t pid, events, ppid = 0;
		const char *q;
		int len;

		if (exemplar_start(p) && parse_u64(p, &pid, &q) &&
		    pid && pid <= UINT32_MAX && (len = comm_length(q + 1)) >= 0) {
			memcpy(comm, q + 1, len);
			comm[len] = '\0';
			parse_u64(q + 1 + len + 2, &events, &q);
			if (!strncmp(q, " ppid=", 6) && parse_u64(q + 6, &ppid, &q) &&
			    ppid > UINT32_MAX)
				ppid = 0;
			fn(ctx, (uint32_t)pid, comm, events, (uint32_t)ppid);
			n++;
		} else {
			q = p + 1;
		}
		/* The next exemplar: ", " then digits and a space. */
		for (p = strstr(q, ", "); p && !exemplar_start(p + 2);
		     p = strstr(p + 1, ", "))
			;
		if (p)
			p += 2;
	}
	return n;
}

/* ---- culprits ------------------------------------------------------------ */

static bool pid_seen(const struct cg_state *c, uint32_t pid)
{
	for (size_t i = 0; i < c->npids; i++)
		if (c->pids[i] == pid)
			return true;
	return false;
}

static bool comm_seen(const struct cg_state *c, const char *comm)
{
	for (size_t i = 0; i < c->ncomms; i++)
		if (!strncmp(c->comms[i], comm, INCIDENT_COMM_LEN))
			return true;
	return false;
}

/* Remember pid and comm as normal for c (rings: the oldest go first). */
static void remember(void *ctx, uint32_t pid, const char *comm,
		     uint64_t events, uint32_t ppid)
{
	struct cg_state *c = ctx;

	(void)events;
	(void)ppid;
	if (!pid_seen(c, pid)) {
		c->pids[c->pid_next] = pid;
		c->pid_next = (c->pid_next + 1) % INCIDENT_PIDS_SEEN;
		if (c->npids < INCIDENT_PIDS_SEEN)
			c->npids++;
	}
	if (!comm_seen(c, comm)) {
		strncpy(c->comms[c->comm_next], comm, INCIDENT_COMM_LEN - 1);
		c->comms[c->comm_next][INCIDENT_COMM_LEN - 1] = '\0';
		c->comm_next = (c->comm_next + 1) % INCIDENT_COMMS_SEEN;
		if (c->ncomms < INCIDENT_COMMS_SEEN)
			c->ncomms++;
	}
}

struct tally_ctx {
	struct incidents *b;
	bool moved;
};

static void tally(void *ctx, uint32_t pid, const char *comm, uint64_t events,
		  uint32_t ppid)
{
	struct tally_ctx *t = ctx;
	struct incidents *b = t->b;
	struct proc_tally *p = NULL;

	for (size_t i = 0; i < b->np && !p; i++)
		if (b->procs[i].c.pid == pid)
			p = &b->procs[i];
	if (!p) {
		if (b->np == INCIDENT_MAX_PROCS)
			return;
		p = &b->procs[b->np++];
		memset(p, 0, sizeof(*p));
		p->c.pid = pid;
		p->parent = -1;
		strncpy(p->c.comm, comm, INCIDENT_COMM_LEN - 1);
	}
	if (ppid && !p->c.ppid)
		p->c.ppid = ppid;
	p->c.samples += events;
	if (t->moved)
		p->c.moved_samples += events;
	p->weighted += (double)events * (t->moved ? INCIDENT_W_MOVED : 1);
}

/* Whether bin of feature f grew among the moved bins of the members. */
static bool moved_up(const struct member_rec *m, size_t n,
		     enum dp_feature_id f, uint32_t bin)
{
	for (size_t i = 0; i < n; i++) {
		if (m[i].m.feature != f)
			continue;
		for (size_t j = 0; j < m[i].m.ntop; j++)
			if (m[i].m.top[j].bin == bin &&
			    m[i].m.top[j].window_p > m[i].m.top[j].baseline_p)
				return true;
	}
	return false;
}

static int by_rank(const void *a, const void *b)
{
	const struct proc_tally *x = a, *y = b;

	if (x->c.rank != y->c.rank)
		return x->c.rank > y->c.rank ? -1 : 1;
	return x->c.pid < y->c.pid ? -1 : x->c.pid > y->c.pid;
}

/* Sources of cgroup in b->sources (sorted by cgroup): [*first, +n). */
static size_t sources_of(const struct incidents *b, const char *cgroup,
			 size_t *first)
{
	size_t lo = 0, hi = b->ns, n = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(b->sources[mid].cgroup, cgroup) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo + n < b->ns && !strcmp(b->sources[lo + n].cgroup, cgroup))
		n++;
	return n;
}

/* Whether procs[i] descends from procs[anc] (parent links, no cycles). */
static bool descends(const struct incidents *b, size_t i, size_t anc)
{
	int p = b->procs[i].parent;

	for (size_t hops = 0; p >= 0 && hops < b->np; hops++) {
		if ((size_t)p == anc)
			return true;
		p = b->procs[p].parent;
	}
	return false;
}

/*
 * The culprits of an incident of cgroup c whose members are m[0..nm):
 * tally the cgroup's process exemplars, rank, name the leader and its
 * children, keep the first INCIDENT_MAX_CULPRITS.
 */
static void culprits(struct incidents *b, const struct cg_state *c,
		     const struct member_rec *m, size_t nm,
		     struct incident *inc)
{
	size_t first, ns = sources_of(b, c->key.cgroup, &first);
	size_t leader = 0, out = 0;

	b->np = 0;
	for (size_t s = first; s < first + ns; s++) {
		const struct source_rec *src = &b->sources[s];

		for (uint32_t bin = 0; bin < src->h->nbins; bin++) {
			struct tally_ctx t = { b, false };

			if (!src->h->exemplars[bin])
				continue;
			t.moved = moved_up(m, nm, src->feature, bin);
			incident__parse_exemplars(src->h->exemplars[bin], tally,
						  &t);
		}
	}
	for (size_t i = 0; i < b->np; i++) {
		struct proc_tally *p = &b->procs[i];

		p->c.new_pid = !pid_seen(c, p->c.pid);
		p->c.new_comm = !comm_seen(c, p->c.comm);
		p->c.rank = p->weighted *
			    (p->c.new_pid ? INCIDENT_W_NEW_PID : 1) *
			    (p->c.new_comm ? INCIDENT_W_NEW_COMM : 1);
	}
	if (b->np)
		qsort(b->procs, b->np, sizeof(b->procs[0]), by_rank);
	for (size_t i = 0; i < b->np; i++)
		for (size_t j = 0; b->procs[i].c.ppid && j < b->np; j++)
			if (j != i && b->procs[j].c.pid == b->procs[i].c.ppid)
				b->procs[i].parent = (int)j;
	/* The leader: the top process's furthest new ancestor. */
	for (size_t hops = 0; b->np && hops < b->np; hops++) {
		int p = b->procs[leader].parent;

		if (p < 0 || !b->procs[p].c.new_pid)
			break;
		leader = (size_t)p;
	}
	inc->nculprits = 0;
	if (!b->np)
		return;
	b->procs[leader].c.leader = true;
	inc->culprits[out++] = b->procs[leader].c;
	for (size_t i = 0; i < b->np && out < INCIDENT_MAX_CULPRITS; i++)
		if (i != leader && descends(b, i, leader)) {
			b->procs[i].c.child = true;
			inc->culprits[out++] = b->procs[i].c;
		}
	for (size_t i = 0; i < b->np && out < INCIDENT_MAX_CULPRITS; i++)
		if (i != leader && !b->procs[i].c.child)
			inc->culprits[out++] = b->procs[i].c;
	inc->nculprits = out;
}

/* ---- the window's end ---------------------------------------------------- */

static int by_cgroup_ratio(const void *a, const void *b)
{
	const struct member_rec *x = a, *y = b;
	int c = strcmp(x->cgroup, y->cgroup);

	if (c)
		return c;
	if (x->ratio != y->ratio)
		return x->ratio > y->ratio ? -1 : 1;
	return x->m.feature < y->m.feature ? -1 : x->m.feature > y->m.feature;
}

static int by_source_cgroup(const void *a, const void *b)
{
	const struct source_rec *x = a, *y = b;
	int c = strcmp(x->cgroup, y->cgroup);

	return c ? c : (x->feature > y->feature) - (x->feature < y->feature);
}

static int by_severity(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->critical != y->critical)
		return x->critical ? -1 : 1;
	if (x->ratio != y->ratio)
		return x->ratio > y->ratio ? -1 : 1;
	return strcmp(x->cgroup, y->cgroup);
}

static struct cg_state *cg_at(struct incidents *b, size_t i)
{
	return fc_table__at(&b->cgroups, i);
}

/* Index of cgroup's state, created if new. 0 or -ENOMEM. */
static int cg_index(struct incidents *b, const char *cgroup, size_t *i)
{
	struct cg_state *c = fc_table__get(&b->cgroups, 0, cgroup);

	if (!c)
		return -ENOMEM;
	*i = (size_t)((char *)c - (char *)b->cgroups.items) / b->cgroups.elem;
	return 0;
}

/*
 * c's workload is now workload, unless an incident is open (its peak
 * copy points at the old name, which stays). 0 or -ENOMEM.
 */
static int set_workload(struct cg_state *c, const char *workload)
{
	char *copy;

	if (c->workload && (c->open || !strcmp(c->workload, workload)))
		return 0;
	copy = strdup(workload);
	if (!copy)
		return -ENOMEM;
	free(c->workload);
	c->workload = copy;
	return 0;
}

/* Group the sorted members by cgroup. Returns the number of groups. */
static int make_groups(struct incidents *b, size_t *ngroups)
{
	size_t ng = 0;

	for (size_t i = 0; i < b->nm;) {
		struct group *g;
		size_t n = 1;

		while (i + n < b->nm &&
		       !strcmp(b->members[i + n].cgroup, b->members[i].cgroup))
			n++;
		if (reserve((void **)&b->groups, &b->capg, ng,
			    sizeof(*b->groups)))
			return -ENOMEM;
		g = &b->groups[ng++];
		*g = (struct group){ .cgroup = b->members[i].cgroup,
				     .first = i, .n = n,
				     .ratio = b->members[i].ratio };
		for (size_t k = i; k < i + n; k++)
			g->critical |= b->members[k].critical;
		if (cg_index(b, b->members[i].cgroup, &g->cg) ||
		    set_workload(cg_at(b, g->cg), b->members[i].workload))
			return -ENOMEM;
		i += n;
	}
	*ngroups = ng;
	return 0;
}

/* The incident of group g in this window, into b->scratch. */
static void build(struct incidents *b, const struct group *g,
		  struct open_incident *o, double ts)
{
	struct incident *inc = &b->scratch;
	const struct member_rec *m = &b->members[g->first];

	memset(inc, 0, sizeof(*inc));
	if (!o->windows)
		o->opened_ts = ts;
	inc->id = o->id;
	inc->state = o->windows ? INCIDENT_ONGOING : INCIDENT_OPEN;
	inc->severity = g->critical ? INCIDENT_CRITICAL : INCIDENT_WARNING;
	inc->cgroup = cg_at(b, g->cg)->key.cgroup;
	inc->workload = cg_at(b, g->cg)->workload;
	inc->ts = ts;
	inc->opened_ts = o->opened_ts;
	inc->windows = ++o->windows;
	inc->score = m[0].m.score;
	inc->threshold = m[0].m.threshold;
	inc->nanomalous = g->n;
	for (size_t i = 0; i < g->n && i < INCIDENT_MAX_MEMBERS; i++)
		inc->members[inc->nmembers++] = m[i].m;
	culprits(b, cg_at(b, g->cg), m, g->n, inc);
	if (inc->severity > o->max_severity)
		o->max_severity = inc->severity;
	/* Keep the peak window (largest ratio) for the resolution. */
	if (o->windows == 1 || g->ratio > o->peak_ratio) {
		o->peak = *inc;
		o->peak_ratio = g->ratio;
		for (size_t i = 0; i < o->peak.nmembers; i++)
			o->peak.members[i].h = NULL;
	}
}

/* Open an incident for cgroup index cg. NULL when full or out of memory. */
static struct open_incident *open_incident(struct incidents *b, size_t cg)
{
	struct open_incident *o;

	if (b->nopen == INCIDENT_MAX_OPEN) {
		b->overflows++;
		return NULL;
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->cg = cg;
	o->id = ++b->next_id;
	b->open[b->nopen++] = o;
	cg_at(b, cg)->open = o;
	return o;
}

/* Learn the pids and names of cgroups with no anomaly in this window. */
static int learn_normal(struct incidents *b)
{
	for (size_t s = 0; s < b->ns; s++) {
		const struct source_rec *src = &b->sources[s];
		struct cg_state *c;
		size_t i;

		if (cg_index(b, src->cgroup, &i))
			return -ENOMEM;
		c = cg_at(b, i);
		if (c->anomalous)
			continue;
		for (uint32_t bin = 0; bin < src->h->nbins; bin++)
			if (src->h->exemplars[bin])
				incident__parse_exemplars(src->h->exemplars[bin],
							  remember, c);
	}
	return 0;
}

static int by_id(const void *a, const void *b)
{
	const struct open_incident *x = *(struct open_incident *const *)a;
	const struct open_incident *y = *(struct open_incident *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

int incidents__end(struct incidents *b, double ts, incident_fn fn, void *ctx)
{
	size_t ng = 0;
	int err, ret = 0;

	/* qsort's array may not be NULL, even empty. */
	if (b->nm)
		qsort(b->members, b->nm, sizeof(*b->members), by_cgroup_ratio);
	if (b->ns)
		qsort(b->sources, b->ns, sizeof(*b->sources), by_source_cgroup);
	err = make_groups(b, &ng);
	if (err)
		goto out;
	if (ng)
		qsort(b->groups, ng, sizeof(*b->groups), by_severity);
	for (size_t i = 0; i < ng; i++)
		cg_at(b, b->groups[i].cg)->anomalous = true;
	for (size_t i = 0; i < ng; i++) {
		const struct group *g = &b->groups[i];
		struct open_incident *o = cg_at(b, g->cg)->open;

		if (!o && !(o = open_incident(b, g->cg))) {
			if (b->nopen < INCIDENT_MAX_OPEN) {
				err = -ENOMEM;
				goto out;
			}
			continue;
		}
		o->seen = true;
		build(b, g, o, ts);
		if (!ret)
			ret = fn(ctx, &b->scratch);
	}
	/* Resolved: open incidents without an anomaly this window, by id. */
	qsort(b->open, b->nopen, sizeof(b->open[0]), by_id);
	for (size_t i = 0; i < b->nopen;) {
		struct open_incident *o = b->open[i];

		if (o->seen) {
			o->seen = false;
			i++;
			continue;
		}
		b->scratch = o->peak;
		b->scratch.state = INCIDENT_RESOLVED;
		b->scratch.severity = o->max_severity;
		b->scratch.windows = o->windows;
		b->scratch.ts = ts;
		if (!ret)
			ret = fn(ctx, &b->scratch);
		cg_at(b, o->cg)->open = NULL;
		free(o);
		memmove(&b->open[i], &b->open[i + 1],
			(b->nopen - i - 1) * sizeof(b->open[0]));
		b->nopen--;
	}
	err = learn_normal(b);
out:
	for (size_t i = 0; i < ng && i < b->capg; i++)
		cg_at(b, b->groups[i].cg)->anomalous = false;
	b->nm = b->ns = 0;
	return err ? err : ret;
}
