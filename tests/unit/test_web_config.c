// SPDX-License-Identifier: MIT
/*
 * web_config.c: the exporter-toolkit web config. Good files give exactly
 * what they say (relative paths against the file's directory, defaults
 * where keys are left out); each bad key or value is refused with
 * FILE:LINE, the key and what was expected; bcrypt hashes are checked for
 * form; web_config__load applies safe_file's checks; the shipped
 * contrib/web-config.yml parses (run from the repository root).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "test_tmpdir.h"
#include "web_config.h"

/* Known bcrypt vectors (Openwall crypt_blowfish's tests): well formed. */
#define HASH_UU "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
#define HASH_2B "$2b$10$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui"

static struct web_config *parse(const char *text, char *err, size_t len)
{
	return web_config__parse(text, strlen(text), "/etc/dp/web.yml", err,
				 len);
}

static void good__full_file__every_field(void **state)
{
	static const char text[] =
		"# comment\n"
		"tls_server_config:\n"
		"  cert_file: server.crt\n"
		"  key_file: /abs/server.key\n"
		"  client_auth_type: RequireAndVerifyClientCert\n"
		"  client_ca_file: \"sub/ca.crt\"\n"
		"  min_version: TLS13\n"
		"basic_auth_users:\n"
		"  prometheus: " HASH_2B "\n"
		"  'other': '" HASH_UU "'\n";
	char err[512] = "";
	struct web_config *wc = parse(text, err, sizeof(err));

	(void)state;
	if (!wc)
		fail_msg("%s", err);
	assert_true(wc->tls);
	assert_string_equal(wc->cert_file, "/etc/dp/server.crt");
	assert_string_equal(wc->key_file, "/abs/server.key");
	assert_string_equal(wc->client_ca_file, "/etc/dp/sub/ca.crt");
	assert_int_equal(wc->client_auth, WEB_CLIENT_AUTH_REQUIRE_AND_VERIFY);
	assert_int_equal(wc->min_version, WEB_TLS13);
	assert_int_equal(wc->nusers, 2);
	assert_string_equal(wc->users[0].name, "prometheus");
	assert_string_equal(wc->users[0].hash, HASH_2B);
	assert_string_equal(wc->users[1].name, "other");
	assert_string_equal(wc->users[1].hash, HASH_UU);
	web_config__free(wc);
}

static void good__defaults_and_partial_files(void **state)
{
	static const char bare[] = "tls_server_config: {cert_file: c, "
		"key_file: k, client_auth_type: VerifyClientCertIfGiven, "
		"client_ca_file: ca, min_version: TLS12}";
	char err[512] = "";
	struct web_config *wc;

	(void)state;
	wc = parse("tls_server_config: {cert_file: c.pem, key_file: k.pem}\n",
		   err, sizeof(err));
	if (!wc)
		fail_msg("%s", err);
	assert_true(wc->tls);
	assert_int_equal(wc->client_auth, WEB_CLIENT_AUTH_NONE);
	assert_int_equal(wc->min_version, WEB_TLS12);
	assert_null(wc->client_ca_file);
	assert_int_equal(wc->nusers, 0);
	web_config__free(wc);

	/* basic auth alone (over plain HTTP, on loopback) */
	wc = parse("basic_auth_users:\n  u: " HASH_UU "\n", err, sizeof(err));
	assert_non_null(wc);
	assert_false(wc->tls);
	assert_null(wc->cert_file);
	assert_int_equal(wc->nusers, 1);
	web_config__free(wc);

	/* empty file, empty document, null sections: nothing asked */
	static const char *const empty[] = { "", "# nothing\n", "---\n",
					     "basic_auth_users:\n",
					     "basic_auth_users: {}\n" };
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		wc = parse(empty[i], err, sizeof(err));
		if (!wc)
			fail_msg("'%s': %s", empty[i], err);
		assert_false(wc->tls);
		assert_int_equal(wc->nusers, 0);
		web_config__free(wc);
	}

	/* a file name without a directory: relative to the working one */
	wc = web_config__parse(bare, strlen(bare), "web.yml", err, sizeof(err));
	if (!wc)
		fail_msg("%s", err);
	assert_string_equal(wc->cert_file, "c");
	assert_string_equal(wc->client_ca_file, "ca");
	assert_int_equal(wc->client_auth, WEB_CLIENT_AUTH_VERIFY_IF_GIVEN);
	web_config__free(wc);
}

