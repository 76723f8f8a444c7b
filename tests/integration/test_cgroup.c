// SPDX-License-Identifier: MIT
/*
 * Root integration test of --per-cgroup. Two cgroup v2 groups created by
 * the test run the same steady workload; `run --per-cgroup` learns them,
 * then the second group's syscall mix changes (an openat/fstat/close
 * storm starts in it) and a third group appears:
 *   - the changed group is flagged on syscall.id, openat among the top bins;
 *   - the unchanged group raises nothing on what it does (syscall.id,
 *     syscall.errno, syscall.group_errno). Its syscall.latency may move,
 *     rightly: the storm next door competes for the same two CPUs, and a
 *     noisy neighbour is what per-cgroup latency is there to show; the
 *     count is printed;
 *   - the group that appeared after learning is reported as new exactly
 *     once, not as a storm of anomalies.
 * The net group per cgroup, in a network namespace of the test's own
 * (loopback traffic only):
 *   - attribution, with each hook flavour: a client cgroup connects N
 *     times to a server cgroup that accepts and closes without reading,
 *     which resets the connection. The accept completes in softirq while
 *     the client is current, and the client's socket takes the reset in
 *     softirq while the server is current: tcp.event must charge
 *     connect/reset_received to the client and accept/reset_sent to the
 *     server, exactly N each, and net.pkt_rx to no cgroup;
 *   - drift: two cgroups each run the same steady loopback request/response
 *     loop, `run --per-cgroup` learns them, then one starts uploading big
 *     writes to a new port: it is flagged on net.dport and net.tx_bytes,
 *     the other raises nothing on net.dport, net.tx_bytes, net.rx_bytes,
 *     tcp.event and net.comm_dport.
 * Groups, processes and the namespace are removed even when an assertion
 * fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <driftprobe/buckets.h>
#include "feature.h"
#include "harness.h"

#define LEARN 20
#define WINDOWS 30
#define RESETS 40		/* connections reset in the attribution test */
#define REQUEST_BYTES 200
#define ANSWER_BYTES 1500
#define UPLOAD_BYTES (256 * 1024)

enum { STEADY, CHANGES, LATE, NET_SERVER, NET_CLIENT, NET_STEADY,
       NET_CHANGES, NGROUPS };
/* The two services' ports and the upload's fall in three net.dport bins. */
enum { SERVICE_PORT = 7101, RESET_PORT = 7201, UPLOAD_PORT = 7302 };

static char dir[] = "/tmp/dp_itest_cgroup.XXXXXX";
static char mount_point[4096];
static const char *const groups[NGROUPS] = {
	"dpcg_steady", "dpcg_changes", "dpcg_late", "dpcg_net_server",
	"dpcg_net_client", "dpcg_net_steady", "dpcg_net_changes",
};
static char netns[32], netns_path[64];
static pid_t pids[16];
static size_t npids;

static void group_path(const char *group, const char *file, char *buf,
		       size_t len)
{
	snprintf(buf, len, "%s/%s%s%s", mount_point, group, file ? "/" : "",
		 file ? file : "");
}

/* fork a child that joins group, then runs body(arg) forever. */
static pid_t start_in(const char *group, void (*body)(int), int arg)
{
	char procs[4400];
	pid_t pid;

	assert_true(npids < sizeof(pids) / sizeof(pids[0]));
	group_path(group, "cgroup.procs", procs, sizeof(procs));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *f = fopen(procs, "w");

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f))
			_exit(1);
		body(arg);
		_exit(0);
	}
	pids[npids++] = pid;
	return pid;
}

static void steady(int unused)
{
	(void)unused;
	harness__steady_syscalls();
}

static void file_storm(int unused)
{
	(void)unused;
	harness__file_storm("/etc/hostname");
}

/* ---- loopback traffic in the test's network namespace ---------------- */

static void enter_netns(void)
{
	int fd = open(netns_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || setns(fd, CLONE_NEWNET))
		_exit(126);
	close(fd);
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	return a;
}

