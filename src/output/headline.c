// SPDX-License-Identifier: MIT
/* An incident in one line; see headline.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "feature.h"
#include "headline.h"
#include "incident.h"

static const struct {
	const char *feature, *words;
} feature_words[] = {
	{ "syscall.id", "the syscall mix" },
	{ "syscall.latency", "syscall latency" },
	{ "syscall.errno", "syscall errors" },
	{ "syscall.group_errno", "errors per kind of syscall" },
	{ "syscall.transition", "the order of syscalls" },
	{ "net.tx_bytes", "bytes sent" },
	{ "net.rx_bytes", "bytes received" },
	{ "net.dport", "destination ports" },
	{ "net.udp_dport", "UDP ports" },
	{ "net.peer", "peers" },
	{ "tcp.event", "TCP events" },
	{ "net.dns_len", "DNS sizes" },
	{ "net.pkt_tx", "sent packet sizes" },
	{ "net.pkt_rx", "received packet sizes" },
	{ "net.comm_dport", "which programs use which ports" },
	{ "proc.exec", "programs started" },
	{ "sched.runq_latency", "run-queue latency" },
	{ "block.io_latency", "block I/O latency" },
};

const char *headline__feature_words(enum dp_feature_id f)
{
	if ((unsigned int)f >= DP_F_COUNT)
		return "an unknown feature";
	for (size_t i = 0; i < sizeof(feature_words) / sizeof(feature_words[0]);
	     i++)
		if (!strcmp(feature_words[i].feature, feature_table[f].name))
			return feature_words[i].words;
	return feature_table[f].name;
}

/* Appending to a fixed buffer; what does not fit ends in "...". */
struct out {
	char *buf;
	size_t len, pos;
};

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->pos + 1 >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= o->len - o->pos) {
		o->pos = o->len - 1;
		if (o->len > 4)
			memcpy(o->buf + o->len - 4, "...", 4);
		return;
	}
	o->pos += (size_t)n;
}

/* "peers, destination ports and the syscall mix changed" */
static void what_moved(struct out *o, const struct incident *inc)
{
	size_t n = inc->nmembers < 3 ? inc->nmembers : 3;

	for (size_t i = 0; i < n; i++)
		put(o, "%s%s", i == 0 ? "" : i + 1 == n &&
		    inc->nanomalous <= n ? " and " : ", ",
		    headline__feature_words(inc->members[i].feature));
	if (inc->nanomalous > n)
		put(o, " and %zu more", inc->nanomalous - n);
	put(o, " changed");
}

/*
 * "(syscall.id openat 1.2% -> 33%, net.peer)": the features, the first
 * with the bin that grew the most of its moved bins.
 */
static void which(struct out *o, const struct incident *inc)
{
	char label[64];

	put(o, " (");
	for (size_t i = 0; i < inc->nmembers && i < 4; i++) {
		const struct incident_member *m = &inc->members[i];
		const struct bin_contribution *up = NULL;

		put(o, "%s%s", i ? ", " : "", feature_table[m->feature].name);
		for (size_t j = 0; !i && j < m->ntop && !up; j++)
			if (m->top[j].window_p > m->top[j].baseline_p)
				up = &m->top[j];
		if (!up || feature__label(m->feature, up->bin, label,
					  sizeof(label)) < 0)
			continue;
		put(o, " %s %.3g%% -> %.3g%%", label, 100 * up->baseline_p,
		    100 * up->window_p);
	}
	if (inc->nmembers > 4)
		put(o, ", ...");
	put(o, ")");
}

/* Whether comm is among the first n culprits' names already. */
static bool named(const struct incident *inc, size_t n, const char *comm)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(inc->culprits[i].comm, comm))
			return true;
	return false;
}

/*
 * " led by curl (pid 4242) with children tar, cat", or without known
 * children " led by curl (pid 4242), also new: tar, cat".
 */
static void who(struct out *o, const struct incident *inc)
{
	const struct incident_culprit *l = &inc->culprits[0];
	bool children = false;

	if (!inc->nculprits)
		return;
	put(o, " led by %s (pid %u%s)", l->comm, l->pid,
	    l->new_pid ? "" : ", seen before");
	for (size_t i = 1; i < inc->nculprits; i++)
		children |= inc->culprits[i].child;
	for (size_t i = 1, k = 0; i < inc->nculprits; i++) {
		const struct incident_culprit *c = &inc->culprits[i];

		if (children ? !c->child : !c->new_pid)
			continue;
		if (named(inc, i, c->comm))
			continue;
		put(o, "%s%s", k++ ? ", " :
		    children ? " with children " : ", also new: ", c->comm);
	}
}

const char *headline__format(const struct incident *inc, char *buf,
			     size_t len)
{
	struct out o = { buf, len, 0 };

	if (!len)
		return buf;
	buf[0] = '\0';
	put(&o, "%s: %s: ", incident_severity__name(inc->severity),
	    incident__workload(inc));
	what_moved(&o, inc);
	which(&o, inc);
	who(&o, inc);
	return buf;
}
