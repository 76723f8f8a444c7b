// SPDX-License-Identifier: MIT
/*
 * syslog5424.c: messages byte for byte against hand-checked ones (PRI,
 * timestamp, header fields cleaned, SD-PARAM values escaped per RFC 5424
 * section 6.3.3 after the text escaping), every message parsed by a
 * regular expression of the RFC's grammar (tests/unit/rfc5424.py) with
 * its values unescaped back, the size bound; and the socket: a message
 * reaches a datagram socket the test binds, and again after that socket
 * was replaced (a restarted journald); a missing one fails at open.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "syslog5424.h"
#include "test_tmpdir.h"
#include "test_unix_socket.h"

static char dir[] = "/tmp/dp_unit_syslog.XXXXXX";

static const struct syslog5424_param params[] = {
	{ "id", "7" },
	{ "severity", "critical" },
	{ "cgroup", "/a\"b]c\\d" },
	{ "features", "net.dport,syscall.id,\xe2\x80\xa6" },
	{ "culprit", "nc[1234]" },
	{ "evil", "x\ny\x1b[31m" },
};

static struct syslog5424_msg example(void)
{
	return (struct syslog5424_msg){
		.facility = SYSLOG5424_LOCAL0, .severity = SYSLOG5424_CRIT,
		.ts = 1700000000.5, .host = "h1", .app = "driftprobe",
		.procid = "42", .msgid = "incident",
		.sd_id = "driftprobe@32473", .params = params,
		.nparams = sizeof(params) / sizeof(params[0]),
		.text = "critical: /a: syscall.id, led by nc",
	};
}

static void syslog5424__format__hand_checked(void **state)
{
	struct syslog5424_msg m = example();
	char buf[SYSLOG5424_MAX + 1];
	size_t len;

	(void)state;
	len = syslog5424__format(&m, buf, sizeof(buf));
	/* local0 (16) * 8 + crit (2) = 130 */
	assert_string_equal(buf,
		"<130>1 2023-11-14T22:13:20.500Z h1 driftprobe 42 incident "
		"[driftprobe@32473 id=\"7\" severity=\"critical\" "
		"cgroup=\"/a\\\"b\\]c\\\\\\\\d\" "
		"features=\"net.dport,syscall.id,\xe2\x80\xa6\" "
		"culprit=\"nc[1234\\]\" evil=\"x\\\\ny\\\\x1b[31m\"] "
		"critical: /a: syscall.id, led by nc");
	assert_int_equal(len, strlen(buf));

	/* Header fields: no space or control in them, "-" when empty. */
	m = (struct syslog5424_msg){ .facility = SYSLOG5424_LOCAL0,
		.severity = SYSLOG5424_NOTICE, .ts = 1700000000.9996,
		.host = "my host\n", .app = "driftprobe", .procid = "",
		.msgid = "incident", .text = "line\nbreak" };
	syslog5424__format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "<133>1 2023-11-14T22:13:21.000Z my_host_ "
			    "driftprobe - incident - line\\nbreak");
}

static void syslog5424__format__bounded(void **state)
{
	struct syslog5424_msg m = example();
	char buf[SYSLOG5424_MAX + 1], big[8000], cg[1000];
	struct syslog5424_param p[] = { { "cgroup", cg } };
	size_t len;

	(void)state;
	memset(big, 'w', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memset(cg, ']', sizeof(cg) - 1);
	cg[sizeof(cg) - 1] = '\0';
	m.text = big;
	m.params = p;
	m.nparams = 1;
	len = syslog5424__format(&m, buf, sizeof(buf));
	assert_int_equal(len, SYSLOG5424_MAX);
	assert_int_equal(strlen(buf), SYSLOG5424_MAX);
	/* The value is cut (at most VALUE_MAX before escaping), the SD closed. */
	assert_non_null(strstr(buf, "...\"] wwww"));
	assert_true(strstr(buf, "\"] ") - buf < 400);
}

/* Run rfc5424.py over msgs; its output (malloc'd). */
static char *parse_with_python(const char *msgs)
{
	char in[400], cmd[900], *out = calloc(1, 1 << 16);
	FILE *f, *p;
	size_t n;

	assert_non_null(out);
	snprintf(in, sizeof(in), "%s/msgs", dir);
	f = fopen(in, "w");
	assert_non_null(f);
	fputs(msgs, f);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "python3 tests/unit/rfc5424.py < '%s'", in);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, (1 << 16) - 1, p);
	out[n] = '\0';
	if (pclose(p))
		fail_msg("rfc5424.py refused a message:\n%s", out);
	return out;
}

