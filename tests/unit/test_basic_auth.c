// SPDX-License-Identifier: MIT
/*
 * basic_auth.c: bcrypt verification against known answers of an
 * independent implementation (Openwall crypt_blowfish's own test vectors,
 * the reference bcrypt libxcrypt descends from, as published), in each
 * accepted prefix; the cache: successes only, a hit costs no bcrypt, a
 * changed password or another user is no hit, it holds at most
 * BASIC_AUTH_CACHE_N entries (the least recently used goes); unknown users
 * cost a bcrypt, missing credentials none; bcrypts are rationed so that
 * guessing cannot stall a cached scraper. Prints what a hit saves.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "basic_auth.h"

/* Long enough for the bcrypt ration (10 a second) to give one more. */
#define RATION_WAIT_US 110000

static const struct {
	const char *hash, *password;
} vectors[] = {
	{ "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U" },
	{ "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK", "U*U*" },
	{ "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a", "U*U*U" },
	{ "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy", "" },
	{ "$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui",
	  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	  "0123456789chars after 72 are ignored" },
	/* $2y$ is $2b$ (PHP's name); for 8-bit text it differs from $2x$ */
	{ "$2y$05$/OK.fbVrR/bpIqNJ5ianF.Sa7shbm4.OzKpvFnX1pQLmQW96oUlCq", "\xa3" },
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static struct basic_auth *one_user(const char *name, const char *hash)
{
	struct basic_auth_user u = { name, hash };
	struct basic_auth *a = basic_auth__new(&u, 1);

	assert_non_null(a);
	return a;
}

static void bcrypt__known_vectors__right_yes_wrong_no(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		struct basic_auth *a = one_user("u", vectors[i].hash);
		char wrong[128];

		snprintf(wrong, sizeof(wrong), "%sx", vectors[i].password);
		if (!basic_auth__check(a, "u", vectors[i].password))
			fail_msg("vector %zu refused", i);
		if (i != 4 && basic_auth__check(a, "u", wrong))
			fail_msg("vector %zu accepted a wrong password", i);
		assert_false(basic_auth__check(a, "v", vectors[i].password));
		basic_auth__free(a);
	}
}

/* $2b$ and $2y$ of the same ASCII password are the same computation. */
static void bcrypt__prefixes_2b_2y(void **state)
{
	char h[64];

	(void)state;
	for (const char *p = "by"; *p; p++) {
		struct basic_auth *a;

		snprintf(h, sizeof(h), "%s", vectors[0].hash);
		h[2] = *p;
		a = one_user("u", h);
		assert_true(basic_auth__check(a, "u", "U*U"));
		assert_false(basic_auth__check(a, "u", "U*V"));
		basic_auth__free(a);
	}
	/* beyond 72 bytes: the truncated vector's extra text changes nothing */
	struct basic_auth *a = one_user("u", vectors[4].hash);
	assert_true(basic_auth__check(a, "u", "0123456789abcdefghijklmnopqrstuvwx"
				      "yzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"));
	basic_auth__free(a);
}

static void cache__hits_cost_no_bcrypt_failures_are_not_kept(void **state)
{
	struct basic_auth *a = one_user("prometheus", vectors[0].hash);
	unsigned long hits, bcrypts, rationed;

	(void)state;
	assert_false(basic_auth__check(a, NULL, NULL));	/* no credentials */
	basic_auth__stats(a, &hits, &bcrypts, &rationed);
	assert_int_equal(hits, 0);
	assert_int_equal(bcrypts, 0);

	for (int i = 0; i < 3; i++)
		assert_false(basic_auth__check(a, "prometheus", "wrong"));
	assert_false(basic_auth__check(a, "nobody", "U*U"));
	basic_auth__stats(a, &hits, &bcrypts, &rationed);
	assert_int_equal(hits, 0);
	assert_int_equal(bcrypts, 4);	/* each failure paid, none kept */

	assert_true(basic_auth__check(a, "prometheus", "U*U"));
	for (int i = 0; i < 5; i++)
		assert_true(basic_auth__check(a, "prometheus", "U*U"));
	assert_false(basic_auth__check(a, "prometheus", "U*U "));
	basic_auth__stats(a, &hits, &bcrypts, &rationed);
	assert_int_equal(hits, 5);
	assert_int_equal(bcrypts, 6);
	basic_auth__free(a);
}

