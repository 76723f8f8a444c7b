// SPDX-License-Identifier: MIT
/*
 * Root integration test of /metrics over TLS with authentication. Setup
 * makes a test CA with openssl, a server certificate for 127.0.0.1 and two
 * client certificates (one from the CA, one self-signed), and a bcrypt hash
 * of the scrape password with python3's crypt (libxcrypt; cost 10).
 *   1. `run --listen 127.0.0.1:0 --web-config` (TLS 1.2+, basic auth, the
 *      file's paths relative to it): curl over https with the right
 *      credentials gets 200 and the exposition; without credentials, with a
 *      wrong password or an unknown user 401 with WWW-Authenticate; plain
 *      http and TLS 1.1 get nothing; 70 connections that never finish a
 *      handshake do not keep a scrape out. Then a real Prometheus (Debian's, a
 *      temp config and TSDB, loopback only) scrapes it over TLS with
 *      basic_auth: its query API says up == 1 and returns driftprobe
 *      series from that job.
 *   2. RequireAndVerifyClientCert, TLS 1.3 only: a client certificate from
 *      the CA gets 200; none, or the self-signed one, gets 403; TLS 1.2
 *      gets no handshake.
 *   3. A listener beyond loopback without TLS is refused with exit 2 before
 *      anything is bound or attached (from the command line and from the
 *      config file, which is named with its line; basic auth alone is not
 *      enough), and --insecure-listen lets it run.
 * Every wait is bounded polling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "harness.h"

#define WAIT_S 180.0	/* generous: the machine is shared and slow */
#define USER "prometheus"
#define PASSWORD "dp-scrape-secret"
#define IDLE_CONNS 70	/* more than the exporter's budget and limit */

static char dir[] = "/tmp/dptls.XXXXXX";
static pid_t probe_pid = -1, prom_pid = -1;

/* Run a shell command in dir; fail (with its output) unless it exits 0. */
static void sh(const char *fmt, ...)
{
	char cmd[4096], full[4200], *out;
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd '%s' && { %s; } 2>&1", dir, cmd);
	out = harness__sh(full, &status);
	if (status)
		fail_msg("'%s' failed (%d):\n%s", cmd, status, out);
	free(out);
}

static void write_file(const char *name, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	harness__write_file(path, text);
	sh("chmod 600 '%s'", name);
}

/* A key and a certificate signed by the test CA (ext: its extensions). */
static void signed_cert(const char *name, const char *cn, const char *ext)
{
	char ext_name[64];

	snprintf(ext_name, sizeof(ext_name), "%s.ext", name);
	write_file(ext_name, ext);
	sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
	   "-nodes -keyout %s.key -out %s.csr -subj /CN=%s", name, name, cn);
	sh("openssl x509 -req -in %s.csr -CA ca.crt -CAkey ca.key "
	   "-CAcreateserial -days 2 -out %s.crt -extfile %s", name, name,
	   ext_name);
}

static void make_pki(void)
{
	sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
	   "-nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=dp-test-ca");
	signed_cert("server", "127.0.0.1",
		    "subjectAltName=IP:127.0.0.1\n"
		    "extendedKeyUsage=serverAuth\n");
	signed_cert("client", "dp-scraper", "extendedKeyUsage=clientAuth\n");
	sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
	   "-nodes -keyout rogue.key -out rogue.crt -days 2 -subj /CN=dp-rogue");
	sh("chmod 600 *.key *.crt");
}

/* bcrypt of PASSWORD at cost 10 ($2b$), from python3's crypt module. */
static void bcrypt_hash(char *out, size_t len)
{
	int status;
	char *h = harness__sh("python3 -W ignore -c 'import crypt; print(crypt."
			      "crypt(\"" PASSWORD "\", crypt.mksalt(crypt."
			      "METHOD_BLOWFISH, rounds=1024)))'", &status);

	if (status || strncmp(h, "$2b$10$", 7) || strlen(h) != 61)
		fail_msg("python3 crypt made no cost-10 bcrypt hash: '%s'", h);
	h[60] = '\0';
	snprintf(out, len, "%s", h);
	free(h);
}

