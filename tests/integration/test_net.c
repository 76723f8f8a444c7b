// SPDX-License-Identifier: MIT
/*
 * Root integration test of the network features with real traffic between
 * two network namespaces joined by a veth pair (names dpnet<pid>c/s):
 *
 *   client ns  10.213.0.1  ── veth ──  server ns  10.213.0.2 (+ one more
 *                                                  address for exfiltration)
 *
 * tools/netload serves in the server ns and runs a steady request/response
 * workload (TCP to :8080, DNS-sized UDP to :53) in the client ns. driftprobe
 * watches the client ns only (--netns), so traffic of other users of this
 * host cannot move the net features. Scenarios:
 *   1. quiet control: learn 10 windows, then 30 windows of the steady
 *      workload alone: no anomaly on any net feature (the baseline is saved
 *      for the other scenarios);
 *   2. bulk exfiltration: 32 MiB to a new address and port: net.peer and
 *      net.tx_bytes anomalies within 2 windows, the report naming
 *      address:port;
 *   3. DNS tunnelling: 400 UDP payloads of 230 bytes to :53: net.dns_len;
 *   4. port scan: 300 closed ports: tcp.event (reset_received on top) and
 *      net.dport.
 * In 2-4 the two windows before the injection must raise no net anomaly.
 * Then `record`, with each hook flavour (tp_btf, and the classic tracepoint
 * fallback), must count injected events exactly: 100 UDP payloads of 230
 * bytes to :53 in net.dns_len's [224,256) bin (and UDP to no port but 53),
 * and a 50-port scan as 50 reset_received (and no reset_sent: the
 * server's namespace is not watched) and 50 connects to registered-range
 * ports; and without --netns both flavours must count every namespace,
 * the server's resets included.
 * Namespaces and processes are removed in teardown, also after a failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <driftprobe/buckets.h>
#include "harness.h"

#define SUBNET		"10.213.0."
#define CLIENT		SUBNET "1"
#define SERVER		SUBNET "2"
#define LEARN_WINDOWS	10
#define QUIET_WINDOWS	30
#define BEFORE		2	/* clean windows before an injection */
#define SCENARIO_S	"6"	/* windows per scenario run */
#define MAX_CHILDREN	8

static char dir[] = "/tmp/dpnet_itest.XXXXXX";
static char ns_client[32], ns_server[32], ns_client_path[64];
static char veth_client[16], veth_server[16];
static char exfil_addr[32], baseline_path[300];
static pid_t children[MAX_CHILDREN];
static int nchildren;

static const char *netload(void)
{
	const char *p = getenv("NETLOAD");

	return p && *p ? p : ".output/netload";
}

/* Run a shell command; fail the test (naming it) unless it exits 0. */
static void sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st)
		fail_msg("'%s' failed (status %d)", cmd, st);
}

