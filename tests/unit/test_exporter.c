// SPDX-License-Identifier: MIT
/*
 * exporter.c: --listen parsing (loopback when no address, IPv6 in
 * brackets, every malformed form refused with the option named), and a
 * real libmicrohttpd server on an ephemeral loopback port: /metrics serves
 * exactly what was published last with Prometheus' content type, other
 * paths are 404 and other methods 405; which addresses are loopback only
 * (anything else `run` refuses without TLS); basic auth: 401 with
 * WWW-Authenticate without or with wrong credentials, on every path, and
 * the exposition with the right ones; TLS refusing a key that is no PEM.
 * (TLS itself, client certificates and a real Prometheus scraping over
 * it: tests/integration/test_tls.c.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "basic_auth.h"
#include "exporter.h"

static void parse_listen__forms(void **state)
{
	struct sockaddr_storage a;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&a;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a;
	char err[256], buf[64];

	(void)state;
	assert_int_equal(exporter__parse_listen("9811", &a, err, sizeof(err)), 0);
	assert_int_equal(in4->sin_family, AF_INET);
	assert_int_equal(ntohl(in4->sin_addr.s_addr), INADDR_LOOPBACK);
	assert_int_equal(ntohs(in4->sin_port), 9811);

	assert_int_equal(exporter__parse_listen(":0", &a, err, sizeof(err)), 0);
	assert_int_equal(ntohl(in4->sin_addr.s_addr), INADDR_LOOPBACK);
	assert_int_equal(ntohs(in4->sin_port), 0);

	assert_int_equal(exporter__parse_listen("localhost:9811", &a, err,
						sizeof(err)), 0);
	assert_int_equal(in4->sin_family, AF_INET);
	assert_int_equal(ntohl(in4->sin_addr.s_addr), INADDR_LOOPBACK);
	assert_int_equal(ntohs(in4->sin_port), 9811);

	assert_int_equal(exporter__parse_listen("0.0.0.0:65535", &a, err,
						sizeof(err)), 0);
	assert_int_equal(in4->sin_addr.s_addr, htonl(INADDR_ANY));
	assert_int_equal(ntohs(in4->sin_port), 65535);

	assert_int_equal(exporter__parse_listen("[::1]:19001", &a, err,
						sizeof(err)), 0);
	assert_int_equal(in6->sin6_family, AF_INET6);
	inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
	assert_string_equal(buf, "::1");
	assert_int_equal(ntohs(in6->sin6_port), 19001);
}

static void parse_listen__bad_forms_are_refused(void **state)
{
	static const char *const bad[] = {
		"", ":", "65536", "-1", "+80", "9x", "localhost6:80",
		"example.com:80", "[localhost]:80",
		"1.2.3:80", "1.2.3.4:", "::1:80", "[::1]", "[::1]:",
		"[nope]:80", "1.2.3.4:80:", "[1.2.3.4]:80",
	};
	struct sockaddr_storage a;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (exporter__parse_listen(bad[i], &a, err, sizeof(err)) !=
		    -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(strstr(err, "--listen"));
		assert_non_null(strstr(err, "expected"));
	}
}

/* One HTTP/1.0 exchange; returns the whole response (malloc'd). */
static char *http(const char *address, const char *request)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char *resp = calloc(1, 65536);
	const char *colon = strrchr(address, ':');
	size_t len = 0;
	ssize_t r;
	int fd;

	assert_non_null(resp);
	assert_non_null(colon);
	sa.sin_port = htons((uint16_t)atoi(colon + 1));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, request, strlen(request)),
			 (ssize_t)strlen(request));
	while ((r = read(fd, resp + len, 65535 - len)) > 0)
		len += (size_t)r;
	close(fd);
	return resp;
}

static void is_loopback__only_this_hosts_addresses(void **state)
{
	static const struct {
		const char *listen;
		bool loopback;
	} cases[] = {
		{ "9464", true }, { "127.0.0.1:1", true },
		{ "127.255.0.9:1", true }, { "[::1]:1", true },
		{ "[::ffff:127.0.0.1]:1", true }, { "0.0.0.0:1", false },
		{ "10.0.0.1:1", false }, { "128.0.0.1:1", false },
		{ "[::]:1", false }, { "[::ffff:10.0.0.1]:1", false },
		{ "[fe80::1]:1", false },
	};
	struct sockaddr_storage a;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(exporter__parse_listen(cases[i].listen, &a, err,
							sizeof(err)), 0);
		if (exporter__is_loopback(&a) != cases[i].loopback)
			fail_msg("%s: loopback %d", cases[i].listen,
				 !cases[i].loopback);
	}
}

/* An exporter on a port of 127.0.0.1 the kernel picks (sec may be NULL). */
static struct exporter *start_loopback(const struct exporter_security *sec)
{
	struct sockaddr_storage a;
	struct exporter *e;
	char err[256];

	assert_int_equal(exporter__parse_listen("127.0.0.1:0", &a, err,
						sizeof(err)), 0);
	e = exporter__start(&a, sec, err, sizeof(err));
	if (!e)
		fail_msg("%s", err);
	return e;
}

