// SPDX-License-Identifier: MIT
/*
 * Root integration test of `run --listen` with a real Prometheus: driftprobe,
 * configured by a config file plus a command-line override, learns on a 1 s
 * interval and serves /metrics on an ephemeral loopback port; the live exposition must pass `promtool check metrics` and hold one
 * verdict per feature; then a Prometheus server (Debian's package, a temp
 * config and TSDB, loopback only) loads contrib/prometheus/alerts.yml,
 * scrapes the probe, and its HTTP query API must return driftprobe series
 * from the scrape job. Every wait is bounded polling, never a fixed sleep.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
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

#define WAIT_S 180.0	/* generous: the machine is shared and slow */

static char dir[] = "/tmp/dpeco-prom.XXXXXX";
static pid_t probe_pid = -1, prom_pid = -1;

/* Poll until the body of url contains needle; returns the body. */
static char *wait_body(const char *url, const char *needle, pid_t *pid,
		       const char *what, const char *log)
{
	double end = harness__now() + WAIT_S;
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "curl -sf --max-time 10 '%s'", url);
	for (;;) {
		int status;
		char *body = harness__sh(cmd, &status);

		if (status == 0 && strstr(body, needle))
			return body;
		free(body);
		harness__fail_if_exited(pid, what, log);
		if (harness__now() > end)
			fail_msg("%s never contained '%s' within %.0f s", url,
				 needle, WAIT_S);
		usleep(250000);
	}
}

/* "name{labels} value" lines of an exposition, matching prefix: count. */
static int count_samples(const char *text, const char *prefix, double *sum)
{
	int n = 0;

	*sum = 0;
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p += !!p) {
		const char *sp;

		if (strncmp(p, prefix, strlen(prefix)))
			continue;
		sp = strchr(p, ' ');
		assert_non_null(sp);
		*sum += atof(sp + 1);
		n++;
	}
	return n;
}

static void check_live_exposition(const char *text, const char *path)
{
	char cmd[PATH_MAX + 64], *out;
	FILE *f = fopen(path, "w");
	double sum;
	int status, node_hooks;

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < '%s' 2>&1", path);
	out = harness__sh(cmd, &status);
	if (status)
		fail_msg("promtool check metrics on the live scrape:\n%s", out);
	free(out);

	/*
	 * Every hook of every group attached (syscall: sys_enter, sys_exit and,
	 * latency being sampled, sched_switch; net: 8; node: 4, and the two
	 * sched_wakeup hooks on a kernel that does not time run-queue waits
	 * itself, which /proc/self/schedstat tells), one verdict per analysed
	 * feature.
	 */
	node_hooks = access("/proc/self/schedstat", F_OK) ? 6 : 4;
	assert_int_equal(count_samples(text, "driftprobe_hook_attached{", &sum),
			 11 + node_hooks);
	assert_true(sum == 11 + node_hooks);
	assert_int_equal(count_samples(text, "driftprobe_hook_attached{"
				       "group=\"syscall\",", &sum), 3);
	assert_int_equal(count_samples(text, "driftprobe_hook_attached{"
				       "group=\"syscall\",hook=\"sys_enter\","
				       "kind=\"tp_btf\"}", &sum), 1);
	assert_int_equal(count_samples(text, "driftprobe_hook_attached{"
				       "group=\"net\",", &sum), 8);
	assert_int_equal(count_samples(text, "driftprobe_hook_attached{"
				       "group=\"net\",hook=\"net_dev_start_xmit\","
				       "kind=\"tp_btf\"}", &sum), 1);
	assert_int_equal(count_samples(text, "driftprobe_hook_attached{"
				       "group=\"node\",", &sum), node_hooks);
	assert_int_equal(count_samples(text, "driftprobe_hook_attached{"
				       "group=\"node\",hook=\"sched_switch\","
				       "kind=\"tp_btf\"}", &sum), 1);
	for (int f = 0; f < 3; f++) {
		static const char *const names[] = { "syscall.id",
			"syscall.latency", "syscall.errno" };
		char prefix[128];

		snprintf(prefix, sizeof(prefix), "driftprobe_verdict{feature="
			 "\"%s\",cgroup=\"/\"", names[f]);
		assert_int_equal(count_samples(text, prefix, &sum), 3);
		assert_true(sum == 1);
		snprintf(prefix, sizeof(prefix), "driftprobe_events_total{"
			 "feature=\"%s\"", names[f]);
		assert_int_equal(count_samples(text, prefix, &sum), 1);
		assert_true(sum > 0);
	}
	assert_int_equal(count_samples(text, "driftprobe_baseline_ready ", &sum), 1);
	assert_true(sum == 1);
}

/*
 * Every thread of the probe but the main one blocks SIGINT and SIGTERM,
 * so a stop signal always lands where it interrupts the window sleep.
 */
