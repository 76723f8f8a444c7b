// SPDX-License-Identifier: MIT
/*
 * The network-path load: one TCP connection over 127.0.0.1 between this
 * process and a forked server, both pinned to CPU 0, timed with
 * CLOCK_MONOTONIC. Run it inside a network namespace of your own.
 *
 *   tcp_loop pingpong N BYTES CYCLES CONFIG...   N round trips of BYTES
 *                                                each way (TCP_NODELAY)
 *   tcp_loop bulk MIB CHUNK CYCLES CONFIG...     MIB MiB one way in
 *                                                CHUNK-byte writes
 *
 * CONFIG is NAME or NAME=OBJECT.bpf.o[,OBJECT.bpf.o...]: BPF programs to
 * attach around its slices (see progset.h). Each cycle times one slice per
 * config, configs in turn (the first one rotating), attaching before and
 * detaching after each: slices of tens of milliseconds, so the shared
 * machine's slow spells hit every config alike. Prints one line per slice,
 * "NAME ns/round-trip VALUE CYCLE" or "NAME ns/MiB VALUE CYCLE".
 *
 * One CPU for both ends makes the figure the CPU time the work costs: a
 * round trip is two context switches on one CPU, not two cross-CPU wakeups
 * (an IPI on a VM costs tens of microseconds and varies more than the
 * hooks measured). Exit status 1 on any failure, 2 on bad arguments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "progset.h"
#include "../io_full.h"

#define MIB (1L << 20)
#define MAX_CONFIGS 16

static void die(const char *what)
{
	fprintf(stderr, "tcp_loop: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static void nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("TCP_NODELAY");
}

/*
 * The server side: answer every BYTES-byte message with one of the same
 * size (pingpong), or read everything (bulk, msg == 0), until EOF.
 */
static void serve(int fd, size_t msg)
{
	static char buf[1 << 17];

	if (msg) {
		nodelay(fd);
		while (!read_full(fd, buf, msg) && !write_full(fd, buf, msg))
			;
	} else {
		while (read(fd, buf, sizeof(buf)) > 0)
			;
	}
	exit(0);
}

/*
 * A connected client socket; the server is a child of ours (inheriting the
 * CPU pinning), serving msg (see serve()). *child gets its pid.
 */
static int connect_pair(size_t msg, pid_t *child)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int lfd, fd;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(lfd, 1) || getsockname(lfd, (struct sockaddr *)&a, &len))
		die("listen on 127.0.0.1");
	*child = fork();
	if (*child < 0)
		die("fork");
	if (!*child) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			die("accept");
		close(lfd);
		serve(fd, msg);
	}
	close(lfd);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		die("connect to 127.0.0.1");
	return fd;
}

/* ns per round trip of n messages of msg bytes each way. */
static double pingpong(int fd, long n, size_t msg)
{
	static char buf[1 << 16];
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		if (write_full(fd, buf, msg) || read_full(fd, buf, msg))
			die("round trip");
	return (now_ns() - t0) / n;
}

/* ns per MiB of mib MiB written in chunk-byte writes. */
static double bulk(int fd, long mib, size_t chunk)
{
	static char buf[1 << 17];
	long left = mib * MIB;
	double t0 = now_ns();

	while (left > 0) {
		size_t n = left < (long)chunk ? (size_t)left : chunk;

		if (write_full(fd, buf, n))
			die("bulk write");
		left -= (long)n;
	}
	return (now_ns() - t0) / mib;
}

static long number(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < 1 || v > max) {
		fprintf(stderr, "tcp_loop: '%s': expected an integer 1..%ld\n",
			s, max);
		exit(2);
	}
	return v;
}

struct config {
	char name[64];
	struct progset *progs;
};

/* NAME or NAME=OBJECTS into c; exit on failure. */
static void config_open(struct config *c, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);

	if (!len || len >= sizeof(c->name)) {
		fprintf(stderr, "tcp_loop: '%s': expected NAME[=OBJECTS]\n", arg);
		exit(2);
	}
	memcpy(c->name, arg, len);
	c->name[len] = 0;
	c->progs = progset__open(eq ? eq + 1 : "");
	if (!c->progs)
		exit(1);
}

int main(int argc, char **argv)
{
	struct config configs[MAX_CONFIGS];
	bool is_bulk;
	long n, size, cycles;
	int fd, status, nconfigs = argc - 5;
	pid_t child;

	if (argc < 6 || nconfigs > MAX_CONFIGS ||
	    (strcmp(argv[1], "pingpong") && strcmp(argv[1], "bulk"))) {
		fputs("usage: tcp_loop pingpong N BYTES CYCLES CONFIG... | "
		      "bulk MIB CHUNK CYCLES CONFIG...\n", stderr);
		return 2;
	}
	is_bulk = !strcmp(argv[1], "bulk");
	n = number(argv[2], 1L << 30);
	size = number(argv[3], is_bulk ? 1 << 17 : 1 << 16);
	cycles = number(argv[4], 100000);
	for (int i = 0; i < nconfigs; i++)
		config_open(&configs[i], argv[5 + i]);
	pin_cpu0();
	fd = connect_pair(is_bulk ? 0 : (size_t)size, &child);
	if (!is_bulk)
		nodelay(fd);
	for (long r = 0; r < cycles; r++) {
		for (int i = 0; i < nconfigs; i++) {
			struct config *c = &configs[(r + i) % nconfigs];
			double per;

			if (progset__attach(c->progs))
				return 1;
			/* Warm the path (and the new hooks) untimed. */
			if (is_bulk) {
				bulk(fd, 1, (size_t)size);
				per = bulk(fd, n, (size_t)size);
			} else {
				pingpong(fd, n / 10 + 1, (size_t)size);
				per = pingpong(fd, n, (size_t)size);
			}
			progset__detach(c->progs);
			printf("%s %s %.1f %ld\n", c->name,
			       is_bulk ? "ns/MiB" : "ns/round-trip", per, r);
		}
	}
	close(fd);
	for (int i = 0; i < nconfigs; i++)
		progset__close(configs[i].progs);
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fputs("tcp_loop: the server failed\n", stderr);
		return 1;
	}
	return 0;
}
