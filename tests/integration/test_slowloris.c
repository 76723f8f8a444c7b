// SPDX-License-Identifier: MIT
/*
 * Root integration test of /metrics under slowloris (issue 24 item 5).
 * `run --listen 127.0.0.1:0` serves metrics; a child process holds
 * ATTACKERS connections that trickle a never-ending request header one
 * byte every TRICKLE_MS and reconnect at once whenever the server drops
 * them. Meanwhile SCRAPES scrapes, one a second, must each be answered
 * "200" within SCRAPE_S. ATTACKERS is more than the exporter's budget and
 * its hard limit (so a mere higher limit fails too). Two attacks: every
 * connection from 127.0.0.1, the scraper's own address (a local user next
 * to a local Prometheus), and each from its own loopback address while the
 * scraper comes from another (a remote crowd). Loopback only; every loop is bounded in
 * time. Also: `--listen 0.0.0.0:0 --insecure-listen` prints one warning
 * line, loopback none (the only test here that binds beyond loopback, for
 * a moment; without --insecure-listen it is refused: test_tls.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "harness.h"

#define ATTACKERS	80
#define TRICKLE_MS	500
#define ATTACK_S	16.0	/* outlasts the scrapes */
#define SCRAPES		10
#define SCRAPE_S	3.0
#define START_S		60.0	/* the probe attaching on a shared machine */
#define WARNING		"driftprobe: warning: --listen "

static char dir[] = "/tmp/dp_itest_slowloris.XXXXXX";
static pid_t probe = -1, attack = -1;
static struct sockaddr_in server;

/* 127.0.0.host as a sockaddr (port 0: any). */
static struct sockaddr_in loopback(unsigned int host)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_addr.s_addr = htonl(0x7f000000u | host);
	return a;
}

/* A non-blocking TCP socket from 127.0.0.from connecting to the server. */
static int dial(unsigned int from)
{
	struct sockaddr_in src = loopback(from);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) ||
	    (connect(fd, (struct sockaddr *)&server, sizeof(server)) &&
	     errno != EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The attacker: ATTACKERS connections, the i-th from 127.0.0.from(i),
 * each sending the next byte of an endless header every TRICKLE_MS and
 * redialled when the server closes it. Exits after ATTACK_S.
 */
static void slowloris(unsigned int (*from)(int))
{
	static const char head[] = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-a: ";
	int fd[ATTACKERS];
	size_t sent[ATTACKERS] = { 0 };
	double end = harness__now() + ATTACK_S;

	for (int i = 0; i < ATTACKERS; i++)
		fd[i] = dial(from(i));
	while (harness__now() < end) {
		usleep(TRICKLE_MS * 1000);
		for (int i = 0; i < ATTACKERS; i++) {
			char c = sent[i] < sizeof(head) - 1 ? head[sent[i]] : 'a';
			char sink[256];
			ssize_t r = fd[i] < 0 ? 0 :
				    recv(fd[i], sink, sizeof(sink), MSG_DONTWAIT);

			if (r < 0 && errno == EAGAIN) {
				r = send(fd[i], &c, 1, MSG_NOSIGNAL);
				if (r == 1)
					sent[i]++;
				if (r == 1 || errno == EAGAIN)
					continue;	/* or still connecting */
			}
			/* Dropped (EOF, reset, refused) or never dialled. */
			if (fd[i] >= 0)
				close(fd[i]);
			fd[i] = dial(from(i));
			sent[i] = 0;
		}
	}
	_exit(0);
}

static unsigned int from_one(int i)
{
	(void)i;
	return 1;
}

static unsigned int from_many(int i)
{
	return 10 + (unsigned int)i;
}

/*
 * One scrape from 127.0.0.from with HTTP/1.0 (the server closes after the
 * reply): true when a "200" status line and a body arrive within SCRAPE_S.
 */
static bool scrape(unsigned int from)
{
	static const char req[] = "GET /metrics HTTP/1.0\r\n\r\n";
	double end = harness__now() + SCRAPE_S;
	int fd = dial(from);
	char buf[65536];
	size_t len = 0, off = 0;
	bool done = false;

	if (fd < 0)
		return false;
	while (!done && harness__now() < end) {
		struct pollfd p = { .fd = fd, .events = off < sizeof(req) - 1 ?
				    POLLOUT : POLLIN };
		ssize_t r;

		if (poll(&p, 1, 100) <= 0)
			continue;
		if (off < sizeof(req) - 1) {
			r = send(fd, req + off, sizeof(req) - 1 - off,
				 MSG_NOSIGNAL);
			if (r < 0)
				break;
			off += (size_t)r;
			continue;
		}
		r = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
		if (r < 0 && errno != EAGAIN)
			break;
		if (r > 0)
			len += (size_t)r;
		done = r == 0 || len == sizeof(buf) - 1;
	}
	close(fd);
	buf[len] = '\0';
	return done && !strncmp(buf, "HTTP/1.", 7) && !strncmp(buf + 8, " 200", 4) &&
	       strstr(buf, "\r\n\r\n");
}

/* How many lines of path contain needle. */
static int count_lines(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		n += !!strstr(line, needle);
	fclose(f);
	return n;
}

/*
 * Spawn `run --listen listen [option]`, stderr to log; the port it serves
 * on.
 */
static unsigned int start_probe(const char *listen, const char *option,
				const char *log, pid_t *pid)
{
	const char *args[] = { "run", "--interval", "1", "--learn", "600",
			       "--listen", listen, option, NULL };
	double end = harness__now() + START_S;
	unsigned int port = 0;
	char addr[64];

	*pid = harness__spawn_logged("/dev/null", log, args);
	while (!port && harness__now() < end) {
		FILE *f = fopen(log, "r");
		char line[512];

		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "serving metrics at http://%63[^/]",
				   addr) == 1 && strrchr(addr, ':'))
				port = (unsigned int)atoi(strrchr(addr, ':') + 1);
		if (f)
			fclose(f);
		if (!port)
			usleep(100000);
	}
	if (!port)
		fail_msg("driftprobe did not report its address in %.0f s; "
			 "see %s", START_S, log);
	return port;
}

