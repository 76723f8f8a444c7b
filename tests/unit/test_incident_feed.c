// SPDX-License-Identifier: MIT
/*
 * incident_feed.c: of an incident's windows only its opening, a rise in
 * severity and its resolution go out, each once, to both destinations:
 * the JSON line (the schema of run --json, parsed back with json-c) and an
 * RFC 5424 message received on a socket the test binds, whose structured
 * data names the incident; a destination that fails is counted, and the
 * other still gets the incident.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "feature.h"
#include "incident.h"
#include "incident_feed.h"
#include "syslog5424.h"
#include "test_tmpdir.h"
#include "test_unix_socket.h"
#include "window.h"

static char dir[] = "/tmp/dp_unit_feed.XXXXXX";

struct lines {
	int n;
	char last[8192];
	int fail;		/* to return: -errno (refused), 1 (kept, warned) */
};

static int take_line(void *ctx, const char *line, size_t len, char *err,
		     size_t errlen)
{
	struct lines *l = ctx;

	if (l->fail < 0) {
		snprintf(err, errlen, "test: refused");
		return l->fail;
	}
	assert_true(len < sizeof(l->last));
	assert_int_equal(line[len - 1], '\n');
	memcpy(l->last, line, len);
	l->last[len] = '\0';
	l->n++;
	if (l->fail > 0)
		snprintf(err, errlen, "test: kept, not rotated");
	return l->fail;
}

static struct incident incident(enum incident_state st,
				enum incident_severity sev)
{
	struct incident inc = {
		.id = 7, .state = st, .severity = sev, .cgroup = "/web",
		.ts = 100, .opened_ts = 90, .windows = 2, .score = 3,
		.threshold = 1, .nanomalous = 2, .nmembers = 2, .nculprits = 2,
	};

	inc.members[0] = (struct incident_member){ .feature = DP_F_NET_DPORT,
		.score = 3, .threshold = 1, .critical = 5, .ntop = 1,
		.top = { { .bin = 2, .baseline_p = 0.1, .window_p = 0.5,
			   .contribution = 0.7 } } };
	inc.members[1] = (struct incident_member){ .feature = DP_F_SYSCALL_ID,
		.score = 2, .threshold = 1, .critical = 5 };
	inc.culprits[0] = (struct incident_culprit){ .pid = 10, .comm = "sh",
		.samples = 5 };
	inc.culprits[1] = (struct incident_culprit){ .pid = 1234,
		.comm = "nc", .samples = 50, .leader = true, .new_pid = true };
	return inc;
}

/* Messages waiting on fd: how many, the last in buf. */
static int drain(int fd, char *buf, size_t len)
{
	int n = 0;
	ssize_t r;

	while ((r = recv(fd, buf, len - 1, MSG_DONTWAIT)) > 0) {
		buf[r] = '\0';
		n++;
	}
	return n;
}

static const char *field(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no \"%s\" in the JSON line", key);
	return json_object_get_string(v);
}