static int listen_on(int port)
{
	struct sockaddr_in a = loopback(port);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 128))
		_exit(1);
	return fd;
}

/* A connected socket; the servers were started first. */
static int connect_to(int port)
{
	struct sockaddr_in a = loopback(port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		_exit(1);
	return fd;
}

/* Read n bytes, or until EOF or an error. */
static void read_n(int fd, size_t n)
{
	static char buf[65536];
	ssize_t r = 1;

	while (n && r > 0) {
		r = read(fd, buf, n < sizeof(buf) ? n : sizeof(buf));
		n -= r > 0 ? (size_t)r : 0;
	}
}

static void write_n(int fd, size_t n)
{
	static const char buf[65536];

	while (n) {
		ssize_t r = write(fd, buf, n < sizeof(buf) ? n : sizeof(buf));

		if (r <= 0)
			_exit(1);
		n -= (size_t)r;
	}
}

/* Let the servers of the same test listen before the first connect. */
static void settle(void)
{
	usleep(300000);
}

/* Accept connections on port forever, each handled by handle, closed. */
static void accept_loop(int port, void (*handle)(int fd))
{
	int l;

	enter_netns();
	l = listen_on(port);
	for (;;) {
		int c = accept(l, NULL, NULL);

		if (c < 0)
			_exit(1);
		handle(c);
		close(c);
	}
}

static void answer(int fd)
{
	read_n(fd, REQUEST_BYTES);
	write_n(fd, ANSWER_BYTES);
}

/* Answer each request on port and close. */
static void serve(int port)
{
	accept_loop(port, answer);
}

/* 100 request/response connections a second, on an absolute schedule. */
static void request_loop(int port)
{
	struct timespec next;

	enter_netns();
	settle();
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		int c = connect_to(port);

		write_n(c, REQUEST_BYTES);
		read_n(c, ANSWER_BYTES);
		close(c);
		next.tv_nsec += 10000000;
		if (next.tv_nsec >= 1000000000) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
}

static void drain(int fd)
{
	read_n(fd, SIZE_MAX);
}

/* Read whatever comes on port until the peer closes. */
static void sink(int port)
{
	accept_loop(port, drain);
}

/* 20 connections a second, each writing UPLOAD_BYTES in 64 KiB writes. */
static void upload(int port)
{
	struct timespec pause = { 0, 50000000 };

	enter_netns();
	settle();
	for (;;) {
		int c = connect_to(port);

		write_n(c, UPLOAD_BYTES);
		close(c);
		nanosleep(&pause, NULL);
	}
}

/* Accept, wait for the request, close without reading it: a reset. */
static void reset_server(int port)
{
	int l;

	enter_netns();
	l = listen_on(port);
	for (;;) {
		struct pollfd p = { .events = POLLIN };

		p.fd = accept(l, NULL, NULL);
		if (p.fd < 0)
			_exit(1);
		poll(&p, 1, 1000);
		close(p.fd);
	}
}

/* RESETS connections that the server resets, then nothing. */
static void reset_client(int port)
{
	enter_netns();
	settle();
	for (int i = 0; i < RESETS; i++) {
		int c = connect_to(port);

		write_n(c, 100);
		read_n(c, 1);	/* ECONNRESET */
		close(c);
		usleep(20000);
	}
	for (;;)
		pause();
}

/* ---- the tests -------------------------------------------------------- */

struct per_group {
	int windows, anomalies, news;
	bool label_on_top;
};

/*
 * The analysis lines of cgroup (every feature, or feature): windows
 * judged, anomalies, `new` lines, and whether label was among the top
 * bins of an anomaly.
 */
static void scan(const char *path, const char *cgroup, const char *feature,
		 const char *label, struct per_group *g)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, want[300];
	size_t cap = 0;

	snprintf(want, sizeof(want), "/%s", cgroup);
	assert_non_null(f);
	memset(g, 0, sizeof(*g));
	while (getline(&line, &cap, f) > 0) {
		struct json_object *o = json_tokener_parse(line), *x, *top;
		const char *verdict;

		assert_non_null(o);
		json_object_object_get_ex(o, "cgroup", &x);
		if (strcmp(json_object_get_string(x), want)) {
			json_object_put(o);
			continue;
		}
		if (harness__is_incident(o)) {
			json_object_put(o);
			continue;
		}
		json_object_object_get_ex(o, "verdict", &x);
		verdict = json_object_get_string(x);
		g->news += !strcmp(verdict, "new");
		json_object_object_get_ex(o, "feature", &x);
		if (feature && strcmp(json_object_get_string(x), feature)) {
			json_object_put(o);
			continue;
		}
		g->windows += strcmp(verdict, "new") != 0;
		if (!strcmp(verdict, "anomaly")) {
			g->anomalies++;
			json_object_object_get_ex(o, "top", &top);
			for (size_t i = 0; i < json_object_array_length(top); i++) {
				json_object_object_get_ex(
					json_object_array_get_idx(top, i),
					"label", &x);
				g->label_on_top |= label &&
					!strcmp(json_object_get_string(x),
						label);
			}
		}
		json_object_put(o);
	}
	free(line);
	fclose(f);
}

