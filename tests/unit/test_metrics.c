// SPDX-License-Identifier: MIT
/*
 * metrics.c: the exposition text for known inputs, sample by sample;
 * undefined divergences left out, label escaping, counters that add up,
 * the family layout the format requires, and Prometheus' own linter
 * (`promtool check metrics`) on a full rendering.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "baseline.h"
#include "detector.h"
#include "feature.h"
#include "coupling.h"
#include "incident.h"
#include "metrics.h"
#include "refresh.h"
#include "sink.h"
#include "window.h"

static char *render(const struct metrics *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(metrics__write(m, f), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* The exact line (without its newline) is in text. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

#define assert_line(text, line)						\
	do {								\
		if (!has_line(text, line))				\
			fail_msg("missing line: %s\n--- in ---\n%s", line, \
				 text);					\
	} while (0)
#define assert_no_line(text, line)					\
	do {								\
		if (has_line(text, line))				\
			fail_msg("unexpected line: %s", line);		\
	} while (0)

static const struct probe_hook hooks[] = {
	{ "syscall", "sys_enter", "tp_btf" },
	{ "net", "net_dev_start_xmit", "tracepoint" },
};
static const char *health_names[] = { "start_store_failed",
				      "exit_without_start" };
static const uint64_t health[] = { 3, 17 };

static const struct probe_status status = {
	.hooks = hooks, .nhooks = 2,
	.health_names = health_names, .health = health, .nhealth = 2,
	.counter_resets = 1,
};

/*
 * A window with syscall.id and syscall.errno for "/", and syscall.id for
 * two cgroups: one whose name needs the format's escapes, one that is not
 * valid UTF-8 (Prometheus rejects a scrape holding such a label).
 */
static struct window *fixture_window(double ts, uint64_t scale)
{
	static uint64_t ids[DP_SYSCALL_ID_BINS], errs[DP_SYSCALL_ERRNO_BINS];
	struct window *w = window__new(ts, 10, "h1");

	assert_non_null(w);
	memset(ids, 0, sizeof(ids));
	memset(errs, 0, sizeof(errs));
	ids[0] = 4 * scale, ids[110] = 2 * scale;	/* 6 * scale events */
	errs[0] = 5 * scale, errs[9] = 1 * scale;
	assert_int_equal(window__add(w, DP_F_SYSCALL_ID, "/", ids,
				     DP_SYSCALL_ID_BINS), 0);
	assert_int_equal(window__add(w, DP_F_SYSCALL_ERRNO, "/", errs,
				     DP_SYSCALL_ERRNO_BINS), 0);
	assert_int_equal(window__add(w, DP_F_SYSCALL_ID, "/odd\"q\\b\nx", ids,
				     DP_SYSCALL_ID_BINS), 0);
	assert_int_equal(window__add(w, DP_F_SYSCALL_ID,
				     "/inv\xff\xc0\x80\xc3\xa9\x1b", ids,
				     DP_SYSCALL_ID_BINS), 0);
	return w;
}

static struct analysis fixture_analysis(enum verdict v, unsigned int undef)
{
	struct analysis an;

	memset(&an, 0, sizeof(an));
	an.d.kl_wb = 0.25;
	an.d.kl_bw = 0.5;
	an.d.js = 0.125;
	an.d.psi = 0.75;
	an.d.hellinger = 0.375;
	an.d.effect = 0.0625;
	an.d.g = 42.5;
	an.d.p_value = 1e-9;
	an.d.undefined = undef;
	an.threshold = 0.03125;
	an.score = 6.5;
	an.p_limit = 0.001 / 3;
	an.verdict = v;
	return an;
}

static void before_any_window__build_info_and_learning_only(void **state)
{
	struct metrics *m = metrics__new("9.8.7", NULL);
	char *t;

	(void)state;
	assert_non_null(m);
	t = render(m);
	assert_line(t, "driftprobe_build_info{version=\"9.8.7\"} 1");
	assert_line(t, "driftprobe_windows_total 0");
	assert_line(t, "driftprobe_baseline_ready 0");
	assert_null(strstr(t, "driftprobe_hook_attached"));
	assert_null(strstr(t, "driftprobe_window_events"));
	assert_null(strstr(t, "driftprobe_verdict"));
	free(t);
	metrics__free(m);
}