static int setup(void **state)
{
	char log[PATH_MAX];

	(void)state;
	harness__require_root();
	assert_non_null(mkdtemp(dir));
	snprintf(log, sizeof(log), "%s/probe.log", dir);
	server = loopback(1);
	server.sin_port = htons((uint16_t)start_probe("127.0.0.1:0", NULL, log,
						      &probe));
	assert_true(scrape(2));
	assert_int_equal(count_lines(log, WARNING), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness__kill_child(&attack);
	if (harness__interrupt(&probe, 60))
		print_error("driftprobe exited non-zero\n");
	return harness__remove_dir(dir);
}

/* Scrape SCRAPES times from 127.0.0.from while the attack goes on. */
static void scrapes_under(unsigned int (*attackers)(int), unsigned int from,
			  const char *what)
{
	int ok = 0;

	attack = fork();
	assert_true(attack >= 0);
	if (attack == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		slowloris(attackers);
	}
	sleep(2);	/* every attacker connected and trickling */
	for (int i = 0; i < SCRAPES; i++) {
		double t = harness__now();
		bool good = scrape(from);

		ok += good;
		print_message("%s: scrape %d %s in %.2f s\n", what, i,
			      good ? "ok" : "FAILED", harness__now() - t);
		while (harness__now() < t + 1)
			usleep(50000);
	}
	harness__kill_child(&attack);
	assert_int_equal(ok, SCRAPES);
}

static void metrics__slowloris_from_the_scrapers_address__scrapes_answered(void **state)
{
	(void)state;
	scrapes_under(from_one, 1, "same address");
}

static void metrics__slowloris_from_many_addresses__scrapes_answered(void **state)
{
	(void)state;
	scrapes_under(from_many, 2, "many addresses");
}

/*
 * Issue 24 item 11: all addresses earn one warning line, loopback none
 * (issue 22: and only when forced in clear).
 */
static void listen__beyond_loopback__one_warning(void **state)
{
	char log[PATH_MAX];
	pid_t pid;

	(void)state;
	snprintf(log, sizeof(log), "%s/any.log", dir);
	start_probe("0.0.0.0:0", "--insecure-listen", log, &pid);
	kill(pid, SIGINT);
	assert_int_equal(harness__wait_exit(pid, 60), 0);
	assert_int_equal(count_lines(log, WARNING), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(metrics__slowloris_from_the_scrapers_address__scrapes_answered),
		cmocka_unit_test(metrics__slowloris_from_many_addresses__scrapes_answered),
		cmocka_unit_test(listen__beyond_loopback__one_warning),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
