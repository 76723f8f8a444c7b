// SPDX-License-Identifier: MIT
/*
 * Root integration test of the incident outputs for SIEMs: `run
 * --per-cgroup --json --incident-log FILE --syslog` learns a cgroup of the
 * test's own (a steady syscall mix), then a file storm runs in it. The
 * syslog socket is one the test binds (DRIFTPROBE_SYSLOG_SOCKET, the
 * tests' override of /dev/log). Then:
 *   - the incident log (mode 0600) holds the storm's incident opened once,
 *     each of its lines byte for byte a line `run --json` printed (one
 *     writer), and only openings, escalations and resolutions: fewer
 *     lines than --json's incident lines of the cgroup when it lasted;
 *   - the socket got RFC 5424 messages (tests/unit/rfc5424.py parses
 *     them) naming the incident: one state="open" for the cgroup, with
 *     APP-NAME driftprobe, MSGID incident, the same id as the log.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "harness.h"
#include "../unit/test_unix_socket.h"

static char dir[] = "/tmp/dp_itest_siem.XXXXXX";
static char work_cg[4400], work_name[64];
static pid_t steady = -1, storm = -1;
static int server = -1;

static void file_storm(void)
{
	harness__file_storm_in(dir);
}

/* The work cgroup's incident lines of path: count, opened, resolved, id. */
struct incident_lines {
	int lines, opened, resolved;
	long long id;
};

static void scan_incidents(const char *path, struct incident_lines *s)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	assert_non_null(f);
	memset(s, 0, sizeof(*s));
	s->id = -1;
	while (getline(&line, &cap, f) > 0) {
		json_object *o = json_tokener_parse(line), *x;

		if (!o)
			fail_msg("%s: not JSON: %s", path, line);
		if (!harness__is_incident(o) ||
		    !json_object_object_get_ex(o, "cgroup", &x) ||
		    strcmp(json_object_get_string(x), work_name)) {
			json_object_put(o);
			continue;
		}
		s->lines++;
		json_object_object_get_ex(o, "state", &x);
		s->opened += !strcmp(json_object_get_string(x), "open");
		s->resolved += !strcmp(json_object_get_string(x), "resolved");
		json_object_object_get_ex(o, "id", &x);
		if (s->id < 0)
			s->id = json_object_get_int64(x);
		json_object_put(o);
	}
	free(line);
	fclose(f);
}

/* Every line of log is a line of out. */
static void check_same_lines(const char *log, const char *out)
{
	char *text = harness__read_file(out), *logged = harness__read_file(log);
	char *save = NULL;
	int n = 0;

	for (char *l = strtok_r(logged, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save), n++) {
		char *at = strstr(text, l);

		if (!at || (at != text && at[-1] != '\n') ||
		    at[strlen(l)] != '\n')
			fail_msg("incident log line not printed by run --json: "
				 "%s", l);
	}
	assert_true(n >= 1);
	free(text);
	free(logged);
}

/* Wait until path holds the work cgroup's resolved line (bounded). */
static void wait_resolved(const char *path, double timeout_s)
{
	double end = harness__now() + timeout_s;
	struct incident_lines s;

	for (;;) {
		scan_incidents(path, &s);
		if (s.resolved)
			return;
		if (harness__now() > end)
			fail_msg("%s: no resolved incident of %s within %.0f s",
				 path, work_name, timeout_s);
		usleep(200 * 1000);
	}
}