static void window_and_analysis__every_sample_as_expected(void **state)
{
	struct metrics *m = metrics__new("1.0", NULL);
	struct baseline bl = { .windows = 12, .created = 1700000000.5 };
	struct analysis an = fixture_analysis(VERDICT_ANOMALY, 0);
	struct window *w = fixture_window(1800000000.25, 1);
	char *t;

	(void)state;
	metrics__set_probe(m, &status);
	metrics__set_baseline(m, &bl);
	assert_int_equal(metrics__window(m, w, 0.5), 0);
	assert_int_equal(metrics__analysis(m, DP_F_SYSCALL_ID, "/", &an, NULL), 0);
	t = render(m);
	assert_line(t, "driftprobe_hook_attached{group=\"syscall\","
		    "hook=\"sys_enter\",kind=\"tp_btf\"} 1");
	assert_line(t, "driftprobe_hook_attached{group=\"net\","
		    "hook=\"net_dev_start_xmit\",kind=\"tracepoint\"} 1");
	assert_line(t, "driftprobe_events_dropped_total{reason=\"start_store_failed\"} 3");
	assert_line(t, "driftprobe_events_dropped_total{reason=\"exit_without_start\"} 17");
	assert_line(t, "driftprobe_map_bin_resets_total 1");
	assert_line(t, "driftprobe_windows_total 1");
	assert_line(t, "driftprobe_window_processing_seconds_total 0.5");
	assert_line(t, "driftprobe_last_window_processing_seconds 0.5");
	assert_line(t, "driftprobe_last_window_timestamp_seconds 1800000000.25");
	assert_line(t, "driftprobe_window_interval_seconds 10");
	assert_line(t, "driftprobe_baseline_ready 1");
	assert_line(t, "driftprobe_baseline_windows 12");
	assert_line(t, "driftprobe_baseline_created_timestamp_seconds 1700000000.5");
	assert_line(t, "driftprobe_window_events{feature=\"syscall.id\",cgroup=\"/\"} 6");
	assert_line(t, "driftprobe_window_events{feature=\"syscall.errno\",cgroup=\"/\"} 6");
	assert_line(t, "driftprobe_events_total{feature=\"syscall.id\"} 6");
	assert_line(t, "driftprobe_events_total{feature=\"syscall.errno\"} 6");
	assert_line(t, "driftprobe_divergence_nats{feature=\"syscall.id\",cgroup=\"/\",measure=\"kl_wb\"} 0.25");
	assert_line(t, "driftprobe_divergence_nats{feature=\"syscall.id\",cgroup=\"/\",measure=\"kl_bw\"} 0.5");
	assert_line(t, "driftprobe_divergence_nats{feature=\"syscall.id\",cgroup=\"/\",measure=\"js\"} 0.125");
	assert_line(t, "driftprobe_divergence_nats{feature=\"syscall.id\",cgroup=\"/\",measure=\"psi\"} 0.75");
	assert_line(t, "driftprobe_divergence_nats{feature=\"syscall.id\",cgroup=\"/\",measure=\"effect\"} 0.0625");
	assert_line(t, "driftprobe_hellinger_distance{feature=\"syscall.id\",cgroup=\"/\"} 0.375");
	assert_line(t, "driftprobe_g_statistic{feature=\"syscall.id\",cgroup=\"/\"} 42.5");
	assert_line(t, "driftprobe_p_value{feature=\"syscall.id\",cgroup=\"/\"} 1.0000000000000001e-09");
	assert_line(t, "driftprobe_score{feature=\"syscall.id\",cgroup=\"/\"} 6.5");
	assert_line(t, "driftprobe_score_threshold{feature=\"syscall.id\",cgroup=\"/\"} 0.03125");
	assert_line(t, "driftprobe_verdict{feature=\"syscall.id\",cgroup=\"/\",verdict=\"anomaly\"} 1");
	assert_line(t, "driftprobe_verdict{feature=\"syscall.id\",cgroup=\"/\",verdict=\"normal\"} 0");
	assert_line(t, "driftprobe_verdict{feature=\"syscall.id\",cgroup=\"/\",verdict=\"insufficient\"} 0");
	assert_line(t, "driftprobe_verdicts_total{feature=\"syscall.id\",cgroup=\"/\",verdict=\"anomaly\"} 1");
	/* Not analysed (no baseline entry): events but no verdict. */
	assert_null(strstr(t, "driftprobe_verdict{feature=\"syscall.errno\""));
	free(t);
	window__free(w);
	metrics__free(m);
}

static void undefined_values__are_left_out_not_nan(void **state)
{
	struct metrics *m = metrics__new("1.0", NULL);
	struct analysis an = fixture_analysis(VERDICT_INSUFFICIENT,
					      DIV_UNDEF_G | DIV_UNDEF_KL_WB);
	char *t;

	(void)state;
	an.d.p_value = __builtin_nan("");	/* must never reach the text */
	assert_int_equal(metrics__analysis(m, DP_F_SYSCALL_ERRNO, "/", &an, NULL), 0);
	t = render(m);
	assert_null(strstr(t, "NaN"));
	assert_null(strstr(t, "measure=\"kl_wb\"}"));
	assert_null(strstr(t, "measure=\"effect\"}"));
	assert_null(strstr(t, "driftprobe_p_value{"));
	assert_null(strstr(t, "driftprobe_g_statistic{"));
	assert_line(t, "driftprobe_divergence_nats{feature=\"syscall.errno\",cgroup=\"/\",measure=\"kl_bw\"} 0.5");
	assert_line(t, "driftprobe_verdict{feature=\"syscall.errno\",cgroup=\"/\",verdict=\"insufficient\"} 1");
	free(t);
	metrics__free(m);
}

static void cgroup_label__is_escaped(void **state)
{
	struct metrics *m = metrics__new("1.0", NULL);
	struct window *w = fixture_window(1, 1);
	struct analysis an = fixture_analysis(VERDICT_NORMAL, 0);
	char *t;

	(void)state;
	assert_int_equal(metrics__window(m, w, 0), 0);
	/* Analysed, so among the top series: their detail is written. */
	for (size_t i = 0; i < w->n; i++)
		assert_int_equal(metrics__analysis(m, w->hists[i].feature,
						   w->hists[i].cgroup, &an,
						   NULL), 0);
	t = render(m);
	assert_line(t, "driftprobe_window_events{feature=\"syscall.id\","
		       "cgroup=\"/odd\\\"q\\\\b\\nx\"} 6");
	/* Invalid UTF-8 as \xNN text; valid UTF-8 and controls as they are. */
	assert_line(t, "driftprobe_window_events{feature=\"syscall.id\","
		       "cgroup=\"/inv\\\\xff\\\\xc0\\\\x80\xc3\xa9\x1b\"} 6");
	free(t);
	window__free(w);
	metrics__free(m);
}

