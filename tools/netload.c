// SPDX-License-Identifier: MIT
/*
 * netload: the traffic the network tests (and the README walkthrough) feed
 * driftprobe. Run each mode inside a network namespace of your own.
 *
 *   netload serve ADDR            TCP request/response on ADDR:8080, a TCP
 *                                 sink on *:4444, a DNS-like UDP responder
 *                                 on *:53; until killed
 *   netload steady SERVER         100 times a second (on an absolute
 *                                 schedule): one UDP query of 28-59 bytes
 *                                 to SERVER:53 and one TCP connection to
 *                                 SERVER:8080 (200-byte request, 1500-byte
 *                                 answer); until killed
 *   netload upload ADDR PORT MB   send MB MiB over one TCP connection
 *   netload dns SERVER N BYTES    N UDP payloads of BYTES to SERVER:53
 *                                 (DNS tunnelling shape)
 *   netload scan ADDR FROM TO     connect to every port FROM..TO once
 *
 * IPv4 only; every failure is one line on stderr and exit status 1
 * (2 for bad arguments).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "io_full.h"

#define SERVICE_PORT	8080
#define SINK_PORT	4444
#define DNS_PORT	53
#define REQUEST_BYTES	200
#define ANSWER_BYTES	1500
#define DNS_ANSWER	64
#define MAX_CONNS	64

static void die(const char *what)
{
	fprintf(stderr, "netload: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fputs("usage: netload serve ADDR | steady SERVER | upload ADDR PORT MB |"
	      " dns SERVER N BYTES | scan ADDR FROM TO\n", stderr);
	exit(2);
}

static unsigned long number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v > max) {
		fprintf(stderr, "netload: '%s': expected an integer 0..%lu\n", s,
			max);
		exit(2);
	}
	return v;
}

static struct sockaddr_in address(const char *ip, unsigned int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };

	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		fprintf(stderr, "netload: '%s': expected an IPv4 address\n", ip);
		exit(2);
	}
	return a;
}

static int listener(int type, const char *ip, unsigned int port)
{
	struct sockaddr_in a = address(ip, port);
	int one = 1, fd = socket(AF_INET, type, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		die("bind");
	if (type == SOCK_STREAM && listen(fd, 512))
		die("listen");
	return fd;
}

/*
 * One poll loop: request/response connections are answered in one go
 * (requests are small), sink connections are drained as data comes.
 */
static __attribute__((noreturn)) int serve(const char *ip)
{
	static char buf[1 << 16];
	struct pollfd p[3 + MAX_CONNS];
	int nconns = 0;

	p[0] = (struct pollfd){ .fd = listener(SOCK_STREAM, ip, SERVICE_PORT),
				.events = POLLIN };
	p[1] = (struct pollfd){ .fd = listener(SOCK_STREAM, "0.0.0.0",
						      SINK_PORT),
				.events = POLLIN };
	p[2] = (struct pollfd){ .fd = listener(SOCK_DGRAM, "0.0.0.0",
						      DNS_PORT),
				.events = POLLIN };
	memset(buf, 'a', sizeof(buf));
	for (;;) {
		if (poll(p, 3 + nconns, -1) < 0)
			die("poll");
		if (p[0].revents & POLLIN) {
			int c = accept(p[0].fd, NULL, NULL);

			if (c >= 0) {
				if (!read_full(c, buf, REQUEST_BYTES))
					write_full(c, buf, ANSWER_BYTES);
				close(c);
			}
		}
		if ((p[1].revents & POLLIN) && nconns < MAX_CONNS) {
			int c = accept(p[1].fd, NULL, NULL);

			if (c >= 0)
				p[3 + nconns++] = (struct pollfd){ .fd = c,
								   .events = POLLIN };
		}
		if (p[2].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t len = sizeof(from);

			if (recvfrom(p[2].fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &len) > 0)
				sendto(p[2].fd, buf, DNS_ANSWER, 0,
				       (struct sockaddr *)&from, len);
		}
		for (int i = 0; i < nconns; i++) {
			if (!p[3 + i].revents)
				continue;
			if (read(p[3 + i].fd, buf, sizeof(buf)) > 0)
				continue;
			close(p[3 + i].fd);
			p[3 + i] = p[3 + --nconns];
			i--;
		}
	}
}