static void check_signal_masks(pid_t pid)
{
	char path[PATH_MAX], *status;
	int others = 0;
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d))) {
		unsigned long long blocked;
		const char *p;

		if (de->d_name[0] == '.' || atoi(de->d_name) == pid)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status",
			 (int)pid, de->d_name);
		status = harness__read_file(path);
		p = strstr(status, "\nSigBlk:");
		assert_non_null(p);
		blocked = strtoull(p + 8, NULL, 16);
		if (!(blocked & (1ull << (SIGINT - 1))) ||
		    !(blocked & (1ull << (SIGTERM - 1))))
			fail_msg("thread %s of driftprobe does not block SIGINT "
				 "and SIGTERM (SigBlk %llx)", de->d_name,
				 blocked);
		free(status);
		others++;
	}
	closedir(d);
	assert_true(others >= 1);	/* the HTTP thread exists */
}

static const char *label(json_object *series, const char *name)
{
	json_object *metric, *v;

	assert_true(json_object_object_get_ex(series, "metric", &metric));
	if (!json_object_object_get_ex(metric, name, &v))
		return "";
	return json_object_get_string(v);
}

static double sample_value(json_object *series)
{
	json_object *v;

	assert_true(json_object_object_get_ex(series, "value", &v));
	return atof(json_object_get_string(json_object_array_get_idx(v, 1)));
}

/* Grafana's variables, as the dashboard's defaults would expand them. */
static void expand_variables(const char *expr, char *out, size_t len)
{
	static const struct { const char *var, *value; } vars[] = {
		{ "$__rate_interval", "1m" }, { "$instance", ".*" },
		{ "$feature", ".*" }, { "$workload", ".*" },
	};
	size_t o = 0;

	while (*expr && o + 8 < len) {
		size_t i;

		for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
			if (!strncmp(expr, vars[i].var, strlen(vars[i].var)))
				break;
		if (i < sizeof(vars) / sizeof(vars[0])) {
			o += snprintf(out + o, len - o, "%s", vars[i].value);
			expr += strlen(vars[i].var);
		} else {
			out[o++] = *expr++;
		}
	}
	out[o] = '\0';
}

/* Every driftprobe_* name in expr has a HELP line in the live scrape. */
static void check_names(const char *expr, const char *scrape)
{
	for (const char *p = strstr(expr, "driftprobe_"); p;
	     p = strstr(p + 1, "driftprobe_")) {
		char name[128], help[160];
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz_");

		assert_true(n < sizeof(name));
		memcpy(name, p, n);
		name[n] = '\0';
		snprintf(help, sizeof(help), "# HELP %s ", name);
		if (!strstr(scrape, help))
			fail_msg("dashboard uses %s, which driftprobe does not "
				 "export", name);
		p += n - 1;
	}
}

/* Walk the dashboard; run every "expr" against the live server. */
static int check_exprs(json_object *o, unsigned int port, const char *scrape)
{
	int n = 0;

	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			n += check_exprs(json_object_array_get_idx(o, i), port,
					 scrape);
	} else if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, val) {
			char promql[1024];
			json_object *doc;

			if (strcmp(key, "expr") ||
			    !json_object_is_type(val, json_type_string)) {
				n += check_exprs(val, port, scrape);
				continue;
			}
			check_names(json_object_get_string(val), scrape);
			expand_variables(json_object_get_string(val), promql,
					 sizeof(promql));
			if (!harness__prom_query(port, promql, &doc))
				fail_msg("prometheus refused the dashboard's "
					 "query: %s", promql);
			json_object_put(doc);
			n++;
		}
	}
	return n;
}

static void check_dashboard(unsigned int port, const char *scrape_path)
{
	json_object *dash = json_object_from_file("contrib/grafana/driftprobe.json");
	char *scrape = harness__read_file(scrape_path);

	if (!dash)
		fail_msg("contrib/grafana/driftprobe.json: not valid JSON: %s",
			 json_util_get_last_err());
	assert_true(check_exprs(dash, port, scrape) >= 10);
	json_object_put(dash);
	free(scrape);
}

/* driftprobe(8) documents every metric family the probe exports. */
static void check_man_page(const char *scrape_path)
{
	char *scrape = harness__read_file(scrape_path), *man = harness__read_file("driftprobe.8");
	int families = 0;

	assert_true(man[0] != '\0');
	for (const char *p = strstr(scrape, "# HELP "); p;
	     p = strstr(p + 1, "# HELP ")) {
		char name[128];

		assert_int_equal(sscanf(p, "# HELP %127s", name), 1);
		if (!strstr(man, name))
			fail_msg("driftprobe.8 does not document %s", name);
		families++;
	}
	assert_true(families >= 15);
	free(scrape);
	free(man);
}