static void counters__add_up_over_windows(void **state)
{
	struct metrics *m = metrics__new("1.0", NULL);
	struct analysis normal = fixture_analysis(VERDICT_NORMAL, 0);
	struct analysis anomaly = fixture_analysis(VERDICT_ANOMALY, 0);
	struct window *w1 = fixture_window(10, 1), *w2 = fixture_window(20, 3);
	char *t;

	(void)state;
	assert_int_equal(metrics__window(m, w1, 0.25), 0);
	assert_int_equal(metrics__analysis(m, DP_F_SYSCALL_ID, "/", &normal, NULL), 0);
	assert_int_equal(metrics__window(m, w2, 0.5), 0);
	assert_int_equal(metrics__analysis(m, DP_F_SYSCALL_ID, "/", &anomaly, NULL), 0);
	t = render(m);
	assert_line(t, "driftprobe_windows_total 2");
	assert_line(t, "driftprobe_window_processing_seconds_total 0.75");
	assert_line(t, "driftprobe_last_window_processing_seconds 0.5");
	assert_line(t, "driftprobe_window_events{feature=\"syscall.id\",cgroup=\"/\"} 18");
	/* Host level: "/" alone, not "/" plus the cgroups within it. */
	assert_line(t, "driftprobe_events_total{feature=\"syscall.id\"} 24");
	assert_null(strstr(t, "driftprobe_events_total{feature=\"syscall.id\",cgroup"));
	assert_line(t, "driftprobe_verdicts_total{feature=\"syscall.id\",cgroup=\"/\",verdict=\"normal\"} 1");
	assert_line(t, "driftprobe_verdicts_total{feature=\"syscall.id\",cgroup=\"/\",verdict=\"anomaly\"} 1");
	assert_line(t, "driftprobe_verdict{feature=\"syscall.id\",cgroup=\"/\",verdict=\"normal\"} 0");
	assert_line(t, "driftprobe_last_window_timestamp_seconds 20");
	free(t);
	window__free(w1);
	window__free(w2);
	metrics__free(m);
}

/* A joint feature's coupling, stronger than its learnt range. */
static const struct coupling_verdict joint_cv = {
	.now = { .n = 1000, .mi = 0.25, .mi_mm = 0.125, .nmi = 0.5,
		 .lo = 0.2, .hi = 0.3 },
	.band = { .min = 0.015625, .max = 0.03125, .pooled = 0.0234375 },
	.change = COUPLING_STRONGER,
};

/* A full rendering: everything set, two cgroups, one undefined value. */
static void add_incidents(struct metrics *m);

static char *full_rendering(void)
{
	struct metrics *m = metrics__new("1.0", NULL);
	static struct baseline bl = { .windows = 6, .created = 1e9 };
	struct analysis a1 = fixture_analysis(VERDICT_NORMAL, 0);
	struct analysis a2 = fixture_analysis(VERDICT_ANOMALY, DIV_UNDEF_PSI);
	struct window *w = fixture_window(2e9, 2);
	char *t;

	metrics__set_probe(m, &status);
	metrics__set_baseline(m, &bl);
	assert_int_equal(metrics__window(m, w, 0.001), 0);
	assert_int_equal(metrics__analysis(m, DP_F_SYSCALL_ID, "/", &a1, NULL), 0);
	assert_int_equal(metrics__analysis(m, DP_F_SYSCALL_ERRNO, "/", &a2, NULL), 0);
	assert_int_equal(metrics__analysis(m, DP_F_SYSCALL_ID,
					   "/odd\"q\\b\nx", &a2, NULL), 0);
	assert_int_equal(metrics__analysis(m, DP_F_SYSCALL_GROUP_ERRNO, "/",
					   &a1, &joint_cv), 0);
	add_incidents(m);
	t = render(m);
	window__free(w);
	metrics__free(m);
	return t;
}

/*
 * Incident 1: open, critical, on the odd cgroup, five anomalous features
 * (syscall.id first), two culprits of which the second (a comm needing
 * escapes) leads.
 */
static void incident_one(struct incident *inc)
{
	static const enum dp_feature_id members[] = {
		DP_F_SYSCALL_ID, DP_F_SYSCALL_ERRNO, DP_F_NET_DPORT,
		DP_F_NET_PEER, DP_F_TCP_EVENT,
	};

	memset(inc, 0, sizeof(*inc));
	inc->id = 1;
	inc->cgroup = "/odd\"q\\b\nx";
	inc->state = INCIDENT_OPEN;
	inc->severity = INCIDENT_CRITICAL;
	inc->score = 2.5;
	inc->threshold = 0.5;
	inc->nanomalous = inc->nmembers = 5;
	for (size_t i = 0; i < 5; i++)
		inc->members[i].feature = members[i];
	inc->nculprits = 2;
	inc->culprits[0] = (struct incident_culprit){ .pid = 1234,
						      .comm = "nc" };
	inc->culprits[1] = (struct incident_culprit){ .pid = 99,
						      .comm = "sh\"x",
						      .leader = true };
}

