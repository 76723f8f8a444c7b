// SPDX-License-Identifier: MIT
/*
 * Root integration test of the alerting path end to end: `run --listen`
 * learns a cgroup of the test's own (a steady syscall mix), a real
 * Prometheus (Debian's package) scrapes it and evaluates the shipped
 * contrib/prometheus/alerts.yml, a real Alertmanager (Debian's
 * prometheus-alertmanager, temp storage, no gossip) routes with the
 * shipped contrib/alertmanager/alertmanager.yml (its timers shortened,
 * its webhooks pointed at a receiver of the test's), all on loopback
 * ports. Then a file storm (openat/fstat/close) runs in the cgroup: it
 * moves syscall.id and more features of that cgroup at once, and the
 * receiver must get it as ONE alert: DriftprobeIncident firing for that
 * cgroup, at least one notification and exactly one incident id (one
 * alert; two label sets only when it escalated to critical), with a
 * severity label routed to its receiver (critical: page, warning:
 * ticket) and a runbook_url into the shipped runbook; once the storm
 * stops, the same id is notified resolved. Every wait is bounded polling.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "harness.h"

#define WAIT_S		180.0	/* generous: the machine is shared and slow */
#define QUIET_S		15.0	/* after the first notification: no second id */
#define LEARN_WINDOWS	6

static char dir[] = "/tmp/dpeco-am.XXXXXX";
static char work_cg[4400], work_name[64];
static pid_t probe_pid = -1, prom_pid = -1, am_pid = -1, hook_pid = -1;
static pid_t steady = -1, storm = -1;

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The webhook receiver: each POST body as one line of out. */
static const char receiver_py[] =
	"import http.server, sys\n"
	"out = open(sys.argv[2], 'ab', buffering=0)\n"
	"class H(http.server.BaseHTTPRequestHandler):\n"
	"    def do_POST(self):\n"
	"        n = int(self.headers.get('Content-Length', 0))\n"
	"        out.write(self.rfile.read(n).replace(b'\\n', b' ') + b'\\n')\n"
	"        self.send_response(200)\n"
	"        self.end_headers()\n"
	"    def do_GET(self):\n"
	"        self.send_response(200)\n"
	"        self.end_headers()\n"
	"    def log_message(self, *a):\n"
	"        pass\n"
	"http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H)"
	".serve_forever()\n";

static void file_storm(void)
{
	harness__file_storm_in(dir);
}

static const char *get(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	       json_object_get_string(v) : "";
}

/* What the receiver got for the work cgroup's DriftprobeIncident. */
struct received {
	int notifications;	/* POSTs naming a firing alert of it */
	int alerts;		/* firing alerts of it, over all POSTs */
	int nids, nfps;
	char ids[8][24];	/* distinct incident ids, firing */
	char fps[8][40];	/* distinct alerts (fingerprints), firing */
	char fp_severity[8][16];
	char first_id[24];
	bool resolved;		/* a POST saying first_id resolved */
	char severity[16], receiver[64], runbook[256], summary[512];
	char host[256], workload[256], features[256], culprit[64];
	int other_cgroups;	/* firing incident alerts of other cgroups */
};

static void note_id(struct received *r, const char *id)
{
	for (int i = 0; i < r->nids; i++)
		if (!strcmp(r->ids[i], id))
			return;
	if (r->nids < 8)
		snprintf(r->ids[r->nids++], sizeof(r->ids[0]), "%s", id);
}

/* One alert is one label set: Alertmanager's fingerprint of it. */
static void note_alert(struct received *r, const char *fp,
		       const char *severity)
{
	for (int i = 0; i < r->nfps; i++)
		if (!strcmp(r->fps[i], fp))
			return;
	if (r->nfps < 8) {
		snprintf(r->fps[r->nfps], sizeof(r->fps[0]), "%s", fp);
		snprintf(r->fp_severity[r->nfps], sizeof(r->fp_severity[0]),
			 "%s", severity);
		r->nfps++;
	}
}