static void feed__open_escalation_resolution_once_each(void **state)
{
	struct window w = { .ts = 1700000000.5, .interval_s = 10, .host = "h1" };
	char path[300], err[512], msg[SYSLOG5424_MAX + 1];
	struct lines lines = { 0 };
	struct incident_feed_dest d = { .line = take_line, .line_ctx = &lines };
	struct incident_feed *f;
	struct analysis_sink sink;
	struct incident inc;
	json_object *o;
	int server;

	(void)state;
	snprintf(path, sizeof(path), "%s/log", dir);
	server = test_unix_socket__bind(path);
	d.syslog = syslog5424__open(path, err, sizeof(err));
	assert_non_null(d.syslog);
	f = incident_feed__new(&d);
	assert_non_null(f);
	sink = incident_feed__sink(f);
	assert_null(sink.analysis);

	/* Opening: one line, one message. */
	inc = incident(INCIDENT_OPEN, INCIDENT_WARNING);
	assert_int_equal(sink.incident(sink.ctx, &w, &inc), 0);
	assert_int_equal(lines.n, 1);
	assert_int_equal(drain(server, msg, sizeof(msg)), 1);
	o = json_tokener_parse(lines.last);
	assert_non_null(o);
	assert_string_equal(field(o, "type"), "incident");
	assert_string_equal(field(o, "state"), "open");
	assert_string_equal(field(o, "severity"), "warning");
	assert_string_equal(field(o, "host"), "h1");
	assert_string_equal(field(o, "cgroup"), "/web");
	assert_string_equal(field(o, "workload"), "/web");
	assert_string_equal(field(o, "id"), "7");
	json_object_put(o);
	assert_non_null(strstr(msg, "<132>1 2023-11-14T22:13:20.500Z h1 "
				    "driftprobe "));
	assert_non_null(strstr(msg, " incident [driftprobe@32473 id=\"7\" "
				    "state=\"open\" severity=\"warning\" "
				    "cgroup=\"/web\" workload=\"/web\" "
				    "features=\"net.dport,"
				    "syscall.id\" culprit=\"nc[1234\\]\"] "));

	/* Ongoing at the same severity: nothing. */
	inc = incident(INCIDENT_ONGOING, INCIDENT_WARNING);
	for (int i = 0; i < 3; i++)
		assert_int_equal(sink.incident(sink.ctx, &w, &inc), 0);
	assert_int_equal(lines.n, 1);
	assert_int_equal(drain(server, msg, sizeof(msg)), 0);

	/* Escalated: once. */
	inc = incident(INCIDENT_ONGOING, INCIDENT_CRITICAL);
	assert_int_equal(sink.incident(sink.ctx, &w, &inc), 0);
	assert_int_equal(sink.incident(sink.ctx, &w, &inc), 0);
	assert_int_equal(lines.n, 2);
	assert_int_equal(drain(server, msg, sizeof(msg)), 1);
	assert_non_null(strstr(lines.last, "\"state\":\"ongoing\",\"severity\":"
				       "\"critical\""));
	assert_non_null(strstr(msg, "<130>1 "));
	assert_non_null(strstr(msg, "state=\"escalated\" severity=\"critical\""));

	/* Resolved: once, notice. */
	inc = incident(INCIDENT_RESOLVED, INCIDENT_CRITICAL);
	assert_int_equal(sink.incident(sink.ctx, &w, &inc), 0);
	assert_int_equal(lines.n, 3);
	assert_int_equal(drain(server, msg, sizeof(msg)), 1);
	assert_non_null(strstr(lines.last, "\"state\":\"resolved\""));
	assert_non_null(strstr(msg, "<133>1 "));
	assert_int_equal(incident_feed__sent(f), 3);
	assert_int_equal(incident_feed__failed(f), 0);

	/* A failing line writer: counted, syslog still served. */
	lines.fail = -ENOSPC;
	inc = incident(INCIDENT_OPEN, INCIDENT_CRITICAL);
	inc.id = 8;
	assert_int_equal(sink.incident(sink.ctx, &w, &inc), 0);
	assert_int_equal(drain(server, msg, sizeof(msg)), 1);
	assert_non_null(strstr(msg, "id=\"8\""));
	assert_int_equal(incident_feed__failed(f), 1);
	assert_int_equal(incident_feed__sent(f), 3);

	/* Kept with a warning (a rotation failed): sent, not failed. */
	lines.fail = 1;
	inc = incident(INCIDENT_RESOLVED, INCIDENT_CRITICAL);
	inc.id = 8;
	assert_int_equal(sink.incident(sink.ctx, &w, &inc), 0);
	assert_int_equal(lines.n, 4);
	assert_int_equal(incident_feed__sent(f), 4);
	assert_int_equal(incident_feed__failed(f), 1);

	incident_feed__free(f);
	syslog5424__close(d.syslog);
	close(server);
}

static void incident__names__features_bounded_culprit_leader(void **state)
{
	struct incident inc = incident(INCIDENT_OPEN, INCIDENT_WARNING);
	char buf[256];

	(void)state;
	assert_string_equal(incident__feature_list(&inc, 4, buf, sizeof(buf)),
			    "net.dport,syscall.id");
	assert_string_equal(incident__feature_list(&inc, 1, buf, sizeof(buf)),
			    "net.dport,\xe2\x80\xa6");
	inc.nmembers = 6;
	for (size_t i = 2; i < 6; i++)
		inc.members[i].feature = DP_F_PROC_EXEC;
	assert_string_equal(incident__feature_list(&inc, 4, buf, sizeof(buf)),
			    "net.dport,syscall.id,proc.exec,proc.exec,\xe2\x80\xa6");
	assert_string_equal(incident__culprit_name(&inc, buf, sizeof(buf)),
			    "nc[1234]");
	inc.culprits[1].leader = false;	/* no leader: the first */
	assert_string_equal(incident__culprit_name(&inc, buf, sizeof(buf)),
			    "sh[10]");
	inc.nculprits = 0;
	assert_string_equal(incident__culprit_name(&inc, buf, sizeof(buf)), "");
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return test_tmpdir__remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(feed__open_escalation_resolution_once_each),
		cmocka_unit_test(incident__names__features_bounded_culprit_leader),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