#define INCIDENT_ONE_LABELS						\
	"{cgroup=\"/odd\\\"q\\\\b\\nx\",workload=\"/odd\\\"q\\\\b\\nx\","	\
	"id=\"1\",severity=\"%s\",host=\"h1\",features=\"syscall.id,"	\
	"syscall.errno,net.dport,net.peer,\u2026\",culprit=\"sh\\\"x[99]\"}"

/* Incidents 1 (open, critical, odd cgroup) and 2 (opened, resolved). */
static void add_incidents(struct metrics *m)
{
	struct incident inc;

	incident_one(&inc);
	assert_int_equal(metrics__incident(m, "h1", &inc), 0);
	memset(&inc, 0, sizeof(inc));
	inc.state = INCIDENT_OPEN;
	inc.id = 2;
	inc.cgroup = "/db";
	inc.severity = INCIDENT_WARNING;
	assert_int_equal(metrics__incident(m, "h1", &inc), 0);
	inc.state = INCIDENT_RESOLVED;
	assert_int_equal(metrics__incident(m, "h1", &inc), 0);
}

/*
 * Open incidents active with their id, severity, host, workload, features
 * (four, then an ellipsis) and leading culprit, every value escaped;
 * resolved ones gone. An ongoing window changes the severity but not the
 * labels it opened with (one series, one alert).
 */
static void incidents__active_until_resolved_and_counted(void **state)
{
	struct metrics *m = metrics__new("1.0", NULL);
	static struct baseline bl = { .windows = 6, .created = 1e9 };
	struct incident inc;
	char *t, line[512];

	(void)state;
	metrics__set_baseline(m, &bl);
	add_incidents(m);
	t = render(m);
	snprintf(line, sizeof(line), "driftprobe_incident_active"
		 INCIDENT_ONE_LABELS " 1", "critical");
	assert_line(t, line);
	assert_null(strstr(t, "id=\"2\""));
	assert_true(has_line(t, "driftprobe_incident_score{cgroup=\"/odd\\\"q"
			     "\\\\b\\nx\",id=\"1\"} 2.5"));
	assert_true(has_line(t, "driftprobe_incident_threshold{cgroup=\"/odd"
			     "\\\"q\\\\b\\nx\",id=\"1\"} 0.5"));
	assert_true(has_line(t, "driftprobe_incidents_total{severity=\"warning\"} 1"));
	assert_true(has_line(t, "driftprobe_incidents_total{severity=\"critical\"} 1"));
	free(t);
	/* Ongoing: the same series, its severity now warning; not counted. */
	incident_one(&inc);
	inc.state = INCIDENT_ONGOING;
	inc.severity = INCIDENT_WARNING;
	inc.nanomalous = inc.nmembers = 1;
	inc.members[0].feature = DP_F_PROC_EXEC;
	inc.culprits[1].leader = false;
	assert_int_equal(metrics__incident(m, "h2", &inc), 0);
	t = render(m);
	snprintf(line, sizeof(line), "driftprobe_incident_active"
		 INCIDENT_ONE_LABELS " 1", "warning");
	assert_line(t, line);
	assert_null(strstr(t, ",severity=\"critical\""));
	assert_true(has_line(t, "driftprobe_incidents_total{severity=\"critical\"} 1"));
	free(t);
	inc.state = INCIDENT_RESOLVED;
	assert_int_equal(metrics__incident(m, "h1", &inc), 0);
	t = render(m);
	assert_null(strstr(t, "driftprobe_incident_active{"));
	free(t);
	metrics__free(m);
}

/* Few features and no culprit: the list as it is, culprit "". */
static void incidents__short_features_and_no_culprit(void **state)
{
	struct metrics *m = metrics__new("1.0", NULL);
	static struct baseline bl = { .windows = 6, .created = 1e9 };
	struct incident inc;
	char *t;

	(void)state;
	metrics__set_baseline(m, &bl);
	memset(&inc, 0, sizeof(inc));
	inc.id = 7;
	inc.cgroup = "/db";
	inc.nanomalous = inc.nmembers = 2;
	inc.members[0].feature = DP_F_NET_DPORT;
	inc.members[1].feature = DP_F_SYSCALL_ID;
	assert_int_equal(metrics__incident(m, "h1", &inc), 0);
	t = render(m);
	assert_line(t, "driftprobe_incident_active{cgroup=\"/db\",workload="
		    "\"/db\",id=\"7\",severity=\"warning\",host=\"h1\","
		    "features=\"net.dport,syscall.id\",culprit=\"\"} 1");
	free(t);
	metrics__free(m);
}

/*
 * Each family: HELP, then TYPE, then its samples, never split or repeated;
 * counters (and only counters) end in _total.
 */