/* Each bad file: the message holds every one of the expected pieces. */
static void bad__each_key_and_value__one_line_naming_it(void **state)
{
	static const struct {
		const char *text;
		const char *want[3];
	} cases[] = {
		{ "tls_server_confg:\n  cert_file: a\n",
		  { "web.yml:1: ", "unknown key 'tls_server_confg'",
		    "expected tls_server_config or basic_auth_users" } },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
		  "  cipher_suites: [x]\n",
		  { "web.yml:4: ", "unknown key 'cipher_suites'",
		    "expected cert_file, key_file, client_auth_type" } },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
		  "  min_version: TLS11\n",
		  { ":4: ", "min_version: unknown value 'TLS11'",
		    "expected TLS12 or TLS13" } },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
		  "  client_auth_type: RequireAnyClientCert\n  client_ca_file: c\n",
		  { ":4: ", "unknown value 'RequireAnyClientCert'",
		    "RequireAndVerifyClientCert" } },
		{ "tls_server_config:\n  cert_file: a\n",
		  { "web.yml:1: ", "missing key_file",
		    "expected both cert_file and key_file" } },
		{ "tls_server_config:\n  key_file: a\n",
		  { "missing cert_file", "", "" } },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
		  "  client_auth_type: RequireAndVerifyClientCert\n",
		  { "RequireAndVerifyClientCert needs client_ca_file", "", "" } },
		{ "tls_server_config:\n  cert_file: a\n  key_file: b\n"
		  "  client_ca_file: c\n",
		  { "client_ca_file without a client_auth_type that verifies",
		    "", "" } },
		{ "tls_server_config:\n  cert_file: [a]\n  key_file: b\n",
		  { ":2: ", "tls_server_config.cert_file: expected a "
		    "non-empty string", "" } },
		{ "tls_server_config:\n  cert_file:\n  key_file: b\n",
		  { "cert_file: expected a non-empty string", "", "" } },
		{ "tls_server_config: yes\n",
		  { ":1: ", "tls_server_config: expected a mapping", "" } },
		{ "basic_auth_users:\n  - u\n",
		  { "basic_auth_users: expected a mapping", "", "" } },
		{ "basic_auth_users:\n  u: secret\n",
		  { ":2: ", "basic_auth_users.u: not a bcrypt hash",
		    "htpasswd -nbBC 10" } },
		{ "basic_auth_users:\n  u: $1$abc$defghijklmnopqrstuvwxyz\n",
		  { "not a bcrypt hash", "", "" } },
		{ "basic_auth_users:\n  'a:b': " HASH_UU "\n",
		  { ":2: ", "bad user name 'a:b'", "without ':'" } },
		{ "basic_auth_users:\n  u: " HASH_UU "\n  u: " HASH_UU "\n",
		  { ":3: ", "key 'u' given twice", "" } },
		{ "basic_auth_users:\n  u:\n",
		  { "basic_auth_users: expected a non-empty string", "", "" } },
		{ "tls_server_config: {cert_file: a, key_file: b}\n"
		  "tls_server_config: {cert_file: a, key_file: b}\n",
		  { ":2: ", "'tls_server_config' given twice", "" } },
		{ "- a\n- b\n", { ":1: ", "expected a mapping with "
				  "tls_server_config", "" } },
		{ "tls_server_config: {cert_file: a\n",
		  { "web.yml:", "not YAML", "" } },
		{ "basic_auth_users: {}\n---\nbasic_auth_users: {}\n",
		  { "a second YAML document", "", "" } },
		{ "[a]: b\n", { "expected string keys", "", "" } },
	};
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct web_config *wc;

		err[0] = '\0';
		errno = 0;
		wc = parse(cases[i].text, err, sizeof(err));
		if (wc)
			fail_msg("case %zu accepted:\n%s", i, cases[i].text);
		assert_int_equal(errno, EINVAL);
		assert_null(strchr(err, '\n'));
		assert_int_equal(strncmp(err, "/etc/dp/web.yml:", 16), 0);
		for (int k = 0; k < 3; k++)
			if (!strstr(err, cases[i].want[k]))
				fail_msg("case %zu: '%s' lacks '%s'", i, err,
					 cases[i].want[k]);
	}
}