static void request_response(const struct sockaddr_in *srv)
{
	static char buf[ANSWER_BYTES];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	memset(buf, 'q', REQUEST_BYTES);
	if (connect(fd, (const struct sockaddr *)srv, sizeof(*srv)) ||
	    write_full(fd, buf, REQUEST_BYTES) ||
	    read_full(fd, buf, ANSWER_BYTES))
		die("request to the service port");
	close(fd);
}

/* The server may still be starting: try its port for up to 5 s. */
static void wait_for(const struct sockaddr_in *srv)
{
	struct timespec ms = { 0, 1000 * 1000 };

	for (int i = 0; i < 5000; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

		if (fd < 0)
			die("socket");
		ok = !connect(fd, (const struct sockaddr *)srv, sizeof(*srv));
		close(fd);
		if (ok)
			return;
		nanosleep(&ms, NULL);
	}
	die("the service port never answered");
}

static __attribute__((noreturn)) int steady(const char *ip)
{
	struct sockaddr_in tcp = address(ip, SERVICE_PORT),
			   dns = address(ip, DNS_PORT);
	struct timeval wait = { 0, 200 * 1000 };
	struct timespec next;
	char q[64], a[DNS_ANSWER];
	int u = socket(AF_INET, SOCK_DGRAM, 0);

	if (u < 0)
		die("socket");
	setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
	memset(q, 'd', sizeof(q));
	wait_for(&tcp);
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (unsigned int i = 0;; i++) {
		/* Query sizes a resolver sends: 28..59 bytes. */
		if (sendto(u, q, 28 + (i * 7) % 32, 0, (struct sockaddr *)&dns,
			   sizeof(dns)) < 0)
			die("sendto");
		recv(u, a, sizeof(a), 0);	/* a lost answer is fine */
		request_response(&tcp);
		/* An absolute schedule: a slow round is made up, not lost. */
		next.tv_nsec += 10 * 1000 * 1000;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
}

static int upload(const char *ip, unsigned int port, unsigned long mib)
{
	static char buf[1 << 16];
	struct sockaddr_in a = address(ip, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		die("connect");
	memset(buf, 'x', sizeof(buf));
	for (unsigned long i = 0; i < mib * 16; i++)
		if (write_full(fd, buf, sizeof(buf)))
			die("write");
	close(fd);
	return 0;
}

static int dns_burst(const char *ip, unsigned long n, unsigned long bytes)
{
	static char q[65507];
	struct sockaddr_in a = address(ip, DNS_PORT);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		die("socket");
	memset(q, 't', sizeof(q));
	for (unsigned long i = 0; i < n; i++)
		if (sendto(fd, q, bytes, 0, (struct sockaddr *)&a, sizeof(a)) < 0)
			die("sendto");
	close(fd);
	return 0;
}

/* A closed port answers with a reset: connect fails with ECONNREFUSED. */
static int scan(const char *ip, unsigned long from, unsigned long to)
{
	for (unsigned long port = from; port <= to; port++) {
		struct sockaddr_in a = address(ip, port);
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			die("socket");
		connect(fd, (struct sockaddr *)&a, sizeof(a));
		close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && !strcmp(argv[1], "serve"))
		return serve(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "steady"))
		return steady(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "upload"))
		return upload(argv[2], number(argv[3], 65535),
			      number(argv[4], 1 << 20));
	if (argc == 5 && !strcmp(argv[1], "dns"))
		return dns_burst(argv[2], number(argv[3], 1UL << 30),
				 number(argv[4], 65507));
	if (argc == 5 && !strcmp(argv[1], "scan"))
		return scan(argv[2], number(argv[3], 65535),
			    number(argv[4], 65535));
	usage();
}
