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
#include "coupling.h"
#include "incident.h"
#include "metrics.h"
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
	struct metrics *m = metrics__new("9.8.7");
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
	struct metrics *m = metrics__new("1.0");
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
	assert_line(t, "driftprobe_events_total{feature=\"syscall.id\",cgroup=\"/\"} 6");
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
	struct metrics *m = metrics__new("1.0");
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
	struct metrics *m = metrics__new("1.0");
	struct window *w = fixture_window(1, 1);
	char *t;

	(void)state;
	assert_int_equal(metrics__window(m, w, 0), 0);
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
	struct metrics *m = metrics__new("1.0");
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
	assert_line(t, "driftprobe_events_total{feature=\"syscall.id\",cgroup=\"/\"} 24");
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
	struct metrics *m = metrics__new("1.0");
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

/* Incidents 1 (open, critical, odd cgroup) and 2 (opened, resolved). */
static void add_incidents(struct metrics *m)
{
	struct incident inc;

	memset(&inc, 0, sizeof(inc));
	inc.id = 1;
	inc.cgroup = "/odd\"q\\b\nx";
	inc.state = INCIDENT_OPEN;
	inc.severity = INCIDENT_CRITICAL;
	inc.score = 2.5;
	inc.threshold = 0.5;
	assert_int_equal(metrics__incident(m, &inc), 0);
	inc.id = 2;
	inc.cgroup = "/db";
	inc.severity = INCIDENT_WARNING;
	assert_int_equal(metrics__incident(m, &inc), 0);
	inc.state = INCIDENT_RESOLVED;
	assert_int_equal(metrics__incident(m, &inc), 0);
}

/* Open incidents active with their id and severity; resolved ones gone. */
static void incidents__active_until_resolved_and_counted(void **state)
{
	struct metrics *m = metrics__new("1.0");
	static struct baseline bl = { .windows = 6, .created = 1e9 };
	struct incident inc;
	char *t;

	(void)state;
	metrics__set_baseline(m, &bl);
	add_incidents(m);
	t = render(m);
	assert_true(has_line(t, "driftprobe_incident_active{cgroup=\"/odd\\\"q"
			     "\\\\b\\nx\",id=\"1\",severity=\"critical\"} 1"));
	assert_null(strstr(t, "id=\"2\""));
	assert_true(has_line(t, "driftprobe_incident_score{cgroup=\"/odd\\\"q"
			     "\\\\b\\nx\",id=\"1\"} 2.5"));
	assert_true(has_line(t, "driftprobe_incident_threshold{cgroup=\"/odd"
			     "\\\"q\\\\b\\nx\",id=\"1\"} 0.5"));
	assert_true(has_line(t, "driftprobe_incidents_total{severity=\"warning\"} 1"));
	assert_true(has_line(t, "driftprobe_incidents_total{severity=\"critical\"} 1"));
	free(t);
	/* Ongoing: the same series, its severity now warning; not counted. */
	memset(&inc, 0, sizeof(inc));
	inc.id = 1;
	inc.cgroup = "/odd\"q\\b\nx";
	inc.state = INCIDENT_ONGOING;
	inc.severity = INCIDENT_WARNING;
	assert_int_equal(metrics__incident(m, &inc), 0);
	t = render(m);
	assert_non_null(strstr(t, "id=\"1\",severity=\"warning\"} 1"));
	assert_null(strstr(t, ",severity=\"critical\"} 1"));
	assert_true(has_line(t, "driftprobe_incidents_total{severity=\"critical\"} 1"));
	free(t);
	inc.state = INCIDENT_RESOLVED;
	assert_int_equal(metrics__incident(m, &inc), 0);
	t = render(m);
	assert_null(strstr(t, "driftprobe_incident_active{"));
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

static void promtool__accepts_the_exposition(void **state)
{
	char path[] = "/tmp/dpeco-metrics-XXXXXX", cmd[256], out[4096] = "";
	char *t = full_rendering();
	int fd = mkstemp(path), status;
	FILE *f, *p;
	size_t n;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(t, f);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s 2>&1", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	status = pclose(p);
	unlink(path);
	free(t);
	if (status != 0)
		fail_msg("promtool check metrics failed (status %d; promtool "
			 "comes with Debian's prometheus package):\n%s",
			 status, out);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