static void is_bcrypt__forms(void **state)
{
	char h[64];

	(void)state;
	assert_true(web_config__is_bcrypt(HASH_UU));
	assert_true(web_config__is_bcrypt(HASH_2B));
	snprintf(h, sizeof(h), "%s", HASH_UU);
	h[2] = 'y';
	assert_true(web_config__is_bcrypt(h));
	h[2] = 'x';			/* the buggy historical variant */
	assert_false(web_config__is_bcrypt(h));
	snprintf(h, sizeof(h), "%s", HASH_UU);
	memcpy(h + 4, "03", 2);		/* cost below 4 */
	assert_false(web_config__is_bcrypt(h));
	memcpy(h + 4, "32", 2);		/* above 31 */
	assert_false(web_config__is_bcrypt(h));
	memcpy(h + 4, "31", 2);
	assert_true(web_config__is_bcrypt(h));
	h[20] = '!';			/* not bcrypt's base64 */
	assert_false(web_config__is_bcrypt(h));
	snprintf(h, sizeof(h), "%s", HASH_UU);
	h[59] = '\0';			/* short */
	assert_false(web_config__is_bcrypt(h));
	assert_false(web_config__is_bcrypt(""));
}

static void load__file_checks_and_paths(void **state)
{
	char dir[] = "/tmp/dpweb.XXXXXX", path[128], err[512];
	struct web_config *wc;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/web.yml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0600), 0);
	wc = web_config__load(path, err, sizeof(err));
	if (!wc)
		fail_msg("%s", err);
	assert_int_equal(strncmp(wc->cert_file, dir, strlen(dir)), 0);
	assert_string_equal(wc->cert_file + strlen(dir), "/c.pem");
	web_config__free(wc);

	assert_int_equal(chmod(path, 0666), 0);	/* anyone could edit it */
	assert_null(web_config__load(path, err, sizeof(err)));
	assert_non_null(strstr(err, "writable by group/other"));

	snprintf(path, sizeof(path), "%s/missing.yml", dir);
	assert_null(web_config__load(path, err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, path));
	assert_int_equal(test_tmpdir__remove(dir), 0);
}

/* The example that ships parses, as a TLS config without users. */
static void shipped_example__parses(void **state)
{
	char err[512];
	struct web_config *wc;

	(void)state;
	wc = web_config__load("contrib/web-config.yml", err, sizeof(err));
	if (!wc)
		fail_msg("%s", err);
	assert_true(wc->tls);
	assert_string_equal(wc->cert_file, "contrib/driftprobe.crt");
	assert_string_equal(wc->key_file, "contrib/driftprobe.key");
	assert_int_equal(wc->client_auth, WEB_CLIENT_AUTH_NONE);
	assert_int_equal(wc->min_version, WEB_TLS12);
	assert_int_equal(wc->nusers, 0);	/* no published password */
	web_config__free(wc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good__full_file__every_field),
		cmocka_unit_test(good__defaults_and_partial_files),
		cmocka_unit_test(bad__each_key_and_value__one_line_naming_it),
		cmocka_unit_test(is_bcrypt__forms),
		cmocka_unit_test(load__file_checks_and_paths),
		cmocka_unit_test(shipped_example__parses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