static void syslog5424__format__parses_as_rfc5424(void **state)
{
	struct syslog5424_msg m = example();
	char buf[SYSLOG5424_MAX + 1], msgs[3 * (SYSLOG5424_MAX + 2)], *out;

	(void)state;
	syslog5424__format(&m, buf, sizeof(buf));
	snprintf(msgs, sizeof(msgs), "%s\n", buf);
	m.sd_id = NULL;
	m.text = NULL;
	syslog5424__format(&m, buf, sizeof(buf));
	strcat(msgs, buf);
	strcat(msgs, "\n");
	out = parse_with_python(msgs);
	/* The values come back as the text escaping wrote them. */
	assert_string_equal(out,
		"130\t1\t2023-11-14T22:13:20.500Z\th1\tdriftprobe\t42\tincident\t"
		"driftprobe@32473\tid=7\tseverity=critical\tcgroup=/a\"b]c\\\\d\t"
		"features=net.dport,syscall.id,\xe2\x80\xa6\tculprit=nc[1234]\t"
		"evil=x\\ny\\x1b[31m\tcritical: /a: syscall.id, led by nc\n"
		"130\t1\t2023-11-14T22:13:20.500Z\th1\tdriftprobe\t42\tincident\t\n");
	free(out);

	/* The grammar check can fail: an unescaped ']' in a value. */
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "echo '<130>1 - h a p m [x@1 k=\"a]b\"] t' "
			 "| python3 tests/unit/rfc5424.py >/dev/null");
		assert_int_not_equal(system(cmd), 0);
	}
}

static void syslog5424__send__reaches_the_socket_and_survives_a_restart(void **state)
{
	char path[300], err[512], got[SYSLOG5424_MAX + 1];
	struct syslog5424 *s;
	int server;
	ssize_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/log", dir);
	assert_null(syslog5424__open(path, err, sizeof(err)));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "cannot connect"));

	server = test_unix_socket__bind(path);
	s = syslog5424__open(path, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(syslog5424__send(s, "<133>1 - - - - - - one", 22, err,
					  sizeof(err)), 0);
	n = recv(server, got, sizeof(got) - 1, MSG_DONTWAIT);
	assert_int_equal(n, 22);
	got[n] = '\0';
	assert_string_equal(got, "<133>1 - - - - - - one");

	/* journald restarted: a new socket at the same path. */
	close(server);
	server = test_unix_socket__bind(path);
	assert_int_equal(syslog5424__send(s, "<133>1 - - - - - - two", 22, err,
					  sizeof(err)), 0);
	n = recv(server, got, sizeof(got) - 1, MSG_DONTWAIT);
	assert_int_equal(n, 22);

	/* Gone: an error naming the socket, no crash. */
	close(server);
	unlink(path);
	assert_int_not_equal(syslog5424__send(s, "x", 1, err, sizeof(err)), 0);
	assert_non_null(strstr(err, path));
	syslog5424__close(s);

	/* The environment variable chooses the socket (tests only). */
	server = test_unix_socket__bind(path);
	setenv(SYSLOG5424_SOCKET_ENV, path, 1);
	s = syslog5424__open(NULL, err, sizeof(err));
	unsetenv(SYSLOG5424_SOCKET_ENV);
	assert_non_null(s);
	assert_int_equal(syslog5424__send(s, "three", 5, err, sizeof(err)), 0);
	assert_int_equal(recv(server, got, sizeof(got), MSG_DONTWAIT), 5);
	syslog5424__close(s);
	close(server);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return test_tmpdir__remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syslog5424__format__hand_checked),
		cmocka_unit_test(syslog5424__format__bounded),
		cmocka_unit_test(syslog5424__format__parses_as_rfc5424),
		cmocka_unit_test(syslog5424__send__reaches_the_socket_and_survives_a_restart),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