/* Start run with extra args; wait for "serving metrics at https://ADDR". */
static void start_probe(const char *web_config, const char *log, char *addr,
			size_t len)
{
	char *const argv[] = { (char *)harness__binary(), "run", "--interval",
			       "1", "--learn", "3", "--listen", "127.0.0.1:0",
			       "--web-config", (char *)web_config, NULL };
	double end = harness__now() + WAIT_S;

	probe_pid = harness__spawn_cmd(log, argv);
	for (;;) {
		char *text = harness__read_file(log), *p;

		p = strstr(text, "serving metrics at https://");
		if (p && sscanf(p, "serving metrics at https://%63[^/]", addr) == 1 &&
		    strlen(addr) < len) {
			free(text);
			return;
		}
		free(text);
		harness__fail_if_exited(&probe_pid, "driftprobe", log);
		if (harness__now() > end)
			fail_msg("driftprobe did not report an https address "
				 "in %.0f s", WAIT_S);
		usleep(50000);
	}
}

/*
 * curl with opts against https://addr/metrics (or the url in opts): the
 * response (headers and body), *http the status code curl saw (0: none),
 * *exit curl's exit status.
 */
static char *curl(const char *opts, const char *addr, int *http, int *exit)
{
	char cmd[2048], *out, *code;

	snprintf(cmd, sizeof(cmd), "cd '%s' && curl -s -i --max-time 10 "
		 "-w '\\nDPCODE=%%{http_code}' %s 'https://%s/metrics'", dir,
		 opts, addr);
	out = harness__sh(cmd, exit);
	code = strstr(out, "\nDPCODE=");
	*http = code ? atoi(code + 8) : 0;
	return out;
}

/* Poll until curl with opts gets 200 and a body naming needle. */
static char *wait_exposition(const char *opts, const char *addr,
			     const char *needle, const char *log)
{
	double end = harness__now() + WAIT_S;

	for (;;) {
		int http, exit;
		char *out = curl(opts, addr, &http, &exit);

		if (http == 200 && strstr(out, needle))
			return out;
		free(out);
		harness__fail_if_exited(&probe_pid, "driftprobe", log);
		if (harness__now() > end)
			fail_msg("https://%s/metrics (curl %s) never served '%s'",
				 addr, opts, needle);
		usleep(250000);
	}
}

/* curl with opts must get status want (0: no HTTP answer at all). */
static void expect(const char *opts, const char *addr, int want,
		   const char *header)
{
	int http, exit;
	char *out = curl(opts, addr, &http, &exit);

	if (http != want || (want == 0 && !exit) ||
	    (header && !strcasestr(out, header)) || strstr(out, "driftprobe_"))
		fail_msg("curl %s: status %d (exit %d), expected %d%s%s:\n%s",
			 opts, http, exit, want, header ? " with " : "",
			 header ? header : "", out);
	free(out);
}

/*
 * Slowloris over TLS: IDLE_CONNS connections that never start their
 * handshake (one byte, then silence) must not keep a scraper out: the
 * accept policy cuts the oldest still waiting. A scrape is answered 200
 * within 5 s while they are held.
 */
static void scrape_despite_idle_connections(const char *addr)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fds[IDLE_CONNS], http, exit;
	double t0;
	char *out;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)atoi(strrchr(addr, ':') + 1));
	for (int i = 0; i < IDLE_CONNS; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		assert_true(fds[i] >= 0);
		if (connect(fds[i], (struct sockaddr *)&sa, sizeof(sa)) == 0)
			(void)!write(fds[i], "\x16", 1);	/* a record begins */
	}
	t0 = harness__now();
	out = curl("--cacert ca.crt -u " USER ":" PASSWORD, addr, &http, &exit);
	if (http != 200 || harness__now() - t0 > 5)
		fail_msg("with %d idle connections held: status %d after %.1f s"
			 ":\n%s", IDLE_CONNS, http, harness__now() - t0, out);
	free(out);
	for (int i = 0; i < IDLE_CONNS; i++)
		close(fds[i]);
}

/* Prometheus on a free loopback port, ready (another port if it lost it). */
static unsigned int start_prometheus(const char *conf, const char *log)
{
	char cf[PATH_MAX + 16], tsdb[PATH_MAX + 32];
	const char *argv[] = { "prometheus", cf, tsdb,
		"--web.listen-address=127.0.0.1:{port}", NULL };

	snprintf(cf, sizeof(cf), "--config.file=%s", conf);
	snprintf(tsdb, sizeof(tsdb), "--storage.tsdb.path=%s/tsdb", dir);
	return harness__start_server("prometheus", log, "/-/ready", argv,
				     &prom_pid, WAIT_S);
}