static void run__one_group_changes__only_it_is_flagged_and_late_group_is_new(
	void **state)
{
	char out[320], seconds[16];
	const char *args[] = { "run", "--per-cgroup", "--interval", "1",
			       "--learn", "20", "--duration", seconds, "--json",
			       NULL };
	struct per_group g;
	pid_t probe;

	(void)state;
	harness__require_root();
	snprintf(seconds, sizeof(seconds), "%d", LEARN + WINDOWS);
	snprintf(out, sizeof(out), "%s/cgroup.jsonl", dir);
	start_in(groups[STEADY], steady, 0);
	start_in(groups[CHANGES], steady, 0);
	probe = harness__spawn(out, args);
	sleep(LEARN + 2);
	start_in(groups[CHANGES], file_storm, 0);
	start_in(groups[LATE], steady, 0);
	assert_int_equal(harness__wait_exit(probe, LEARN + WINDOWS + 30), 0);

	scan(out, groups[CHANGES], "syscall.id", "openat", &g);
	print_message("changed group: %d windows, %d anomalies, openat on top "
		      "%d\n", g.windows, g.anomalies, g.label_on_top);
	assert_int_equal(g.windows, WINDOWS);
	assert_true(g.anomalies >= 1);
	assert_true(g.label_on_top);

	for (int f = 0; f < DP_F_COUNT; f++) {
		if (feature_table[f].group != DP_GROUP_SYSCALL)
			continue;	/* not kept per cgroup */
		scan(out, groups[STEADY], feature_table[f].name, NULL, &g);
		print_message("steady group: %s: %d windows, %d anomalies\n",
			      feature_table[f].name, g.windows, g.anomalies);
		assert_int_equal(g.windows, WINDOWS);
		if (f != DP_F_SYSCALL_LATENCY)
			assert_int_equal(g.anomalies, 0);
	}

	scan(out, groups[LATE], NULL, NULL, &g);
	print_message("late group: reported new %d time(s), %d judged lines\n",
		      g.news, g.windows);
	assert_int_equal(g.news, 1);
	assert_int_equal(g.windows, 0);
}

/* Sum the records of one of our groups in the record file out. */
static void sum_group(const char *out, int group, struct harness_totals *t)
{
	char cg[300];

	snprintf(cg, sizeof(cg), "/%s", groups[group]);
	harness__sum_cgroup_records(out, cg, t);
}