static void prometheus_scrapes_the_probe(void **state)
{
	char probe_log[PATH_MAX], prom_log[PATH_MAX], conf[PATH_MAX];
	char data[PATH_MAX], scrape[PATH_MAX], rules[PATH_MAX];
	char url[256], addr[64], *body;
	json_object *doc, *r;
	unsigned int port;
	FILE *f;

	(void)state;
	harness__require_root();
	assert_non_null(mkdtemp(dir));
	snprintf(probe_log, sizeof(probe_log), "%s/probe.log", dir);
	snprintf(prom_log, sizeof(prom_log), "%s/prometheus.log", dir);
	snprintf(data, sizeof(data), "%s/tsdb", dir);
	snprintf(scrape, sizeof(scrape), "%s/scrape.prom", dir);
	if (!realpath("contrib/prometheus/alerts.yml", rules))
		fail_msg("contrib/prometheus/alerts.yml: run from the repo root");

	/* Options from a config file; the command line's --learn wins over
	   the file's 600 s (else no verdict would come in time). */
	snprintf(conf, sizeof(conf), "%s/driftprobe.conf", dir);
	f = fopen(conf, "w");
	assert_non_null(f);
	fputs("# test config\ninterval = 1\nlearn = 600\n"
	      "listen = 127.0.0.1:0\n", f);
	assert_int_equal(fclose(f), 0);
	{
		char *const argv[] = { (char *)harness__binary(), "run",
			"--config", conf, "--learn", "3", NULL };

		probe_pid = harness__spawn_cmd(probe_log, argv);
	}
	harness__probe_address(probe_pid, probe_log, addr, sizeof(addr), WAIT_S);
	snprintf(url, sizeof(url), "http://%s/metrics", addr);
	body = wait_body(url, "driftprobe_verdict{", &probe_pid, "driftprobe",
			 probe_log);
	check_live_exposition(body, scrape);
	free(body);
	check_signal_masks(probe_pid);
	check_man_page(scrape);

	snprintf(conf, sizeof(conf), "%s/prometheus.yml", dir);
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
		"rule_files:\n  - %s\n"
		"scrape_configs:\n  - job_name: driftprobe\n"
		"    static_configs:\n      - targets: ['%s']\n", rules, addr);
	assert_int_equal(fclose(f), 0);
	{
		char cf[PATH_MAX + 16], tsdb[PATH_MAX + 32];
		const char *argv[] = { "prometheus", cf, tsdb,
			"--web.listen-address=127.0.0.1:{port}", NULL };

		snprintf(cf, sizeof(cf), "--config.file=%s", conf);
		snprintf(tsdb, sizeof(tsdb), "--storage.tsdb.path=%s", data);
		port = harness__start_server("prometheus", prom_log, "/-/ready",
					     argv, &prom_pid, WAIT_S);
	}

	/* The scrape job is up and a driftprobe series came through it. */
	r = harness__prom_wait_query(port, "up{job=\"driftprobe\"} == 1", 1,
				     &doc, &prom_pid, prom_log, WAIT_S);
	json_object_put(doc);
	r = harness__prom_wait_query(port, "driftprobe_build_info", 1, &doc,
				     &prom_pid, prom_log, WAIT_S);
	assert_string_equal(label(json_object_array_get_idx(r, 0), "job"),
			    "driftprobe");
	assert_string_equal(label(json_object_array_get_idx(r, 0), "instance"),
			    addr);
	assert_true(sample_value(json_object_array_get_idx(r, 0)) == 1);
	json_object_put(doc);

	/* One verdict per feature, as Prometheus stored it. */
	r = harness__prom_wait_query(port,
				     "sum by (feature) (driftprobe_verdict)",
				     DP_F_COUNT, &doc, &prom_pid, prom_log,
				     WAIT_S);
	assert_int_equal(json_object_array_length(r), DP_F_COUNT);
	for (size_t i = 0; i < DP_F_COUNT; i++)
		assert_true(sample_value(json_object_array_get_idx(r, i)) == 1);
	json_object_put(doc);

	/* The shipped alert rules loaded (they would refuse to start else). */
	body = wait_body((snprintf(url, sizeof(url), "http://127.0.0.1:%u/api/"
				   "v1/rules", port), url),
			 "DriftprobeIncident", &prom_pid, "prometheus",
			 prom_log);
	free(body);
	check_dashboard(port, scrape);

	assert_int_equal(harness__interrupt(&probe_pid, 60), 0);
}

static int teardown(void **state)
{
	(void)state;
	harness__stop(&prom_pid);
	if (harness__interrupt(&probe_pid, 60) != 0)
		fprintf(stderr, "driftprobe exited non-zero\n");
	if (harness__remove_dir(dir))
		fprintf(stderr, "could not remove %s\n", dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(prometheus_scrapes_the_probe, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