static void basic_auth__curl_and_prometheus_scrape_over_tls(void **state)
{
	char hash[64], web[PATH_MAX], log[PATH_MAX], plog[PATH_MAX];
	char conf[PATH_MAX], text[2048], addr[64], *out;
	json_object *doc, *r;
	unsigned int port;
	int http, exit;

	(void)state;
	bcrypt_hash(hash, sizeof(hash));
	snprintf(text, sizeof(text),
		 "# driftprobe test web config (paths relative to this file)\n"
		 "tls_server_config:\n"
		 "  cert_file: server.crt\n"
		 "  key_file: server.key\n"
		 "  min_version: TLS12\n"
		 "basic_auth_users:\n"
		 "  " USER ": %s\n", hash);
	write_file("web.yml", text);
	snprintf(web, sizeof(web), "%s/web.yml", dir);
	snprintf(log, sizeof(log), "%s/probe.log", dir);
	start_probe(web, log, addr, sizeof(addr));

	out = wait_exposition("--cacert ca.crt -u " USER ":" PASSWORD, addr,
			      "driftprobe_build_info", log);
	assert_non_null(strcasestr(out, "Content-Type: text/plain; version=0.0.4"));
	free(out);
	expect("--cacert ca.crt", addr, 401,
	       "WWW-Authenticate: Basic realm=\"driftprobe\"");
	expect("--cacert ca.crt -u " USER ":wrong-password", addr, 401,
	       "WWW-Authenticate: Basic");
	expect("--cacert ca.crt -u nobody:" PASSWORD, addr, 401, NULL);
	/* an unknown CA: curl refuses the server (no answer at all) */
	expect("-u " USER ":" PASSWORD, addr, 0, NULL);
	/* TLS 1.1 is below min_version: no handshake */
	expect("--cacert ca.crt --tlsv1.1 --tls-max 1.1 -u " USER ":" PASSWORD,
	       addr, 0, NULL);
	/* plain HTTP to the TLS port: no HTTP answer */
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "curl -s --max-time 10 -w "
			 "'DPCODE=%%{http_code}' 'http://%s/metrics'", addr);
		out = harness__sh(cmd, &exit);
		if (!exit || strstr(out, "driftprobe_") ||
		    !strstr(out, "DPCODE=000"))
			fail_msg("plain http to the TLS port answered (exit "
				 "%d):\n%s", exit, out);
		free(out);
	}
	/* TLS 1.2 exactly still works */
	out = curl("--cacert ca.crt --tlsv1.2 --tls-max 1.2 -u " USER ":"
		   PASSWORD, addr, &http, &exit);
	assert_int_equal(http, 200);
	free(out);
	scrape_despite_idle_connections(addr);

	/* A real Prometheus scrapes it over TLS with basic auth. */
	snprintf(conf, sizeof(conf), "%s/prometheus.yml", dir);
	snprintf(text, sizeof(text),
		 "global:\n  scrape_interval: 1s\n"
		 "scrape_configs:\n  - job_name: driftprobe\n"
		 "    scheme: https\n"
		 "    tls_config:\n      ca_file: %s/ca.crt\n"
		 "    basic_auth:\n      username: " USER "\n"
		 "      password: " PASSWORD "\n"
		 "    static_configs:\n      - targets: ['%s']\n", dir, addr);
	write_file("prometheus.yml", text);
	snprintf(plog, sizeof(plog), "%s/prometheus.log", dir);
	port = start_prometheus(conf, plog);
	r = harness__prom_wait_query(port, "up{job=\"driftprobe\"} == 1", 1,
				     &doc, &prom_pid, plog, WAIT_S);
	json_object_put(doc);
	r = harness__prom_wait_query(port, "driftprobe_build_info"
				     "{job=\"driftprobe\"}", 1, &doc, &prom_pid,
				     plog, WAIT_S);
	assert_int_equal(json_object_array_length(r), 1);
	json_object_put(doc);
	kill(prom_pid, SIGTERM);
	assert_int_equal(harness__wait_exit(prom_pid, 60), 0);
	prom_pid = -1;
	assert_int_equal(harness__interrupt(&probe_pid, 60), 0);
}