static void record_attribution(const char *hooks)
{
	static struct harness_totals client, server;
	const uint64_t *ce = client.counts[DP_F_TCP_EVENT];
	const uint64_t *se = server.counts[DP_F_TCP_EVENT];
	char out[320];
	const char *args[] = { "record", "--per-cgroup", "--hooks", hooks,
			       "--netns", netns_path, "--interval", "1",
			       "--duration", "5", NULL };
	pid_t probe;

	snprintf(out, sizeof(out), "%s/attribution_%s.jsonl", dir, hooks);
	start_in(groups[NET_SERVER], reset_server, RESET_PORT);
	probe = harness__spawn(out, args);
	harness__wait_lines(out, 1, 15);	/* attached and primed */
	start_in(groups[NET_CLIENT], reset_client, RESET_PORT);
	assert_int_equal(harness__wait_exit(probe, 30), 0);
	sum_group(out, NET_CLIENT, &client);
	sum_group(out, NET_SERVER, &server);
	print_message("%s: client: connect %llu reset_received %llu accept "
		      "%llu reset_sent %llu, %llu packets out; server: accept "
		      "%llu reset_sent %llu connect %llu reset_received %llu, "
		      "%llu packets out\n", hooks,
		      (unsigned long long)ce[DP_TCP_EV_CONNECT],
		      (unsigned long long)ce[DP_TCP_EV_RESET_RECEIVED],
		      (unsigned long long)ce[DP_TCP_EV_ACCEPT],
		      (unsigned long long)ce[DP_TCP_EV_RESET_SENT],
		      (unsigned long long)client.total[DP_F_NET_PKT_TX],
		      (unsigned long long)se[DP_TCP_EV_ACCEPT],
		      (unsigned long long)se[DP_TCP_EV_RESET_SENT],
		      (unsigned long long)se[DP_TCP_EV_CONNECT],
		      (unsigned long long)se[DP_TCP_EV_RESET_RECEIVED],
		      (unsigned long long)server.total[DP_F_NET_PKT_TX]);

	assert_int_equal(ce[DP_TCP_EV_CONNECT], RESETS);
	assert_int_equal(ce[DP_TCP_EV_RESET_RECEIVED], RESETS);
	assert_int_equal(ce[DP_TCP_EV_ACCEPT], 0);
	assert_int_equal(ce[DP_TCP_EV_RESET_SENT], 0);
	assert_int_equal(client.total[DP_F_NET_DPORT], RESETS);
	assert_int_equal(client.total[DP_F_NET_PKT_RX], 0);
	assert_true(client.total[DP_F_NET_PKT_TX] >= 2 * RESETS); /* SYN, data */

	assert_int_equal(se[DP_TCP_EV_ACCEPT], RESETS);
	assert_int_equal(se[DP_TCP_EV_RESET_SENT], RESETS);
	assert_int_equal(se[DP_TCP_EV_CONNECT], 0);
	assert_int_equal(se[DP_TCP_EV_RESET_RECEIVED], 0);
	assert_int_equal(server.total[DP_F_NET_DPORT], 0);
	assert_int_equal(server.total[DP_F_NET_PKT_RX], 0);
	/* SYN-ACKs (their request socket counts for the listener), RSTs */
	assert_true(server.total[DP_F_NET_PKT_TX] >= 2 * RESETS);
}

static void record__softirq_events__charged_to_the_sockets_cgroup(
	void **state)
{
	(void)state;
	harness__require_root();
	record_attribution("tp_btf");
}

static void record_tracepoint__softirq_events__charged_to_the_sockets_cgroup(
	void **state)
{
	(void)state;
	harness__require_root();
	record_attribution("tracepoint");
}

