// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the HTTP request path of `run --listen`. Each input is
 * sent as raw bytes over loopback to one real exporter (libmicrohttpd's
 * parser, exporter.c's accept policy, connection tracking and handler),
 * then the client half-closes and reads until the server closes. Whatever
 * the bytes, the server must close within a bound, answer nothing or a
 * status line, and a 200 must carry the published exposition and nothing
 * else.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "exporter.h"

#define EXPOSITION	"driftprobe_fuzz 1\n"
#define CLOSE_MS	5000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sockaddr_in server;

/* The exporter, started once and kept (reachable, not a leak). */
static void start(void)
{
	static struct exporter *e;
	struct sockaddr_storage a;
	char err[256];
	const char *port;

	if (e)
		return;
	if (exporter__parse_listen("127.0.0.1:0", &a, err, sizeof(err)) ||
	    !(e = exporter__start(&a, NULL, err, sizeof(err)))) {
		fprintf(stderr, "fuzz_http: %s\n", err);
		abort();
	}
	exporter__publish(e, strdup(EXPOSITION), strlen(EXPOSITION));
	port = strrchr(exporter__address(e), ':');
	server.sin_family = AF_INET;
	server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	server.sin_port = htons((uint16_t)atoi(port + 1));
}

/*
 * A socket connected to the server. At thousands of inputs a second the
 * server's TIME_WAIT of an earlier one can refuse a connect on a reused
 * port: another try, 100 at most.
 */
static int dial(void)
{
	for (int tries = 0; tries < 100; tries++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			break;
		if (!connect(fd, (struct sockaddr *)&server, sizeof(server)))
			return fd;
		close(fd);
	}
	abort();
}

static long long ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char reply[1 << 16];
	long long end;
	int fd;
	size_t len = 0;
	ssize_t r = 1;

	start();
	fd = dial();
	/* The server may answer and close before reading everything. */
	for (size_t off = 0; off < size; off += (size_t)r) {
		r = send(fd, data + off, size - off, MSG_NOSIGNAL);
		if (r <= 0)
			break;
	}
	shutdown(fd, SHUT_WR);
	end = ms() + CLOSE_MS;
	for (r = 1; r > 0;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (ms() > end)
			abort();	/* the server holds a half-closed peer */
		if (poll(&p, 1, 100) <= 0)
			continue;
		r = recv(fd, reply + len, sizeof(reply) - 1 - len, 0);
		if (r > 0)
			len += (size_t)r;
		if (len == sizeof(reply) - 1)
			break;
	}
	close(fd);
	reply[len] = '\0';
	if (len && strncmp(reply, "HTTP/1.", 7))
		abort();
	/* Every 200 is / or /metrics; the latter's body is the exposition. */
	for (char *p = strstr(reply, " 200 "); p; p = strstr(p + 1, " 200 ")) {
		char *body = strstr(p, "\r\n\r\n");

		if (!body)
			abort();
		body += 4;
		if (strncmp(body, EXPOSITION, strlen(EXPOSITION)) &&
		    strncmp(body, "driftprobe: metrics at /metrics\n", 32) &&
		    *body)	/* HEAD: no body */
			abort();
	}
	return 0;
}