static void incident_outputs__storm_logged_and_sent_to_syslog(void **state)
{
	char out[320], log[320], sock[320], msgs[320], cmd[1200];
	char buf[4096], *parsed, needle[200];
	const char *args[] = { "run", "--per-cgroup", "--interval", "1",
			       "--learn", "6", "--duration", "120", "--json",
			       "--incident-log", log, "--syslog", NULL };
	struct incident_lines json_lines, logged;
	struct stat st;
	int status, opens = 0, nmsgs = 0;
	FILE *f;
	pid_t probe;
	ssize_t n;

	(void)state;
	harness__require_root();
	snprintf(out, sizeof(out), "%s/run.jsonl", dir);
	snprintf(log, sizeof(log), "%s/incidents.jsonl", dir);
	snprintf(sock, sizeof(sock), "%s/log", dir);
	snprintf(msgs, sizeof(msgs), "%s/syslog.txt", dir);
	server = test_unix_socket__bind(sock);
	setenv("DRIFTPROBE_SYSLOG_SOCKET", sock, 1);

	steady = harness__spawn_in_cgroup(work_cg, harness__steady_syscalls);
	probe = harness__spawn(out, args);
	unsetenv("DRIFTPROBE_SYSLOG_SOCKET");
	/*
	 * Each step waits for the probe, not for a fixed time (a slow start,
	 * under ASan, must not leave the storm in learning or unresolved):
	 * learnt (its first analysis line), the storm's incident opened (the
	 * log's first line), then resolved after the storm stops.
	 */
	harness__wait_lines(out, 1, 120);
	storm = harness__spawn_in_cgroup(work_cg, file_storm);
	harness__wait_lines(log, 1, 60);
	harness__kill_child(&storm);
	wait_resolved(log, 60);
	status = harness__interrupt(&probe, 60);
	harness__kill_child(&steady);
	assert_int_equal(status, 0);

	scan_incidents(out, &json_lines);
	scan_incidents(log, &logged);
	print_message("siem: run --json: %d incident lines of %s (%d opened); "
		      "incident log: %d lines (%d opened)\n", json_lines.lines,
		      work_name, json_lines.opened, logged.lines, logged.opened);
	assert_int_equal(json_lines.opened, 1);
	assert_int_equal(logged.opened, 1);
	assert_int_equal(logged.id, json_lines.id);
	/* open, at most one escalation, resolved */
	assert_in_range(logged.lines, 2, 3);
	assert_true(logged.lines <= json_lines.lines);
	check_same_lines(log, out);
	assert_int_equal(stat(log, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* What the socket got, parsed as RFC 5424. */
	f = fopen(msgs, "w");
	assert_non_null(f);
	while ((n = recv(server, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[n] = '\0';
		assert_null(strchr(buf, '\n'));
		fprintf(f, "%s\n", buf);
		nmsgs++;
	}
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "python3 tests/unit/rfc5424.py < '%s'", msgs);
	parsed = harness__sh(cmd, &status);
	if (status)
		fail_msg("syslog messages do not parse as RFC 5424:\n%s", parsed);
	snprintf(needle, sizeof(needle), "\tdriftprobe@32473\tid=%lld\t"
		 "state=open\t", logged.id);
	for (char *p = strstr(parsed, needle); p; p = strstr(p + 1, needle)) {
		char cg[120];

		snprintf(cg, sizeof(cg), "\tcgroup=%s\t", work_name);
		opens += !!strstr(p, cg) &&
			 strstr(p, cg) < strchr(p, '\n');
	}
	print_message("siem: %d syslog messages, %d open of incident %lld\n",
		      nmsgs, opens, logged.id);
	assert_int_equal(opens, 1);
	assert_non_null(strstr(parsed, "\tdriftprobe\t"));
	assert_non_null(strstr(parsed, "\tincident\tdriftprobe@32473\t"));
	free(parsed);
}

static int setup(void **state)
{
	char name[64];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(name, sizeof(name), "dp_itest_siem_%d", (int)getpid());
	harness__cgroup_create(name, work_cg, sizeof(work_cg), work_name,
			       sizeof(work_name));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness__kill_child(&storm);
	harness__kill_child(&steady);
	if (server >= 0)
		close(server);
	harness__cgroup_remove(work_cg);
	return harness__remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(incident_outputs__storm_logged_and_sent_to_syslog),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
