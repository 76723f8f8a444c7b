/* SPDX-License-Identifier: MIT */
/*
 * One incident per event. The detector judges every (feature, cgroup)
 * series on its own; a person on call wants one thing per event: which
 * workload, how bad, what moved, who did it. The incident builder fuses a
 * window's analyses per cgroup:
 *
 * - an incident opens on a cgroup's first window with an anomalous feature
 *   (verdict anomaly), keeps its id while any feature of that cgroup stays
 *   anomalous ("ongoing"), and is handed over once more, "resolved", after
 *   the first window with none;
 * - severity: critical when some member's score reaches its critical
 *   level, else warning; the incident's score and threshold are those of
 *   the member with the largest score/threshold ratio. Scores are compared
 *   only with their own levels, never across units;
 * - members: the anomalous features, largest ratio first, each with its
 *   moved bins (top bins with a positive share of G);
 * - culprits: the processes named by the process exemplars of the cgroup's
 *   syscall features in that window ("PID COMM ~N [ppid=P] CGROUP, ..."),
 *   whatever features are anomalous. Each process's estimated events are
 *   weighted up in the bins the incident moved (they grew), and up again
 *   when the process is new: its pid, and further its name, absent from
 *   the cgroup's exemplars in recent windows without an incident. With
 *   parent pids (ppid=) the leader is the highest-ranked culprit's
 *   furthest ancestor that is itself a new process among the window's
 *   exemplars, and its descendants there are its children. Without them
 *   the leader is the highest-ranked process and children are unknown.
 *   A culprit is therefore "who ran in the cgroup while it drifted, new
 *   processes and those behind the moved bins first", sampled (one
 *   syscall in 17): a process too short-lived to be sampled is not named.
 *
 * Bounds: at most INCIDENT_MAX_OPEN incidents open at once; past it a
 * cgroup's new incident is not opened (critical ones and larger ratios are
 * opened first within a window), counted in incidents__overflows(), and
 * the cgroup is tried again next window; its per-feature anomalies are
 * reported as ever. Per cgroup the builder remembers INCIDENT_PIDS_SEEN
 * pids and INCIDENT_COMMS_SEEN names (4 bytes, 16 bytes each), for the
 * cgroups of the baseline: ~1.3 KiB per cgroup.
 *
 * Pure: no I/O; allocations are the builder's own, reused across windows.
 */
#ifndef DRIFTPROBE_INCIDENT_H
#define DRIFTPROBE_INCIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <driftprobe/features.h>
#include "detector.h"

#define INCIDENT_MAX_OPEN	256	/* incidents open at once */
#define INCIDENT_MAX_MEMBERS	8	/* features kept, largest ratio first */
#define INCIDENT_TOP		3	/* moved bins kept per member */
#define INCIDENT_MAX_CULPRITS	5
#define INCIDENT_COMM_LEN	16	/* a kernel comm and its NUL */
#define INCIDENT_PIDS_SEEN	64	/* per cgroup, seen while normal */
#define INCIDENT_COMMS_SEEN	64

/* Weights of the culprit ranking (estimated events times these). */
#define INCIDENT_W_MOVED	4	/* in a bin the incident moved up */
#define INCIDENT_W_NEW_PID	4	/* pid not seen while normal */
#define INCIDENT_W_NEW_COMM	4	/* nor its name */

enum incident_state {
	INCIDENT_OPEN,		/* first window */
	INCIDENT_ONGOING,
	INCIDENT_RESOLVED,	/* the first window without an anomaly */
};

enum incident_severity {
	INCIDENT_WARNING,
	INCIDENT_CRITICAL,
};

/* "open", "ongoing", "resolved"; "warning", "critical". */
const char *incident_state__name(enum incident_state s);
const char *incident_severity__name(enum incident_severity s);

struct window_hist;

struct incident_member {
	enum dp_feature_id feature;
	double score, threshold, critical;
	enum verdict verdict;
	uint64_t n;			/* events in the window */
	size_t ntop;			/* moved bins, largest share first */
	struct bin_contribution top[INCIDENT_TOP];
	const struct window_hist *h;	/* its histogram (exemplars), or NULL */
};