static void layout__families_are_whole_and_typed(void **state)
{
	char *t = full_rendering(), *save = NULL, *line;
	char family[128] = "", type[16] = "", seen[8192] = " ";
	int samples = 0;

	(void)state;
	for (line = strtok_r(t, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[128], key[160];

		if (sscanf(line, "# HELP %127s", name) == 1) {
			snprintf(key, sizeof(key), " %s ", name);
			assert_null(strstr(seen, key));	/* not repeated */
			strncat(seen, key + 1, sizeof(seen) - strlen(seen) - 1);
			snprintf(family, sizeof(family), "%s", name);
			type[0] = '\0';
			continue;
		}
		if (sscanf(line, "# TYPE %127s %15s", name, type) == 2) {
			assert_string_equal(name, family);
			size_t n = strlen(name);
			bool total = n > 6 && !strcmp(name + n - 6, "_total");

			assert_int_equal(total, !strcmp(type, "counter"));
			continue;
		}
		assert_true(type[0] != '\0');
		assert_int_equal(strncmp(line, family, strlen(family)), 0);
		assert_true(line[strlen(family)] == '{' ||
			    line[strlen(family)] == ' ');
		samples++;
	}
	assert_true(samples > 40);
	free(t);
}

static void coupling__latest_mi_band_and_changes(void **state)
{
	char *t = full_rendering();
	static const char *const want[] = {
		"driftprobe_coupling_mi_nats{feature=\"syscall.group_errno\","
		"cgroup=\"/\",estimate=\"plugin\"} 0.25\n",
		"driftprobe_coupling_mi_nats{feature=\"syscall.group_errno\","
		"cgroup=\"/\",estimate=\"miller_madow\"} 0.125\n",
		"driftprobe_coupling_mi_nats{feature=\"syscall.group_errno\","
		"cgroup=\"/\",estimate=\"learnt_max\"} 0.03125\n",
		"driftprobe_coupling_changes_total{feature=\"syscall.group_errno\","
		"cgroup=\"/\",change=\"stronger\"} 1\n",
		"driftprobe_coupling_changes_total{feature=\"syscall.group_errno\","
		"cgroup=\"/\",change=\"weaker\"} 0\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(t, want[i]))
			fail_msg("missing: %s", want[i]);
	/* Only joint features have coupling samples. */
	assert_null(strstr(t, "coupling_mi_nats{feature=\"syscall.id\""));
	free(t);
}

/* promtool check metrics on text, or the test fails with its output. */
static void assert_promtool_accepts(const char *text)
{
	char path[] = "/tmp/dpeco-metrics-XXXXXX", cmd[256], out[4096] = "";
	int fd = mkstemp(path), status;
	FILE *f, *p;
	size_t n;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s 2>&1", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	status = pclose(p);
	unlink(path);
	if (status != 0)
		fail_msg("promtool check metrics failed (status %d; promtool "
			 "comes with Debian's prometheus package):\n%s",
			 status, out);
}

static void promtool__accepts_the_exposition(void **state)
{
	char *t = full_rendering();

	(void)state;
	assert_promtool_accepts(t);
	free(t);
}

/* Sample lines (not comments) of text. */
static size_t count_samples(const char *text)
{
	size_t n = 0;

	for (const char *p = text; *p; p = strchr(p, '\n') + 1) {
		n += *p != '#';
		if (!strchr(p, '\n'))
			break;
	}
	return n;
}

/* Sample lines that start with prefix. */
static size_t count_prefixed(const char *text, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);

	for (const char *p = text; p; p = strchr(p, '\n')) {
		p += *p == '\n';
		n += !strncmp(p, prefix, len);
	}
	return n;
}

/* The value of the one sample line starting with prefix, or NaN. */
static double sample_value(const char *text, const char *prefix)
{
	size_t len = strlen(prefix);

	for (const char *p = text; p; p = strchr(p, '\n')) {
		p += *p == '\n';
		if (!strncmp(p, prefix, len))
			return strtod(strchr(p + len, ' '), NULL);
	}
	return __builtin_nan("");
}

/*
 * The fleet fixture: "/" and NCG cgroups "/c0000".. each with the
 * features below (syscall.group_errno joint, syscall.latency a latency),
 * every series analysed. Cgroup i's score is i % 50 for every feature
 * (so 20 cgroups tie at the top, 49), "/" scores 100.
 */
#define NCG 1000
static const enum dp_feature_id fleet_features[] = {
	DP_F_SYSCALL_ID, DP_F_SYSCALL_LATENCY, DP_F_SYSCALL_ERRNO,
	DP_F_SYSCALL_GROUP_ERRNO, DP_F_NET_DPORT,
};
#define NF (sizeof(fleet_features) / sizeof(fleet_features[0]))

static void fleet_window(struct metrics *m, double ts, size_t ncg)
{
	static uint64_t counts[FEATURE_MAX_BINS];
	struct window *w = window__new(ts, 10, "h1");
	char cg[32];

	assert_non_null(w);
	memset(counts, 0, sizeof(counts));
	counts[8] = 100;	/* latency [8, 10) ns; syscall 8 ... */
	counts[1] = 1;
	for (size_t i = 0; i <= ncg; i++) {
		if (i)
			snprintf(cg, sizeof(cg), "/c%04zu", i - 1);
		for (size_t k = 0; k < NF; k++)
			assert_int_equal(window__add(w, fleet_features[k],
						     i ? cg : "/", counts,
						     feature_table[fleet_features[k]].bins), 0);
	}
	for (size_t i = 0; i <= ncg; i++) {
		struct analysis an = fixture_analysis(VERDICT_NORMAL, 0);

		an.score = i ? (double)((i - 1) % 50) : 100;
		an.threshold = 40;
		if (i && (i - 1) % 50 == 49)
			an.verdict = VERDICT_ANOMALY;
		if (i)
			snprintf(cg, sizeof(cg), "/c%04zu", i - 1);
		for (size_t k = 0; k < NF; k++)
			assert_int_equal(metrics__analysis(m, fleet_features[k],
							   i ? cg : "/", &an,
							   fleet_features[k] ==
							   DP_F_SYSCALL_GROUP_ERRNO ?
							   &joint_cv : NULL), 0);
	}
	assert_int_equal(metrics__window(m, w, 0.01), 0);
	window__free(w);
}

/*
 * README "Prometheus metrics": series per host <= H + 5 F + 26 (F + N +
 * 8 I) + 2 W + 3 I and >= H + 5 F + 2 W + 10 (F + min(N, analysed)),
 * with H = 13 + hooks + drop reasons. Here: 2 hooks, 2 reasons, F = 5
 * features, W = 1,001 cgroups with "/", N = 20, one open incident.
 */
static void cardinality__1000_cgroups_within_the_readme_bounds(void **state)
{
	struct metrics *m = metrics__new("1.0", NULL);
	static struct baseline bl = { .windows = 6, .created = 1e9 };
	struct incident inc;
	size_t n, h = 13 + 2 + 2, f = NF, w = NCG + 1, top = 20, i = 1;
	size_t upper = h + 5 * f + 26 * (f + top + 8 * i) + 2 * w + 3 * i;
	size_t lower = h + 5 * f + 2 * w + 10 * (f + top);
	char *t;

	(void)state;
	metrics__set_probe(m, &status);
	metrics__set_baseline(m, &bl);
	fleet_window(m, 1000, NCG);
	incident_one(&inc);
	inc.cgroup = "/c0000";
	assert_int_equal(metrics__incident(m, "h1", &inc), 0);
	t = render(m);
	n = count_samples(t);
	print_message("%zu series at %d cgroups x %zu features (bounds "
		      "[%zu, %zu])\n", n, NCG, f, lower, upper);
	if (n > upper || n < lower)
		fail_msg("%zu series at %d cgroups; the README bounds them to "
			 "[%zu, %zu]", n, NCG, lower, upper);
	/* Every workload has its two aggregates; the host its features'. */
	assert_int_equal(count_prefixed(t, "driftprobe_workload_score_ratio{"), w);
	assert_int_equal(count_prefixed(t, "driftprobe_workload_anomalous_features{"), w);
	assert_int_equal(count_prefixed(t, "driftprobe_feature_series{"), 3 * f);
	assert_int_equal(count_prefixed(t, "driftprobe_feature_max_score{"), f);
	assert_int_equal(count_prefixed(t, "driftprobe_events_total{"), f);
	/*
	 * Detail: "/", the top 20 and the incident's members that have a
	 * series here (3 of its 5: net.peer and tcp.event have none).
	 */
	assert_int_equal(count_prefixed(t, "driftprobe_score{"), f + top + 3);
	assert_true(sample_value(t, "driftprobe_feature_series{feature="
				 "\"syscall.id\",verdict=\"anomaly\"}") == 20);
	assert_true(sample_value(t, "driftprobe_feature_max_score{feature="
				 "\"net.dport\"}") == 100);
	assert_true(sample_value(t, "driftprobe_workload_score_ratio{workload="
				 "\"/c0049\",cgroup=\"/c0049\"}") == 49.0 / 40);
	assert_true(sample_value(t, "driftprobe_workload_anomalous_features{"
				 "workload=\"/c0049\",cgroup=\"/c0049\"}") == NF);
	assert_true(sample_value(t, "driftprobe_workload_anomalous_features{"
				 "workload=\"/c0048\",cgroup=\"/c0048\"}") == 0);
	assert_promtool_accepts(t);
	free(t);
	metrics__free(m);
}

/*
 * Top N: 100 series tie at the highest workload score (20 cgroups x 5
 * features); the 20 kept are the first feature's (feature order), all
 * 20 cgroups. An incident's members keep their detail whatever their
 * score; with --metrics-top 0 only they and "/" do.
 */
static void top_n__ties_by_feature_then_cgroup_and_incidents_kept(void **state)
{
	static struct baseline bl = { .windows = 6, .created = 1e9 };
	struct metrics_opts o = { .top = 20, .grace_s = 300 };
	struct metrics *m;
	struct incident inc;
	char *t, prefix[128];

	(void)state;
	for (int pass = 0; pass < 2; pass++) {
		o.top = pass ? 0 : 20;
		m = metrics__new("1.0", &o);
		metrics__set_baseline(m, &bl);
		fleet_window(m, 1000, NCG);
		memset(&inc, 0, sizeof(inc));
		inc.id = 3;
		inc.cgroup = "/c0007";	/* score 7: far from the top */
		inc.nanomalous = inc.nmembers = 1;
		inc.members[0].feature = DP_F_SYSCALL_ERRNO;
		assert_int_equal(metrics__incident(m, "h1", &inc), 0);
		t = render(m);
		for (size_t i = 49; i < NCG; i += 50) {
			snprintf(prefix, sizeof(prefix), "driftprobe_score{feature="
				 "\"syscall.id\",cgroup=\"/c%04zu\"}", i);
			assert_int_equal(count_prefixed(t, prefix), !pass);
		}
		assert_int_equal(count_prefixed(t, "driftprobe_score{feature="
						"\"syscall.id\",cgroup=\"/c"),
				 pass ? 0 : 20);
		assert_int_equal(count_prefixed(t, "driftprobe_score{feature="
						"\"syscall.latency\",cgroup=\"/c"), 0);
		assert_int_equal(count_prefixed(t, "driftprobe_score{feature="
						"\"syscall.errno\",cgroup=\"/c0007\"}"), 1);
		assert_int_equal(count_prefixed(t, "driftprobe_verdicts_total{"
						"feature=\"syscall.errno\",cgroup=\"/c0007\""), 3);
		assert_int_equal(count_prefixed(t, "driftprobe_score{feature="
						"\"syscall.id\",cgroup=\"/c0007\"}"), 0);
		assert_int_equal(count_prefixed(t, "driftprobe_score{"),
				 NF + 1 + (pass ? 0 : 20));
		assert_int_equal(count_prefixed(t, "driftprobe_score{feature="
						"\"syscall.id\",cgroup=\"/\"}"), 1);
		free(t);
		metrics__free(m);
	}
}

/*
 * Latency p50/p99 from the latest window's histogram: "/" always; a
 * cgroup's only with its detail. 100 events in [8, 10) ns and one in
 * [1, 2): rank 50.5 of 101 is 8 + 2 * 49.5 / 100 ns.
 */
static void latency__percentiles_of_the_latest_window(void **state)
{
	static struct baseline bl = { .windows = 6, .created = 1e9 };
	struct metrics_opts o = { .top = 0, .grace_s = 300 };
	struct metrics *m = metrics__new("1.0", &o);
	char *t;
	double p50, p99;

	(void)state;
	metrics__set_baseline(m, &bl);
	fleet_window(m, 1000, 3);
	t = render(m);
	p50 = sample_value(t, "driftprobe_latency_seconds{feature="
			   "\"syscall.latency\",cgroup=\"/\",quantile=\"0.5\"}");
	p99 = sample_value(t, "driftprobe_latency_seconds{feature="
			   "\"syscall.latency\",cgroup=\"/\",quantile=\"0.99\"}");
	assert_float_equal(p50, (8 + 2 * 49.5 / 100) * 1e-9, 1e-20);
	assert_float_equal(p99, (8 + 2 * 98.99 / 100) * 1e-9, 1e-20);
	assert_int_equal(count_prefixed(t, "driftprobe_latency_seconds{"), 2);
	free(t);
	metrics__free(m);
}

/*
 * Grace: a cgroup without a window for longer than --metrics-grace (on
 * the windows' clock) leaves the exposition, counted once, and a later
 * analysis of it without a histogram (the baseline still judges it) does
 * not bring it back; a cgroup with an open incident stays; the host
 * counter never goes back.
 */
static void grace__unseen_cgroups_dropped_incident_ones_kept(void **state)
{
	static struct baseline bl = { .windows = 6, .created = 1e9 };
	struct metrics_opts o = { .top = 20, .grace_s = 150 };
	struct metrics *m = metrics__new("1.0", &o);
	struct analysis_sink sink = metrics__sink(m);
	struct analysis an = fixture_analysis(VERDICT_NORMAL, 0);
	struct incident inc;
	struct window *w;
	char *t;

	(void)state;
	metrics__set_baseline(m, &bl);
	fleet_window(m, 100, 4);		/* "/", /c0000 .. /c0003 */
	memset(&inc, 0, sizeof(inc));
	inc.id = 9;
	inc.cgroup = "/c0003";
	inc.nanomalous = inc.nmembers = 1;
	inc.members[0].feature = DP_F_SYSCALL_ID;
	assert_int_equal(metrics__incident(m, "h1", &inc), 0);
	fleet_window(m, 200, 2);		/* /c0002, /c0003 unseen */
	t = render(m);
	assert_int_equal(count_prefixed(t, "driftprobe_workload_score_ratio{"), 5);
	assert_line(t, "driftprobe_metrics_cgroups_dropped_total 0");
	free(t);
	fleet_window(m, 300, 2);		/* 200 s unseen > 150 s */
	w = window__new(310, 10, "h1");
	assert_non_null(w);
	assert_int_equal(sink.analysis(sink.ctx, w, DP_F_SYSCALL_ID, "/c0002",
				       NULL, &an, NULL), 0);
	window__free(w);
	fleet_window(m, 310, 2);
	t = render(m);
	assert_int_equal(count_prefixed(t, "driftprobe_workload_score_ratio{"), 4);
	assert_null(strstr(t, "cgroup=\"/c0002\""));
	assert_int_equal(count_prefixed(t, "driftprobe_workload_score_ratio{"
					"workload=\"/c0003\""), 1);
	assert_line(t, "driftprobe_metrics_cgroups_dropped_total 1");
	assert_line(t, "driftprobe_events_total{feature=\"syscall.id\"} 404");
	free(t);
	/* Resolved: the incident's cgroup goes too, at the next window. */
	inc.state = INCIDENT_RESOLVED;
	assert_int_equal(metrics__incident(m, "h1", &inc), 0);
	fleet_window(m, 320, 2);
	t = render(m);
	assert_null(strstr(t, "cgroup=\"/c0003\""));
	assert_line(t, "driftprobe_metrics_cgroups_dropped_total 2");
	free(t);
	metrics__free(m);
}

/* Every histogram of w through the sink, as analysed an. */
static void analyse_all(const struct analysis_sink *sink, const struct window *w,
			const struct analysis *an)
{
	for (size_t i = 0; i < w->n; i++)
		assert_int_equal(sink->analysis(sink->ctx, w, w->hists[i].feature,
						w->hists[i].cgroup, &w->hists[i],
						an, NULL), 0);
}

/*
 * Through the sink, as run feeds it: a new cgroup's analyses come before
 * metrics__window of their window, and are kept (the histogram says the
 * cgroup is there); after the window both the workload and its series
 * are exported.
 */
static void sink__first_window_of_a_new_cgroup_is_kept(void **state)
{
	static struct baseline bl = { .windows = 6, .created = 1e9 };
	struct metrics_opts o = { .top = 20, .grace_s = 0 };
	struct metrics *m = metrics__new("1.0", &o);
	struct analysis_sink sink = metrics__sink(m);
	struct analysis an = fixture_analysis(VERDICT_ANOMALY, 0);
	struct window *w = fixture_window(50, 1);
	char *t;

	(void)state;
	metrics__set_baseline(m, &bl);
	analyse_all(&sink, w, &an);
	assert_int_equal(metrics__window(m, w, 0), 0);
	t = render(m);
	assert_line(t, "driftprobe_workload_anomalous_features{workload="
		    "\"/\",cgroup=\"/\"} 2");
	assert_line(t, "driftprobe_verdicts_total{feature=\"syscall.id\","
		    "cgroup=\"/odd\\\"q\\\\b\\nx\",verdict=\"anomaly\"} 1");
	assert_int_equal(count_prefixed(t, "driftprobe_workload_score_ratio{"), 3);
	free(t);
	window__free(w);
	metrics__free(m);
}

/*
 * A replica's cgroup is labelled with its workload, and so is its
 * incident: the label every replica and restart of it shares.
 */
static void workload_label__a_cgroups_workload_name(void **state)
{
	static struct baseline bl = { .windows = 6, .created = 1e9 };
	struct metrics_opts o = { .top = 20, .grace_s = 0 };
	struct metrics *m = metrics__new("1.0", &o);
	struct analysis_sink sink = metrics__sink(m);
	struct analysis an = fixture_analysis(VERDICT_ANOMALY, 0);
	struct window *w = fixture_window(50, 1);
	struct incident inc;
	char *t;

	(void)state;
	metrics__set_baseline(m, &bl);
	assert_int_equal(window__set_workload(w, DP_F_SYSCALL_ID,
					      "/odd\"q\\b\nx", "k8s:ns/web/app"), 0);
	assert_int_equal(window__index_workloads(w), 0);
	analyse_all(&sink, w, &an);
	memset(&inc, 0, sizeof(inc));
	inc.id = 3;
	inc.cgroup = "/kp/pod1/c1";
	inc.workload = "k8s:ns/web/app";
	assert_int_equal(metrics__incident(m, "h1", &inc), 0);
	assert_int_equal(metrics__window(m, w, 0), 0);
	t = render(m);
	assert_line(t, "driftprobe_workload_anomalous_features{workload="
		    "\"k8s:ns/web/app\",cgroup=\"/odd\\\"q\\\\b\\nx\"} 1");
	assert_line(t, "driftprobe_workload_anomalous_features{workload="
		    "\"/\",cgroup=\"/\"} 2");
	assert_non_null(strstr(t, "driftprobe_incident_active{cgroup="
			       "\"/kp/pod1/c1\",workload=\"k8s:ns/web/app\","));
	free(t);
	window__free(w);
	metrics__free(m);
}

/* The refresh's counters: absent while it is off, as set once it runs. */
static void refresh__counters_by_outcome(void **state)
{
	static struct baseline bl = { .windows = 6, .created = 1e9 };
	struct refresh_stats st = { .folded = 120, .dropped = 7, .guarded = 30,
				    .refits = 4, .refused = 1 };
	struct metrics *m = metrics__new("1.0", NULL);
	char *t;

	(void)state;
	metrics__set_baseline(m, &bl);
	t = render(m);
	assert_null(strstr(t, "driftprobe_baseline_refresh"));
	assert_null(strstr(t, "driftprobe_baseline_refits"));
	free(t);
	metrics__set_refresh(m, &st);
	t = render(m);
	assert_line(t, "driftprobe_baseline_refresh_windows_total{outcome="
		    "\"learnt\"} 120");
	assert_line(t, "driftprobe_baseline_refresh_windows_total{outcome="
		    "\"dropped\"} 7");
	assert_line(t, "driftprobe_baseline_refresh_windows_total{outcome="
		    "\"guarded\"} 30");
	assert_line(t, "driftprobe_baseline_refits_total{outcome="
		    "\"refitted\"} 4");
	assert_line(t, "driftprobe_baseline_refits_total{outcome="
		    "\"refused\"} 1");
	assert_promtool_accepts(t);
	free(t);
	metrics__free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(before_any_window__build_info_and_learning_only),
		cmocka_unit_test(window_and_analysis__every_sample_as_expected),
		cmocka_unit_test(undefined_values__are_left_out_not_nan),
		cmocka_unit_test(cgroup_label__is_escaped),
		cmocka_unit_test(counters__add_up_over_windows),
		cmocka_unit_test(layout__families_are_whole_and_typed),
		cmocka_unit_test(coupling__latest_mi_band_and_changes),
		cmocka_unit_test(promtool__accepts_the_exposition),
		cmocka_unit_test(incidents__active_until_resolved_and_counted),
		cmocka_unit_test(incidents__short_features_and_no_culprit),
		cmocka_unit_test(cardinality__1000_cgroups_within_the_readme_bounds),
		cmocka_unit_test(top_n__ties_by_feature_then_cgroup_and_incidents_kept),
		cmocka_unit_test(latency__percentiles_of_the_latest_window),
		cmocka_unit_test(grace__unseen_cgroups_dropped_incident_ones_kept),
		cmocka_unit_test(sink__first_window_of_a_new_cgroup_is_kept),
		cmocka_unit_test(workload_label__a_cgroups_workload_name),
		cmocka_unit_test(refresh__counters_by_outcome),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