static void scan_alert(struct received *r, json_object *post,
		       json_object *a, bool *mine)
{
	json_object *labels, *ann;
	const char *status = get(a, "status");

	if (!json_object_object_get_ex(a, "labels", &labels) ||
	    strcmp(get(labels, "alertname"), "DriftprobeIncident"))
		return;
	if (strcmp(get(labels, "cgroup"), work_name)) {
		r->other_cgroups += !strcmp(status, "firing");
		return;
	}
	if (!strcmp(status, "resolved")) {
		r->resolved |= r->first_id[0] &&
			       !strcmp(get(labels, "id"), r->first_id);
		return;
	}
	*mine = true;
	r->alerts++;
	note_id(r, get(labels, "id"));
	note_alert(r, get(a, "fingerprint"), get(labels, "severity"));
	if (r->first_id[0])
		return;
	snprintf(r->first_id, sizeof(r->first_id), "%s", get(labels, "id"));
	snprintf(r->severity, sizeof(r->severity), "%s",
		 get(labels, "severity"));
	snprintf(r->receiver, sizeof(r->receiver), "%s", get(post, "receiver"));
	snprintf(r->host, sizeof(r->host), "%s", get(labels, "host"));
	snprintf(r->workload, sizeof(r->workload), "%s",
		 get(labels, "workload"));
	snprintf(r->features, sizeof(r->features), "%s",
		 get(labels, "features"));
	snprintf(r->culprit, sizeof(r->culprit), "%s", get(labels, "culprit"));
	if (json_object_object_get_ex(a, "annotations", &ann)) {
		snprintf(r->runbook, sizeof(r->runbook), "%s",
			 get(ann, "runbook_url"));
		snprintf(r->summary, sizeof(r->summary), "%s",
			 get(ann, "summary"));
	}
}

static void scan_received(const char *path, struct received *r)
{
	char *text = harness__read_file(path), *save = NULL;

	memset(r, 0, sizeof(*r));
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		json_object *post = json_tokener_parse(line), *alerts;
		bool mine = false;

		if (!post)
			fail_msg("the receiver got a body that is not JSON: %s",
				 line);
		if (json_object_object_get_ex(post, "alerts", &alerts))
			for (size_t i = 0; i < json_object_array_length(alerts); i++)
				scan_alert(r, post,
					   json_object_array_get_idx(alerts, i),
					   &mine);
		r->notifications += mine;
		json_object_put(post);
	}
	free(text);
}

/* Poll the receiver's file until done(r) or fail after timeout_s. */
static void wait_received(const char *path, struct received *r,
			  bool (*done)(const struct received *r),
			  const char *what, double timeout_s)
{
	double end = harness__now() + timeout_s;

	for (;;) {
		scan_received(path, r);
		if (done(r))
			return;
		if (harness__now() > end) {
			char *text = harness__read_file(path);

			fail_msg("no %s within %.0f s; the receiver got:\n%s",
				 what, timeout_s, text);
		}
		usleep(250000);
	}
}

static bool fired(const struct received *r)
{
	return r->alerts > 0;
}

static bool resolved(const struct received *r)
{
	return r->resolved;
}

static void wait_log(const char *log, const char *needle, pid_t pid)
{
	double end = harness__now() + WAIT_S;

	for (;;) {
		char *text = harness__read_file(log);
		bool found = strstr(text, needle) != NULL;

		free(text);
		if (found)
			return;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			fail_msg("driftprobe exited before '%s'; see %s", needle,
				 log);
		if (harness__now() > end)
			fail_msg("'%s' not in %s after %.0f s", needle, log,
				 WAIT_S);
		usleep(100000);
	}
}