static void server__serves_last_publication(void **state)
{
	struct exporter *e;
	char *resp;

	(void)state;
	e = start_loopback(NULL);
	assert_int_equal(strncmp(exporter__address(e), "127.0.0.1:", 10), 0);
	assert_string_not_equal(exporter__address(e), "127.0.0.1:0");

	exporter__publish(e, strdup("first 1\n"), 8);
	exporter__publish(e, strdup("metric_a 1\nmetric_b 2\n"), 22);
	resp = http(exporter__address(e), "GET /metrics HTTP/1.0\r\n\r\n");
	assert_int_equal(strncmp(resp, "HTTP/1.0 200", 12) &&
			 strncmp(resp, "HTTP/1.1 200", 12), 0);
	assert_non_null(strcasestr(resp, "Content-Type: text/plain; "
					 "version=0.0.4; charset=utf-8\r\n"));
	assert_non_null(strstr(resp, "\r\n\r\nmetric_a 1\nmetric_b 2\n"));
	assert_null(strstr(resp, "first"));
	free(resp);

	resp = http(exporter__address(e), "GET /nope HTTP/1.0\r\n\r\n");
	assert_non_null(strstr(resp, " 404 "));
	free(resp);
	resp = http(exporter__address(e), "POST /metrics HTTP/1.0\r\n"
					  "Content-Length: 0\r\n\r\n");
	assert_non_null(strstr(resp, " 405 "));
	free(resp);
	exporter__stop(e);
}

static void server__taken_port__fails_naming_the_address(void **state)
{
	struct sockaddr_storage a;
	struct exporter *e1, *e2;
	char err[256], spec[64];

	(void)state;
	e1 = start_loopback(NULL);
	snprintf(spec, sizeof(spec), "%s", exporter__address(e1));
	assert_int_equal(exporter__parse_listen(spec, &a, err, sizeof(err)), 0);
	e2 = exporter__start(&a, NULL, err, sizeof(err));
	assert_null(e2);
	assert_non_null(strstr(err, spec));
	assert_non_null(strstr(err, "--listen"));
	exporter__stop(e1);
}

/* "prometheus:U*U", base64 (RFC 7617). */
#define CREDENTIALS "cHJvbWV0aGV1czpVKlU="
#define WRONG "cHJvbWV0aGV1czpVKlY="	/* prometheus:U*V */

static void server__basic_auth__401_unless_right_credentials(void **state)
{
	static const struct basic_auth_user users[] = {
		{ "prometheus",
		  "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW" },
	};
	struct exporter_security sec = { .users = users, .nusers = 1 };
	static const char *const refused[] = {
		"GET /metrics HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.0\r\n\r\n",
		"GET /metrics HTTP/1.0\r\nAuthorization: Basic " WRONG "\r\n\r\n",
		"GET /metrics HTTP/1.0\r\nAuthorization: Basic bm9ib2R5OlUqVQ==\r\n\r\n",
		"GET /metrics HTTP/1.0\r\nAuthorization: Bearer " CREDENTIALS "\r\n\r\n",
	};
	struct exporter *e;
	char *resp;

	(void)state;
	e = start_loopback(&sec);
	assert_false(exporter__tls(e));
	exporter__publish(e, strdup("metric_a 1\n"), 11);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		resp = http(exporter__address(e), refused[i]);
		if (!strstr(resp, " 401 ") ||
		    !strcasestr(resp, "WWW-Authenticate: Basic realm=\"driftprobe\"") ||
		    strstr(resp, "metric_a"))
			fail_msg("request %zu:\n%s", i, resp);
		free(resp);
	}
	resp = http(exporter__address(e), "GET /metrics HTTP/1.0\r\n"
		    "Authorization: Basic " CREDENTIALS "\r\n\r\n");
	assert_non_null(strstr(resp, " 200 "));
	assert_non_null(strstr(resp, "\r\n\r\nmetric_a 1\n"));
	free(resp);
	exporter__stop(e);
}

static void server__tls_with_bad_pem__refused_naming_tls(void **state)
{
	struct exporter_security sec = { .cert_pem = "not a certificate",
					 .key_pem = "not a key" };
	struct sockaddr_storage a;
	char err[512];

	(void)state;
	assert_int_equal(exporter__parse_listen("127.0.0.1:0", &a, err,
						sizeof(err)), 0);
	assert_null(exporter__start(&a, &sec, err, sizeof(err)));
	assert_non_null(strstr(err, "--listen 127.0.0.1:0"));
	assert_non_null(strstr(err, "TLS refused"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_listen__forms),
		cmocka_unit_test(parse_listen__bad_forms_are_refused),
		cmocka_unit_test(is_loopback__only_this_hosts_addresses),
		cmocka_unit_test(server__serves_last_publication),
		cmocka_unit_test(server__taken_port__fails_naming_the_address),
		cmocka_unit_test(server__basic_auth__401_unless_right_credentials),
		cmocka_unit_test(server__tls_with_bad_pem__refused_naming_tls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