/* fork, enter network namespace ns, exec netload with args. */
static pid_t netload_in(const char *ns, const char *const *args)
{
	const char *argv[8] = { netload() };
	char path[64];
	pid_t pid;
	int n = 1;

	while (*args && n < 7)
		argv[n++] = *args++;
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		/* Never outlive the test, even when it is killed. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd < 0 || setns(fd, CLONE_NEWNET))
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* Teardown kills what is still tracked. */
static pid_t track(pid_t pid)
{
	assert_true(nchildren < MAX_CHILDREN);
	children[nchildren++] = pid;
	return pid;
}

/* pid was reaped: never signal it again (the number may be reused). */
static void forget(pid_t pid)
{
	for (int i = 0; i < nchildren; i++)
		if (children[i] == pid)
			children[i] = children[--nchildren];
}

/* Wait for a tracked driftprobe run; it must exit 0. */
static void wait_probe(pid_t probe, double timeout_s)
{
	int status = harness__wait_exit(probe, timeout_s);

	forget(probe);
	assert_int_equal(status, 0);
}

/* A process that must finish with status 0. */
static void run_to_end(const char *ns, const char *const *args)
{
	pid_t pid = track(netload_in(ns, args));
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	forget(pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fail_msg("netload %s in %s failed (status 0x%x)", args[0], ns, st);
}

/* What the analysis lines say about one feature. */
struct net_verdicts {
	int windows, normal, anomalies, first_anomaly;
	long long min_n;		/* fewest events in a window */
	int anomalies_before;		/* in windows < BEFORE */
	char top_labels[512];		/* of anomaly lines, space separated */
	char exemplars[1024];		/* of anomaly lines' top bins */
};

static void append(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(dst);

	snprintf(dst + n, cap - n, "%s%s", n ? " | " : "", s);
}

static void scan_feature(const char *path, const char *feature,
			 struct net_verdicts *v)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	double last_ts = -1;
	int window = -1;

	assert_non_null(f);
	memset(v, 0, sizeof(*v));
	v->first_anomaly = -1;
	v->min_n = -1;
	while (getline(&line, &cap, f) > 0) {
		struct json_object *o = json_tokener_parse(line), *x, *top;

		if (!o)
			fail_msg("%s: not JSON: %s", path, line);
		if (harness__is_incident(o)) {
			json_object_put(o);
			continue;
		}
		json_object_object_get_ex(o, "ts", &x);
		if (json_object_get_double(x) != last_ts) {
			last_ts = json_object_get_double(x);
			window++;
		}
		json_object_object_get_ex(o, "feature", &x);
		if (strcmp(json_object_get_string(x), feature)) {
			json_object_put(o);
			continue;
		}
		v->windows++;
		json_object_object_get_ex(o, "n", &x);
		if (v->min_n < 0 || json_object_get_int64(x) < v->min_n)
			v->min_n = json_object_get_int64(x);
		json_object_object_get_ex(o, "verdict", &x);
		v->normal += !strcmp(json_object_get_string(x), "normal");
		if (!strcmp(json_object_get_string(x), "anomaly")) {
			v->anomalies++;
			v->anomalies_before += window < BEFORE;
			if (v->first_anomaly < 0)
				v->first_anomaly = window;
			json_object_object_get_ex(o, "top", &top);
			for (size_t i = 0; i < json_object_array_length(top); i++) {
				struct json_object *b = json_object_array_get_idx(top, i);

				json_object_object_get_ex(b, "label", &x);
				append(v->top_labels, sizeof(v->top_labels),
				       json_object_get_string(x));
				if (json_object_object_get_ex(b, "exemplars", &x))
					append(v->exemplars, sizeof(v->exemplars),
					       json_object_get_string(x));
			}
		}
		json_object_put(o);
	}
	free(line);
	fclose(f);
}

static const char *const net_features[] = {
	"net.tx_bytes", "net.rx_bytes", "net.dport", "net.udp_dport", "net.peer",
	"tcp.event", "net.dns_len", "net.pkt_tx", "net.pkt_rx",
};
#define NET_FEATURES (sizeof(net_features) / sizeof(net_features[0]))

/*
 * Run driftprobe on the saved baseline, let BEFORE windows pass, inject,
 * and return once the run ended; out holds its analysis lines.
 */
static void run_scenario_with(const char *name, const char *const *inject,
			      const char *option, char *out, size_t outlen)
{
	const char *args[] = { "run", "--interval", "1", "--duration",
			       SCENARIO_S, "--json", "--baseline",
			       baseline_path, "--netns", ns_client_path,
			       option, NULL };
	pid_t probe;

	if (access(baseline_path, R_OK))
		fail_msg("%s: no baseline: the quiet control must run first",
			 baseline_path);
	snprintf(out, outlen, "%s/%s.jsonl", dir, name);
	probe = track(harness__spawn(out, args));
	harness__wait_lines(out, BEFORE * DP_F_COUNT, 60);
	run_to_end(ns_client, inject);
	wait_probe(probe, 60);
}

static void run_scenario(const char *name, const char *const *inject,
			 char *out, size_t outlen)
{
	run_scenario_with(name, inject, NULL, out, outlen);
}

/* How many times the file at path holds needle. */
static int occurrences(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int n = 0;

	assert_non_null(f);
	while (getline(&line, &cap, f) > 0)
		for (char *p = line; (p = strstr(p, needle)); p++)
			n++;
	free(line);
	fclose(f);
	return n;
}

/* No net anomaly before the injection; print what each feature did. */
static void check_clean_before(const char *out, const char *name)
{
	struct net_verdicts v;

	for (size_t i = 0; i < NET_FEATURES; i++) {
		scan_feature(out, net_features[i], &v);
		print_message("%s: %-13s %d windows, %d anomalies, first in "
			      "window %d; top: %s; exemplars: %s\n", name,
			      net_features[i], v.windows, v.anomalies,
			      v.first_anomaly, v.top_labels, v.exemplars);
		if (v.anomalies_before)
			fail_msg("%s: false alarm on %s before the injection",
				 name, net_features[i]);
	}
}

/* Flagged in the injection window or the next one. */
static void expect_detection(const char *out, const char *feature,
			     struct net_verdicts *v)
{
	scan_feature(out, feature, v);
	if (v->first_anomaly < BEFORE || v->first_anomaly > BEFORE + 1)
		fail_msg("%s: first anomaly in window %d; expected %d or %d",
			 feature, v->first_anomaly, BEFORE, BEFORE + 1);
}

static void quiet__steady_workload_for_30_windows__no_net_anomaly(void **state)
{
	char out[320];
	const char *args[] = { "run", "--interval", "1", "--learn", "10",
			       "--duration", "40", "--json", "--save-baseline",
			       baseline_path, "--netns", ns_client_path, NULL };
	struct net_verdicts v;
	int anomalies = 0;

	(void)state;
	harness__require_root();
	snprintf(out, sizeof(out), "%s/quiet.jsonl", dir);
	wait_probe(track(harness__spawn(out, args)), 120);
	for (size_t i = 0; i < NET_FEATURES; i++) {
		scan_feature(out, net_features[i], &v);
		print_message("quiet: %-13s %d windows (n >= %lld), %d normal, "
			      "%d anomalies; top: %s\n", net_features[i],
			      v.windows, v.min_n, v.normal, v.anomalies,
			      v.top_labels);
		assert_int_equal(v.windows, QUIET_WINDOWS);
		/* Judged, not skipped as "insufficient": the control means it. */
		if (v.normal + v.anomalies < QUIET_WINDOWS * 9 / 10)
			fail_msg("quiet: %s judged in only %d of %d windows",
				 net_features[i], v.normal + v.anomalies,
				 QUIET_WINDOWS);
		anomalies += v.anomalies;
	}
	assert_int_equal(anomalies, 0);
}

static void exfiltration__new_peer_and_port__flagged_and_named(void **state)
{
	const char *inject[] = { "upload", exfil_addr, "4444", "32", NULL };
	char out[320], want[64];
	struct net_verdicts v;

	(void)state;
	run_scenario("exfil", inject, out, sizeof(out));
	check_clean_before(out, "exfil");
	expect_detection(out, "net.peer", &v);
	snprintf(want, sizeof(want), "%s:4444", exfil_addr);
	if (!strstr(v.exemplars, want))
		fail_msg("net.peer anomaly does not name %s: exemplars '%s'",
			 want, v.exemplars);
	expect_detection(out, "net.tx_bytes", &v);
}

/*
 * Privacy: the same exfiltration with --no-exemplars is still flagged, and
 * the run's JSON names no endpoint, port, process or command at all.
 */
static void exfiltration__no_exemplars__flagged_without_any_exemplar(void **state)
{
	const char *inject[] = { "upload", exfil_addr, "4444", "32", NULL };
	char out[320];
	struct net_verdicts v;

	(void)state;
	run_scenario_with("exfil-private", inject, "--no-exemplars", out,
			  sizeof(out));
	expect_detection(out, "net.peer", &v);
	assert_int_equal(occurrences(out, "\"exemplars\""), 0);
	assert_int_equal(occurrences(out, exfil_addr), 0);
	assert_int_equal(occurrences(out, SERVER), 0);
}

static void dns_tunnel__large_queries__flagged_on_dns_len(void **state)
{
	const char *inject[] = { "dns", SERVER, "400", "230", NULL };
	char out[320];
	struct net_verdicts v;

	(void)state;
	run_scenario("dns", inject, out, sizeof(out));
	check_clean_before(out, "dns");
	expect_detection(out, "net.dns_len", &v);
	if (!strstr(v.top_labels, "[224,256)"))
		fail_msg("net.dns_len: [224,256) not among top bins: %s",
			 v.top_labels);
}

static void port_scan__closed_ports__flagged_on_tcp_event_and_dport(void **state)
{
	const char *inject[] = { "scan", SERVER, "20000", "20299", NULL };
	char out[320];
	struct net_verdicts v;

	(void)state;
	run_scenario("scan", inject, out, sizeof(out));
	check_clean_before(out, "scan");
	expect_detection(out, "tcp.event", &v);
	if (!strstr(v.top_labels, "reset_received"))
		fail_msg("tcp.event: reset_received not among top bins: %s",
			 v.top_labels);
	expect_detection(out, "net.dport", &v);
	if (!strstr(v.top_labels, "registered#"))
		fail_msg("net.dport: no registered-range bin on top: %s",
			 v.top_labels);
}

/* Sum of counts[0..n) but bin skip. */
static uint64_t sum_except(const uint64_t *counts, uint32_t n, uint32_t skip)
{
	uint64_t sum = 0;

	for (uint32_t b = 0; b < n; b++)
		sum += b == skip ? 0 : counts[b];
	return sum;
}

static int lines_in(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = 0, c;

	assert_non_null(f);
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/*
 * record with hooks (--netns the client's when netns, else none) and
 * option (NULL: none) into out, inject
 * after the first window, stop two full windows after the injection ended
 * (a window cut short by SIGINT is dropped, and holds none of it), and sum
 * the records into *t: 100 UDP payloads of 230 bytes to :53 from the
 * client, then a scan of 50 closed server ports.
 */
static void record_injection(const char *hooks, bool netns,
			     const char *option, struct harness_totals *t,
			     char *out, size_t outlen)
{
	const char *args[9] = { "record", "--interval", "1", "--hooks", hooks };
	const char *dns[] = { "dns", SERVER, "100", "230", NULL };
	const char *scan[] = { "scan", SERVER, "20000", "20049", NULL };
	int n = 5, lines;
	pid_t probe;

	if (netns) {
		args[n++] = "--netns";
		args[n++] = ns_client_path;
	}
	if (option)
		args[n++] = option;

	snprintf(out, outlen, "%s/record-%s%s%s.jsonl", dir, hooks,
		 netns ? "" : "-every-netns", option ? option : "");
	probe = track(harness__spawn(out, args));
	harness__wait_lines(out, DP_F_COUNT, 60);
	run_to_end(ns_client, dns);
	run_to_end(ns_client, scan);
	lines = lines_in(out);
	harness__wait_lines(out, (lines / DP_F_COUNT + 2) * DP_F_COUNT, 60);
	kill(probe, SIGINT);
	wait_probe(probe, 30);
	harness__sum_records(out, t);
	print_message("record --hooks %s%s: %llu windows, dns_len[224,256) "
		      "%llu, reset_received %llu, reset_sent %llu, 8080 "
		      "connects %llu\n", hooks, netns ? " --netns" : "",
		      (unsigned long long)t->windows,
		      (unsigned long long)t->counts[DP_F_NET_DNS_LEN][27],
		      (unsigned long long)
		      t->counts[DP_F_TCP_EVENT][DP_TCP_EV_RESET_RECEIVED],
		      (unsigned long long)
		      t->counts[DP_F_TCP_EVENT][DP_TCP_EV_RESET_SENT],
		      (unsigned long long)
		      t->counts[DP_F_NET_DPORT][DP_PORT_HTTP_ALT]);
}

/* With --netns the client's, the injected events exactly. */
static void record_counts_exactly(const char *hooks)
{
	static struct harness_totals t;
	uint64_t registered = 0;

	char out[320];

	record_injection(hooks, true, NULL, &t, out, sizeof(out));
	for (uint32_t b = DP_PORT_REGISTERED_OFF; b < DP_PORT_EPHEMERAL_OFF; b++)
		registered += t.counts[DP_F_NET_DPORT][b];
	/* [224,256) is bin 27; the steady queries are 28..59 bytes. */
	assert_int_equal(dp_bucket_loglin(230, DP_NET_DNS_BINS), 27);
	assert_int_equal(t.counts[DP_F_NET_DNS_LEN][27], 100);
	assert_int_equal(t.counts[DP_F_TCP_EVENT][DP_TCP_EV_RESET_RECEIVED], 50);
	/* The server's resets are sent in a namespace not watched. */
	assert_int_equal(t.counts[DP_F_TCP_EVENT][DP_TCP_EV_RESET_SENT], 0);
	assert_int_equal(registered, 50);
	/* Every payload to :53 is a UDP packet to port 53 (so are steady's). */
	assert_true(t.counts[DP_F_NET_UDP_DPORT][DP_PORT_DNS] >= 100);
	assert_int_equal(sum_except(t.counts[DP_F_NET_UDP_DPORT],
				    DP_NET_DPORT_BINS, DP_PORT_DNS), 0);
	/* The steady workload was counted too, on its own port. */
	assert_true(t.counts[DP_F_NET_DPORT][DP_PORT_HTTP_ALT] > 0);
}

static void record__tp_btf__counts_injected_events_exactly(void **state)
{
	(void)state;
	record_counts_exactly("tp_btf");
}

static void record__tracepoint_fallback__counts_injected_events_exactly(void **state)
{
	(void)state;
	record_counts_exactly("tracepoint");
}

/*
 * Without --netns both flavours count every namespace alike: the client's
 * events and the server's resets, sent from its own namespace (at least:
 * the rest of the host counts too).
 */
static void record__no_netns_filter__both_flavours_count_every_netns(void **state)
{
	static const char *const flavours[] = { "tp_btf", "tracepoint" };
	static struct harness_totals t;
	char out[320];

	(void)state;
	for (size_t i = 0; i < sizeof(flavours) / sizeof(flavours[0]); i++) {
		record_injection(flavours[i], false, NULL, &t, out,
				 sizeof(out));
		assert_true(t.counts[DP_F_NET_DNS_LEN][27] >= 100);
		assert_true(t.counts[DP_F_TCP_EVENT]
				    [DP_TCP_EV_RESET_RECEIVED] >= 50);
		assert_true(t.counts[DP_F_TCP_EVENT]
				    [DP_TCP_EV_RESET_SENT] >= 50);
		assert_true(t.counts[DP_F_NET_DPORT][DP_PORT_HTTP_ALT] > 0);
	}
}

/*
 * Privacy: record's windows carry every exemplar the probe keeps (a
 * control: the server's address and port 8080 of the steady workload,
 * netload as the connecting command); with --no-exemplars the same
 * traffic, counted alike, leaves none at all: no process, endpoint, port
 * or command.
 */
static void record__no_exemplars__no_exemplar_in_any_window(void **state)
{
	static struct harness_totals t;
	char out[320];

	(void)state;
	record_injection("tp_btf", true, NULL, &t, out, sizeof(out));
	assert_true(occurrences(out, "\"exemplars\"") > 0);
	assert_true(occurrences(out, SERVER ":8080") > 0);
	assert_true(occurrences(out, "netload") > 0);

	record_injection("tp_btf", true, "--no-exemplars", &t, out, sizeof(out));
	assert_int_equal(t.counts[DP_F_TCP_EVENT][DP_TCP_EV_RESET_RECEIVED], 50);
	assert_true(t.total[DP_F_NET_PEER] > 0);
	assert_int_equal(occurrences(out, "\"exemplars\""), 0);
	assert_int_equal(occurrences(out, SERVER), 0);
	assert_int_equal(occurrences(out, "netload"), 0);
}

/* An address on the server whose net.peer bin differs from SERVER's. */
static void pick_exfil_address(void)
{
	struct in_addr server, a;

	inet_pton(AF_INET, SERVER, &server);
	for (int host = 3; host < 250; host++) {
		snprintf(exfil_addr, sizeof(exfil_addr), SUBNET "%d", host);
		inet_pton(AF_INET, exfil_addr, &a);
		if (dp_bucket_peer(a.s_addr, 0, 0, 0) !=
		    dp_bucket_peer(server.s_addr, 0, 0, 0))
			return;
	}
	fail_msg("no address in " SUBNET "0/24 hashes apart from " SERVER);
}

static void build_hosts(void)
{
	const char *serve[] = { "serve", SERVER, NULL };
	const char *steady[] = { "steady", SERVER, NULL };
	int id = (int)getpid();

	snprintf(ns_client, sizeof(ns_client), "dpnet%dc", id);
	snprintf(ns_server, sizeof(ns_server), "dpnet%ds", id);
	snprintf(ns_client_path, sizeof(ns_client_path), "/run/netns/%s",
		 ns_client);
	snprintf(veth_client, sizeof(veth_client), "dpnet%da", id % 1000000);
	snprintf(veth_server, sizeof(veth_server), "dpnet%db", id % 1000000);
	pick_exfil_address();
	sh("ip netns add %s", ns_client);
	sh("ip netns add %s", ns_server);
	/* No IPv6 autoconfiguration chatter: only our traffic on the wire. */
	sh("ip netns exec %s sysctl -qw net.ipv6.conf.default.disable_ipv6=1 "
	   "net.ipv6.conf.all.disable_ipv6=1", ns_client);
	sh("ip netns exec %s sysctl -qw net.ipv6.conf.default.disable_ipv6=1 "
	   "net.ipv6.conf.all.disable_ipv6=1", ns_server);
	sh("ip link add %s netns %s type veth peer name %s netns %s",
	   veth_client, ns_client, veth_server, ns_server);
	sh("ip -n %s addr add " CLIENT "/24 dev %s", ns_client, veth_client);
	sh("ip -n %s addr add " SERVER "/24 dev %s", ns_server, veth_server);
	sh("ip -n %s addr add %s/24 dev %s", ns_server, exfil_addr, veth_server);
	sh("ip -n %s link set %s up", ns_client, veth_client);
	sh("ip -n %s link set %s up", ns_server, veth_server);
	track(netload_in(ns_server, serve));
	track(netload_in(ns_client, steady));
}

/* Everything setup made, in reverse; safe after a partial setup, twice. */
static int cleanup(void)
{
	char cmd[400];
	int ret = 0;

	while (nchildren > 0) {
		pid_t pid = children[--nchildren];

		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	/* Deleting a namespace destroys the veth end inside it. */
	if (ns_client[0]) {
		snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null; "
			 "ip netns del %s 2>/dev/null; true", ns_client,
			 ns_server);
		ret |= system(cmd);
		ns_client[0] = '\0';
	}
	if (strcmp(dir + strlen(dir) - 6, "XXXXXX")) {
		ret |= harness__remove_dir(dir);
		strcpy(dir + strlen(dir) - 6, "XXXXXX");
	}
	return ret ? -1 : 0;
}

static void cleanup_at_exit(void)
{
	cleanup();
}

static void cleanup_on_signal(int sig)
{
	cleanup();
	_exit(128 + sig);
}

static int setup(void **state)
{
	(void)state;
	harness__require_root();
	atexit(cleanup_at_exit);
	signal(SIGINT, cleanup_on_signal);
	signal(SIGTERM, cleanup_on_signal);
	if (access(netload(), X_OK))
		fail_msg("%s: not built (make %s)", netload(), netload());
	if (!mkdtemp(dir))
		fail_msg("mkdtemp %s failed", dir);
	snprintf(baseline_path, sizeof(baseline_path), "%s/baseline.json", dir);
	build_hosts();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quiet__steady_workload_for_30_windows__no_net_anomaly),
		cmocka_unit_test(exfiltration__new_peer_and_port__flagged_and_named),
		cmocka_unit_test(exfiltration__no_exemplars__flagged_without_any_exemplar),
		cmocka_unit_test(dns_tunnel__large_queries__flagged_on_dns_len),
		cmocka_unit_test(port_scan__closed_ports__flagged_on_tcp_event_and_dport),
		cmocka_unit_test(record__tp_btf__counts_injected_events_exactly),
		cmocka_unit_test(record__tracepoint_fallback__counts_injected_events_exactly),
		cmocka_unit_test(record__no_netns_filter__both_flavours_count_every_netns),
		cmocka_unit_test(record__no_exemplars__no_exemplar_in_any_window),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