static void run__one_group_uploads_to_a_new_port__only_its_net_is_flagged(
	void **state)
{
	static const char *const unmoved[] = {
		"net.dport", "net.tx_bytes", "net.rx_bytes", "tcp.event",
		"net.comm_dport",
	};
	static const char *const printed[] = { "net.pkt_tx", "net.peer" };
	char out[320], seconds[16];
	const char *args[] = { "run", "--per-cgroup", "--netns", netns_path,
			       "--interval", "1", "--learn", "20",
			       "--duration", seconds, "--json", NULL };
	struct per_group g;
	pid_t probe;

	(void)state;
	harness__require_root();
	assert_int_not_equal(dp_bucket_port(UPLOAD_PORT),
			     dp_bucket_port(SERVICE_PORT + 1));
	snprintf(seconds, sizeof(seconds), "%d", LEARN + WINDOWS);
	snprintf(out, sizeof(out), "%s/net.jsonl", dir);
	start_in(groups[NET_STEADY], serve, SERVICE_PORT);
	start_in(groups[NET_CHANGES], serve, SERVICE_PORT + 1);
	start_in(groups[NET_STEADY], request_loop, SERVICE_PORT);
	start_in(groups[NET_CHANGES], request_loop, SERVICE_PORT + 1);
	start_in(groups[NET_CHANGES], sink, UPLOAD_PORT);
	probe = harness__spawn(out, args);
	sleep(LEARN + 2);
	start_in(groups[NET_CHANGES], upload, UPLOAD_PORT);
	assert_int_equal(harness__wait_exit(probe, LEARN + WINDOWS + 30), 0);

	scan(out, groups[NET_CHANGES], "net.dport", NULL, &g);
	print_message("changed group: net.dport %d windows, %d anomalies\n",
		      g.windows, g.anomalies);
	assert_int_equal(g.windows, WINDOWS);
	assert_true(g.anomalies >= 1);
	scan(out, groups[NET_CHANGES], "net.tx_bytes", "[64K,128K)", &g);
	print_message("changed group: net.tx_bytes %d windows, %d anomalies, "
		      "64K writes on top %d\n", g.windows, g.anomalies,
		      g.label_on_top);
	assert_true(g.anomalies >= 1);
	assert_true(g.label_on_top);

	for (size_t i = 0; i < sizeof(unmoved) / sizeof(unmoved[0]); i++) {
		scan(out, groups[NET_STEADY], unmoved[i], NULL, &g);
		print_message("steady group: %s: %d windows, %d anomalies\n",
			      unmoved[i], g.windows, g.anomalies);
		assert_int_equal(g.windows, WINDOWS);
		assert_int_equal(g.anomalies, 0);
	}
	for (size_t i = 0; i < sizeof(printed) / sizeof(printed[0]); i++) {
		scan(out, groups[NET_STEADY], printed[i], NULL, &g);
		print_message("steady group: %s: %d windows, %d anomalies "
			      "(not asserted)\n", printed[i], g.windows,
			      g.anomalies);
	}
}

static int setup(void **state)
{
	char path[4400], cmd[200];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	harness__cgroup2_mount(mount_point, sizeof(mount_point));
	for (size_t i = 0; i < NGROUPS; i++) {
		group_path(groups[i], NULL, path, sizeof(path));
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
	}
	snprintf(netns, sizeof(netns), "dpcg%d", (int)getpid());
	snprintf(netns_path, sizeof(netns_path), "/run/netns/%s", netns);
	snprintf(cmd, sizeof(cmd), "ip netns add %s && ip -n %s link set lo up",
		 netns, netns);
	return system(cmd) ? -1 : 0;
}

/* After each test: kill its children, so the next one runs alone. */
static int kill_children(void **state)
{
	(void)state;
	for (size_t i = 0; i < npids; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	npids = 0;
	return 0;
}

/* Remove the (now empty) groups, the namespace and the temp dir. */
static int teardown(void **state)
{
	char path[4400], cmd[300];

	kill_children(state);
	for (size_t i = 0; i < NGROUPS; i++) {
		group_path(groups[i], NULL, path, sizeof(path));
		rmdir(path);
	}
	if (netns[0]) {
		snprintf(cmd, sizeof(cmd), "ip netns del %s", netns);
		if (system(cmd))
			fprintf(stderr, "teardown: '%s' failed\n", cmd);
	}
	return harness__remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
		    run__one_group_changes__only_it_is_flagged_and_late_group_is_new,
		    kill_children),
		cmocka_unit_test_teardown(
		    record__softirq_events__charged_to_the_sockets_cgroup,
		    kill_children),
		cmocka_unit_test_teardown(
		    record_tracepoint__softirq_events__charged_to_the_sockets_cgroup,
		    kill_children),
		cmocka_unit_test_teardown(
		    run__one_group_uploads_to_a_new_port__only_its_net_is_flagged,
		    kill_children),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