/* More users than entries: the least recently used is the one dropped. */
static void cache__bounded_lru(void **state)
{
	enum { N = BASIC_AUTH_CACHE_N + 2 };
	struct basic_auth_user users[N];
	char names[N][16], passwords[N][16], hashes[N][64];
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	unsigned long hits, bcrypts, rationed;
	struct basic_auth *a;

	(void)state;
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "u%d", i);
		snprintf(passwords[i], sizeof(passwords[i]), "pw-%d", i);
		assert_non_null(crypt_gensalt_rn("$2b$", 4, NULL, 0, salt,
						 sizeof(salt)));
		memset(&cd, 0, sizeof(cd));
		assert_non_null(crypt_rn(passwords[i], salt, &cd, sizeof(cd)));
		assert_int_equal(strlen(cd.output), 60);
		memcpy(hashes[i], cd.output, 61);
		users[i] = (struct basic_auth_user){ names[i], hashes[i] };
	}
	a = basic_auth__new(users, N);
	assert_non_null(a);
	for (int i = 0; i < N; i++) {	/* u0 and u1 fall out */
		usleep(RATION_WAIT_US);
		assert_true(basic_auth__check(a, names[i], passwords[i]));
	}
	usleep(RATION_WAIT_US);
	assert_false(basic_auth__check(a, "u1", "pw-2"));	/* not crossed */
	basic_auth__stats(a, &hits, &bcrypts, &rationed);
	assert_int_equal(hits, 0);
	assert_int_equal(bcrypts, N + 1);
	for (int i = 2; i < N; i++)
		assert_true(basic_auth__check(a, names[i], passwords[i]));
	basic_auth__stats(a, &hits, &bcrypts, &rationed);
	assert_int_equal(hits, N - 2);
	usleep(RATION_WAIT_US);
	assert_true(basic_auth__check(a, "u0", "pw-0"));
	basic_auth__stats(a, &hits, &bcrypts, &rationed);
	assert_int_equal(hits, N - 2);
	assert_int_equal(bcrypts, N + 2);
	assert_int_equal(rationed, 0);
	basic_auth__free(a);
}

/*
 * Guessing: bcrypts are rationed (a burst of 10, then 10 a second), the
 * rest refused at once; a scraper in the cache gets in all along, and once
 * the ration refills a new right password is checked and accepted.
 */
static void ration__guessing_cannot_stall_a_cached_scraper(void **state)
{
	static const struct basic_auth_user users[] = {
		{ "prometheus", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW" },
		{ "other", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK" },
	};
	struct basic_auth *a = basic_auth__new(users, 2);
	unsigned long hits, bcrypts, rationed;
	double t0 = now(), spent;

	(void)state;
	assert_non_null(a);
	assert_true(basic_auth__check(a, "prometheus", "U*U"));	/* cached */
	for (int i = 0; i < 40; i++) {
		assert_false(basic_auth__check(a, "prometheus", "guess"));
		assert_false(basic_auth__check(a, "nobody", "guess"));
		assert_true(basic_auth__check(a, "prometheus", "U*U"));
	}
	spent = now() - t0;
	basic_auth__stats(a, &hits, &bcrypts, &rationed);
	assert_int_equal(hits, 40);
	/* the burst, the first success's included, and the refill meanwhile */
	assert_true(bcrypts >= 10);
	assert_true(bcrypts <= 10 + (unsigned long)(spent * 10) + 1);
	assert_int_equal(bcrypts + rationed, 81);
	usleep(RATION_WAIT_US);
	assert_true(basic_auth__check(a, "other", "U*U*"));
	basic_auth__free(a);
}

/* What the cache saves at a realistic cost (10, htpasswd -B's default). */
static void cache__hit_is_far_cheaper_than_bcrypt(void **state)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	struct basic_auth *a;
	double t0, bcrypt_s, hit_s;
	enum { HITS = 10000 };

	(void)state;
	assert_non_null(crypt_gensalt_rn("$2b$", 10, NULL, 0, salt,
					 sizeof(salt)));
	memset(&cd, 0, sizeof(cd));
	assert_non_null(crypt_rn("scrape-secret", salt, &cd, sizeof(cd)));
	a = one_user("prometheus", cd.output);
	t0 = now();
	assert_true(basic_auth__check(a, "prometheus", "scrape-secret"));
	bcrypt_s = now() - t0;
	t0 = now();
	for (int i = 0; i < HITS; i++)
		assert_true(basic_auth__check(a, "prometheus", "scrape-secret"));
	hit_s = (now() - t0) / HITS;
	fprintf(stderr, "basic_auth: cost 10 bcrypt %.1f ms, cache hit %.2f us "
		"(%.0fx)\n", bcrypt_s * 1e3, hit_s * 1e6, bcrypt_s / hit_s);
	assert_true(hit_s * 100 < bcrypt_s);
	basic_auth__free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bcrypt__known_vectors__right_yes_wrong_no),
		cmocka_unit_test(bcrypt__prefixes_2b_2y),
		cmocka_unit_test(cache__hits_cost_no_bcrypt_failures_are_not_kept),
		cmocka_unit_test(cache__bounded_lru),
		cmocka_unit_test(cache__hit_is_far_cheaper_than_bcrypt),
		cmocka_unit_test(ration__guessing_cannot_stall_a_cached_scraper),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