static void storm__one_alert_through_alertmanager(void **state)
{
	char probe_log[PATH_MAX], prom_log[PATH_MAX], am_log[PATH_MAX];
	char hook_log[PATH_MAX], hook_py[PATH_MAX], received_path[PATH_MAX];
	char am_conf[PATH_MAX], prom_conf[PATH_MAX], rules[PATH_MAX];
	char cmd[4 * PATH_MAX], addr[64], prom_yml[PATH_MAX + 1024];
	char arg1[PATH_MAX + 32];
	char arg2[PATH_MAX + 32], port_s[16], done_learning[64];
	unsigned int hook_port, am_port;
	struct received r;

	(void)state;
	harness__require_root();
	assert_non_null(mkdtemp(dir));
#define P(buf, name) snprintf(buf, sizeof(buf), "%s/" name, dir)
	P(probe_log, "probe.log");
	P(prom_log, "prometheus.log");
	P(am_log, "alertmanager.log");
	P(hook_log, "receiver.log");
	P(hook_py, "receiver.py");
	P(received_path, "received.jsonl");
	P(am_conf, "alertmanager.yml");
	P(prom_conf, "prometheus.yml");
#undef P
	if (!realpath("contrib/prometheus/alerts.yml", rules))
		fail_msg("contrib/prometheus/alerts.yml: run from the repo root");
	snprintf(cmd, sizeof(cmd), "dp_itest_am_%d", (int)getpid());
	harness__cgroup_create(cmd, work_cg, sizeof(work_cg), work_name,
			       sizeof(work_name));
	steady = harness__spawn_in_cgroup(work_cg, harness__steady_syscalls);

	/* The webhook receiver. */
	write_file(hook_py, receiver_py);
	{
		const char *argv[] = { "python3", hook_py, "{port}",
				       received_path, NULL };

		hook_port = harness__start_server("webhook receiver", hook_log,
						  "/", argv, &hook_pid, WAIT_S);
	}

	/* Alertmanager with the shipped config, faster, to our receiver. */
	snprintf(cmd, sizeof(cmd), "sed -e 's|http://127.0.0.1:9095/|"
		 "http://127.0.0.1:%u/|' -e 's/group_wait: 30s/group_wait: 1s/' "
		 "-e 's/group_interval: 5m/group_interval: 2s/' "
		 "contrib/alertmanager/alertmanager.yml > '%s'", hook_port,
		 am_conf);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "grep -c '127.0.0.1:%u/' '%s' | grep -qx 4 && "
		 "grep -q 'group_wait: 1s' '%s' && amtool check-config '%s' "
		 ">/dev/null", hook_port, am_conf, am_conf, am_conf);
	if (system(cmd))
		fail_msg("the test's Alertmanager config did not come out of "
			 "the shipped one: %s", am_conf);
	snprintf(arg1, sizeof(arg1), "--config.file=%s", am_conf);
	snprintf(arg2, sizeof(arg2), "--storage.path=%s/am", dir);
	{
		const char *argv[] = { "prometheus-alertmanager", arg1, arg2,
			"--web.listen-address=127.0.0.1:{port}",
			"--cluster.listen-address=", NULL };

		am_port = harness__start_server("alertmanager", am_log,
						"/-/ready", argv, &am_pid,
						WAIT_S);
	}

	/* The probe: learns the cgroup for 6 windows of 1 s. */
	{
		char *const argv[] = { (char *)harness__binary(), "run",
			"--per-cgroup", "--interval", "1", "--learn", "6",
			"--listen", "127.0.0.1:0", NULL };

		probe_pid = harness__spawn_cmd(probe_log, argv);
	}
	harness__probe_address(probe_pid, probe_log, addr, sizeof(addr), WAIT_S);

	/* Prometheus: scrapes it, evaluates the shipped rules, alerts. */
	snprintf(prom_yml, sizeof(prom_yml),
		 "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
		 "rule_files:\n  - %s\n"
		 "alerting:\n  alertmanagers:\n    - static_configs:\n"
		 "        - targets: ['127.0.0.1:%u']\n"
		 "scrape_configs:\n  - job_name: driftprobe\n"
		 "    static_configs:\n      - targets: ['%s']\n",
		 rules, am_port, addr);
	write_file(prom_conf, prom_yml);
	snprintf(arg1, sizeof(arg1), "--config.file=%s", prom_conf);
	snprintf(arg2, sizeof(arg2), "--storage.tsdb.path=%s/tsdb", dir);
	{
		const char *argv[] = { "prometheus", arg1, arg2,
			"--web.listen-address=127.0.0.1:{port}", NULL };

		harness__start_server("prometheus", prom_log, "/-/ready", argv,
				      &prom_pid, WAIT_S);
	}

	/* Learnt: the storm starts. */
	snprintf(done_learning, sizeof(done_learning),
		 "learning baseline: %d/%d windows", LEARN_WINDOWS,
		 LEARN_WINDOWS);
	wait_log(probe_log, done_learning, probe_pid);
	scan_received(received_path, &r);
	assert_int_equal(r.alerts, 0);	/* nothing for it before the storm */
	storm = harness__spawn_in_cgroup(work_cg, file_storm);

	wait_received(received_path, &r, fired,
		      "DriftprobeIncident notification for the storm's cgroup",
		      WAIT_S);
	/* Past several group intervals, still one incident. */
	usleep((useconds_t)(QUIET_S * 1e6));
	scan_received(received_path, &r);
	print_message("alertmanager: %d notification(s), %d distinct alert(s) "
		      "in %d, %d incident id(s) for %s (first %s, severity %s, receiver "
		      "%s); %d firing incident alert(s) of other cgroups\n"
		      "  summary: %s\n  runbook_url: %s\n", r.notifications,
		      r.nfps, r.alerts, r.nids, work_name, r.first_id, r.severity,
		      r.receiver, r.other_cgroups, r.summary, r.runbook);
	/*
	 * One incident, one alert: two only when it escalated (its severity
	 * label changed, warning then critical), never one per feature.
	 */
	assert_int_equal(r.nids, 1);
	assert_true(r.first_id[0] != '\0');
	assert_in_range(r.nfps, 1, 2);
	if (r.nfps == 2)
		assert_string_not_equal(r.fp_severity[0], r.fp_severity[1]);
	assert_in_range(r.notifications, 1, 2);
	assert_true(!strcmp(r.severity, "warning") ||
		    !strcmp(r.severity, "critical"));
	assert_string_equal(r.receiver, !strcmp(r.severity, "critical") ?
			    "driftprobe-page" : "driftprobe-ticket");
	if (strncmp(r.runbook, "file:///usr/local/share/driftprobe/"
		    "RUNBOOK.md#", 46))
		fail_msg("runbook_url '%s' does not point into the shipped "
			 "runbook", r.runbook);
	assert_non_null(strstr(r.summary, work_name));
	{
		char host[256];

		assert_int_equal(gethostname(host, sizeof(host)), 0);
		assert_string_equal(r.host, host);
		assert_string_equal(r.workload, work_name);
		/* The storm moves syscall.id; the culprit is comm[pid]. */
		assert_non_null(strstr(r.features, "syscall.id"));
		assert_non_null(strchr(r.culprit, '['));
		snprintf(port_s, sizeof(port_s), "[%d]", (int)storm);
		assert_non_null(strstr(r.culprit, port_s));
		/* The runbook section of the first feature's family. */
		snprintf(host, sizeof(host), "#%.*s",
			 (int)strcspn(r.features, "."), r.features);
		assert_non_null(strstr(r.runbook, host));
	}

	/* The storm stops: the same incident resolves. */
	harness__kill_child(&storm);
	wait_received(received_path, &r, resolved,
		      "resolved notification of the storm's incident", WAIT_S);
	assert_int_equal(r.nids, 1);

	assert_int_equal(harness__interrupt(&probe_pid, 60), 0);
}

static int teardown(void **state)
{
	(void)state;
	harness__kill_child(&storm);
	harness__kill_child(&steady);
	harness__stop(&prom_pid);
	harness__stop(&am_pid);
	harness__stop(&hook_pid);
	if (harness__interrupt(&probe_pid, 60) != 0)
		fprintf(stderr, "driftprobe exited non-zero\n");
	if (work_cg[0])
		harness__cgroup_remove(work_cg);
	if (harness__remove_dir(dir))
		fprintf(stderr, "could not remove %s\n", dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(storm__one_alert_through_alertmanager,
					  teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