static void client_cert__required_and_verified_tls13(void **state)
{
	char web[PATH_MAX], log[PATH_MAX], addr[64], *out;

	(void)state;
	write_file("web-mtls.yml",
		   "tls_server_config:\n"
		   "  cert_file: server.crt\n"
		   "  key_file: server.key\n"
		   "  client_auth_type: RequireAndVerifyClientCert\n"
		   "  client_ca_file: ca.crt\n"
		   "  min_version: TLS13\n");
	snprintf(web, sizeof(web), "%s/web-mtls.yml", dir);
	snprintf(log, sizeof(log), "%s/probe-mtls.log", dir);
	start_probe(web, log, addr, sizeof(addr));
	out = wait_exposition("--cacert ca.crt --cert client.crt --key "
			      "client.key", addr, "driftprobe_build_info", log);
	free(out);
	/*
	 * No certificate, or one the CA did not sign: 403 (libmicrohttpd
	 * completes the handshake; the request is refused before anything
	 * is served).
	 */
	expect("--cacert ca.crt", addr, 403, NULL);
	expect("--cacert ca.crt --cert rogue.crt --key rogue.key", addr, 403,
	       NULL);
	/* TLS 1.2 is below min_version TLS13 */
	expect("--cacert ca.crt --cert client.crt --key client.key "
	       "--tlsv1.2 --tls-max 1.2", addr, 0, NULL);
	assert_int_equal(harness__interrupt(&probe_pid, 60), 0);
}

static void beyond_loopback_without_tls__refused_exit_2(void **state)
{
	static const char *const cases[] = {
		"run --listen 0.0.0.0:0 2>&1",
		"run --listen '[::]:0' 2>&1",
		"run --listen 192.0.2.1:9464 2>&1",
		"run --listen 0.0.0.0:0 --web-config %s/auth-only.yml 2>&1",
		"run --config %s/listen.conf 2>&1",
	};
	char args[PATH_MAX + 128], hash[64], text[256];
	int status;

	(void)state;
	bcrypt_hash(hash, sizeof(hash));
	snprintf(text, sizeof(text), "basic_auth_users:\n  " USER ": %s\n", hash);
	write_file("auth-only.yml", text);
	write_file("listen.conf", "interval = 1\nlisten = 0.0.0.0:0\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out;
		double t0 = harness__now();

		snprintf(args, sizeof(args), cases[i], dir);
		out = harness__capture(args, &status);
		if (status != 2 || !strstr(out, "beyond loopback without TLS") ||
		    !strstr(out, "--insecure-listen") ||
		    !strstr(out, "--web-config") || strchr(out, '\n') !=
		    out + strlen(out) - 1 || strstr(out, "serving metrics"))
			fail_msg("%s: status %d:\n%s", args, status, out);
		if (i == 4 && !strstr(out, "listen.conf:2: "))
			fail_msg("the config file's line is not named:\n%s", out);
		/* refused before attaching: no probe start, no learning */
		assert_true(harness__now() - t0 < 10);
		free(out);
	}
	/* Forced: it serves in clear, saying so, and runs to the end. */
	{
		char *out = harness__capture("run --listen 0.0.0.0:0 "
					     "--insecure-listen --interval 1 "
					     "--learn 2 --duration 3 2>&1 "
					     ">/dev/null", &status);

		if (status != 0 || !strstr(out, "serving metrics at http://0.0.0.0:") ||
		    !strstr(out, "warning: --listen 0.0.0.0:"))
			fail_msg("--insecure-listen: status %d:\n%s", status, out);
		free(out);
	}
}

static int setup(void **state)
{
	(void)state;
	harness__require_root();
	if (!mkdtemp(dir))
		fail_msg("mkdtemp %s failed", dir);
	make_pki();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness__kill_child(&probe_pid);
	harness__kill_child(&prom_pid);
	return harness__remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(basic_auth__curl_and_prometheus_scrape_over_tls),
		cmocka_unit_test(client_cert__required_and_verified_tls13),
		cmocka_unit_test(beyond_loopback_without_tls__refused_exit_2),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