struct incident_culprit {
	uint32_t pid;
	uint32_t ppid;			/* 0: unknown */
	char comm[INCIDENT_COMM_LEN];
	uint64_t samples;		/* estimated events, every bin */
	uint64_t moved_samples;		/* of those, in moved bins */
	double rank;			/* the weighted events ranked on */
	bool new_pid;			/* not seen while normal */
	bool new_comm;			/* nor its name */
	bool leader;
	bool child;			/* a descendant of the leader */
};

struct incident {
	uint64_t id;			/* 1, 2, ... in order of opening */
	enum incident_state state;
	enum incident_severity severity; /* resolved: the highest reached */
	const char *cgroup;
	const char *workload;		/* its workload (workload.h); NULL:
					   the cgroup itself */
	double ts;			/* this window's end */
	double opened_ts;		/* the first window's end */
	unsigned int windows;		/* anomalous windows so far */
	/* Of the member with the largest score/threshold (resolved: of the
	   peak window). */
	double score, threshold;
	/*
	 * Resolved: the members and culprits of the peak window (largest
	 * ratio), their h NULL; severity the highest reached.
	 */
	size_t nanomalous;		/* anomalous features (>= nmembers) */
	size_t nmembers;
	struct incident_member members[INCIDENT_MAX_MEMBERS];
	size_t nculprits;
	struct incident_culprit culprits[INCIDENT_MAX_CULPRITS];
};

/*
 * The incident's names as alerts and SIEM records carry them: its member
 * features, in its order, comma-separated, at most max of them, then ",…"
 * when it has more anomalous ("net.dport,syscall.id"); and its leader
 * culprit (else the first)
 * as "comm[pid]", "" when it has none. Into buf (cut to fit len); buf.
 */
#define INCIDENT_LIST_FEATURES	4
const char *incident__feature_list(const struct incident *inc, size_t max,
				   char *buf, size_t len);
const char *incident__culprit_name(const struct incident *inc, char *buf,
				   size_t len);

/* The incident's workload (its cgroup when it has none). */
static inline const char *incident__workload(const struct incident *inc)
{
	return inc->workload ? inc->workload : inc->cgroup;
}

/* score / threshold, with a threshold <= 0 ranking by score alone. */
double incident__ratio(double score, double threshold);

struct incidents;

/* NULL + errno (ENOMEM). */
struct incidents *incidents__new(void);
void incidents__free(struct incidents *b);

/*
 * A window starts: forget the series of one that was not ended (an error
 * stopped it).
 */
void incidents__begin(struct incidents *b);

/*
 * One judged series of the current window: h is its histogram (NULL when
 * the window had none). cgroup and h are not copied: they must stay
 * valid until incidents__end. A muted analysis (an->muted) is left out
 * whole. 0 or -ENOMEM.
 */
int incidents__add(struct incidents *b, enum dp_feature_id f,
		   const char *cgroup, const struct window_hist *h,
		   const struct analysis *an);

typedef int (*incident_fn)(void *ctx, const struct incident *inc);

/*
 * The window ending at ts is complete: hand each of its incidents to fn
 * (critical before warning, larger ratio first, then resolved ones), then
 * forget the window's series. A non-zero return of fn stops and is
 * returned (the life cycle has advanced all the same). -ENOMEM.
 */
int incidents__end(struct incidents *b, double ts, incident_fn fn, void *ctx);

/* Incidents open now. */
size_t incidents__open(const struct incidents *b);

/* New incidents not opened because INCIDENT_MAX_OPEN were, since start. */
uint64_t incidents__overflows(const struct incidents *b);

/*
 * Parse one process exemplar text ("PID COMM ~N [ppid=P] CGROUP, ...")
 * of a bin, calling fn for each exemplar it can read; garbage is skipped.
 * A comm may hold spaces and ", " (it is at most 15 bytes): an exemplar
 * starts at the text's start or after ", " with digits and a space, and
 * its comm ends at the first " ~DIGITS" within 16 bytes. Returns how many
 * were read.
 */
typedef void (*incident_exemplar_fn)(void *ctx, uint32_t pid,
				     const char *comm, uint64_t events,
				     uint32_t ppid);
size_t incident__parse_exemplars(const char *text, incident_exemplar_fn fn,
				 void *ctx);

#endif /* DRIFTPROBE_INCIDENT_H */
